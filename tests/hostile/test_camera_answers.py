"""Hostile camera answers over a real loopback socket: each ends the stream with one typed
error (or is read as well as it can be), never a hang or a traceback."""

from __future__ import annotations

import asyncio

from configurator.core.errors import ProtocolError
from configurator.core.transport import Endpoint, Transport
from configurator.live.mjpegstream import stream_raw

from .rawserver import raw_server

JPEG = b"\xff\xd8" + b"\x01" * 100 + b"\xff\xd9"
PART = (b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(JPEG)
        + JPEG + b"\r\n")
MULTIPART = b"Content-Type: multipart/x-mixed-replace; boundary=frame\r\n"


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n" % len(data) + data + b"\r\n"


async def _stream(host: str, answer: bytes) -> tuple[list[bytes], BaseException | None]:
    frames: list[bytes] = []
    async with raw_server(host, lambda server, n, head: server.fixed(answer)) as server:
        transport = Transport(Endpoint(server.host, server.port))
        try:
            async with asyncio.timeout(10):
                await stream_raw(transport, "/stream", {}, frames.append, read_timeout=5)
        except ProtocolError as exc:
            return frames, exc
        finally:
            await transport.aclose()
    return frames, None


async def test_a_negative_chunk_size_ends_the_stream_with_one_line(loopback) -> None:
    answer = (b"HTTP/1.1 200 OK\r\n" + MULTIPART + b"Transfer-Encoding: chunked\r\n\r\n"
              + _chunk(PART + PART) + b"-6\r\nabcdef\r\n")
    _, error = await _stream(loopback(), answer)
    assert error is not None and "bad chunked encoding" in str(error)
    assert "\n" not in str(error)


