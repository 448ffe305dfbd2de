"""Headless camera check for the CLI (``configurator camera``): the GUI's pipeline, no window."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from typing import Any

from ..core.device import Device
from ..core.events import SourceState
from ..core.transport import Credentials
from .camera import CameraPipeline
from .frames import DecodedFrame
from .sources import SourceFactory, device_camera, url_camera


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100.0 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def pipeline_report(pipeline: CameraPipeline, elapsed: float, cpu: float) -> dict[str, Any]:
    """The numbers the CLI prints and the benchmarks record."""
    stats = pipeline.stats
    latencies = [x * 1000.0 for x in stats.latencies]
    decoded = stats.decoded
    return {
        "source": pipeline.source_label,
        "state": str(pipeline.state),
        "message": pipeline.message,
        "seconds": round(elapsed, 3),
        "frames_received": stats.received,
        "frames_decoded": decoded,
        "frames_shown": stats.shown,
        "frames_dropped": stats.dropped,
        "decode_errors": stats.decode_errors,
        "reconnects": stats.reconnects,
        "fps": round(decoded / elapsed, 2) if elapsed > 0 else 0.0,
        "latency_median_ms": round(statistics.median(latencies), 2) if latencies else 0.0,
        "latency_p95_ms": round(percentile(latencies, 95), 2),
        "cpu_ms_per_frame": round(cpu * 1000.0 / decoded, 3) if decoded else 0.0,
        "decode_cpu_ms_per_frame": round(
            sum(stats.decode_cpu) * 1000.0 / len(stats.decode_cpu), 3) if stats.decode_cpu
        else 0.0,
    }


async def camera_diagnostic(device: Device, *, seconds: float, fps: int, source: str = "",
                            width: int = 0, height: int = 0) -> dict[str, Any]:
    """Run the live pipeline for ``seconds`` and report what it achieved.

    "Shown" here means handed to the consumer (there is no window). Latency is from the last
    byte of a frame to its decoded image; CPU per frame is the whole process's CPU time
    (reading, parsing, decoding) divided by the decoded frames, next to the decoder's own share.
    Raises the camera's typed error when it could not show a single frame because the camera is
    disabled, refuses the credentials or does not exist.
    """
    factory = device_camera(device, source=source, width=width, height=height, fps=fps)
    return await run_diagnostic(factory, name=device.host, seconds=seconds)


async def url_camera_diagnostic(url: str, credentials: Credentials | None, *, seconds: float,
                                fps: int) -> dict[str, Any]:
    """:func:`camera_diagnostic` for any MJPEG or JPEG URL (the window's "camera by URL"):
    no vendor probing of that host, credentials from the URL's ``user:password@`` unless
    given."""
    factory, transport = url_camera(url, credentials, fps=fps)
    try:
        return await run_diagnostic(factory, name=transport.endpoint.host, seconds=seconds)
    finally:
        await transport.aclose()


async def run_diagnostic(factory: SourceFactory, *, name: str,
                         seconds: float) -> dict[str, Any]:
    """Run a pipeline on ``factory`` for ``seconds`` (see :func:`camera_diagnostic`)."""
    pipeline = CameraPipeline(factory, name=name)

    def shown(_: DecodedFrame) -> None:
        pipeline.mark_shown()

    pipeline.add_frame_listener(shown)
    disabled = asyncio.Event()
    pipeline.add_state_listener(
        lambda state, _msg: disabled.set() if state is SourceState.DISABLED else None)
    loop = asyncio.get_running_loop()
    cpu_start, started = time.process_time(), loop.time()
    pipeline.start()
    try:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await disabled.wait()
    finally:
        await pipeline.aclose()
    elapsed = loop.time() - started
    report = pipeline_report(pipeline, elapsed, time.process_time() - cpu_start)
    if pipeline.stats.decoded == 0 and pipeline.error is not None:
        raise pipeline.error
    return report


__all__ = ["camera_diagnostic", "percentile", "pipeline_report", "run_diagnostic",
           "url_camera_diagnostic"]
