"""An MJPEG body read, parsed and handed on in a thread of its own.

Once :func:`~.mjpegstream.stream_raw` has the camera's ``200 multipart/…`` head, the
connection's socket leaves asyncio: a :class:`StreamThread` reads it with blocking ``recv``
(the GIL is released while it waits), splits the body into JPEGs and gives the newest one to
its :class:`FrameSink` (the camera pipeline decodes it right there, in the same thread).
The event loop only hears of decoded pictures, once per picture, instead of once per network
read plus once per decoder hand-off; that loop work was most of the viewer's CPU per frame
beyond the decode itself.

Newest frame wins here too: after a JPEG is complete, whatever else already waits in the
socket is read before deciding which frame to hand on; older complete frames are skipped
(``skipped``), never queued.

TLS streams come with their :class:`~.tlsbio.TlsSession` (handshake, pin check and request
were done on the loop); the thread goes on decrypting with it.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import Protocol

from ..core.errors import DeviceError, DeviceTimeout, Unreachable
from ..core.transport import os_reason
from .httpwire import MjpegBody
from .tlsbio import TlsSession

READ_SIZE = 256 * 1024
# Reads of already-waiting data before a frame is handed on: a camera sending faster than
# this thread reads still gets a picture through every few reads.
MAX_CATCH_UP_READS = 16
# Upper bound of the socket's receive low-water mark (see ``_wait_for_rest``): as much as one
# read takes, so the rest of a 200 KB frame is one wake-up and one read (each read is one more
# trip through the HTTP parser as well), not several of 64 KB.
MAX_LOW_WATER = READ_SIZE

log = logging.getLogger("configurator.live.streamthread")

EndCallback = Callable[[BaseException | None, int], None]


class FrameSink(Protocol):
    """What a stream thread feeds (the camera pipeline implements it)."""

    def frame_in_thread(self, data: bytes, received: float, skipped: int) -> None:
        """In the stream thread: the newest complete JPEG, when its last byte arrived
        (``time.monotonic()``), and how many older complete ones were skipped for it."""

    def post(self, callback: Callable[..., object], *args: object) -> None:
        """From any thread: run ``callback(*args)`` on the event loop."""

    def track(self, job: StreamThread) -> None:
        """The pipeline waits for tracked threads to end before it calls itself closed."""


class StreamThread:
    """Reads one MJPEG body from ``sock`` (which it owns) until the stream ends or ``stop``."""

    def __init__(self, sock: socket.socket, body: MjpegBody, sink: FrameSink, *,
                 read_timeout: float, host: str, tls: TlsSession | None = None,
                 newest_only: bool = True) -> None:
        self._sock = sock
        self._tls: TlsSession | None = tls
        self._newest_only = newest_only  # False: every JPEG to the sink, in order
        self._body: MjpegBody | None = body
        self._sink = sink
        self._read_timeout = read_timeout
        self._host = host
        self._lock = threading.Lock()  # socket shutdown (loop) vs. close (thread)
        self._stopped = False
        self._finished = threading.Event()
        self._eof = False
        self._low_water = 1
        self._last_parse_errors = 0

    def start(self, on_end: EndCallback) -> None:
        """Start reading; ``on_end(error, parse_errors)`` runs on the loop when the stream
        ends by itself (not after ``stop``)."""
        self._sink.track(self)
        thread = threading.Thread(target=self._run, args=(on_end,), daemon=True,
                                  name=f"mjpeg-{self._host}")
        thread.start()

    def stop(self) -> None:
        """From the loop: end the stream now (a blocked ``recv`` returns at once)."""
        with self._lock:
            self._stopped = True
            if self._sock.fileno() >= 0:
                with contextlib.suppress(OSError):
                    self._sock.shutdown(socket.SHUT_RDWR)

    def done(self) -> bool:
        """True once the thread has left (nothing of it runs any more)."""
        return self._finished.is_set()

    # -- in the thread --------------------------------------------------------------------
    def _run(self, on_end: EndCallback) -> None:
        error: BaseException | None = None
        try:
            self._read()
        except TimeoutError:
            error = DeviceTimeout("the device did not answer in time", host=self._host)
        except DeviceError as exc:
            error = exc
        except OSError as exc:
            error = Unreachable(f"network error: {os_reason(exc)}", host=self._host)
        except Exception as exc:  # a bug must end the stream visibly, not kill it silently
            log.exception("%s: camera stream thread failed", self._host)
            error = DeviceError(f"camera stream failed: {exc}", host=self._host)
        finally:
            with self._lock:
                stopped = self._stopped
                self._sock.close()
        try:
            if not stopped:
                self._sink.post(on_end, error, self.parse_errors)
        finally:
            self._finished.set()
            self._last_parse_errors = self.parse_errors
            self._body = self._tls = None  # buffers of a dead stream: not kept by whoever
            # still holds this object

    def _read(self) -> None:
        self._sock.settimeout(self._read_timeout)
        data, received = b"", time.monotonic()  # the body bytes that came with the head
        while not self._stopped:  # are in the body's HTTP exchange already
            frames = self._frames(data)
            if frames and not self._newest_only:
                for frame in frames:
                    self._sink.frame_in_thread(frame, received, 0)
            elif frames:
                for _ in range(MAX_CATCH_UP_READS):  # newest frame wins: read what waits
                    if self._eof:
                        break
                    more = self._recv_waiting()
                    if not more:
                        break
                    arrived, newer = time.monotonic(), self._frames(more)
                    if newer:
                        frames += newer
                        received = arrived
                self._sink.frame_in_thread(frames[-1], received, len(frames) - 1)
            if self._eof or self._living_body().complete:
                break
            data = self._recv()
            received = time.monotonic()
            if not data:
                self._eof = True
        if self._stopped or self._living_body().complete:
            return
        for frame in self._living_body().feed(b"", closed=True):  # a cut body: ProtocolError
            self._sink.frame_in_thread(frame, received, 0)

    def _recv(self) -> bytes:
        """The next bytes of the body, waiting for them (empty at the end of the stream)."""
        tls = self._tls
        if tls is None:
            self._wait_for_rest(0)
            return self._sock.recv(READ_SIZE)
        while True:
            plain = self._decrypted()
            if plain or tls.closed:
                return plain
            self._wait_for_rest(tls.buffered_input)
            raw = self._sock.recv(READ_SIZE)
            if not raw:
                return b""
            tls.feed(raw)

    def _recv_waiting(self) -> bytes:
        """Bytes that already arrived (empty when none); notes the end of the stream.
        (``MSG_DONTWAIT`` would not do: a socket with a timeout polls before every recv.)"""
        tls = self._tls
        if tls is not None:
            plain = self._decrypted()
            if plain or tls.closed:
                self._eof = tls.closed and not plain
                return plain
        if not _readable_now(self._sock):
            return b""
        data = self._sock.recv(READ_SIZE)
        if not data:
            self._eof = True
            return b""
        if tls is not None:
            tls.feed(data)
            data = self._decrypted()
            self._eof = tls.closed and not data
        return data

    def _wait_for_rest(self, already_here: int) -> None:
        """Sleep until the rest of the current frame has arrived, not until its next segment:
        the socket's receive low-water mark is set to the bytes the frame still lacks (from its
        Content-Length; never more than can come, so it never waits into the next frame).
        On a LAN a 200 KB frame arrives as ~140 segments over milliseconds; each early wake-up
        of this thread costs more CPU than the bytes it reads. ``already_here``: received
        bytes not yet handed to the parser (TLS records still being decrypted)."""
        body = self._body
        missing = body.parser.part_bytes_missing if body is not None else 0
        mark = max(1, min(missing - already_here, MAX_LOW_WATER))
        if mark != self._low_water and _LOW_WATER_OPTION is not None:
            try:
                self._sock.setsockopt(socket.SOL_SOCKET, _LOW_WATER_OPTION, mark)
            except OSError:
                return  # not supported here: wake up per segment as before
            self._low_water = mark

    def _decrypted(self) -> bytes:
        """Plaintext from what the TLS session holds; sends what it has to send back."""
        assert self._tls is not None
        plain = self._tls.read_plain()
        out = self._tls.take_output()
        if out:
            self._sock.sendall(out)
        return plain

    def _frames(self, data: bytes) -> list[bytes]:
        return self._living_body().feed(data)

    def _living_body(self) -> MjpegBody:
        assert self._body is not None  # only let go of once the thread has left
        return self._body

    @property
    def parse_errors(self) -> int:
        return self._body.parse_errors if self._body is not None else self._last_parse_errors


_LOW_WATER_OPTION: int | None = getattr(socket, "SO_RCVLOWAT", None)


def _readable_now(sock: socket.socket) -> bool:
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([sock], [], [], 0)[0])


__all__ = ["FrameSink", "StreamThread"]
