"""An MJPEG body through llhttp: frames whatever the chunks, the reads and the chunk edges.

llhttp hands the body's data over chunk by chunk (fresh ``bytes``, which the MJPEG parser
may keep instead of copying); these tests pin down that the frames come out whole and in
order however the camera cuts its chunks and however the socket cuts its reads.
"""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from configurator.core.errors import ProtocolError
from configurator.core.mjpeg import MjpegParser

from .answer_head import mjpeg_body

JPEGS = [b"\xff\xd8" + random.Random(i).randbytes(size) + b"\xff\xd9"
         for i, size in enumerate([5_000, 10, 12_000, 2_000])]


def multipart(length: bool = True) -> bytes:
    return b"".join(b"--frame\r\nContent-Type: image/jpeg\r\n"
                    + (b"Content-Length: %d\r\n" % len(j) if length else b"")
                    + b"\r\n" + j + b"\r\n" for j in JPEGS) + b"--frame--\r\n"


def chunked(data: bytes, edges: list[int]) -> bytes:
    """``data`` as chunks cut at ``edges``, then the last (empty) chunk."""
    cuts = [0, *sorted(set(e for e in edges if 0 < e < len(data))), len(data)]
    return b"".join(b"%x\r\n" % (b - a) + data[a:b] + b"\r\n"
                    for a, b in pairwise(cuts)) + b"0\r\n\r\n"


def read(wire: bytes, size: int) -> tuple[list[bytes], bool]:
    body = mjpeg_body(MjpegParser(b"frame"), chunked=True)
    frames = []
    for at in range(0, len(wire), size):
        frames += body.feed(wire[at:at + size])
    return frames, body.complete


@pytest.mark.parametrize(("chunk", "read_size"), [
    (1, 7), (1, 65536), (3, 4096), (1000, 7), (1000, 4096), (4096, 4096), (4096, 65536),
    (5000, 3), (16384, 7), (16384, 262144), (1 << 20, 4096), (1 << 20, 262144)])
@pytest.mark.parametrize("length", [True, False])
def test_frames_come_whole_whatever_the_chunks_and_the_reads(chunk: int, read_size: int,
                                                             length: bool) -> None:
    data = multipart(length)
    frames, complete = read(chunked(data, list(range(chunk, len(data), chunk))), read_size)
    assert frames == JPEGS and complete


def test_a_chunk_edge_anywhere_in_a_delimiter_or_a_header_changes_nothing() -> None:
    data = multipart()
    second = data.index(b"--frame", 10)  # the second part's delimiter line and headers
    for at in range(second - 4, second + 70):
        wire = chunked(data, [at, at + 1, at + 5])
        assert read(wire, 65536) == (JPEGS, True), at
        assert read(wire, 997) == (JPEGS, True), at


def test_a_chunked_body_cut_inside_a_gathered_frame_is_a_typed_error() -> None:
    data = multipart()
    wire = chunked(data, list(range(4096, len(data), 4096)))
    body = mjpeg_body(MjpegParser(b"frame"), chunked=True)
    assert body.feed(wire[:9_000]) == [JPEGS[0], JPEGS[1]]  # the third: being gathered
    with pytest.raises(ProtocolError, match="connection dropped"):
        body.feed(b"", closed=True)


def test_the_body_pieces_are_fresh_buffers_nothing_else_holds() -> None:
    """MjpegBody hands llhttp's pieces to the parser to keep without a copy: they must be
    fresh ``bytes``/``bytearray`` objects, not views of a buffer it goes on using."""
    body = mjpeg_body(MjpegParser(b"frame"), chunked=True).exchange
    first = body.feed_body(b"5\r\nhello\r\n9\r\nwor")
    kept = [bytes(piece) for piece in first]
    assert all(type(piece) in (bytes, bytearray) for piece in first)
    second = body.feed_body(b"ld, wo\r\n6\r\nrld!!!\r\n" + b"400\r\n" + b"x" * 1024)
    assert [bytes(piece) for piece in first] == kept == [b"hello", b"wor"]
    assert b"".join(second) == b"ld, world!!!" + b"x" * 1024
    assert all(p1 is not p2 for p1 in first for p2 in second)
