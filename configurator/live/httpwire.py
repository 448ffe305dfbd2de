"""The HTTP of a camera answer read off a raw socket: one module for both raw camera readers.

The camera's own MJPEG readers (:mod:`.mjpegstream` on the event loop, :mod:`.streamthread`
in a thread) receive untrusted LAN bytes: :func:`parse_head` reads the answer's status line
and headers, :class:`Dechunker` undoes ``Transfer-Encoding: chunked`` and :class:`MjpegBody`
splits the body into JPEGs. (The third reader, httpx, parses with h11 inside httpcore.)

Measured, not assumed: h11 0.16 (installed with httpx) was tried for the head and the chunked
framing and refuses or accepts differently from what the hostile-input tests pin down, so it
is not used here: it rejects whitespace before a chunk extension's ``;`` (RFC 9112 7.1.1 allows
it; tests/live/test_mjpegstream.py), accepts chunk sizes of 16 to 20 digits (this decoder
stops at 15, so a size is always an ordinary number) and rejects a header value with a NUL
byte (``Server: \\xff\\xfe\\x00`` must still give frames: tests/hostile).
"""

from __future__ import annotations

import re

import httpx

from ..core.errors import ProtocolError
from ..core.mjpeg import MjpegError, MjpegParser, is_jpeg

MAX_HEAD = 64 * 1024  # bytes of status line and headers at most
CUT_SHORT = ("connection dropped or bad HTTP: peer closed connection without sending "
             "complete message body")
BAD_CHUNKS = "camera stream: bad chunked encoding"
# RFC 9112 7.1: chunk-size = 1*HEXDIG. Nothing else (no sign, no "0x", no "_" that int()
# would take); 15 digits keep the size an ordinary number (a chunk may still be huge: it is
# passed on as it arrives, never held).
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,15}")
_MAX_SIZE_LINE = 1024


class Dechunker:
    """Undoes ``Transfer-Encoding: chunked``; ``finished`` after the last (empty) chunk."""

    def __init__(self) -> None:
        self._buf = b""
        self._left = 0  # data bytes left in the current chunk
        self._skip = 0  # CRLF bytes left after a chunk's data
        self.finished = False

    def feed(self, data: bytes) -> list[bytes]:
        buf = self._buf + data if self._buf else data
        out: list[bytes] = []
        pos, n = 0, len(buf)
        while pos < n and not self.finished:
            if self._left:
                take = min(self._left, n - pos)
                out.append(buf[pos:pos + take] if take != n or pos else buf)
                pos += take
                self._left -= take
                if not self._left:
                    self._skip = 2
            elif self._skip:
                step = min(self._skip, n - pos)
                pos += step
                self._skip -= step
            else:
                end = buf.find(b"\r\n", pos, pos + _MAX_SIZE_LINE)
                if end < 0:
                    if n - pos > _MAX_SIZE_LINE:
                        raise ProtocolError(BAD_CHUNKS + " (chunk size line too long)")
                    break
                size = chunk_size(buf[pos:end])
                pos = end + 2
                if size == 0:
                    self.finished = True
                self._left = size
        self._buf = buf[pos:] if pos < n and not self.finished else b""
        return out


def chunk_size(line: bytes) -> int:
    """The size on a chunk's first line (extensions after ``;`` ignored).

    Raises :class:`ProtocolError` for anything but hexadecimal digits: a negative size
    would otherwise never consume a byte and the reader would loop for ever.
    """
    digits = line.split(b";", 1)[0].strip(b" \t")
    if not _CHUNK_SIZE.fullmatch(digits):
        raise ProtocolError(f"{BAD_CHUNKS} (chunk size {digits[:20]!r})")
    return int(digits, 16)


class MjpegBody:
    """One multipart MJPEG body fed as it arrives; ``feed`` returns the JPEGs it completes."""

    def __init__(self, parser: MjpegParser, chunked: bool) -> None:
        self.parser = parser
        self._chunks = Dechunker() if chunked else None
        self.parse_errors = 0

    def feed(self, data: bytes) -> list[bytes]:
        pieces = [data] if self._chunks is None else self._chunks.feed(data)
        frames: list[bytes] = []
        for piece in pieces:
            try:
                parts = self.parser.feed(piece)
            except MjpegError as exc:
                self.parse_errors += exc.errors
                parts = exc.parts
            frames += [part.data for part in parts if is_jpeg(part.data, complete=False)]
        return frames

    @property
    def complete(self) -> bool:
        """The chunked body's last (empty) chunk has come: the stream ended properly."""
        return self._chunks is not None and self._chunks.finished

    @property
    def cut_short(self) -> bool:
        """A chunked body without its last chunk (what an end of the connection means)."""
        return self._chunks is not None and not self._chunks.finished


_STATUS = re.compile(rb"HTTP/[0-9.]{1,5}[ \t]+([0-9]{3})(?:[ \t].*)?", re.DOTALL)


def parse_head(raw: bytes, host: str | None = None) -> tuple[int, httpx.Headers]:
    """Status and headers of ``raw`` (the bytes before the blank line).

    Header bytes are kept as they came (a camera may send ``Server: Cámara`` in Latin-1 or
    UTF-8); a status that is not three ASCII digits (``²00``) is a :class:`ProtocolError`.
    """
    lines = raw.split(b"\r\n")
    match = _STATUS.fullmatch(lines[0])
    if match is None:
        raise ProtocolError("connection dropped or bad HTTP: bad status line", host=host)
    pairs = []
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if sep and name.strip():
            pairs.append((name.strip(), value.strip()))
    return int(match.group(1)), httpx.Headers(pairs)



__all__ = ["BAD_CHUNKS", "CUT_SHORT", "MAX_HEAD", "Dechunker", "MjpegBody", "chunk_size",
           "parse_head"]
