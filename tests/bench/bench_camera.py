"""Camera benchmark (offscreen): frames shown vs sent, latency, viewer CPU per frame, GUI lag.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_camera.py [seconds]
[scenario numbers] [--https] [--decoder qt|simplejpeg|pillow]``; ``--decoder``
picks the pipelines' JPEG decoder: ``qt`` (default) is the window's, ``simplejpeg`` the one
it used before the bundle left numpy out (for comparison; bare_decode_* stay simplejpeg's,
bare_qt_decode_* are Qt's); ``--https`` serves the cameras over TLS (self-signed, pinned
on first use).

The MJPEG cameras (``tests/live/mjpeg_server.py``, the 2N simulator stops at 15 fps as real 2N
devices do) run in a *separate process* (``tests/live/camera_process.py``), so the CPU time
measured here is the viewer's alone: HTTP reading, MJPEG parsing, decoding and painting, each
stream in a real ``CameraView`` on the qasync loop, exactly as in the application.

How CPU per frame is measured: ``time.process_time()`` of this (viewer) process over the
measuring window, divided by the frames decoded in it; the main (GUI + asyncio) thread's share
is ``time.thread_time()`` deltas taken on that thread, the decoder threads' share is the sum
of their own ``thread_time()`` per frame. It is compared with the *bare decoder*: simplejpeg
decoding the very JPEGs the camera sends, at full size, with the pipeline's flags, in a loop
on one thread (``thread_time()``). The bare decode at the view's scale is printed too.
``stream_threads_ms_per_frame`` is the rest (reading the socket, splitting the stream, handing
pictures over). ``wake_up_ms`` is the main-thread CPU of one cross-thread wake-up of the loop
measured in the same process; ``two_wake_ups_floor_ratio`` is (bare + 2 wake-ups) / bare, the
least any viewer that decodes off the GUI thread pays per frame over a bare decode loop here.
``paint_ms`` is the main-thread CPU of one ``CameraCanvas.paintEvent`` while streaming (the
picture, written by another core, copied into the window's backing store);
``paint_and_wake_ups_floor_ratio`` is (bare + paint + 2 wake-ups) / bare: what such a viewer pays
even if reading, splitting and handing over cost nothing and decoding were as cheap as in the
hot loop.
``bare_decode_paced_ms`` is the same bare decode run at the stream's frame rate (sleeping
between frames, as any live viewer does): cold caches make it dearer than the hot loop.
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
import simplejpeg
from PySide6.QtWidgets import QApplication

from configurator.live.camera import CameraPipeline
from configurator.live.decode import PIXEL_RAWMODE, Picture, decode_rgb, jpeg_size, scale_floor
from configurator.live.diagnostic import percentile
from configurator.live.frames import LoopInbox
from configurator.live.sources import url_camera
from configurator.ui.live.camera_view import CameraCanvas, CameraGrid
from configurator.ui.live.qt_decode import decode_qimage
from tests.live.camera_process import CameraProcess
from tests.live.mjpeg_server import PALETTE, make_jpeg

TARGET_RATIO = 1.3
# libjpeg-turbo's fast integer IDCT and fast chroma upsampling (the viewer's settings)
DECODE_FLAGS = {"fastdct": True, "fastupsample": True}


def decode_simplejpeg(data: bytes, min_size: tuple[int, int] | None) -> tuple[Picture, float]:
    """The viewer's decoder until the bundle left numpy out: simplejpeg (SIMD libjpeg-turbo,
    GIL released) into a numpy array, for comparison (``--decoder simplejpeg``)."""
    started = time.thread_time()
    scale = scale_floor(jpeg_size(data), min_size)
    pixels = simplejpeg.decode_jpeg(data, colorspace=PIXEL_RAWMODE, **DECODE_FLAGS, **scale)
    height, width = pixels.shape[:2]
    return Picture(pixels.data, width, height, int(pixels.strides[0])), \
        time.thread_time() - started


DECODERS = {"qt": decode_qimage, "simplejpeg": decode_simplejpeg, "pillow": decode_rgb}
DECODER = "qt"  # what the window uses (ui/live/camera_windows.py); --decoder NAME


async def loop_lag(samples: list[float], stop: asyncio.Event, period: float = 0.01) -> None:
    """How late a 10 ms timer fires on the GUI loop (what a user feels as stutter)."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        due = loop.time() + period
        await asyncio.sleep(period)
        samples.append(max(0.0, loop.time() - due))


