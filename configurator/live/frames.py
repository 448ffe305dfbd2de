"""Frames between the stream reader and the decoder: a newest-frame-wins slot.

The reader never waits for the decoder: a frame that arrives while the previous one is still
waiting to be decoded replaces it (counted in ``dropped``). Nothing can pile up, so a slow
decoder or a busy GUI shows fewer frames but never falls behind real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .decode import RGB_INDEX


@dataclass(frozen=True)
class JpegFrame:
    """One received JPEG and when its last byte arrived (``loop.time()``)."""

    data: bytes
    received: float
    seq: int


@dataclass(frozen=True)
class DecodedFrame:
    """An owned H x W x 4 buffer (``pixels``, C-contiguous) in the byte order of QImage
    ``Format_RGB32``, ready to paint without a copy; ``rgb`` is an H x W x 3 view of it."""

    pixels: np.ndarray
    width: int
    height: int
    seq: int
    received: float  # last byte of the JPEG arrived (loop.time())
    decoded: float  # decoded image available on the loop (loop.time())
    decode_cpu: float  # CPU seconds the decoder thread spent on this frame

    @property
    def latency(self) -> float:
        return self.decoded - self.received

    @property
    def stride(self) -> int:
        return int(self.pixels.strides[0])

    @property
    def rgb(self) -> np.ndarray:
        """Red, green, blue channels (H x W x 3; a view for slicing, a copy when indexed)."""
        if RGB_INDEX == [2, 1, 0]:
            return self.pixels[..., 2::-1]  # a view, no copy
        return self.pixels[..., 1:4]


class FrameSlot:
    """Holds at most one undecoded frame; ``put`` replaces it, ``get`` waits for one."""

    def __init__(self) -> None:
        self._frame: JpegFrame | None = None
        self._ready = asyncio.Event()
        self.received = 0
        self.dropped = 0

    def put(self, frame: JpegFrame) -> None:
        self.received += 1
        if self._frame is not None:
            self.dropped += 1
        self._frame = frame
        self._ready.set()

    async def get(self) -> JpegFrame:
        while self._frame is None:
            self._ready.clear()
            await self._ready.wait()
        frame, self._frame = self._frame, None
        self._ready.clear()
        return frame

    def clear(self) -> None:
        """Forget a pending frame (stream restarted); counts are kept."""
        self._frame = None
        self._ready.clear()

    @property
    def pending(self) -> bool:
        return self._frame is not None


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
        self._notifier = _qt_notifier(loop, self._reader.fileno(), self._drain)
        self._watched = True
        if self._notifier is None:
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
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            _delete_qobject(self._notifier)  # now, on the loop's thread (see below)
            self._notifier = None
        elif self._watched and not self._loop.is_closed():
            # qasync's QSocketNotifier sits in a reference cycle (its slot lambda holds it):
            # left to the cyclic GC, it could be destroyed in whatever thread the GC runs
            # in (a decoder thread) and crash Qt. Delete it here, on the loop's thread.
            notifiers = getattr(self._loop, "_read_notifiers", None)
            notifier = notifiers.get(self._reader.fileno()) if notifiers else None
            with contextlib.suppress(RuntimeError, ValueError, OSError):
                self._loop.remove_reader(self._reader.fileno())
            _delete_qobject(notifier)
        self._reader.close()
        self._writer.close()
        while True:  # drop results nobody will read (big pixel buffers)
            try:
                self._items.get_nowait()
            except queue.Empty:
                break


def _qt_notifier(loop: asyncio.AbstractEventLoop, fd: int,
                 slot: Callable[[], None]) -> object | None:
    """Under qasync, a QSocketNotifier of our own whose slot drains the inbox directly.

    qasync's ``add_reader`` turns every readiness into a ``call_soon``, which it implements as a
    one-shot Qt timer (start, timer event, kill) plus enabling and disabling the notifier: for
    the camera that was a noticeable share of the loop's CPU per decoded picture. The inbox
    drains its socket completely on every wake-up, so a level-triggered notifier without that
    dance fires once per batch. None on other loops (plain asyncio uses ``add_reader``)."""
    if not type(loop).__module__.startswith("qasync"):
        return None
    from PySide6.QtCore import QSocketNotifier

    notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read)
    notifier.activated.connect(slot)
    notifier.setEnabled(True)
    return notifier


def _delete_qobject(obj: object) -> None:
    """Destroy a Qt object's C++ side now (on this thread); its Python wrapper then stays
    harmless whichever thread later frees it. Anything that is not a Qt object is left alone."""
    if obj is None or type(obj).__module__.split(".")[0] not in ("PySide6", "shiboken6"):
        return
    try:
        import shiboken6
    except ImportError:  # pragma: no cover - PySide6 always brings shiboken6
        return
    if shiboken6.isValid(obj):
        shiboken6.delete(obj)
