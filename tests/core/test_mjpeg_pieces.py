"""A Content-Length part that comes in many chunks: gathered as pieces, joined once.

The parser keeps such a part's chunks (or views of them) instead of appending each to its
buffer; these tests pin down that the parts stay exactly the same whatever the chunking,
that a chunk the caller may still change is never kept, that the part limit still holds
and that neither tiny chunks nor big, mostly unneeded ones cost memory beyond the part.
"""

from __future__ import annotations

import random
import tracemalloc

import pytest

from configurator.core.mjpeg import MIN_KEPT_PIECE, MjpegError, MjpegParser

BOUNDARY = b"myboundary"


def jpeg(seed: int, size: int) -> bytes:
    """A JPEG-shaped payload of about ``size`` random bytes, a delimiter-like line inside."""
    rng = random.Random(seed)
    return b"\xff\xd8" + rng.randbytes(size) + b"\r\n--" + BOUNDARY + b"\xff\xd9"


def part(data: bytes, length: bool = True) -> bytes:
    head = b"--" + BOUNDARY + b"\r\nContent-Type: image/jpeg\r\n"
    if length:
        head += b"Content-Length: %d\r\n" % len(data)
    return head + b"\r\n" + data + b"\r\n"


PAYLOADS = [jpeg(i, size) for i, size in enumerate([50_000, 0, 70_001, 1_500, 40_000])]
STREAM = b"".join(part(p) for p in PAYLOADS) + b"--" + BOUNDARY + b"--\r\n"


def cut(stream: bytes, sizes: list[int]) -> list[bytes]:
    """``stream`` in chunks of the given sizes, in turn."""
    chunks, at, i = [], 0, 0
    while at < len(stream):
        chunks.append(stream[at:at + sizes[i % len(sizes)]])
        at += sizes[i % len(sizes)]
        i += 1
    return chunks


@pytest.mark.parametrize("sizes", [[1], [7], [MIN_KEPT_PIECE - 1], [MIN_KEPT_PIECE],
                                   [4096], [16384], [65536], [1, 5000, 3, 70_000, 999, 1025]])
@pytest.mark.parametrize("kind", ["bytes", "handed-over bytearray", "reused bytearray"])
def test_parts_are_the_same_whatever_the_chunks(sizes: list[int], kind: str) -> None:
    parser = MjpegParser(BOUNDARY)
    got = []
    for chunk in cut(STREAM, sizes):
        if kind == "bytes":
            got += parser.feed(chunk)
        elif kind == "handed-over bytearray":
            got += parser.feed(bytearray(chunk), handed_over=True)
        else:  # the caller reads into the same buffer again: nothing of it may be kept
            buffer = bytearray(chunk)
            got += parser.feed(buffer)
            buffer[:] = b"\x00" * len(buffer)
    assert [p.data for p in got] == PAYLOADS
    assert all(type(p.data) is bytes for p in got)
    assert parser.closed and parser.buffered <= 2
    assert parser.bytes_received == len(STREAM)


def test_a_boundary_split_at_every_position_still_ends_the_gathered_part() -> None:
    """The part before is gathered from pieces; wherever its end and the next delimiter
    line are cut, the parts are the same."""
    first, second = jpeg(1, 5000), jpeg(2, 3000)
    stream = part(first) + part(second) + b"--" + BOUNDARY + b"--\r\n"
    edge = len(part(first)) - 2  # the CRLF after the first part, then the next delimiter
    for at in range(edge - 10, edge + 60):
        parser = MjpegParser(BOUNDARY)
        got = parser.feed(stream[:2000])  # the first part begins: gathered from here on
        got += parser.feed(stream[2000:at])
        got += parser.feed(stream[at:])
        assert [p.data for p in got] == [first, second], at


