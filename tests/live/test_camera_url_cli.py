"""``configurator camera URL``: any MJPEG/JPEG URL through the viewer's pipeline, no probing."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from configurator.cli.common import is_camera_url
from configurator.live.diagnostic import url_camera_diagnostic

from .mjpeg_server import CameraServer


@pytest.mark.parametrize(("text", "expected"), [
    ("http://10.0.0.5/mjpg/video.mjpg", True),
    ("https://10.0.0.5:8443/cgi-bin/snapshot.cgi?chn=1", True),
    ("http://admin:secret@10.0.0.5", True),
    ("http://10.0.0.5", False),  # a device address in URL form: the device's own camera
    ("http://10.0.0.5/", False),
    ("10.0.0.5", False),
    ("10.0.0.5:8080", False),
])
def test_what_counts_as_a_camera_url(text: str, expected: bool) -> None:
    assert is_camera_url(text) is expected


async def test_url_diagnostic_streams_without_asking_the_host_anything_else(loopback) -> None:
    async with CameraServer(loopback(), fps=20) as cam:
        report = await url_camera_diagnostic(cam.url("/stream"), None, seconds=1.0, fps=10)
    assert report["frames_decoded"] >= 5 and report["source"] == "MJPEG"
    assert set(cam.paths) == {"/stream"}  # no /api/system/info or any other vendor probe


async def test_camera_command_on_a_url_in_a_real_process(loopback) -> None:
    async with CameraServer(loopback(), fps=20) as cam:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "configurator.cli", "camera", cam.url("/snapshot"),
            "--seconds", "1.5", "--fps", "5", "--json",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()
    report = json.loads(out)
    assert report["frames_decoded"] >= 2 and report["source"] == "snapshots"
    assert set(cam.paths) == {"/snapshot"}
