"""Incremental parser for ``multipart/x-mixed-replace`` MJPEG streams.

2N IP intercoms (``/api/camera/snapshot?fps=N``) and most IP cameras send live
video as an endless HTTP multipart body: every part is one JPEG frame. Devices
differ in the details, so the parser is deliberately tolerant. Accepted variants:

* boundary declared as ``boundary=b`` and sent as ``--b``, or declared as
  ``boundary=--b`` and sent as ``----b`` (or ``--b``): the parser matches a
  delimiter line ``--b`` preceded by any number of extra dashes;
* any preamble before the first delimiter, any epilogue after the closing
  delimiter ``--b--`` (further delimiter lines after it are parsed again);
* spaces/tabs after the boundary on the delimiter line;
* line endings CRLF or bare LF, in delimiter and header lines alike;
* delimiter line directly followed by headers or by JPEG data (no line break);
* parts with no headers at all (delimiter line then blank line, or delimiter
  line then data starting with the JPEG SOI marker ``FF D8``), and header
  blocks that are not terminated by a blank line before the data;
* with ``Content-Length``: exactly that many bytes are the part (trusted even
  if the data contains the delimiter); missing or extra CR/LF before the next
  delimiter is tolerated; anything else there is skipped up to the next
  delimiter line (counted in :attr:`MjpegParser.resyncs`);
* without ``Content-Length``: the part ends at the next ``CRLF--b`` (or bare
  ``LF--b``) that forms a valid delimiter line.

The parser is pure (no I/O, no Qt), works in O(n) over the whole stream (each
byte is searched a bounded number of times) and keeps at most about
``max_part_size`` bytes buffered; larger parts raise :class:`MjpegError`.

Copies: a part with ``Content-Length`` that comes in several chunks is gathered as the
chunks themselves (or views of them) and joined once when complete, so each of its bytes is
copied once, into the part; a chunk is kept by reference only when it cannot change (``bytes``,
or a chunk the caller hands over with ``feed(..., handed_over=True)``) and when it is not small
(pieces under :data:`MIN_KEPT_PIECE` bytes are copied into one buffer: a stream of tiny chunks
costs no more memory than its bytes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "MAX_HEADER_BYTES",
    "MIN_KEPT_PIECE",
    "MjpegError",
    "MjpegParser",
    "MjpegPart",
    "boundary_from_content_type",
    "is_jpeg",
]

#: Upper limit for the header block of one part.
MAX_HEADER_BYTES = 64 * 1024
#: A piece of a ``Content-Length`` part shorter than this is copied, not kept by reference.
MIN_KEPT_PIECE = 1024

_CR, _LF, _SP, _TAB, _DASH, _COLON = 0x0D, 0x0A, 0x20, 0x09, 0x2D, 0x3A
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NAME_RE = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*")  # a header name (_TOKEN), then blanks
_MAX_NAME_SCAN = 256  # a header name (up to its colon) longer than this is data
_MAX_PADDING = 64  # spaces after the boundary / extra leading dashes tolerated
_WHITESPACE = (_CR, _LF, _SP, _TAB)
_DIGITS_RE = re.compile(r"[0-9]+")
# Each error moves the parser on; this only bounds the work one feed may do.
_MAX_ERRORS_PER_FEED = 1000
_PARAM_RE = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)')

# parser states
_SEEK, _HEADERS, _BODY_CL, _AFTER_CL, _BODY_SEARCH = range(5)
# results of delimiter-tail / line classification
_NEED, _INVALID, _LINE, _CLOSE = range(4)
_HEADER, _DATA = 10, 11


class MjpegError(ValueError):
    """Malformed or oversized MJPEG stream.

    ``parts`` holds the parts completed by the same :meth:`MjpegParser.feed`
    call (before and after the bad ones: the parser resynchronises on the next
    delimiter line and goes on); ``errors`` counts the bad parts of that call.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.parts: list[MjpegPart] = []
        self.errors = 1  # bad parts met in the same feed (this one is the first)


@dataclass(frozen=True)
class MjpegPart:
    """One part (normally one JPEG frame) of a multipart stream."""

    headers: dict[str, str]
    data: bytes
    content_type: str | None


