"""The camera pipeline against a real aiohttp camera on loopback."""

from __future__ import annotations

import asyncio
import threading

import pytest

from configurator.core.errors import AuthError, DeviceError, InvalidValue, NotSupported
from configurator.core.events import SourceState
from configurator.live import sources
from configurator.live.camera import CameraPipeline, _ThreadDelivery
from configurator.live.decode import decode_rgb
from configurator.live.frames import DecodedFrame, FrameSlot, JpegFrame, LoopInbox
from configurator.live.sources import url_camera

from .mjpeg_server import PALETTE, CameraServer, colour, make_jpeg


async def collect(pipeline: CameraPipeline, count: int, timeout: float = 5.0
                  ) -> list[DecodedFrame]:
    got: list[DecodedFrame] = []
    done = asyncio.Event()

    def on_frame(frame: DecodedFrame) -> None:
        got.append(frame)
        if len(got) >= count:
            done.set()

    unsubscribe = pipeline.add_frame_listener(on_frame)
    pipeline.start()
    try:
        await asyncio.wait_for(done.wait(), timeout)
    finally:
        unsubscribe()
    return got


async def collect_url(url: str, count: int, **options) -> tuple[CameraPipeline, list[DecodedFrame]]:
    """A pipeline on a camera URL, ``count`` of its frames, then everything closed."""
    factory, transport = url_camera(url, **options)
    pipeline = CameraPipeline(factory, name="cam")
    try:
        return pipeline, await collect(pipeline, count)
    finally:
        await pipeline.aclose()
        await transport.aclose()


def red(frame: DecodedFrame) -> int:
    red_bytes = frame.rgb[0::3]
    return round(sum(red_bytes) / len(red_bytes))