async def wake_up_ms(wakes: int = 240, rate: float = 60.0) -> float:
    """Main-thread CPU of one wake-up of this (qasync) loop from another thread, ms: a thread
    posts a no-op to a LoopInbox ``rate`` times a second. Every frame costs at least two such
    wake-ups (network -> stream thread, stream thread -> GUI) that a bare decode loop never
    pays; on a virtual machine they are not cheap."""
    loop = asyncio.get_running_loop()
    inbox = LoopInbox(loop)
    done = asyncio.Event()
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        if count >= wakes:
            done.set()

    def poster() -> None:
        for _ in range(wakes):
            time.sleep(1.0 / rate)
            inbox.post(tick)

    started = time.thread_time()
    thread = threading.Thread(target=poster)
    thread.start()
    await done.wait()
    spent = time.thread_time() - started
    thread.join()
    inbox.close()
    return spent * 1000.0 / wakes


def bare_decode_ms(width: int, height: int, view: tuple[int, int] | None = None,
                   rounds: int = 20, repeats: int = 5) -> float:
    """simplejpeg alone on the camera's own frames (all of its palette), ms per frame: the
    median of ``repeats`` timed loops (single loops varied by more than 30 % here)."""
    frames = [make_jpeg(i, width, height) for i in range(PALETTE)]
    scale = {} if view is None else {"min_width": view[0], "min_height": view[1]}
    for data in frames:  # warm up
        simplejpeg.decode_jpeg(data, **DECODE_FLAGS, **scale)
    times = []
    for _ in range(repeats):
        started = time.thread_time()
        for _ in range(rounds):
            for data in frames:
                simplejpeg.decode_jpeg(data, **DECODE_FLAGS, **scale)
        times.append((time.thread_time() - started) * 1000.0 / (rounds * len(frames)))
    return statistics.median(times)


def bare_qt_decode_ms(width: int, height: int, view: tuple[int, int] | None = None,
                      rounds: int = 20, repeats: int = 5) -> float:
    """The window's decoder (Qt's JPEG reader, ``decode_qimage``) alone, like
    :func:`bare_decode_ms`: the median of ``repeats`` timed loops, ms per frame."""
    frames = [make_jpeg(i, width, height) for i in range(PALETTE)]
    for data in frames:  # warm up
        decode_qimage(data, view)
    times = []
    for _ in range(repeats):
        started = time.thread_time()
        for _ in range(rounds):
            for data in frames:
                decode_qimage(data, view)
        times.append((time.thread_time() - started) * 1000.0 / (rounds * len(frames)))
    return statistics.median(times)


def bare_decode_paced_ms(width: int, height: int, fps: float, count: int = 45) -> float:
    """The same bare full-size decode, one frame per ``1/fps`` s (sleeping in between, as a
    viewer does between frames): median ms. Caches and predictors go cold while the thread
    sleeps, so this is what one decode really costs at the stream's pace on this machine."""
    frames = [make_jpeg(i, width, height) for i in range(PALETTE)]
    times = []
    for i in range(count):
        time.sleep(1.0 / fps)
        started = time.thread_time()
        simplejpeg.decode_jpeg(frames[i % len(frames)], **DECODE_FLAGS)
        times.append((time.thread_time() - started) * 1000.0)
    return statistics.median(times)


