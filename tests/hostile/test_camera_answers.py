"""Hostile camera answers over a real loopback socket: each ends the stream with one typed
error (or is read as well as it can be), never a hang or a traceback."""

from __future__ import annotations

import asyncio

import pytest

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
    async with raw_server(host, lambda server, n, head: server.fixed(answer, close=True)) as server:
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




def _multipart(head_extra: bytes, parts: bytes, status: bytes = b"200 OK") -> bytes:
    return b"HTTP/1.1 " + status + b"\r\n" + MULTIPART + head_extra + b"\r\n" + parts


async def test_a_content_length_of_5000_digits_costs_one_part_not_the_stream(loopback) -> None:
    """Finding 7: int() refused the 5,000 digits with a ValueError that ended the stream."""
    huge = (b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + b"9" * 5000
            + b"\r\n\r\n" + JPEG + b"\r\n")
    frames, error = await _stream(loopback(), _multipart(b"", PART + huge + PART + PART))
    assert error is None
    assert frames and all(frame == JPEG for frame in frames)
    assert len(frames) >= 2  # the parts after the bad one still arrive


@pytest.mark.parametrize("server", ["Cámara".encode(), "Cámara".encode("latin-1"),
                                    b"\xff\xfe", "カメラ".encode()])
async def test_a_non_ascii_header_value_is_read(loopback, server: bytes) -> None:
    """Finding 7: ``Server: Cámara`` raised UnicodeEncodeError building the headers."""
    frames, error = await _stream(loopback(), _multipart(b"Server: " + server + b"\r\n",
                                                         PART * 3))
    assert error is None and frames == [JPEG] * 3


async def test_a_nul_byte_in_a_header_value_is_one_typed_error(loopback) -> None:
    """Changed with h11 (0.16), kept with llhttp: ``Server: \\xff\\xfe\\x00`` was read (its
    frames shown); both refuse a NUL in a header value (RFC 9110 5.5 does not allow it). One
    typed line, no frames, nothing held: the pipeline reconnects with backoff."""
    frames, error = await _stream(loopback(), _multipart(b"Server: \xff\xfe\x00\r\n", PART * 3))
    assert frames == []
    assert isinstance(error, ProtocolError) and "bad header" in str(error)
    assert "\n" not in str(error)


@pytest.mark.parametrize("status", ["²00 OK".encode("latin-1"), "²00 OK".encode(), b"2OO OK",
                                    b"20 OK", b"2000 OK", b""])
async def test_a_status_that_is_not_three_digits_is_one_typed_error(loopback,
                                                                    status: bytes) -> None:
    """Finding 7: ``HTTP/1.1 ²00`` passed str.isdigit() and int() raised ValueError."""
    frames, error = await _stream(loopback(), _multipart(b"", PART, status))
    assert frames == []
    assert isinstance(error, ProtocolError) and "bad status line" in str(error)
