"""Camera benchmark (offscreen): frames shown vs sent, latency, CPU per frame, GUI loop lag.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_camera.py [seconds]``.
Streams come from the small aiohttp camera in ``tests/live/mjpeg_server.py`` on loopback (the 2N
simulator stops at 15 fps, as real 2N devices do), each shown in a ``CameraView`` on the qasync
loop, exactly as in the application.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
import simplejpeg
from PySide6.QtWidgets import QApplication

from configurator.live.camera import CameraPipeline
from configurator.live.diagnostic import percentile
from configurator.live.sources import url_camera
from configurator.ui.camera_view import CameraGrid
from tests.live.mjpeg_server import CameraServer, make_jpeg


async def loop_lag(samples: list[float], stop: asyncio.Event, period: float = 0.01) -> None:
    """How late a 10 ms timer fires on the GUI loop (what a user feels as stutter)."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        due = loop.time() + period
        await asyncio.sleep(period)
        samples.append(max(0.0, loop.time() - due))


def bare_decode_ms(width: int, height: int, repeat: int = 200) -> float:
    data = make_jpeg(1, width, height)
    started = time.thread_time()
    for _ in range(repeat):
        simplejpeg.decode_jpeg(data, colorspace="RGB", fastdct=True, fastupsample=True)
    return (time.thread_time() - started) * 1000.0 / repeat


async def scenario(name: str, streams: int, width: int, height: int, fps: float,
                   seconds: float, host_base: int) -> dict[str, object]:
    servers = [await CameraServer(f"127.0.77.{host_base + i}", width=width, height=height,
                                  fps=fps).start() for i in range(streams)]
    pipelines, transports = [], []
    grid = CameraGrid()
    for i, server in enumerate(servers):
        factory, transport = url_camera(server.url("/stream"))
        pipeline = CameraPipeline(factory, name=f"cam{i}")
        pipelines.append(pipeline)
        transports.append(transport)
        grid.add_camera(pipeline, f"Camera {i}")
    grid.resize(1280, 960) if streams == 1 else grid.resize(1280, 1000)
    lag: list[float] = []
    stop = asyncio.Event()
    lag_task = asyncio.ensure_future(loop_lag(lag, stop))
    grid.show()
    await asyncio.sleep(0.5)  # connect and warm up
    sent0 = [s.frames_sent for s in servers]
    base = [(p.stats.shown, p.stats.decoded, len(p.stats.latencies)) for p in pipelines]
    lag.clear()
    cpu0, t0 = time.process_time(), time.perf_counter()
    await asyncio.sleep(seconds)
    cpu, elapsed = time.process_time() - cpu0, time.perf_counter() - t0
    sent = sum(s.frames_sent - s0 for s, s0 in zip(servers, sent0, strict=True))
    shown = sum(p.stats.shown - b[0] for p, b in zip(pipelines, base, strict=True))
    decoded = sum(p.stats.decoded - b[1] for p, b in zip(pipelines, base, strict=True))
    latencies = [x * 1000 for p, b in zip(pipelines, base, strict=True)
                 for x in list(p.stats.latencies)[b[2]:]]
    decode_cpu = [x * 1000 for p in pipelines for x in p.stats.decode_cpu]
    stop.set()
    await lag_task
    grid.hide()
    for p in pipelines:
        await p.aclose()
    for t in transports:
        await t.aclose()
    for s in servers:
        await s.stop()
    grid.deleteLater()
    return {
        "scenario": name, "seconds": round(elapsed, 1), "frames_sent": sent,
        "frames_decoded": decoded, "frames_shown": shown,
        "shown_pct": round(100.0 * shown / sent, 1) if sent else 0.0,
        "dropped": sum(p.stats.dropped for p in pipelines),
        "latency_p50_ms": round(percentile(latencies, 50), 1),
        "latency_p95_ms": round(percentile(latencies, 95), 1),
        "cpu_ms_per_frame": round(cpu * 1000 / decoded, 2) if decoded else 0.0,
        "decode_thread_cpu_ms": round(sum(decode_cpu) / len(decode_cpu), 2) if decode_cpu
        else 0.0,
        "bare_decode_ms": round(bare_decode_ms(width, height), 2),
        "gui_lag_p99_ms": round(percentile([x * 1000 for x in lag], 99), 1),
        "gui_lag_max_ms": round(max(lag) * 1000, 1) if lag else 0.0,
    }


async def main(seconds: float) -> None:
    results = [
        await scenario("1 x 1280x960 @ 15 fps", 1, 1280, 960, 15, seconds, 10),
        await scenario("1 x 1280x960 @ 30 fps", 1, 1280, 960, 30, seconds, 20),
        await scenario("4 x 640x480 @ 15 fps", 4, 640, 480, 15, seconds, 30),
    ]
    for r in results:
        print(r["scenario"])
        for key, value in r.items():
            if key != "scenario":
                print(f"  {key:22} {value}")


if __name__ == "__main__":
    app = QApplication.instance() or QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.run_until_complete(main(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0))
    sys.stdout.flush()
    # Skip interpreter teardown: PySide6 + qasync may crash while finalising (not our code).
    os._exit(0)