class PaintMeter:
    """Main-thread CPU spent in the camera canvases' ``paintEvent`` (bench-only wrapper, to be
    installed before the canvases exist: PySide6 looks a Python override up when the widget is
    made): copying the picture into the window's backing store, letterbox bars and overlay."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self.counting = False
        self._original = CameraCanvas.paintEvent

    def install(self) -> PaintMeter:
        meter, original = self, self._original

        def timed_paint(canvas: CameraCanvas, event: object) -> None:
            if not meter.counting:
                original(canvas, event)
                return
            started = time.thread_time()
            original(canvas, event)
            meter.seconds += time.thread_time() - started
            meter.calls += 1

        CameraCanvas.paintEvent = timed_paint  # type: ignore[method-assign]
        return self

    def remove(self) -> None:
        CameraCanvas.paintEvent = self._original  # type: ignore[method-assign]


async def scenario(name: str, streams: int, size: tuple[int, int], fps: float,
                   view: tuple[int, int], seconds: float, host_base: int,
                   tls: bool = False) -> dict[str, object]:
    width, height = size
    specs = [(f"127.0.77.{host_base + i}", width, height, fps) for i in range(streams)]
    cams = CameraProcess(specs, tls=tls).start()
    pipelines, transports = [], []
    paints = PaintMeter().install()
    grid = CameraGrid()
    for i, url in enumerate(cams.urls("/stream")):
        factory, transport = url_camera(url)
        pipeline = CameraPipeline(factory, name=f"cam{i}")
        pipeline.decode = DECODERS[DECODER]
        pipelines.append(pipeline)
        transports.append(transport)
        grid.add_camera(pipeline, f"Camera {i}").canvas.setFixedSize(*view)
    grid.adjustSize()
    grid.show()
    await asyncio.sleep(1.0)  # connect and warm up
    # Window 1: CPU, frames, latency - without the lag sampler, whose 10 ms timer alone costs
    # the process ~45 ms of CPU a second under qasync (measured with no stream at all).
    sent0 = cams.frames_sent()
    base = [(p.stats.shown, p.stats.decoded, len(p.stats.shown_latencies),
             len(p.stats.latencies), len(p.stats.decode_cpu)) for p in pipelines]
    cpu0, main0, t0 = time.process_time(), time.thread_time(), time.perf_counter()
    faults0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    paints.counting = True
    await asyncio.sleep(seconds)
    paints.counting = False
    cpu, main = time.process_time() - cpu0, time.thread_time() - main0
    elapsed = time.perf_counter() - t0
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults0
    sent = sum(b - a for a, b in zip(sent0, cams.frames_sent(), strict=True))
    shown = sum(p.stats.shown - b[0] for p, b in zip(pipelines, base, strict=True))
    decoded = sum(p.stats.decoded - b[1] for p, b in zip(pipelines, base, strict=True))
    to_screen = [x * 1000 for p, b in zip(pipelines, base, strict=True)
                 for x in list(p.stats.shown_latencies)[b[2]:]]
    to_decoded = [x * 1000 for p, b in zip(pipelines, base, strict=True)
                  for x in list(p.stats.latencies)[b[3]:]]
    decoder_cpu = sum(x for p, b in zip(pipelines, base, strict=True)
                      for x in list(p.stats.decode_cpu)[b[4]:])
    last = pipelines[0].last_frame
    decoded_size = (last.width, last.height) if last is not None else None
    # Window 2: GUI loop lag while the same streams go on.
    lag: list[float] = []
    stop = asyncio.Event()
    lag_task = asyncio.ensure_future(loop_lag(lag, stop))
    await asyncio.sleep(seconds)
    stop.set()
    await lag_task
    grid.hide()
    for p in pipelines:
        await p.aclose()
    for t in transports:
        await t.aclose()
    cams.stop()
    grid.deleteLater()
    paints.remove()
    bare_full = bare_decode_ms(width, height)
    bare_view = bare_decode_ms(width, height, view)
    bare_qt_full = bare_qt_decode_ms(width, height)
    bare_qt_view = bare_qt_decode_ms(width, height, view)
    paced = bare_decode_paced_ms(width, height, fps)
    wake = await wake_up_ms()
    per_frame = cpu * 1000 / decoded if decoded else 0.0
    main_ms = main * 1000 / decoded if decoded else 0.0
    decoder_ms = decoder_cpu * 1000 / decoded if decoded else 0.0
    paint_ms = paints.seconds * 1000 / paints.calls if paints.calls else 0.0
    return {
        "scenario": name, "decoder": DECODER, "view": f"{view[0]}x{view[1]}",
        "decoded_size": decoded_size,
        "seconds": round(elapsed, 1), "frames_sent": sent, "frames_decoded": decoded,
        "frames_shown": shown, "shown_pct": round(100.0 * shown / sent, 1) if sent else 0.0,
        "dropped": sum(p.stats.dropped for p in pipelines),
        "latency_to_screen_p50_ms": round(percentile(to_screen, 50), 1),
        "latency_to_screen_p95_ms": round(percentile(to_screen, 95), 1),
        "latency_to_decoded_p95_ms": round(percentile(to_decoded, 95), 1),
        "latency_target_ms": round(1000 / fps + 20, 1),
        "cpu_ms_per_frame": round(per_frame, 2),
        "main_thread_ms_per_frame": round(main_ms, 2),
        "decoder_ms_per_frame": round(decoder_ms, 2),
        "stream_threads_ms_per_frame": round(per_frame - main_ms - decoder_ms, 2),
        "page_faults_per_frame": round(faults / decoded, 1) if decoded else 0.0,
        "bare_decode_full_ms": round(bare_full, 2),
        "bare_decode_view_ms": round(bare_view, 2),
        "ratio_to_bare_full": round(per_frame / bare_full, 2),
        "ratio_to_bare_view": round(per_frame / bare_view, 2),
        "bare_qt_decode_full_ms": round(bare_qt_full, 2),
        "bare_qt_decode_view_ms": round(bare_qt_view, 2),
        "bare_decode_paced_ms": round(paced, 2),
        "ratio_to_bare_paced": round(per_frame / paced, 2),
        "paint_ms": round(paint_ms, 3),
        "paints_per_frame": round(paints.calls / decoded, 2) if decoded else 0.0,
        "wake_up_ms": round(wake, 3),
        "two_wake_ups_floor_ratio": round((bare_full + 2 * wake) / bare_full, 2),
        "paint_and_wake_ups_floor_ratio": round((bare_full + paint_ms + 2 * wake) / bare_full,
                                                2),
        "gui_lag_p99_ms": round(percentile([x * 1000 for x in lag], 99), 1),
        "gui_lag_max_ms": round(max(lag) * 1000, 1) if lag else 0.0,
    }


SCENARIOS = [
    ("1 x 1280x960 @ 15 fps", 1, (1280, 960), 15, (640, 480)),
    ("1 x 1280x960 @ 30 fps", 1, (1280, 960), 30, (640, 480)),
    ("4 x 640x480 @ 15 fps", 4, (640, 480), 15, (640, 480)),
    ("1 x 1280x960 @ 15 fps, full-size view", 1, (1280, 960), 15, (1280, 960)),
    ("1 x 1280x960 @ 15 fps, 800x600 view", 1, (1280, 960), 15, (800, 600)),
]


async def main(seconds: float, only: set[int], tls: bool = False) -> None:
    for n, (name, streams, size, fps, view) in enumerate(SCENARIOS):
        if only and n not in only:
            continue
        r = await scenario(name, streams, size, fps, view, seconds, 10 + 10 * n, tls)
        print(r["scenario"] + (" over HTTPS" if tls else ""))
        for key, value in r.items():
            if key != "scenario":
                print(f"  {key:26} {value}")
        sys.stdout.flush()


if __name__ == "__main__":
    app = QApplication.instance() or QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    if "--decoder" in sys.argv:
        at = sys.argv.index("--decoder")
        DECODER = sys.argv[at + 1]
        if DECODER not in DECODERS:
            raise SystemExit(f"--decoder: one of {', '.join(DECODERS)}")
        del sys.argv[at:at + 2]
    https = "--https" in sys.argv
    if https:
        sys.argv.remove("--https")
    picked = {int(x) for x in sys.argv[2:]}  # optional scenario numbers (0-based)
    loop.run_until_complete(main(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0, picked,
                                 https))
    sys.stdout.flush()
    # Skip interpreter teardown: PySide6 + qasync may crash while finalising (not our code).
    os._exit(0)
