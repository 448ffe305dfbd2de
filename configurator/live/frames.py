"""Frames between the stream reader, the decoder and the event loop: newest frame wins.

:class:`NewestWins` is the one newest-frame-wins holder of the camera: whoever produces never
waits for whoever consumes; an item that arrives while the previous one is still waiting
replaces it (counted in ``dropped``). Nothing can pile up, so a slow decoder or a busy GUI
shows fewer frames but never falls behind real time. :class:`FrameSlot` is one for the reader
task and the decoder task (an awaitable ``get``); the stream threads' deliveries to the loop
use one too (:mod:`.camera`).

:class:`LoopInbox` hands results from worker threads to the loop through a socket pair; how
its socket is watched can be replaced (:func:`.wakeup.use_loop_watch`): the GUI installs a Qt one
(``configurator/ui/live/loop_wakeup.py``). Nothing here imports Qt.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from . import wakeup
from .decode import RGB_INDEX, Picture


@dataclass(frozen=True)
class JpegFrame:
    """One received JPEG and when its last byte arrived (``loop.time()``)."""

    data: bytes
    received: float
    seq: int


@dataclass(frozen=True)
class DecodedFrame:
    """A decoded picture (:class:`~.decode.Picture`: owned 32-bit pixels in the byte order of
    QImage ``Format_RGB32``, ready to paint without a copy) and when it was received and
    decoded; ``rgb`` is a packed copy of its red, green and blue bytes."""

    picture: Picture
    seq: int
    received: float  # last byte of the JPEG arrived (loop.time())
    decoded: float  # decoded image available on the loop (loop.time())
    decode_cpu: float  # CPU seconds the decoder thread spent on this frame

    @property
    def latency(self) -> float:
        return self.decoded - self.received

    @property
    def pixels(self) -> Any:
        return self.picture.pixels

    @property
    def width(self) -> int:
        return self.picture.width

    @property
    def height(self) -> int:
        return self.picture.height

    @property
    def stride(self) -> int:
        return self.picture.stride

    @property
    def rgb(self) -> bytes:
        """Red, green, blue of every pixel, row after row (3 x width x height bytes)."""
        picture = self.picture
        rows = memoryview(picture.pixels).cast("B")
        row_bytes = picture.width * 4
        if picture.stride != row_bytes:
            rows = memoryview(b"".join(rows[y * picture.stride:y * picture.stride + row_bytes]
                                       for y in range(picture.height)))
        packed = bytearray(3 * picture.width * picture.height)
        for channel, index in enumerate(RGB_INDEX):
            packed[channel::3] = rows[index:picture.height * row_bytes:4]
        return bytes(packed)


T = TypeVar("T")


class NewestWins(Generic[T]):
    """Holds at most one item; ``put`` replaces a waiting one (``dropped``), ``take`` empties.

    Thread-safe: a stream thread may ``put`` while the loop takes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._item: T | None = None
        self.received = 0
        self.dropped = 0

    def put(self, item: T) -> bool:
        """Keep ``item``; True when it replaced one that was still waiting (dropped)."""
        with self._lock:
            self.received += 1
            replaced = self._item is not None
            if replaced:
                self.dropped += 1
            self._item = item
            return replaced

    def take(self) -> T | None:
        """The waiting item (None when there is none); the holder is empty afterwards."""
        with self._lock:
            item, self._item = self._item, None
            return item

    def clear(self) -> None:
        """Forget a waiting item; counts are kept."""
        self.take()

    @property
    def pending(self) -> bool:
        """An item is waiting."""
        return self._item is not None


class FrameSlot(NewestWins[JpegFrame]):
    """The reader task's newest frame for the decoder task: ``get`` waits for one."""

    def __init__(self) -> None:
        super().__init__()
        self._ready = asyncio.Event()

    def put(self, frame: JpegFrame) -> bool:
        """On the loop: keep ``frame`` (replacing a waiting one) and wake ``get``."""
        replaced = super().put(frame)
        self._ready.set()
        return replaced

    async def get(self) -> JpegFrame:
        """The newest frame, waiting for one if none is there."""
        while True:
            frame = self.take()
            if frame is not None:
                self._ready.clear()
                return frame
            self._ready.clear()
            await self._ready.wait()

    def clear(self) -> None:
        """Forget a pending frame (stream restarted); counts are kept."""
        super().clear()
        self._ready.clear()


