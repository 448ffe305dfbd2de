"""The HTTP of a camera stream on a raw socket, parsed by llhttp (through ``httptools``).

The camera's MJPEG reader (:mod:`.mjpegstream` connects and reads the answer's head on the
event loop, :mod:`.streamthread` reads the body in a thread) receives untrusted LAN bytes.
None of it is parsed by hand: an :class:`HttpExchange` writes the request and hands every
byte of the answer to ``httptools.HttpResponseParser``, the Python binding of llhttp (the
HTTP/1.1 parser of Node.js, maintained and fuzzed there), which reads the status line and
headers and undoes the body's framing (``Transfer-Encoding: chunked``, ``Content-Length`` or
"until the connection closes"); :class:`MjpegBody` splits what comes out into JPEGs.

Why llhttp and not h11 (which httpx runs on and which parsed this for a while): a camera
sends a frame every 33-100 ms for hours, and h11 spends ~13 us of Python per chunk of the
body, llhttp well under one: with 4 KB chunks h11 alone cost 0.65 ms of CPU per 190 KB frame,
more than the whole stream thread of the hand-written reader it had replaced (0.34 ms),
llhttp alone 0.03 ms; the stream thread now costs 0.21 ms there (numbers for every framing in
``resources/docs/live.md``, from ``tests/bench/bench_camera_parse.py``). The body pieces
llhttp gives out are fresh ``bytes``: they are handed over to the MJPEG parser, which keeps
them while a frame is incomplete and copies each frame's bytes once, into the frame. A body
delimited by the connection's close has no framing to undo: once the head is read, its bytes
go on untouched.

Every refusal of llhttp becomes one :class:`~configurator.core.errors.ProtocolError` line; the
bounds stay ours: at most :data:`MAX_HEAD` bytes of head are fed to it, and a body is never
held (each piece goes on to the MJPEG parser, itself bounded per part). llhttp is strict, with
two leniencies a camera needs: a line may end with LF alone (old embedded servers do that;
h11 read them too), and white space may stand before a chunk extension's ``;`` (RFC 9112
allows it). A NUL or another control byte in a header is refused; chunk sizes of up to 16
hexadecimal digits (64 bits) are accepted, their data passed on as it arrives.
"""

from __future__ import annotations

import httptools
import httpx

from ..core.errors import InvalidValue, ProtocolError
from ..core.mjpeg import MjpegError, MjpegParser, is_jpeg

MAX_HEAD = 64 * 1024  # bytes of status line and headers at most
CUT_SHORT = ("connection dropped or bad HTTP: peer closed connection without sending "
             "complete message body")
BAD_CHUNKS = "camera stream: bad chunked encoding"
BAD_HEAD = "connection dropped or bad HTTP"
OVERSIZED_HEAD = "camera answered an oversized HTTP header"
# What llhttp says of a bad status line (the rest of its refusals before the body are headers).
_STATUS_LINE_WORDS = ("http/", "version", "status", "response line", "dot")


class _Answer:
    """What llhttp reports of the answer as it parses it (the parser's callbacks)."""

    __slots__ = ("body", "ended", "head_read", "headers", "interim", "parser")

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.parser.set_dangerous_leniencies(lenient_optional_cr_before_lf=True,
                                             lenient_spaces_after_chunk_size=True)
        self.headers: list[tuple[bytes, bytes]] = []
        self.head_read = False  # the final (not 1xx) answer's head is complete
        self.interim = False  # the answer being read is an interim 1xx one
        self.body: list[bytes] = []  # body pieces not yet taken
        self.ended = False  # the body's end has come as its framing said

    def on_message_begin(self) -> None:
        self.headers = []  # (after an interim answer: the next one's own headers)

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self.head_read:  # (trailers after a chunked body are not the head's)
            self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        self.interim = 100 <= status < 200 and status != 101  # passed over: another follows
        self.head_read = not self.interim

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        if self.interim:
            self.interim = False
        else:
            self.ended = True