async def wait_state(pipeline: CameraPipeline, state: SourceState, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while pipeline.state is not state:
        assert loop.time() < end, f"state stayed {pipeline.state} ({pipeline.message})"
        await asyncio.sleep(0.01)


def test_slot_keeps_only_the_newest_frame_and_counts_drops() -> None:
    async def scenario() -> None:
        slot = FrameSlot()
        for i in range(5):
            slot.put(JpegFrame(bytes([i]), float(i), i))
        got = await slot.get()
        assert got.seq == 4
        assert (slot.received, slot.dropped, slot.pending) == (5, 4, False)

    asyncio.run(scenario())


async def test_mjpeg_url_frames_change_and_decode(loopback) -> None:
    async with CameraServer(loopback(), fps=30) as cam:
        pipeline, frames = await collect_url(cam.url("/stream"), 6)
    assert pipeline.state is SourceState.STOPPED
    assert (frames[0].width, frames[0].height) == (320, 240)
    reds = [red(f) for f in frames]
    palette = [colour(i) for i in range(PALETTE)]
    assert all(min(abs(r - c) for c in palette) <= 3 for r in reds), reds
    assert len(set(reds)) >= 3, reds  # the picture really changes
    assert pipeline.source_label == "MJPEG"
    assert all(0 <= f.latency < 2.0 for f in frames)


async def test_stream_cut_mid_frame_reconnects_and_continues(loopback) -> None:
    async with CameraServer(loopback(), fps=40, cut_after=4, cuts=1) as cam:
        factory, transport = url_camera(cam.url("/stream"))
        pipeline = CameraPipeline(factory, name="cam", backoff=(0.05,))
        states: list[SourceState] = []
        pipeline.add_state_listener(lambda s, _m: states.append(s))
        try:
            frames = await collect(pipeline, 10)
        finally:
            await pipeline.aclose()
            await transport.aclose()
    assert cam.connections >= 2
    assert pipeline.stats.reconnects >= 1
    assert SourceState.RETRYING in states
    assert states.index(SourceState.RETRYING) < len(states) - 1
    # the half frame was never handed to the decoder as a frame
    assert pipeline.stats.decode_errors == 0
    assert len(frames) == 10


async def test_snapshot_url_is_polled(loopback) -> None:
    async with CameraServer(loopback()) as cam:
        pipeline, frames = await collect_url(cam.url("/snapshot"), 4, fps=20)
    assert pipeline.source_label == "snapshots"
    assert cam.snapshots >= 4
    assert len({red(f) for f in frames}) >= 2


@pytest.mark.parametrize(("path", "error", "words"), [
    ("/auth", AuthError, "authentication failed"),
    ("/disabled", DeviceError, "function is disabled"),
    ("/nothing", NotSupported, "no camera at this address"),
])
async def test_refusals_stop_with_a_clear_message(loopback, path, error, words) -> None:
    async with CameraServer(loopback()) as cam:
        factory, transport = url_camera(cam.url(path), fps=5)
        pipeline = CameraPipeline(factory, name="cam", backoff=(0.05,))
        pipeline.start()
        try:
            if error is DeviceError:
                # a refusal without a typed code is retried, with the device's words shown
                await wait_state(pipeline, SourceState.RETRYING)
            else:
                await wait_state(pipeline, SourceState.DISABLED)
                assert isinstance(pipeline.error, error)
            message = pipeline.message
        finally:
            await pipeline.aclose()
            await transport.aclose()
    assert words in message


async def test_device_gone_retries_with_backoff(loopback) -> None:
    factory, transport = url_camera(f"http://{loopback()}:9/stream")
    pipeline = CameraPipeline(factory, name="cam", backoff=(0.01, 0.02))
    pipeline.start()
    try:
        await wait_state(pipeline, SourceState.RETRYING)
        while pipeline.stats.reconnects < 3:
            await asyncio.sleep(0.01)
        message = pipeline.message
    finally:
        await pipeline.aclose()
        await transport.aclose()
    assert "connection refused" in message
    assert "reconnecting in" in message


def test_bad_url_is_a_typed_error() -> None:
    with pytest.raises(InvalidValue, match="not a camera URL"):
        url_camera("rtsp://10.0.0.1/stream")


async def test_slow_consumer_drops_instead_of_queueing(loopback) -> None:
    """The reader-task path (snapshots polled on the loop): the FrameSlot keeps only the
    newest."""
    async with CameraServer(loopback(), fps=60) as cam:
        factory, transport = url_camera(cam.url("/snapshot"), fps=100)
        pipeline = CameraPipeline(factory, name="cam")
        gate = asyncio.Event()
        pending: list[asyncio.Future] = []

        class SlowExecutor:
            """Decoder that is held until the test lets it go."""

            def submit(self, fn, *args):
                import concurrent.futures
                future: concurrent.futures.Future = concurrent.futures.Future()

                async def later() -> None:
                    await gate.wait()
                    future.set_result(fn(*args))

                pending.append(asyncio.ensure_future(later()))
                return future

        pipeline.executor = SlowExecutor()  # type: ignore[assignment]
        pipeline.start()
        try:
            while pipeline.stats.received < 10:
                await asyncio.sleep(0.01)
            gate.set()
            while pipeline.stats.decoded < 2:
                await asyncio.sleep(0.01)
        finally:
            await pipeline.aclose()
            await transport.aclose()
    stats = pipeline.stats
    assert stats.dropped >= 7  # everything but the frame in flight and the newest one
    assert stats.decoded + stats.dropped <= stats.received


async def test_slow_decoder_in_the_stream_thread_skips_to_the_newest_frame(loopback) -> None:
    """The stream-thread path: frames that arrive while a decode runs are skipped, never
    queued; the next decode takes the newest complete frame."""
    async with CameraServer(loopback(), fps=60) as cam:
        factory, transport = url_camera(cam.url("/stream"))
        pipeline = CameraPipeline(factory, name="cam")
        gate = threading.Event()
        decode_threads: set[str] = set()

        def slow_decode(data, min_size):
            decode_threads.add(threading.current_thread().name)
            gate.wait(5)
            return decode_rgb(data, min_size)

        pipeline.decode = slow_decode
        pipeline.start()
        try:
            await asyncio.sleep(0.4)  # ~24 frames sent while the first decode is held
            assert pipeline.stats.decoded == 0
            gate.set()
            loop = asyncio.get_running_loop()
            end = loop.time() + 5
            while pipeline.stats.decoded < 3:
                assert loop.time() < end
                await asyncio.sleep(0.01)
        finally:
            gate.set()
            await pipeline.aclose()
            await transport.aclose()
    stats = pipeline.stats
    assert decode_threads and all(name.startswith("mjpeg-") for name in decode_threads)
    assert stats.dropped >= 10, stats
    assert stats.decoded + stats.dropped <= stats.received
    assert not pipeline._jobs or all(job.done() for job in pipeline._jobs)


async def test_busy_loop_takes_only_the_newest_decoded_picture() -> None:
    """Pictures decoded while the loop is busy replace each other: one wake-up, one picture."""
    loop = asyncio.get_running_loop()
    pipeline = CameraPipeline(lambda: None, name="cam")  # type: ignore[arg-type,return-value]
    inbox = LoopInbox(loop)
    shown: list[DecodedFrame] = []
    pipeline.add_frame_listener(shown.append)
    delivery = _ThreadDelivery(pipeline, sources.SnapshotPollSource(lambda: None, 1), inbox)
    jpegs = [make_jpeg(i, 64, 48) for i in range(5)]

    def stream_thread() -> None:  # the loop does not run while this thread delivers
        for i, data in enumerate(jpegs):
            delivery.frame_in_thread(data, float(i), skipped=1)

    worker = threading.Thread(target=stream_thread)
    worker.start()
    worker.join()
    try:
        for _ in range(100):
            await asyncio.sleep(0.01)
            if shown:
                break
        await asyncio.sleep(0.05)
    finally:
        inbox.close()
    assert len(shown) == 1 and shown[0].received == 4.0  # the newest one
    assert (pipeline.stats.received, pipeline.stats.dropped) == (10, 9)
    assert inbox.wakeups == 1


async def test_a_camera_that_keeps_dropping_leaves_no_stream_threads_behind(loopback) -> None:
    """Every reconnect starts a new stream thread; finished ones are not kept."""
    async with CameraServer(loopback(), fps=60, cut_after=2, cuts=1000) as cam:
        factory, transport = url_camera(cam.url("/stream"))
        pipeline = CameraPipeline(factory, name="cam", backoff=(0.01,))
        pipeline.start()
        try:
            loop = asyncio.get_running_loop()
            end = loop.time() + 10
            while pipeline.stats.reconnects < 12:
                assert loop.time() < end, pipeline.stats
                await asyncio.sleep(0.01)
            assert len(pipeline._jobs) <= 2
        finally:
            await pipeline.aclose()
            await transport.aclose()
    assert pipeline.stats.decoded >= 12
    assert not any(t.name.startswith("mjpeg-") and t.is_alive() for t in threading.enumerate())


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
async def test_a_frame_trickling_in_wakes_the_stream_thread_about_once(loopback, monkeypatch,
                                                                        tls) -> None:
    """Frames written in 8 pieces 4 ms apart (as over a LAN): the stream thread waits for the
    rest of the frame (socket low-water mark from the part's Content-Length) instead of
    waking up for every piece."""
    import configurator.live.streamthread as streamthread

    reads = 0
    parse = streamthread.StreamThread._frames

    def counting(self, data):
        nonlocal reads
        reads += 1
        return parse(self, data)

    monkeypatch.setattr(streamthread.StreamThread, "_frames", counting)
    async with CameraServer(loopback(), fps=10, pieces=8, piece_pause=0.004, tls=tls) as cam:
        pipeline, frames = await collect_url(cam.url("/stream"), 8)
    assert len(frames) == 8 and pipeline.stats.decode_errors == 0
    per_frame = reads / pipeline.stats.received
    assert per_frame <= 3.0, f"{reads} reads for {pipeline.stats.received} frames"
    assert max(f.latency for f in frames) < 0.5  # never waited into the next frame
