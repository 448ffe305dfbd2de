"""Decoded frames come back from the decoder threads without any Qt call from those threads.

Regression for the viewer crash (``Fatal Python error: none_dealloc``): ``run_in_executor`` under
qasync finished its future through ``call_soon_threadsafe``, a PySide6 cross-thread signal. The
pipeline now hands results back through ``LoopInbox`` (queue + socket watched by the loop).
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from configurator.core.errors import ProtocolError
from configurator.live.camera import CameraPipeline, _decode_in
from configurator.live.decode import (
    RGB_INDEX,
    Picture,
    decode_executor,
    decode_rgb,
    shutdown_decoders,
)
from configurator.live.frames import LoopInbox
from configurator.live.sources import url_camera
from configurator.ui.live.qt_decode import decode_qimage

from .mjpeg_server import CameraServer, colour, make_jpeg

FRAMES = [make_jpeg(i, 320, 240) for i in range(8)]


def record_threadsafe_calls(loop: asyncio.AbstractEventLoop) -> list[str]:
    """Make ``loop.call_soon_threadsafe`` note the calling thread (it still works)."""
    calls: list[str] = []
    original = loop.call_soon_threadsafe

    def spy(callback, *args, context=None):
        calls.append(threading.current_thread().name)
        return original(callback, *args, context=context)

    loop.call_soon_threadsafe = spy  # type: ignore[method-assign]
    return calls


def test_inbox_runs_posts_from_threads_on_the_loop_in_batches(qloop) -> None:
    async def scenario() -> tuple[list[tuple[int, int, int]], LoopInbox, int]:
        loop = asyncio.get_running_loop()
        inbox = LoopInbox(loop)
        got: list[tuple[int, int, int]] = []
        posts = 400

        def worker(n: int) -> None:
            for i in range(posts):
                inbox.post(lambda n, i: got.append((n, i, threading.get_ident())), n, i)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        end = loop.time() + 5.0
        while len(got) < 3 * posts and loop.time() < end:
            await asyncio.sleep(0.005)
        for t in threads:
            t.join()
        inbox.close()
        return got, inbox, threading.get_ident()

    calls = record_threadsafe_calls(qloop)
    got, inbox, loop_thread = qloop.run_until_complete(scenario())
    assert len(got) == 1200 and inbox.delivered == 1200
    assert {ident for *_, ident in got} == {loop_thread}  # every callback ran on the loop
    for n in range(3):  # each thread's results arrive in the order it posted them
        assert [i for m, i, _ in got if m == n] == list(range(400))
    assert 1 <= inbox.wakeups < 1200  # batched: far fewer wake-ups than results
    assert calls == []  # no call_soon_threadsafe (the crashing Qt signal path)


class _PostWhileDraining:
    """Stands in for the inbox's reading socket: on the first ``recv`` of a drain, another
    post happens (what a worker thread can do at that very moment), then reads go on."""

    def __init__(self, inbox: LoopInbox, sock) -> None:
        self.inbox, self.sock, self.armed = inbox, sock, True

    def fileno(self) -> int:
        return self.sock.fileno()

    def close(self) -> None:
        self.sock.close()

    def recv(self, size: int) -> bytes:
        if self.armed:
            self.armed = False
            self.inbox.post(lambda: None)  # "from a thread", in the middle of the drain
        return self.sock.recv(size)


@pytest.mark.parametrize("loop_kind", ["qasync", "asyncio"])
def test_inbox_loses_no_wake_up_when_a_post_lands_mid_drain(qloop, loop_kind) -> None:
    """A post that arrives while the loop drains must not leave the inbox believing a
    wake-up is pending when none is (every later post then waited forever)."""

    async def scenario() -> list[int]:
        loop = asyncio.get_running_loop()
        inbox = LoopInbox(loop)
        inbox._reader = _PostWhileDraining(inbox, inbox._reader)  # type: ignore[assignment]
        got: list[int] = []
        inbox.post(got.append, 1)
        end = loop.time() + 2
        while not got and loop.time() < end:
            await asyncio.sleep(0.005)
        worker = threading.Thread(target=inbox.post, args=(got.append, 2))
        worker.start()
        worker.join()
        while len(got) < 2 and loop.time() < end:
            await asyncio.sleep(0.005)
        inbox.close()
        return got

    run = qloop.run_until_complete if loop_kind == "qasync" else asyncio.run
    assert run(scenario()) == [1, 2]


def test_inbox_drops_posts_after_close(qloop) -> None:
    async def scenario() -> list[int]:
        inbox = LoopInbox(asyncio.get_running_loop())
        got: list[int] = []
        inbox.post(got.append, 1)
        await asyncio.sleep(0.05)
        inbox.close()
        threading.Thread(target=inbox.post, args=(got.append, 2)).start()
        await asyncio.sleep(0.05)
        assert inbox.closed
        return got

    assert qloop.run_until_complete(scenario()) == [1]


@pytest.mark.parametrize("decode", [decode_rgb, decode_qimage], ids=["pillow", "qt"])
def test_decoder_round_trips_from_threads_under_qasync(qloop, decode) -> None:
    async def scenario() -> list[int]:
        loop = asyncio.get_running_loop()
        inbox = LoopInbox(loop)
        jobs: set = set()
        try:
            results = await asyncio.gather(*(
                _decode_in(decode_executor(), inbox, loop, decode, FRAMES[i % 8], None, jobs)
                for i in range(24)))
            with pytest.raises(ProtocolError, match="broken JPEG"):
                await _decode_in(decode_executor(), inbox, loop, decode,
                                     FRAMES[0][:500], None, jobs)
        finally:
            inbox.close()
        assert len(jobs) <= 25  # finished jobs leave the set (the rest end just after posting)
        end = loop.time() + 2.0
        while not all(job.done() for job in jobs) and loop.time() < end:
            await asyncio.sleep(0.005)
        assert all(job.done() for job in jobs)
        return [mean_red(picture) for picture, _ in results]

    calls = record_threadsafe_calls(qloop)
    reds = qloop.run_until_complete(scenario())
    assert [abs(red - colour(i % 8)) <= 3 for i, red in enumerate(reds)] == [True] * 24
    assert calls == []


def mean_red(picture: Picture) -> int:
    red = bytes(memoryview(picture.pixels).cast("B"))[RGB_INDEX[0]::4]
    return sum(red) // len(red)


def test_pipeline_streams_under_qasync_without_threadsafe_calls(qloop, loopback) -> None:
    async def scenario() -> CameraPipeline:
        async with CameraServer(loopback(), fps=60) as cam:
            factory, transport = url_camera(cam.url("/stream"))
            pipeline = CameraPipeline(factory, name="cam")
            shown: list[int] = []
            pipeline.add_frame_listener(lambda f: shown.append(threading.get_ident()))
            pipeline.start()
            end = asyncio.get_running_loop().time() + 10.0
            while pipeline.stats.decoded < 40 and asyncio.get_running_loop().time() < end:
                await asyncio.sleep(0.01)
            await pipeline.aclose()
            await transport.aclose()
            assert set(shown) == {threading.get_ident()}  # listeners ran on the loop thread
            return pipeline

    calls = record_threadsafe_calls(qloop)
    pipeline = qloop.run_until_complete(scenario())
    assert pipeline.stats.decoded >= 40 and pipeline.stats.decode_errors == 0
    assert pipeline.last_frame is not None and pipeline.last_frame.width == 320
    assert calls == []


@pytest.mark.parametrize("path", ["stream thread", "decoder threads"])
def test_aclose_waits_for_the_decode_still_running_in_a_thread(qloop, loopback,
                                                               path) -> None:
    # "decoder threads": the reader-task path (snapshots polled on the loop)
    url = "/snapshot" if path == "decoder threads" else "/stream"
    started, finished = threading.Event(), threading.Event()

    def slow_decode(data, min_size):
        started.set()
        time.sleep(0.15)
        try:
            return decode_rgb(data, min_size)
        finally:
            finished.set()

    async def scenario() -> None:
        async with CameraServer(loopback(), fps=30) as cam:
            factory, transport = url_camera(cam.url(url), fps=30)
            pipeline = CameraPipeline(factory, name="cam")
            pipeline.decode = slow_decode
            pipeline.start()
            loop = asyncio.get_running_loop()
            end = loop.time() + 5
            while not started.is_set():
                assert loop.time() < end
                await asyncio.sleep(0.005)
            await pipeline.aclose()  # the decode is mid-sleep in its thread now
            assert finished.is_set()
            assert all(job.done() for job in pipeline._jobs)
            await transport.aclose()

    qloop.run_until_complete(scenario())


def test_shutdown_decoders_ends_the_threads_and_a_new_pool_starts_on_demand() -> None:
    assert decode_executor().submit(lambda: 7).result(5) == 7
    assert any(t.name.startswith("jpeg-decode") for t in threading.enumerate())
    shutdown_decoders()
    assert not any(t.name.startswith("jpeg-decode") for t in threading.enumerate())
    assert decode_executor().submit(lambda: 8).result(5) == 8


def test_qt_calls_do_not_drop_references_to_none_or_bools(qapp) -> None:
    """The root cause of the viewer crash: shiboken6/PySide6 6.12.0 on Python 3.11 returned None
    from every void method without a reference (and True/False from signal emits), so None's
    count fell by one per call until ``none_dealloc`` aborted the process. A PySide6 with that
    bug must not be installed (pyproject excludes it); Python 3.12+ makes them immortal."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        fired = Signal(object)

    obj, emitter, got = QObject(), Emitter(), []
    emitter.fired.connect(got.append)
    none, true, false = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
    for i in range(2000):
        obj.setObjectName("cam")  # void
        obj.killTimer(obj.startTimer(1000))  # void, as qasync does per callback
        emitter.fired.emit(i)  # returns a bool
    assert len(got) == 2000
    # a leak is one reference per call (-4000/-2000); allow noise from other objects
    assert abs(sys.getrefcount(None) - none) < 200
    assert abs(sys.getrefcount(True) + sys.getrefcount(False) - true - false) < 200