class HttpExchange:
    """One request and its answer on a raw connection: ``request`` gives the bytes to send,
    ``feed_head`` reads the answer's head, ``feed_body`` its body as it arrives."""

    def __init__(self, host: str | None = None) -> None:
        self.host = host
        self._answer = _Answer()
        self._head_bytes = 0  # bytes fed to the parser before the head was complete
        self._error: ProtocolError | None = None  # a body refusal, raised by feed_body
        self._no_data = 0  # body bytes fed since the last body data (trailers, say)
        self.finished = False  # the body's end has been read (its framing says so)
        # A body that ends with the connection (no Transfer-Encoding, no Content-Length: how
        # cameras send MJPEG) has no framing to undo: its bytes go on as they are.
        self._until_close = False

    def request(self, request: httpx.Request) -> bytes:
        """The bytes of ``request`` (a body-less GET built by the device's httpx client)."""
        lines = [b"%s %s HTTP/1.1" % (request.method.encode("ascii"), request.url.raw_path)]
        for name, value in request.headers.raw:
            if any(c in name + value for c in (b"\r", b"\n", b"\0")):
                raise InvalidValue(f"the camera request's {name.decode('latin-1')} header "
                                   "holds a line break or a NUL byte", host=self.host)
            lines.append(name + b": " + value)
        return b"\r\n".join(lines) + b"\r\n\r\n"

    def feed_head(self, data: bytes) -> tuple[int, httpx.Headers] | None:
        """Add received bytes; the answer's status and headers once they are complete
        (interim ``1xx`` answers are passed over), None while more is needed. Bytes after
        the head stay here for :meth:`feed_body`."""
        answer = self._answer
        room = MAX_HEAD - self._head_bytes
        head_part, rest = data[:room], data[room:]
        self._feed(head_part)
        self._head_bytes += len(head_part)
        if not answer.head_read:
            if rest or self._head_bytes >= MAX_HEAD:
                raise ProtocolError(OVERSIZED_HEAD, host=self.host)
            return None
        if rest:
            self._feed_body(rest)
        status = answer.parser.get_status_code()
        headers = httpx.Headers(answer.headers)
        self._until_close = _ends_with_the_connection(status, headers)
        return status, headers

    def keep(self, data: bytes) -> None:
        """Body bytes received before the body is read: kept for :meth:`feed_body`."""
        if self._until_close:
            self._answer.body.append(data)
        else:
            self._feed_body(data)

    def feed_body(self, data: bytes, *, closed: bool = False) -> list[bytes]:
        """Add received bytes (and with ``closed``, the connection's end); the body data
        they and what was kept complete, in order. A body the close cuts short (its framing
        announced more) is a :class:`ProtocolError`."""
        if self.finished:
            return []
        answer = self._answer
        if data:
            if self._until_close:
                answer.body.append(data)
            else:
                self._feed_body(data)
        if self._error is not None:
            raise self._error
        pieces, answer.body = answer.body, []  # (fresh bytes: nothing else holds them)
        if answer.ended or (closed and self._until_close):
            self.finished = True  # (the close is an until-close body's proper end)
        elif closed:
            raise ProtocolError(CUT_SHORT, host=self.host)
        return pieces

    def _feed_body(self, data: bytes) -> None:
        """Feed body bytes. llhttp holds nothing of a body but a header line it is reading:
        trailers after a chunked body (of no use to us) are bounded like the head."""
        answer = self._answer
        had = len(answer.body)
        self._feed(data)
        if len(answer.body) != had or answer.ended:
            self._no_data = 0
            return
        self._no_data += len(data)
        if self._no_data > MAX_HEAD and self._error is None:
            self._error = ProtocolError(f"{BAD_CHUNKS} ({MAX_HEAD // 1024} KB without data)",
                                        host=self.host)

    def _feed(self, data: bytes) -> None:
        answer = self._answer
        try:
            answer.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            pass  # a 101 answer: its head is read, what follows it is not HTTP
        except httptools.HttpParserError as exc:
            if answer.ended:
                return  # bytes after the answer's end are none of the stream's
            if not answer.head_read:
                raise ProtocolError(_head_reason(str(exc)), host=self.host) from None
            if self._error is None:  # raised by feed_body, after the head went out
                self._error = ProtocolError(BAD_CHUNKS, host=self.host)


def _ends_with_the_connection(status: int, headers: httpx.Headers) -> bool:
    """The answer's body is delimited by the connection's close (RFC 9112 6.3): not an
    interim/no-body status, and neither Transfer-Encoding nor Content-Length."""
    has_body = status >= 200 and status not in (204, 304)
    return has_body and "transfer-encoding" not in headers and "content-length" not in headers


def _head_reason(llhttp_says: str) -> str:
    """One line for a refusal of the head (llhttp's message names the rule, not the bytes)."""
    if any(word in llhttp_says.lower() for word in _STATUS_LINE_WORDS):
        return f"{BAD_HEAD}: bad status line"
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
