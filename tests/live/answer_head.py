"""A camera answer's body as the stream thread gets it: its HTTP exchange past the head."""

from __future__ import annotations

import httpx

from configurator.core.mjpeg import MjpegParser
from configurator.live.httpwire import HttpExchange, MjpegBody

MULTIPART = b"Content-Type: multipart/x-mixed-replace; boundary=frame\r\n"
CHUNKED = b"Transfer-Encoding: chunked\r\n"


def exchange_past_head(*, chunked: bool = False, pending: bytes = b"") -> HttpExchange:
    """An exchange whose ``200 multipart`` head has been read; ``pending``: body bytes that
    came with the head."""
    exchange = HttpExchange("camera")
    exchange.request(httpx.Request("GET", "http://camera/stream"))
    head = b"HTTP/1.1 200 OK\r\n" + MULTIPART + (CHUNKED if chunked else b"") + b"\r\n"
    assert exchange.feed_head(head + pending) is not None
    return exchange


def mjpeg_body(parser: MjpegParser, *, chunked: bool = False, pending: bytes = b"") -> MjpegBody:
    """The MJPEG body of such an answer."""
    return MjpegBody(parser, exchange_past_head(chunked=chunked, pending=pending))
