"""``Transfer-Encoding: chunked`` undone incrementally (for streams read without httpx)."""

from __future__ import annotations

from ..core.errors import ProtocolError


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
                end = buf.find(b"\r\n", pos)
                if end < 0:
                    if n - pos > 1024:
                        raise ProtocolError("camera stream: bad chunked encoding")
                    break
                try:
                    size = int(buf[pos:end].split(b";", 1)[0].strip(), 16)
                except ValueError as exc:
                    raise ProtocolError("camera stream: bad chunked encoding") from exc
                pos = end + 2
                if size == 0:
                    self.finished = True
                self._left = size
        self._buf = buf[pos:] if pos < n and not self.finished else b""
        return out


__all__ = ["Dechunker"]