def boundary_from_content_type(content_type: str) -> bytes:
    """Return the boundary of a ``multipart/*`` Content-Type, without a leading ``--``."""
    media, _, params = content_type.partition(";")
    if not media.strip().lower().startswith("multipart/"):
        raise ValueError(f"not a multipart content type: {content_type!r}")
    for match in _PARAM_RE.finditer(";" + params):
        if match.group(1).lower() != "boundary":
            continue
        value = match.group(2).strip()
        if value.startswith('"'):
            value = value[1:-1] if len(value) > 1 and value.endswith('"') else value[1:]
            value = re.sub(r"\\(.)", r"\1", value)
        if value.startswith("--"):
            value = value[2:]
        if not value.strip("-"):
            raise ValueError(f"empty multipart boundary in content type: {content_type!r}")
        if "\r" in value or "\n" in value:
            raise ValueError(f"invalid multipart boundary in content type: {content_type!r}")
        try:
            return value.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError(
                f"non-ASCII multipart boundary in content type: {content_type!r}"
            ) from None
    raise ValueError(f"no boundary parameter in content type: {content_type!r}")


def is_jpeg(data: bytes, *, complete: bool = True) -> bool:
    """True if ``data`` starts with SOI ``FF D8`` and (if ``complete``) ends with EOI ``FF D9``.

    Trailing CR/LF after the EOI marker is ignored.
    """
    if len(data) < 2 or data[0] != 0xFF or data[1] != 0xD8:
        return False
    if not complete:
        return True
    end = len(data)
    while end > 4 and data[end - 1] in (_CR, _LF):
        end -= 1
    return end >= 4 and data[end - 2] == 0xFF and data[end - 1] == 0xD9


