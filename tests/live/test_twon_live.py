"""Camera and events end to end against the 2N simulator and the 2N driver (real sockets)."""

from __future__ import annotations

import asyncio

import numpy as np

from configurator.core.events import DeviceEvent, SourceState
from configurator.core.transport import Credentials, Endpoint
from configurator.drivers.registry import connect
from configurator.live.camera import CameraPipeline
from configurator.live.diagnostic import camera_diagnostic
from configurator.live.hub import EventHub
from configurator.live.sources import device_camera, past_snapshot
from configurator.simulators.twon.device import DEFAULT_PASSWORD, DEFAULT_USER, create

from .test_camera_pipeline import collect


async def open_pair(host: str):
    sim = create(host, http_port=0, https_port=None)
    await sim.start()
    device = await connect(Endpoint(host, sim.ports["http"]),
                           Credentials(DEFAULT_USER, DEFAULT_PASSWORD), driver_id="2n")
    await device.capabilities()
    return sim, device


async def test_2n_camera_frames_change(loopback) -> None:
    sim, device = await open_pair(loopback())
    try:
        pipeline = CameraPipeline(device_camera(device, fps=15, width=320, height=240))
        try:
            frames = await collect(pipeline, 4, timeout=10)
        finally:
            await pipeline.aclose()
        assert pipeline.source_label == "MJPEG"
        assert (frames[0].width, frames[0].height) == (320, 240)
        assert not np.array_equal(frames[0].rgb, frames[-1].rgb)
        past = await past_snapshot(device, 2, width=320, height=240)
        assert past[:2] == b"\xff\xd8"
        report = await camera_diagnostic(device, seconds=0.8, fps=5, width=320, height=240)
        assert report["frames_decoded"] >= 2 and report["frames_received"] >= 2
        assert 2 <= report["fps"] <= 8
        assert report["latency_p95_ms"] >= report["latency_median_ms"] > 0
    finally:
        await device.aclose()
        await sim.stop()


async def test_2n_restart_during_event_stream_loses_and_duplicates_nothing(loopback) -> None:
    sim, device = await open_pair(loopback())
    device.event_options = {"pull_timeout": 1, "backoff": (0.05,)}
    hub = EventHub(backoff=(0.05,), settle=0.1)
    got: list[DeviceEvent] = []
    hub.subscribe(got.append)
    try:
        hub.add_device(device.host, device.events)
        loop = asyncio.get_running_loop()
        end = loop.time() + 10
        while hub.states[device.host][0] is not SourceState.LIVE:
            assert loop.time() < end
            await asyncio.sleep(0.02)
        first = sim.emit("CardEntered", uid="AB12", valid=True)["id"]
        # Wait for one event first: the 2N source resumes with include=-t only after it has
        # seen an event (see the report: with none seen yet it re-subscribes with "new").
        while not any(e.event_id == first for e in got):
            assert loop.time() < end
            await asyncio.sleep(0.02)
        for i in range(5):
            sim.emit("CodeEntered", code=f"12{i}", valid=False)
        restarts = sim.restarts
        sim.restart()
        assert sim.restarts == restarts + 1
        for i in range(5):
            sim.emit("KeyPressed", key=str(i))
        last = sim.emit("CardEntered", uid="CD34", valid=True)["id"]
        while not any(e.event_id == last for e in got):
            assert loop.time() < end, [e.event_id for e in got]
            await asyncio.sleep(0.02)
        resubscriptions = device.event_source.resubscriptions
    finally:
        await hub.aclose()
        await device.aclose()
        await sim.stop()
    assert resubscriptions >= 1  # the restart really cut the channel
    expected = [e["id"] for e in sim.events_history if first <= e["id"] <= last]
    ids = [e.event_id for e in got if e.event_id is not None and first <= e.event_id <= last]
    assert ids == expected  # every event of the device's history, once, in order
