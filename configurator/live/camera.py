"""The camera pipeline: stream reader task -> newest-frame-wins slot -> decoder -> listeners.

- MJPEG streams (HTTP and HTTPS) are read, split and decoded in a stream thread of their own
  (:mod:`.streamthread`); the loop hears of each decoded picture once, through a
  :class:`~.frames.LoopInbox`, and a picture the loop has not taken yet is replaced by a newer
  one (``stats.dropped``). This is the lean path: no event-loop work per network read.
- Snapshot polling goes through the reader task: it takes the JPEGs a
  :class:`~.sources.FrameSource` hands on (on the loop) and puts each into a
  :class:`~.frames.FrameSlot`; it never waits for the decoder, so a frame that arrives while the
  previous one is still waiting replaces it (``stats.dropped``).
- The decoder task takes the newest frame, decodes it in the decoder threads (GIL released; the
  result comes back through a :class:`~.frames.LoopInbox`, never a Qt call from a thread) and
  hands the :class:`~.frames.DecodedFrame` to the listeners on the event loop (in the GUI that is
  the Qt thread, so a widget just stores the frame and calls ``update()``). One decode in flight
  per camera.
- Connection problems reconnect with backoff (``RETRYING``); authentication failures, a disabled
  camera service or a missing camera stop with a clear message (``DISABLED``).
- Streams run only while someone holds the pipeline (``acquire``/``release``): the viewer holds
  it while visible.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Protocol

from ..core.backoff import BackoffPolicy, as_policy
from ..core.errors import (
    CertificateMismatch,
    CertificateRejected,
    DeviceError,
    InvalidValue,
    ProtocolError,
)
from ..core.events import SourceState
from ..core.sourcestate import NO_RETRY_HELPS, StateHolder, add_listener
from .decode import Decoder, Picture, decode_executor, decode_rgb
from .frames import DecodedFrame, FrameSlot, JpegFrame, LoopInbox, NewestWins
from .sources import FrameSource, SourceFactory

log = logging.getLogger("configurator.live.camera")

BACKOFF = BackoffPolicy(initial=0.5, maximum=15.0, factor=2.0)  # 0.5, 1, 2, 4, 8, 15 s
FPS_WINDOW = 2.0  # seconds of decoded frames the fps figure is computed over

# Errors a retry cannot fix: stop and say why.
_FINAL = (*NO_RETRY_HELPS, CertificateMismatch, CertificateRejected, InvalidValue)

FrameListener = Callable[[DecodedFrame], None]


@dataclass
class CameraStats:
    received: int = 0  # complete JPEGs read from the stream
    decoded: int = 0
    shown: int = 0  # frames a view painted (``mark_shown``)
    dropped: int = 0  # replaced in the slot before they could be decoded
    decode_errors: int = 0
    reconnects: int = 0
    latencies: deque[float] = field(default_factory=lambda: deque(maxlen=1000))
    # last byte of the JPEG received -> first painted (``mark_shown(frame)``)
    shown_latencies: deque[float] = field(default_factory=lambda: deque(maxlen=1000))
    decode_cpu: deque[float] = field(default_factory=lambda: deque(maxlen=1000))
    decoded_at: deque[float] = field(default_factory=lambda: deque(maxlen=256))

    def fps(self, now: float, min_span: float = 0.0) -> float:
        """Decoded frames per second over the last ``FPS_WINDOW`` seconds; 0 while fewer
        than two frames, or frames spanning less than ``min_span`` seconds, were decoded."""
        times = [t for t in self.decoded_at if now - t <= FPS_WINDOW]
        if len(times) < 2:
            return 0.0
        span = max(times[-1] - times[0], 1e-6)
        return (len(times) - 1) / span if span >= min_span else 0.0

    def latency_ms(self) -> float:
        return self.latencies[-1] * 1000.0 if self.latencies else 0.0


class CameraPipeline(StateHolder):
    """One camera's live frames and its state (``add_state_listener``); see the module
    docstring."""

    def __init__(
        self,
        factory: SourceFactory,
        *,
        name: str = "",
        executor: Executor | None = None,
        backoff: BackoffPolicy | Sequence[float] = BACKOFF,
    ) -> None:
        super().__init__(name)
        self.factory = factory
        self.executor = executor
        self.backoff = as_policy(backoff)
        self.error: DeviceError | None = None  # why the pipeline is DISABLED
        self.stats = CameraStats()
        self.last_frame: DecodedFrame | None = None
        self.source_label = ""
        # (width, height) a view needs; the decoder may scale down to no less than this.
        self.min_size: tuple[int, int] | None = None
        self.decode: Decoder = decode_rgb  # JPEG -> (pixels, CPU seconds); any thread
        self._frame_listeners: list[FrameListener] = []
        self._holders = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping: list[asyncio.Task[None]] = []  # cancelled, awaited by ``aclose``
        self._slot = FrameSlot()
        self._seq = 0
        # decodes submitted to the decoder threads and stream threads, maybe still running
        self._jobs: set[_Job] = set()
        self._retry = self.backoff.start()  # connection attempts failed in a row

    # -- listeners ------------------------------------------------------------------------
    def add_frame_listener(self, listener: FrameListener) -> Callable[[], None]:
        return add_listener(self._frame_listeners, listener)

    def mark_shown(self, frame: DecodedFrame | None = None) -> None:
        """A view painted a new frame; with ``frame``, its latency to the screen is kept."""
        self.stats.shown += 1
        if frame is not None:
            self.stats.shown_latencies.append(time.monotonic() - frame.received)

    # -- running --------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True from ``start`` until ``stop`` (or until the stream gave up: DISABLED)."""
        return any(not t.done() for t in self._tasks)

    def acquire(self) -> None:
        """Someone wants frames (a visible view): start if this is the first holder."""
        self._holders += 1
        if self._holders == 1:
            self.start()

    def release(self) -> None:
        """A holder went away (view hidden, paused): stop when it was the last."""
        self._holders = max(0, self._holders - 1)
        if self._holders == 0:
            self.stop()

    def start(self) -> None:
        if self.running:
            return
        self._slot.clear()
        self._stopping = [t for t in self._stopping if not t.done()]
        self._tasks = [asyncio.ensure_future(self._read_loop()),
                       asyncio.ensure_future(self._decode_loop())]

    def stop(self) -> None:
        """Cancel the stream (returns at once; ``aclose`` waits for the tasks)."""
        for task in self._tasks:
            task.cancel()
        self._stopping.extend(self._tasks)
        self._tasks = []
        self.set_stopped()

    async def aclose(self) -> None:
        self._holders = 0
        self.stop()
        tasks, self._stopping = self._stopping, []
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._wait_for_decoder()

    async def _wait_for_decoder(self, timeout: float = 2.0) -> None:
        """Wait until no decode of this pipeline still runs in a decoder thread, so nothing of
        it is left in a thread after ``aclose`` (a decode takes milliseconds: polled, since
        waiting through the executor's future would be the cross-thread wake-up we avoid)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._jobs:
            self._jobs = {job for job in self._jobs if not job.done()}
            if not self._jobs:
                return
            if loop.time() > deadline:
                log.warning("%s: a decode still runs after %g s", self.name, timeout)
                return
            await asyncio.sleep(0.005)

    # -- internals ------------------------------------------------------------------------
    def _went_live(self, source: FrameSource) -> None:
        if self.state is not SourceState.LIVE:
            self.source_label = source.label
            self.set_state(SourceState.LIVE, source.label)
            self._retry.reset()

    async def _read_loop(self) -> None:
        loop = asyncio.get_running_loop()
        self._retry = self.backoff.start()
        self.set_state(SourceState.CONNECTING, "connecting")
        inbox = LoopInbox(loop)  # decoded pictures from stream threads
        try:
            while True:
                source = self.factory()
                reason = await self._read_one(loop, source, inbox)
                if reason is None:
                    return
                delay = self._retry.next_delay()
                self.stats.reconnects += 1
                self.set_state(SourceState.RETRYING, f"{reason}; reconnecting in {delay:g} s")
                await asyncio.sleep(delay)
        finally:
            inbox.close()

    async def _read_one(self, loop: asyncio.AbstractEventLoop, source: FrameSource,
                        inbox: LoopInbox) -> str | None:
        """One connection: returns why it ended, or None when the pipeline must stop."""

        def take(data: bytes) -> None:
            self._went_live(source)
            self._seq += 1
            self.stats.received += 1
            dropped = self._slot.dropped
            self._slot.put(JpegFrame(data, loop.time(), self._seq))
            self.stats.dropped += self._slot.dropped - dropped

        try:  # a stream's frames come from its thread (sink), snapshots through ``take``
            await source.run(take, sink=_ThreadDelivery(self, source, inbox))
            return "camera stream ended"
        except _FINAL as exc:
            self.error = exc
            self.set_state(SourceState.DISABLED, exc.message if exc.message else str(exc))
            current = asyncio.current_task()
            for task in self._tasks:  # nothing more will come: the decoder stops too
                if task is not current:
                    task.cancel()
            return None
        except DeviceError as exc:
            return exc.message

    def _publish(self, picture: Picture, cpu: float, received: float) -> None:
        """On the loop: a decoded picture goes to the stats and the listeners."""
        now = asyncio.get_running_loop().time()
        self._seq += 1
        decoded = DecodedFrame(picture, self._seq, received, now, cpu)
        self.stats.decoded += 1
        self.stats.latencies.append(decoded.latency)
        self.stats.decode_cpu.append(cpu)
        self.stats.decoded_at.append(now)
        self.last_frame = decoded
        for listener in list(self._frame_listeners):
            listener(decoded)

    async def _decode_loop(self) -> None:
        loop = asyncio.get_running_loop()
        executor = self.executor or decode_executor()
        # Results come back through the inbox (a queue plus a socket the loop watches), not
        # through run_in_executor: no Qt call from the decoder threads (see LoopInbox).
        inbox = LoopInbox(loop)
        try:
            while True:
                frame = await self._slot.get()
                try:
                    rgb, cpu = await _decode_in(executor, inbox, loop, self.decode,
                                                frame.data, self.min_size, self._jobs)
                except ProtocolError as exc:
                    self.stats.decode_errors += 1
                    log.debug("%s: %s", self.name, exc)
                    continue
                self._publish(rgb, cpu, frame.received)
        finally:
            inbox.close()


async def _decode_in(executor: Executor, inbox: LoopInbox, loop: asyncio.AbstractEventLoop,
                     decode: Decoder, data: bytes, min_size: tuple[int, int] | None,
                     jobs: set[_Job]) -> tuple[Picture, float]:
    """``decode`` in a decoder thread; the result reaches the loop through ``inbox``.
    The submitted job stays in ``jobs`` until it has finished (``aclose`` waits for it)."""
    future: asyncio.Future[tuple[Picture, float]] = loop.create_future()

    def settle(result: tuple[Picture, float] | None, error: Exception | None) -> None:
        if future.done():  # cancelled: the pipeline stopped meanwhile
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def job() -> None:  # in the decoder thread: decode, then post; nothing else
        try:
            result = decode(data, min_size)
        except Exception as exc:  # re-raised on the loop by ``settle``
            inbox.post(settle, None, exc)
        else:
            inbox.post(settle, result, None)

    submitted = executor.submit(job)
    jobs.add(submitted)
    try:
        return await future
    finally:
        if submitted.done():
            jobs.discard(submitted)


class _Job(Protocol):
    """Work in another thread that ``aclose`` waits for (a decode, a stream thread)."""

    def done(self) -> bool: ...


class _ThreadDelivery:
    """The :class:`~.streamthread.FrameSink` of one connection: decodes in the stream thread,
    keeps only the newest decoded picture (:class:`~.frames.NewestWins`) until the loop takes
    it (one wake-up per picture at most, fewer when the loop is busy), and counts what was
    skipped."""

    def __init__(self, pipeline: CameraPipeline, source: FrameSource, inbox: LoopInbox) -> None:
        self._pipeline = pipeline
        self._source = source
        self._inbox = inbox
        self._lock = threading.Lock()
        self._latest: NewestWins[tuple[Picture, float, float]] = NewestWins()
        self._received = self._dropped = self._errors = 0
        self._wake_pending = False

    # -- in the stream thread -------------------------------------------------------------
    def frame_in_thread(self, data: bytes, received: float, skipped: int) -> None:
        if self._inbox.closed:
            return
        pipeline = self._pipeline
        try:
            pixels, cpu = pipeline.decode(data, pipeline.min_size)
            picture: tuple[Picture, float, float] | None = (pixels, cpu, received)
        except ProtocolError as exc:
            log.debug("%s: %s", pipeline.name, exc)
            picture = None
        with self._lock:
            self._received += 1 + skipped
            self._dropped += skipped
            if picture is None:
                self._errors += 1
            elif self._latest.put(picture):
                self._dropped += 1  # decoded, but a newer one came before the loop took it
            if self._wake_pending:
                return
            self._wake_pending = True
        self._inbox.post(self._deliver)

    def post(self, callback: Callable[..., object], *args: object) -> None:
        self._inbox.post(callback, *args)

    def track(self, job: _Job) -> None:
        jobs = self._pipeline._jobs
        jobs.difference_update([old for old in jobs if old.done()])  # a flapping camera
        jobs.add(job)  # reconnects all day: keep only what may still run

    # -- on the loop ----------------------------------------------------------------------
    def _deliver(self) -> None:
        with self._lock:
            picture = self._latest.take()
            received, dropped, errors = self._received, self._dropped, self._errors
            self._received = self._dropped = self._errors = 0
            self._wake_pending = False
        pipeline = self._pipeline
        stats = pipeline.stats
        stats.received += received
        stats.dropped += dropped
        stats.decode_errors += errors
        if picture is not None:
            pipeline._went_live(self._source)
            pipeline._publish(*picture)