class MjpegParser:
    """Incremental ``multipart/x-mixed-replace`` parser; see the module docstring.

    Attributes: ``boundary`` (without leading dashes), ``max_part_size``,
    ``bytes_received``, ``parts_emitted``, ``resyncs`` (times unexpected bytes
    after a part had to be skipped to find the next delimiter) and ``closed``
    (the last delimiter seen was the closing one).
    """

    def __init__(self, boundary: bytes, max_part_size: int = 16 * 1024 * 1024) -> None:
        if isinstance(boundary, str):
            boundary = boundary.encode("latin-1")
        core = bytes(boundary).lstrip(b"-")
        if not core:
            raise ValueError("MJPEG boundary must not be empty")
        if b"\r" in core or b"\n" in core:
            raise ValueError("MJPEG boundary must not contain line breaks")
        if max_part_size <= 0:
            raise ValueError("max_part_size must be positive")
        self.boundary: bytes = core
        self.max_part_size: int = max_part_size
        self.bytes_received: int = 0
        self.parts_emitted: int = 0
        self.resyncs: int = 0
        self.closed: bool = False
        self._delim = b"--" + core
        self._buf = bytearray()
        self._own = self._buf  # the buffer is ours (not a caller's chunk being parsed)
        self._pos = 0  # start of the unconsumed data; everything before is discarded
        self._search = 0  # where the next search resumes (never before _pos)
        self._state = _SEEK
        self._line_ok = True  # in _SEEK: _pos is at a line start (stream start counts)
        self._headers: dict[str, str] = {}
        self._header_bytes = 0
        self._need = 0
        # A Content-Length part longer than what was buffered when it began: its bytes so far
        # (chunks, views of chunks, or ``_tail``, our copy of small pieces), ``_got`` in all.
        self._pieces: list[bytes | bytearray | memoryview] | None = None
        self._tail: bytearray | None = None
        self._got = 0
        self._handed_over = False  # in feed(): the chunk being parsed may be kept as it is
        # bytes buffered for a part without Content-Length before giving up
        self._search_limit = max_part_size + len(self._delim) + 2 * _MAX_PADDING + _MAX_NAME_SCAN

    @property
    def buffered(self) -> int:
        """Number of received bytes not yet consumed."""
        return len(self._buf) - self._pos + self._got

    @property
    def part_bytes_missing(self) -> int:
        """Bytes of the current part not received yet, when its ``Content-Length`` says so;
        0 when unknown (between parts, or a part that ends at the next boundary)."""
        if self._state == _BODY_CL:
            if self._pieces is not None:
                return self._need - self._got
            return max(0, self._pos + self._need - len(self._buf))
        return 0

    def feed(self, chunk: bytes | bytearray, *,
             handed_over: bool = False) -> list[MjpegPart]:
        """Add received bytes; return every part they complete, in order.

        ``chunk`` is never changed. With nothing buffered it is parsed where it is (a frame's
        bytes are copied once, into its part, not first into a buffer). Of what it leaves
        unfinished, a ``bytes`` chunk may be kept as it is; any other is kept as a copy
        unless ``handed_over`` (the caller gives it away: it will not change it)."""
        parts: list[MjpegPart] = []
        if not chunk:
            return parts
        self.bytes_received += len(chunk)
        if self._pieces is not None:  # the rest of a Content-Length part
            used = self._gather(chunk, parts, handed_over)
            if used == len(chunk):
                return parts
            self._buf, self._pos, self._search = chunk, used, used  # type: ignore[assignment]
        elif self._buf:
            self._buf += chunk
        else:
            self._buf = chunk  # type: ignore[assignment]  # read only, until _compact
        self._handed_over = handed_over
        first: MjpegError | None = None
        errors = 0
        try:
            while errors < _MAX_ERRORS_PER_FEED:
                try:
                    while self._step(parts):
                        pass
                    break
                except MjpegError as exc:
                    # The parser resynchronised past the bad part: go on with what is
                    # buffered (the rest of the stream may already be here).
                    first = first or exc
                    errors += 1
        finally:
            self._compact()
        if first is not None:
            first.parts, first.errors = parts, errors
            raise first
        return parts

    # -- internals -------------------------------------------------------------------------

    def _compact(self) -> None:
        pos = self._pos
        if self._buf is not self._own:
            with memoryview(self._buf) as view:  # the caller's chunk: keep a copy of the rest
                self._buf = self._own = bytearray(view[pos:])
        elif pos:
            del self._buf[:pos]  # O(1) for a bytearray prefix in CPython
        if pos:
            self._search = max(0, self._search - pos)
            self._pos = 0

    def _step(self, parts: list[MjpegPart]) -> bool:
        state = self._state
        if state == _BODY_CL:
            return self._step_body_cl(parts)
        if state == _BODY_SEARCH:
            return self._step_body_search(parts)
        if state == _HEADERS:
            return self._step_headers()
        if state == _AFTER_CL:
            return self._step_after_cl()
        return self._step_seek()

    def _error(self, message: str, resume: int) -> MjpegError:
        """Switch to resynchronisation from ``resume`` and build the error to raise."""
        self._seek_from(resume, self._line_start_at(resume, self._pos, True))
        return MjpegError(message)

    def _seek_from(self, pos: int, line_ok: bool) -> None:
        self._state = _SEEK
        self._pos = self._search = pos
        self._line_ok = line_ok

    def _line_start_at(self, k: int, origin: int, origin_ok: bool) -> bool:
        """Whether position ``k`` follows a line start plus only dashes."""
        buf = self._buf
        while k > origin and buf[k - 1] == _DASH:
            k -= 1
        return buf[k - 1] == _LF if k > origin else origin_ok

    def _classify_line(self, start: int) -> int:
        """Classify the line at ``start``: header (``_HEADER``), data (``_DATA``) or unknown yet.

        A header line is a token, optional spaces/tabs, then ``:``, within the first
        ``_MAX_NAME_SCAN`` bytes; anything else there is data."""
        buf = self._buf
        n = len(buf)
        stop = min(n, start + _MAX_NAME_SCAN)
        name = _NAME_RE.match(buf, start, stop)
        end = name.end() if name is not None else start
        if end < stop:
            return _HEADER if end > start and buf[end] == _COLON else _DATA
        return _NEED if n < start + _MAX_NAME_SCAN else _DATA

    def _delimiter_tail(self, t: int) -> tuple[int, int]:
        """Check what follows the boundary at ``t``; return (kind, position after it)."""
        buf = self._buf
        n = len(buf)
        limit = t + _MAX_PADDING
        while t < n and buf[t] in (_SP, _TAB):
            t += 1
            if t > limit:
                return _INVALID, 0
        if t >= n:
            return _NEED, 0
        c = buf[t]
        if c == _LF:
            return _LINE, t + 1
        if c in (_CR, _DASH, 0xFF):
            if t + 1 >= n:
                return _NEED, 0
            d = buf[t + 1]
            if c == _CR:
                return _LINE, (t + 2 if d == _LF else t + 1)
            if c == _DASH:
                return (_CLOSE, t + 2) if d == _DASH else (_INVALID, 0)
            return (_LINE, t) if d == 0xD8 else (_INVALID, 0)  # JPEG data right away
        if c in _TOKEN:  # header line right after the boundary, no line break
            kind = self._classify_line(t)
            if kind == _NEED:
                return _NEED, 0
            return (_LINE, t) if kind == _HEADER else (_INVALID, 0)
        return _INVALID, 0

    def _find_delimiter(self, origin: int, origin_ok: bool) -> tuple[int, int, int] | None:
        """Find the next valid delimiter line from ``_search``.

        Returns (line start, kind, position after the delimiter line), or None when more
        data is needed; ``_search`` is then left where the search must resume.
        """
        buf = self._buf
        delim = self._delim
        while True:
            i = buf.find(delim, self._search)
            if i < 0:
                self._search = max(self._search, len(buf) - len(delim) + 1)
                return None
            j = i
            while j > origin and buf[j - 1] == _DASH:
                j -= 1
            if (buf[j - 1] == _LF) if j > origin else origin_ok:
                kind, after = self._delimiter_tail(i + len(delim))
                if kind == _NEED:
                    self._search = i
                    return None
                if kind != _INVALID:
                    return j, kind, after
            self._search = i + 1

    def _after_delimiter(self, kind: int, after: int) -> None:
        if kind == _CLOSE:
            self.closed = True
            self._seek_from(after, False)
            return
        self.closed = False
        self._state = _HEADERS
        self._pos = self._search = after
        self._headers = {}
        self._header_bytes = 0

    def _step_seek(self) -> bool:
        found = self._find_delimiter(self._pos, self._line_ok)
        if found is None:
            k = self._search
            if k > self._pos:  # nothing before k can start a delimiter: drop it
                self._line_ok = self._line_start_at(k, self._pos, self._line_ok)
                self._pos = k
            return False
        _, kind, after = found
        self._after_delimiter(kind, after)
        return True

    def _step_headers(self) -> bool:
        buf = self._buf
        pos = self._pos
        n = len(buf)
        if pos >= n:
            return False
        c = buf[pos]
        if c == _LF:
            self._start_body(pos + 1)
            return True
        if c == _CR:
            if pos + 1 >= n:
                return False
            self._start_body(pos + 2 if buf[pos + 1] == _LF else pos + 1)
            return True
        kind = self._classify_line(pos)
        if kind == _NEED:
            return False
        if kind == _DATA:  # no (more) headers: data starts here without a blank line
            self._start_body(pos)
            return True
        nl = buf.find(b"\n", max(self._search, pos))
        if nl < 0:
            self._search = n
            if self._header_bytes + n - pos > MAX_HEADER_BYTES:
                raise self._error(
                    f"MJPEG part headers exceed {MAX_HEADER_BYTES} bytes", self._search
                )
            return False
        line = bytes(buf[pos:nl])
        name, _, value = line.partition(b":")
        key = name.strip().decode("latin-1").lower()  # a camera may send any byte
        self._headers[key] = value.strip().decode("latin-1")
        self._header_bytes += nl + 1 - pos
        if self._header_bytes > MAX_HEADER_BYTES:
            raise self._error(f"MJPEG part headers exceed {MAX_HEADER_BYTES} bytes", nl + 1)
        self._pos = self._search = nl + 1
        return True

    def _start_body(self, pos: int) -> None:
        self._pos = self._search = pos
        value = self._headers.get("content-length")
        if value is not None and _DIGITS_RE.fullmatch(value.strip()):
            digits = value.strip().lstrip("0")
            # More digits than any limit has is not turned into a number (int() refuses
            # 4,300 digits with a ValueError; a camera may send 5,000).
            length = int(digits or "0") if len(digits) <= 18 else None
            if length is None or length > self.max_part_size:
                self._seek_from(pos, True)
                size = f"{length} bytes" if length is not None else f"{len(digits)} digits"
                raise MjpegError(
                    f"MJPEG part of {size} (Content-Length) exceeds the limit of "
                    f"{self.max_part_size} bytes"
                )
            self._need = length
            self._state = _BODY_CL
        else:
            self._state = _BODY_SEARCH

    def _emit(self, parts: list[MjpegPart], headers: dict[str, str], start: int, end: int) -> None:
        with memoryview(self._buf) as view:  # one copy (a bytearray slice would be a second)
            data = bytes(view[start:end])
        parts.append(MjpegPart(headers, data, headers.get("content-type")))
        self.parts_emitted += 1

    def _step_body_cl(self, parts: list[MjpegPart]) -> bool:
        start = self._pos
        end = start + self._need
        if len(self._buf) < end:
            self._begin_pieces(start)
            return False
        self._emit(parts, self._headers, start, end)
        self._state = _AFTER_CL
        self._pos = self._search = end
        return True

    def _begin_pieces(self, start: int) -> None:
        """The part at ``start`` needs more than the buffer holds: gather it as pieces
        (everything buffered is now the part's first piece)."""
        buf = self._buf
        self._pieces, self._tail, self._got = [], None, 0
        if start < len(buf):
            mine = buf is self._own or self._handed_over
            self._add_piece(buf, start, len(buf), mine)
        if buf is self._own:  # given to the piece, if anything of it was needed
            self._buf = self._own = bytearray()
            self._pos = self._search = 0
        else:
            self._pos = self._search = len(buf)

    def _add_piece(self, data: bytes | bytearray, start: int, end: int,
                   mine: bool) -> None:
        size = end - start
        self._got += size
        pieces = self._pieces
        assert pieces is not None
        keep = (mine or type(data) is bytes) and size >= MIN_KEPT_PIECE and 2 * size >= len(data)
        if keep:  # (not when most of ``data`` is not needed: it would be held all the same)
            pieces.append(data if size == len(data) else memoryview(data)[start:end])
            self._tail = None
            return
        with memoryview(data) as view:
            if self._tail is None:
                self._tail = bytearray(view[start:end])
                pieces.append(self._tail)
            else:
                self._tail += view[start:end]

    def _gather(self, chunk: bytes | bytearray, parts: list[MjpegPart],
                handed_over: bool) -> int:
        """Add ``chunk`` to the part being gathered; the part once complete (its bytes
        joined: their one copy). Returns how much of ``chunk`` the part took."""
        pieces = self._pieces
        assert pieces is not None
        rest = self._need - self._got
        if len(chunk) < rest:
            self._add_piece(chunk, 0, len(chunk), handed_over)
            return len(chunk)
        with memoryview(chunk) as view, view[:rest] as last:
            data = b"".join([*pieces, last])
        self._pieces, self._tail, self._got = None, None, 0
        headers = self._headers
        parts.append(MjpegPart(headers, data, headers.get("content-type")))
        self.parts_emitted += 1
        self._state = _AFTER_CL
        return rest

    def _step_after_cl(self) -> bool:
        buf = self._buf
        n = len(buf)
        pos = self._pos
        while pos < n and buf[pos] in _WHITESPACE:
            pos += 1
        self._pos = self._search = pos
        if pos >= n:
            return False
        q = pos
        end = min(n, pos + _MAX_PADDING)
        while q < end and buf[q] == _DASH:
            q += 1
        if q == n:
            return False
        core = self.boundary
        if q - pos >= 2:
            got = buf[q : q + len(core)]
            if core.startswith(got):
                if len(got) < len(core):
                    return False
                kind, after = self._delimiter_tail(q + len(core))
                if kind == _NEED:
                    return False
                if kind != _INVALID:
                    self._after_delimiter(kind, after)
                    return True
        # Not a delimiter where Content-Length says the part ends: skip to the next one.
        self.resyncs += 1
        self._seek_from(pos, False)
        return True

    def _step_body_search(self, parts: list[MjpegPart]) -> bool:
        start = self._pos
        found = self._find_delimiter(start, True)
        if found is None:
            if len(self._buf) - start > self._search_limit:
                raise self._error(
                    f"MJPEG part without Content-Length exceeds the limit of "
                    f"{self.max_part_size} bytes",
                    self._search,
                )
            return False
        line_start, kind, after = found
        buf = self._buf
        end = line_start
        if end > start and buf[end - 1] == _LF:
            end -= 1
            if end > start and buf[end - 1] == _CR:
                end -= 1
        headers = self._headers
        self._after_delimiter(kind, after)
        if end - start > self.max_part_size:
            raise MjpegError(
                f"MJPEG part of {end - start} bytes exceeds the limit of {self.max_part_size} bytes"
            )
        if end > start or headers:  # skip empty parts between consecutive delimiters
            self._emit(parts, headers, start, end)
        return True
