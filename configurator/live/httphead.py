"""The head of an HTTP answer read off a raw socket (the camera's own MJPEG reader)."""

from __future__ import annotations

import re

import httpx

from ..core.errors import ProtocolError

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


__all__ = ["parse_head"]