class LoopInbox:
    """Hands results from worker threads to the event loop without any Qt call in the workers.

    ``post(callback, *args)`` may be called from any thread: it appends to a
    :class:`queue.SimpleQueue` and, if no wake-up is pending yet, writes one byte to a socket
    pair whose reading end the loop watches with ``loop.add_reader``. On the loop, the reader
    drains the queue and runs every callback: one wake-up per batch, however many workers
    finished meanwhile.

    Why not ``loop.run_in_executor`` / ``call_soon_threadsafe``: under qasync those emit a
    PySide6 queued signal from the worker thread, and with PySide6 6.8+ that crashed the
    viewer (``Fatal Python error: none_dealloc`` in qasync's timer callback; the argument
    tuple sent across threads loses a reference). A socket write touches neither Qt nor any
    loop state from the worker.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._items: queue.SimpleQueue[tuple[Callable[..., object], tuple[object, ...]]] = \
            queue.SimpleQueue()
        self._lock = threading.Lock()
        self._wake_pending = False
        self._closed = False
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self.wakeups = 0  # times the loop was woken (batches), for tests and diagnostics
        self.delivered = 0  # callbacks run on the loop
        factory = wakeup.current()
        self._watch = factory(loop, self._reader.fileno(), self._drain) if factory else None
        self._watched = True
        if self._watch is None:
            try:
                loop.add_reader(self._reader.fileno(), self._drain)
            except NotImplementedError:
                # Assumption: a loop without add_reader (Windows proactor) is not qasync on
                # PySide6's signal path; call_soon_threadsafe is that loop's own safe wake-up.
                self._watched = False

    @property
    def closed(self) -> bool:
        return self._closed

    def post(self, callback: Callable[..., object], *args: object) -> None:
        """From any thread: run ``callback(*args)`` on the loop soon. Ignored once closed."""
        if self._closed:
            return
        self._items.put((callback, args))
        if not self._watched:
            with contextlib.suppress(RuntimeError):  # loop closed meanwhile
                self._loop.call_soon_threadsafe(self._drain)
            return
        with self._lock:
            if self._wake_pending:
                return  # the loop has not drained yet: it will see this item too
            self._wake_pending = True
        try:
            self._writer.send(b"\0")
        except (BlockingIOError, InterruptedError):
            pass  # the socket buffer is full of wake-ups already
        except OSError:
            pass  # closed while posting: nobody waits for this result any more

    def _drain(self) -> None:
        # Order matters: first swallow the wake-up bytes, then allow new wake-ups, then run the
        # queue. A post that still saw a pending wake-up put its item in the queue before
        # looking, so the loop below runs it; a post after the reset sends a byte that wakes
        # us again. (Resetting first lost wake-ups: a byte sent just after the reset was
        # swallowed here, and the next posts waited for a wake-up that never came.)
        if self._watched:
            # One read is enough: a byte is sent only when no wake-up was pending, so at most
            # a few wait here (a loop until EAGAIN cost an exception per wake-up).
            with contextlib.suppress(BlockingIOError, InterruptedError, OSError):
                self._reader.recv(4096)
        with self._lock:
            self._wake_pending = False
        self.wakeups += 1
        while True:
            try:
                callback, args = self._items.get_nowait()
            except queue.Empty:
                return
            if self._closed:
                continue
            self.delivered += 1
            try:
                callback(*args)
            except Exception as exc:  # one failing callback must not strand the others
                self._loop.call_exception_handler(
                    {"message": f"exception in {callback!r} (LoopInbox)", "exception": exc})

    def close(self) -> None:
        """On the loop: stop watching and close the sockets; later posts are dropped."""
        if self._closed:
            return
        self._closed = True
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        elif self._watched and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError, ValueError, OSError):
                self._loop.remove_reader(self._reader.fileno())
        self._reader.close()
        self._writer.close()
        while True:  # drop results nobody will read (big pixel buffers)
            try:
                self._items.get_nowait()
            except queue.Empty:
                break
