"""The HTTP of a camera stream on a raw socket, parsed by h11 (a maintained HTTP/1.1 parser).

The camera's MJPEG reader (:mod:`.mjpegstream` connects and reads the answer's head on the
event loop, :mod:`.streamthread` reads the body in a thread) receives untrusted LAN bytes.
None of it is parsed by hand: an :class:`HttpExchange` is one ``h11`` client connection that
writes the request, reads the status line and headers, and undoes the body's framing
(``Transfer-Encoding: chunked``, ``Content-Length`` or "until the connection closes");
:class:`MjpegBody` splits what comes out into JPEGs. A body delimited by the connection's
close has no framing to undo: once h11 has read the head, its bytes go on untouched (h11 would
copy each read three times for nothing). The body pieces h11 gives out are its own fresh
buffers: they are handed over to the MJPEG parser, which keeps them as they are while a frame
is incomplete and copies each frame's bytes once, into the frame (``bench_camera_parse.py``).

Every refusal of h11 becomes one :class:`~configurator.core.errors.ProtocolError` line; the
bounds stay ours: at most :data:`MAX_HEAD` bytes of head, and a body is never held (each piece
goes on to the MJPEG parser, itself bounded per part). What h11 0.16 decides differently from
the hand-written parser it replaces (changed deliberately, with their tests): whitespace
before a chunk extension's ``;`` and a NUL byte in a header value are refused with a typed
error; chunk sizes of up to 20 hexadecimal digits are accepted (the data of such a chunk is
passed on as it arrives, so memory stays bounded by the MJPEG parser's part limit).
"""

from __future__ import annotations

import h11
import httpx

from ..core.errors import ProtocolError
from ..core.mjpeg import MjpegError, MjpegParser, is_jpeg

MAX_HEAD = 64 * 1024  # bytes of status line and headers at most
CUT_SHORT = ("connection dropped or bad HTTP: peer closed connection without sending "
             "complete message body")
BAD_CHUNKS = "camera stream: bad chunked encoding"
BAD_HEAD = "connection dropped or bad HTTP"


class HttpExchange:
    """One request and its answer on a raw connection: ``request`` gives the bytes to send,
    ``feed_head`` reads the answer's head, ``feed_body`` its body as it arrives."""

    def __init__(self, host: str | None = None) -> None:
        self.host = host
        self._conn = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD)
        self.finished = False  # the body's end has been read (its framing says so)
        # A body that ends with the connection (no Transfer-Encoding, no Content-Length: how
        # cameras send MJPEG) has no framing to undo: its bytes go on as they are, without
        # h11's three copies per read (+25 % CPU per frame in the stream thread, measured).
        self._until_close: bytearray | None = None

    def request(self, request: httpx.Request) -> bytes:
        """The bytes of ``request`` (a body-less GET built by the device's httpx client)."""
        head = self._conn.send(h11.Request(method=request.method, target=request.url.raw_path,
                                           headers=list(request.headers.raw)))
        end = self._conn.send(h11.EndOfMessage())
        return (head or b"") + (end or b"")

    def feed_head(self, data: bytes) -> tuple[int, httpx.Headers] | None:
        """Add received bytes; the answer's status and headers once they are complete
        (interim ``1xx`` answers are passed over), None while more is needed. Bytes after
        the head stay here for :meth:`feed_body`."""
        if data:
            self._conn.receive_data(data)
        while True:
            event = self._next_event(head=True)
            if event is h11.NEED_DATA:
                return None  # (h11 refuses a head longer than MAX_HEAD)
            if isinstance(event, h11.Response):
                headers = httpx.Headers([(bytes(k), bytes(v)) for k, v in event.headers])
                if _ends_with_the_connection(event.status_code, headers):
                    self._until_close = bytearray(self._conn.trailing_data[0])
                return event.status_code, headers
            if isinstance(event, h11.ConnectionClosed):
                raise ProtocolError(f"{BAD_HEAD}: no answer", host=self.host)

    def keep(self, data: bytes) -> None:
        """Body bytes received before the body is read: kept for :meth:`feed_body`."""
        if self._until_close is not None:
            self._until_close += data
        else:
            self._conn.receive_data(data)

    def feed_body(self, data: bytes, *, closed: bool = False) -> list[bytes]:
        """Add received bytes (and with ``closed``, the connection's end); the body data
        they and what was kept complete, in order. A body the close cuts short (its framing
        announced more) is a :class:`ProtocolError`."""
        if self.finished:
            return []
        if self._until_close is not None:
            return self._passed_on(data, closed)
        conn = self._conn
        if data:
            conn.receive_data(data)
        if closed:
            conn.receive_data(b"")
        pieces: list[bytes] = []  # (h11's fresh bytearrays: nothing else holds them)
        while True:  # once per chunk of the body: kept lean
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as exc:
                raise ProtocolError(_reason(str(exc), False), host=self.host) from None
            if type(event) is h11.Data:
                pieces.append(event.data)
            elif event is h11.NEED_DATA:
                return pieces
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                self.finished = True
                return pieces

    def _passed_on(self, data: bytes, closed: bool) -> list[bytes]:
        kept = self._until_close
        pieces = [bytes(kept) + data] if kept else ([data] if data else [])
        self._until_close = bytearray()  # (empty: nothing kept from now on)
        self.finished = closed  # the close is this body's proper end
        return pieces

    def _next_event(self, *, head: bool) -> object:
        try:
            return self._conn.next_event()
        except h11.RemoteProtocolError as exc:
            raise ProtocolError(_reason(str(exc), head), host=self.host) from None


def _ends_with_the_connection(status: int, headers: httpx.Headers) -> bool:
    """The answer's body is delimited by the connection's close (RFC 9112 6.3, as h11 reads
    it): not an interim/no-body status, and neither Transfer-Encoding nor Content-Length."""
    has_body = status >= 200 and status not in (204, 304)
    return has_body and "transfer-encoding" not in headers and "content-length" not in headers


def _reason(h11_says: str, head: bool) -> str:
    """One line for a refusal of h11 (its message quotes the bad bytes: not repeated)."""
    if "peer closed connection" in h11_says:
        return CUT_SHORT
    if not head:
        return BAD_CHUNKS
    if "status line" in h11_says:
        return f"{BAD_HEAD}: bad status line"
    if "too long" in h11_says or "exceeds" in h11_says:
        return "camera answered an oversized HTTP header"
    return f"{BAD_HEAD}: bad header"


class MjpegBody:
    """One multipart MJPEG body fed as it arrives; ``feed`` returns the JPEGs it completes."""

    def __init__(self, parser: MjpegParser, exchange: HttpExchange) -> None:
        self.parser = parser
        self.exchange = exchange
        self.parse_errors = 0

    def feed(self, data: bytes, *, closed: bool = False) -> list[bytes]:
        """JPEGs completed by ``data`` (with ``closed``: and by the connection's end)."""
        frames: list[bytes] = []
        parser = self.parser
        for piece in self.exchange.feed_body(data, closed=closed):
            try:  # the pieces are handed over: h11 and the exchange keep none of them
                parts = parser.feed(piece, handed_over=True)
            except MjpegError as exc:
                self.parse_errors += exc.errors
                parts = exc.parts
            if parts:
                frames += [part.data for part in parts if is_jpeg(part.data, complete=False)]
        return frames

    @property
    def complete(self) -> bool:
        """The body's end has come as its framing announced: the stream ended properly."""
        return self.exchange.finished


__all__ = ["BAD_CHUNKS", "CUT_SHORT", "MAX_HEAD", "HttpExchange", "MjpegBody"]