def test_what_is_missing_and_buffered_count_the_gathered_part() -> None:
    data = jpeg(3, 20_000)
    wire = part(data)
    head = len(wire) - len(data) - 2
    parser = MjpegParser(BOUNDARY)
    assert parser.feed(wire[:head + 100]) == []
    assert parser.part_bytes_missing == len(data) - 100
    assert parser.buffered == 100
    at = head + 100
    while at + 3000 < head + len(data):
        assert parser.feed(wire[at:at + 3000]) == []
        at += 3000
        assert parser.part_bytes_missing == len(data) - (at - head)
        assert parser.buffered == at - head
    assert [p.data for p in parser.feed(wire[at:])] == [data]
    assert parser.part_bytes_missing == 0 and parser.buffered == 0


def test_the_part_limit_still_holds_for_parts_in_small_chunks() -> None:
    """A Content-Length above the limit is refused at once (nothing gathered); a part
    without Content-Length that grows past it is refused too; the parser goes on."""
    big, small = jpeg(4, 5000), jpeg(5, 500)
    for length in (True, False):
        parser = MjpegParser(BOUNDARY, max_part_size=2000)
        stream = part(big, length) + part(small) + b"--" + BOUNDARY + b"--\r\n"
        got, errors = [], 0
        for chunk in cut(stream, [100]):
            try:
                got += parser.feed(chunk)
            except MjpegError as exc:
                errors += exc.errors
                got += exc.parts
            assert parser.buffered <= 2000 + 512  # (+ a delimiter line and padding)
        assert errors == 1
        assert [p.data for p in got] == [small]


def test_tiny_chunks_cost_no_more_memory_than_their_bytes() -> None:
    """One byte at a time, a 300 KB part is copied into one buffer, not kept as 300,000
    little objects (which would take tens of megabytes)."""
    data = jpeg(6, 300_000)
    wire = part(data)
    parser = MjpegParser(BOUNDARY)
    tracemalloc.start()
    try:
        for i in range(len(wire) - 10):
            parser.feed(wire[i:i + 1])
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert parser.buffered == len(wire) - 10 - (len(wire) - len(data) - 2)
    assert held < 2 * len(data)
    assert [p.data for p in parser.feed(wire[-10:])] == [data]


def test_a_big_chunk_is_not_held_for_the_few_bytes_a_part_needs_of_it() -> None:
    """A 2 MB read that ends with the first 2 KB of a part: those 2 KB are copied, the
    read itself is not kept alive by the parser."""
    first, second = jpeg(7, 2_000_000), jpeg(8, 50_000)
    wire = part(first) + part(second)
    cut_at = len(part(first)) + 100 + 2048
    parser = MjpegParser(BOUNDARY)
    tracemalloc.start()
    try:
        chunk = wire[:cut_at]
        assert [p.data for p in parser.feed(chunk)] == [first]
        del chunk
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 200_000
    assert [p.data for p in parser.feed(wire[cut_at:])] == [second]


@pytest.mark.parametrize(("line", "header"), [
    (b"Content-Type: image/jpeg", True),
    (b"X-Name \t: value", True),  # blanks between the name and the colon
    (b"N" * 255 + b": long name", True),  # names are read up to 255 bytes
    (b"N" * 256 + b": too long", False),
    (b": no name", False),
    (b" Leading: blank", False),
    (b"Two words: data", False),
    (b"Bad\xffname: data", False),
    (b"\xff\xd8\xff\xe0 jpeg", False),
])
def test_a_line_after_the_delimiter_is_a_header_only_when_it_looks_like_one(
        line: bytes, header: bool) -> None:
    """Header or data (a part without a blank line before its data), fed whole or one byte
    at a time."""
    stream = b"--" + BOUNDARY + b"\r\n" + line + b"\r\n\r\nDATA\r\n--" + BOUNDARY + b"--"
    expected = b"DATA" if header else line + b"\r\n\r\nDATA"
    for size in (len(stream), 1):
        parser = MjpegParser(BOUNDARY)
        got = []
        for chunk in cut(stream, [size]):
            got += parser.feed(chunk)
        assert [p.data for p in got] == [expected], size
