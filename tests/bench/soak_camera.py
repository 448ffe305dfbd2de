"""Camera soak: many streams on the qasync loop for minutes; counts crashes over several runs.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/soak_camera.py
[--minutes 1] [--streams 4] [--fps 15] [--size 640x480] [--runs 3]``.

Each run is a child process (``python -X faulthandler``), because a native crash (the
``none_dealloc`` abort that ``run_in_executor`` under qasync + PySide6 caused) kills the process
that has it: the parent counts the runs that died, with their signal, and the crash-free minutes
and frames of each run. The child prints one progress line per ``--report`` seconds (frames
decoded and shown so far), so a crash shows how long the run lasted.

The cameras (``tests/live/mjpeg_server.py``) run in another process, as in ``bench_camera.py``;
each stream is shown in a real ``CameraView`` of a ``CameraGrid`` (640x480 canvases by default).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


async def soak(args: argparse.Namespace) -> None:
    from configurator.live.camera import CameraPipeline
    from configurator.live.sources import url_camera
    from configurator.ui.live.camera_view import CameraGrid
    from tests.live.camera_process import CameraProcess

    width, height = (int(x) for x in args.size.split("x"))
    specs = [(f"127.0.78.{10 + i}", width, height, args.fps) for i in range(args.streams)]
    cams = CameraProcess(specs).start()
    pipelines, transports = [], []
    grid = CameraGrid()
    for i, url in enumerate(cams.urls("/stream")):
        factory, transport = url_camera(url)
        pipeline = CameraPipeline(factory, name=f"cam{i}")
        pipelines.append(pipeline)
        transports.append(transport)
        grid.add_camera(pipeline, f"Camera {i}").canvas.setFixedSize(640, 480)
    grid.adjustSize()
    grid.show()
    started = time.monotonic()
    end = started + args.minutes * 60.0
    try:
        while time.monotonic() < end:
            await asyncio.sleep(min(args.report, max(0.0, end - time.monotonic())))
            decoded = sum(p.stats.decoded for p in pipelines)
            shown = sum(p.stats.shown for p in pipelines)
            print(f"progress minutes={(time.monotonic() - started) / 60:.2f} "
                  f"decoded={decoded} shown={shown}", flush=True)
        sent = sum(cams.frames_sent())
        received = sum(p.stats.received for p in pipelines)
        errors = sum(p.stats.decode_errors for p in pipelines)
        print(f"done sent={sent} received={received} decode_errors={errors}", flush=True)
    finally:
        grid.hide()
        for p in pipelines:
            await p.aclose()
        for t in transports:
            await t.aclose()
        cams.stop()


def child(args: argparse.Namespace) -> None:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.run_until_complete(soak(args))
    loop.close()
    # A normal interpreter exit (no os._exit): the decoder threads must end cleanly too.


def parent(args: argparse.Namespace) -> int:
    crashes = 0
    total_minutes = 0.0
    total_frames = 0
    for run in range(1, args.runs + 1):
        command = [sys.executable, "-X", "faulthandler", __file__, "--child",
                   "--minutes", str(args.minutes), "--streams", str(args.streams),
                   "--fps", str(args.fps), "--size", args.size, "--report", str(args.report)]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                              timeout=args.minutes * 60 + 120)
        progress = [line.split() for line in done.stdout.splitlines()
                    if line.startswith("progress ")]
        minutes = float(progress[-1][1].split("=")[1]) if progress else 0.0
        frames = int(progress[-1][2].split("=")[1]) if progress else 0
        finished = any(line.startswith("done ") for line in done.stdout.splitlines())
        crashed = done.returncode != 0 or not finished
        crashes += crashed
        if not crashed:
            total_minutes += minutes
        total_frames += frames
        fatal = next((line for line in done.stderr.splitlines() if "Fatal" in line
                      or "Segmentation" in line), "")
        print(f"run {run}: rc={done.returncode} {'CRASH' if crashed else 'ok'} "
              f"minutes={minutes:.2f} frames_decoded={frames} {fatal}".rstrip(), flush=True)
        if crashed and args.keep_logs:
            log = Path(args.keep_logs) / f"soak-run{run}.err"
            log.write_text(done.stderr)
    print(f"summary: runs={args.runs} crashes={crashes} crash_free_minutes={total_minutes:.2f} "
          f"frames_decoded={total_frames} streams={args.streams} fps={args.fps} "
          f"size={args.size}", flush=True)
    return 1 if crashes else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--streams", type=int, default=4)
    parser.add_argument("--fps", type=float, default=15.0)
    parser.add_argument("--size", default="640x480")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--report", type=float, default=10.0, help="seconds between lines")
    parser.add_argument("--keep-logs", default="", help="folder for crashed runs' stderr")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
