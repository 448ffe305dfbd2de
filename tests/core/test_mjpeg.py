"""Tests for the incremental MJPEG multipart parser (pure, no network)."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from configurator.core.mjpeg import (
    MAX_HEADER_BYTES,
    MjpegError,
    MjpegParser,
    MjpegPart,
    boundary_from_content_type,
    is_jpeg,
)

BOUNDARY = b"myboundary"

# Byte sequences that look like, but are not, a delimiter line for BOUNDARY.
_TRICKY = [
    b"\r\n--",
    b"\r\n--notmyboundary\r\n",
    b"\r\n--myboundar",
    b"X--myboundary\r\n",
    b"myboundary",
    b"--myboundary--",
    b"\r\n\r\n",
    b"\n-",
    b"\r\n-myboundary\r\n",
    b"\xff\xd9\r\n",
]


def _has_delimiter_line(data: bytes, core: bytes = BOUNDARY) -> bool:
    """True if ``data`` holds ``\\n`` + dashes + ``--core`` (a line the parser would accept)."""
    delim = b"--" + core
    i = data.find(delim)
    while i >= 0:
        j = i
        while j > 0 and data[j - 1] == 0x2D:
            j -= 1
        if j > 0 and data[j - 1] == 0x0A:
            return True
        i = data.find(delim, i + 1)
    return False


def make_jpeg(seed: int, size: int = 300) -> bytes:
    """A fake JPEG: SOI, random bytes with tricky sequences inserted, EOI."""
    rng = random.Random(seed)
    while True:  # retry until no two inserted sequences happen to form a delimiter line
        body = bytearray(rng.randbytes(size))
        for tricky in _TRICKY:
            pos = rng.randrange(len(body))
            body[pos:pos] = tricky
        data = b"\xff\xd8" + bytes(body) + b"\xff\xd9"
        if not _has_delimiter_line(data):
            return data


PAYLOADS = [make_jpeg(1, 300), make_jpeg(2, 17), make_jpeg(3, 450)]


def build_stream(
    payloads: list[bytes],
    *,
    delimiter: bytes = b"--myboundary",
    content_length: bool = True,
    headers: bool = True,
    eol: bytes = b"\r\n",
    header_eol: bytes | None = None,
    preamble: bytes = b"",
    close: bool = True,
    epilogue: bytes = b"",
    padding: bytes = b"",
    after_data: bytes | None = None,
) -> bytes:
    """Serialise ``payloads`` as a multipart/x-mixed-replace body."""
    header_eol = eol if header_eol is None else header_eol
    after_data = eol if after_data is None else after_data
    out = bytearray(preamble)
    for payload in payloads:
        out += delimiter + padding + eol
        if headers:
            out += b"Content-Type: image/jpeg" + header_eol
            if content_length:
                out += b"Content-Length: %d" % len(payload) + header_eol
            out += header_eol
        else:
            out += eol  # blank line: a part without any headers
        out += payload + after_data
    if close:
        out += delimiter + b"--" + eol
    out += epilogue
    return bytes(out)


def feed_all(parser: MjpegParser, chunks: list[bytes]) -> list[MjpegPart]:
    parts: list[MjpegPart] = []
    for chunk in chunks:
        parts.extend(parser.feed(chunk))
    return parts


def parse(stream: bytes, boundary: bytes = BOUNDARY, chunks: list[bytes] | None = None):
    parser = MjpegParser(boundary)
    parts = feed_all(parser, [stream] if chunks is None else chunks)
    return parts, parser


@dataclass(frozen=True)
class Case:
    name: str
    stream: bytes
    payloads: list[bytes]
    boundary: bytes = BOUNDARY
    resyncs: int = 0


def _cases() -> list[Case]:
    p = PAYLOADS
    declared_dashed = boundary_from_content_type("multipart/x-mixed-replace; boundary=--myboundary")
    cases = [
        Case("content_length", build_stream(p), p),
        Case("no_content_length", build_stream(p, content_length=False), p),
        Case(
            "declared_dashed_sent_four_dashes",
            build_stream(p, delimiter=b"----myboundary", content_length=False),
            p,
            boundary=declared_dashed,
        ),
        Case(
            "declared_dashed_sent_two_dashes",
            build_stream(p, delimiter=b"--myboundary", content_length=False),
            p,
            boundary=declared_dashed,
        ),
        Case(
            "raw_dashed_boundary_given_to_parser",
            build_stream(p, delimiter=b"----myboundary"),
            p,
            boundary=b"--myboundary",
        ),
        Case("headerless_blank_line", build_stream(p, headers=False, eol=b"\r\n"), p),
        Case(
            "headerless_data_right_after_delimiter_line",
            b"".join(b"--myboundary\r\n" + x + b"\r\n" for x in p) + b"--myboundary--\r\n",
            p,
        ),
        Case(
            "headerless_no_line_break_after_delimiter",
            b"".join(b"--myboundary" + x + b"\r\n" for x in p) + b"--myboundary--",
            p,
        ),
        Case("lf_only_content_length", build_stream(p, eol=b"\n"), p),
        Case("lf_only_no_content_length", build_stream(p, eol=b"\n", content_length=False), p),
        Case(
            "mixed_line_endings_in_headers",
            build_stream(p, header_eol=b"\n", content_length=False),
            p,
        ),
        Case(
            "preamble_and_epilogue",
            build_stream(
                p,
                content_length=False,
                preamble=b"HTTP garbage\r\nX--myboundary\r\n--myboundaryX\x00\r\n\r\n",
                epilogue=b"trailing junk\r\n--notmyboundary\r\n",
            ),
            p,
        ),
        Case("padding_after_boundary", build_stream(p, padding=b" \t  "), p),
        Case(
            "padding_after_boundary_no_cl",
            build_stream(p, padding=b"  ", content_length=False),
            p,
        ),
        Case("cl_missing_crlf_before_delimiter", build_stream(p, after_data=b""), p),
        Case("cl_extra_crlf_before_delimiter", build_stream(p, after_data=b"\r\n\r\n\n"), p),
        Case(
            "headers_right_after_boundary",
            b"".join(
                b"--myboundaryContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(x)
                + x
                + b"\r\n"
                for x in p
            ),
            p,
        ),
        Case(
            "headers_without_blank_line",
            b"".join(b"--myboundary\r\nContent-Type: image/jpeg\r\n" + x + b"\r\n" for x in p)
            + b"--myboundary--",
            p,
        ),
        Case("no_close_delimiter", build_stream(p, close=False, content_length=False), p[:-1]),
    ]
    # Content-Length 4 bytes too short for the middle part: its tail is skipped (one resync).
    middle = p[1]
    wrong = (
        b"--myboundary\r\nContent-Length: %d\r\n\r\n" % len(p[0])
        + p[0]
        + b"\r\n--myboundary\r\nContent-Length: %d\r\n\r\n" % (len(middle) - 4)
        + middle
        + b"\r\n--myboundary\r\nContent-Length: %d\r\n\r\n" % len(p[2])
        + p[2]
        + b"\r\n--myboundary--\r\n"
    )
    cases.append(Case("content_length_too_short", wrong, [p[0], middle[:-4], p[2]], resyncs=1))
    return cases


CASES = _cases()
CASE_IDS = [c.name for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_whole_stream(case: Case) -> None:
    parts, parser = parse(case.stream, case.boundary)
    assert [part.data for part in parts] == case.payloads
    assert parser.parts_emitted == len(case.payloads)
    assert parser.resyncs == case.resyncs
    assert parser.bytes_received == len(case.stream)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_split_at_every_position(case: Case) -> None:
    expected, _ = parse(case.stream, case.boundary)
    for cut in range(len(case.stream) + 1):
        chunks = [case.stream[:cut], case.stream[cut:]]
        parts, parser = parse(case.stream, case.boundary, chunks)
        assert parts == expected, f"split at {cut}"
        assert parser.resyncs == case.resyncs, f"split at {cut}"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_one_byte_at_a_time(case: Case) -> None:
    expected, _ = parse(case.stream, case.boundary)
    chunks = [case.stream[i : i + 1] for i in range(len(case.stream))]
    parts, parser = parse(case.stream, case.boundary, chunks)
    assert parts == expected
    assert [part.data for part in parts] == case.payloads
    assert parser.resyncs == case.resyncs
    assert parser.buffered <= len(case.stream)


@pytest.mark.parametrize("seed", range(10))
def test_random_chunk_sizes(seed: int) -> None:
    rng = random.Random(seed)
    payloads = [make_jpeg(100 + i, rng.randrange(1, 20_000)) for i in range(8)]
    content_length = seed % 2 == 0
    stream = build_stream(payloads, content_length=content_length, preamble=b"junk\r\n")
    chunks = []
    i = 0
    while i < len(stream):
        size = rng.choice([1, 2, 3, rng.randrange(1, 64), rng.randrange(1, 9000)])
        chunks.append(stream[i : i + size])
        i += size
    parser = MjpegParser(BOUNDARY)
    got = []
    for chunk in chunks:
        got.extend(parser.feed(chunk))
        assert parser.buffered < 21_000
    assert [part.data for part in got] == payloads
    assert parser.bytes_received == len(stream)


def test_parts_are_returned_as_soon_as_complete() -> None:
    stream = build_stream(PAYLOADS)
    parser = MjpegParser(BOUNDARY)
    first_end = stream.index(PAYLOADS[0]) + len(PAYLOADS[0])
    # With Content-Length a part is complete at its last byte, before the next delimiter.
    assert [p.data for p in parser.feed(stream[:first_end])] == [PAYLOADS[0]]
    assert [p.data for p in parser.feed(stream[first_end:])] == PAYLOADS[1:]


def test_headers_and_content_type() -> None:
    stream = (
        b"--myboundary\r\nContent-Type: image/jpeg\r\nX-Frame-Id :  42 \r\n"
        b"content-length: 4\r\n\r\n\xff\xd8\xff\xd9\r\n"
        b"--myboundary\r\n\r\n\xff\xd8\x00\xff\xd9\r\n--myboundary--\r\n"
    )
    parts, parser = parse(stream)
    assert parts == [
        MjpegPart(
            {"content-type": "image/jpeg", "x-frame-id": "42", "content-length": "4"},
            b"\xff\xd8\xff\xd9",
            "image/jpeg",
        ),
        MjpegPart({}, b"\xff\xd8\x00\xff\xd9", None),
    ]
    assert parser.closed


def test_content_length_is_trusted_over_embedded_delimiter() -> None:
    payload = b"\xff\xd8abc\r\n--myboundary\r\nContent-Type: text/plain\r\n\r\nxyz\xff\xd9"
    stream = build_stream([payload, PAYLOADS[0]])
    parts, parser = parse(stream)
    assert [p.data for p in parts] == [payload, PAYLOADS[0]]
    assert parser.resyncs == 0


def test_closing_delimiter_then_new_parts() -> None:
    stream = build_stream(PAYLOADS[:1]) + build_stream(PAYLOADS[1:2], content_length=False)
    parser = MjpegParser(BOUNDARY)
    parts = parser.feed(stream[: len(build_stream(PAYLOADS[:1]))])
    assert [p.data for p in parts] == PAYLOADS[:1]
    assert parser.closed
    parts = parser.feed(stream[len(build_stream(PAYLOADS[:1])) :])
    assert [p.data for p in parts] == PAYLOADS[1:2]
    assert parser.closed


def test_consecutive_delimiters_do_not_produce_empty_parts() -> None:
    stream = b"--myboundary\r\n--myboundary\r\n\r\n" + PAYLOADS[0] + b"\r\n--myboundary--\r\n"
    parts, _ = parse(stream)
    assert [p.data for p in parts] == [PAYLOADS[0]]


def test_counters() -> None:
    stream = build_stream(PAYLOADS, preamble=b"preamble\r\n")
    parts, parser = parse(stream)
    assert len(parts) == 3
    assert parser.parts_emitted == 3
    assert parser.bytes_received == len(stream)
    assert parser.resyncs == 0
    assert parser.closed
    assert parser.buffered <= 2  # the CRLF after the closing delimiter
    assert parser.feed(b"") == []
    assert parser.bytes_received == len(stream)


def test_garbage_after_content_length_part_resyncs() -> None:
    stream = (
        b"--myboundary\r\nContent-Length: 4\r\n\r\n\xff\xd8\xff\xd9GARBAGE\r\nmore\r\n"
        b"--myboundary\r\nContent-Length: 5\r\n\r\n\xff\xd8\x01\xff\xd9\r\n"
        b"--myboundary\r\nContent-Length: 4\r\n\r\n\xff\xd8\xff\xd9--myboundaryX\r\n"
        b"--myboundary\r\nContent-Length: 4\r\n\r\n\xff\xd8\xff\xd9"
    )
    parts, parser = parse(stream)
    assert [p.data for p in parts] == [b"\xff\xd8\xff\xd9", b"\xff\xd8\x01\xff\xd9"] + [
        b"\xff\xd8\xff\xd9"
    ] * 2
    assert parser.resyncs == 2


def test_preamble_garbage_is_not_buffered() -> None:
    parser = MjpegParser(BOUNDARY)
    rng = random.Random(7)
    for _ in range(100):
        chunk = rng.randbytes(10_000).replace(b"\n", b"").replace(b"-", b"")
        assert parser.feed(chunk) == []
        assert parser.buffered < 64
    # also with dashes and newlines, but no delimiter line
    for _ in range(20):
        assert parser.feed(b"\n-\n--\n--myboundar\n---x" * 100) == []
        assert parser.buffered < 64
    assert [p.data for p in parser.feed(b"\r\n" + build_stream(PAYLOADS))] == PAYLOADS
    assert parser.resyncs == 0


def test_delimiter_must_start_a_line_in_preamble() -> None:
    stream = b"junk--myboundary\r\nContent-Length: 3\r\n\r\nbad\r\n" + build_stream(PAYLOADS[:1])
    parts, _ = parse(stream)
    assert [p.data for p in parts] == PAYLOADS[:1]


def test_oversize_content_length_raises_and_recovers() -> None:
    parser = MjpegParser(BOUNDARY, max_part_size=1000)
    ok = build_stream([PAYLOADS[0]], close=False)
    big = b"--myboundary\r\nContent-Length: 1001\r\n\r\n" + b"\xff\xd8" + b"a" * 999 + b"\r\n"
    with pytest.raises(MjpegError, match=r"1001 bytes .* exceeds the limit of 1000") as info:
        parser.feed(ok + big)
    assert isinstance(info.value, ValueError)
    assert [p.data for p in info.value.parts] == [PAYLOADS[0]]
    # the parser resynchronises on the next delimiter line
    assert [p.data for p in parser.feed(build_stream(PAYLOADS[1:]))] == PAYLOADS[1:]


def test_oversize_part_without_content_length_is_bounded() -> None:
    parser = MjpegParser(BOUNDARY, max_part_size=1000)
    parser.feed(b"--myboundary\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8")
    fed = 0
    with pytest.raises(MjpegError, match="exceeds the limit of 1000 bytes"):
        for _ in range(1000):
            parser.feed(b"x" * 100)
            fed += 100
            assert parser.buffered < 2000
    assert fed < 2000
    assert parser.buffered < 100
    parts = parser.feed(b"x" * 5000 + b"\r\n" + build_stream(PAYLOADS[:2], content_length=False))
    assert [p.data for p in parts] == PAYLOADS[:2]


def test_oversize_part_completed_in_one_chunk_raises() -> None:
    payload = b"\xff\xd8" + b"a" * 999 + b"\xff\xd9"  # 1003 bytes
    parser = MjpegParser(BOUNDARY, max_part_size=1000)
    with pytest.raises(MjpegError, match="1003 bytes exceeds the limit of 1000"):
        parser.feed(build_stream([payload], content_length=False))


@pytest.mark.parametrize("content_length", [True, False])
def test_part_of_exactly_max_size_is_accepted(content_length: bool) -> None:
    payload = b"\xff\xd8" + b"a" * 996 + b"\xff\xd9"
    parser = MjpegParser(BOUNDARY, max_part_size=1000)
    parts = parser.feed(build_stream([payload, payload], content_length=content_length))
    assert [p.data for p in parts] == [payload, payload]


def test_oversize_headers_raise() -> None:
    parser = MjpegParser(BOUNDARY)
    parser.feed(b"--myboundary\r\nX-Long: ")
    with pytest.raises(MjpegError, match="headers exceed"):
        for _ in range(MAX_HEADER_BYTES // 1000 + 2):
            parser.feed(b"a" * 1000)


def test_parser_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="empty"):
        MjpegParser(b"--")
    with pytest.raises(ValueError, match="empty"):
        MjpegParser(b"")
    with pytest.raises(ValueError, match="max_part_size"):
        MjpegParser(BOUNDARY, max_part_size=0)
    assert MjpegParser(b"----abc").boundary == b"abc"


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("multipart/x-mixed-replace; boundary=myboundary", b"myboundary"),
        ("multipart/x-mixed-replace;boundary=myboundary", b"myboundary"),
        ('multipart/x-mixed-replace; boundary="my boundary"', b"my boundary"),
        ('multipart/x-mixed-replace; boundary="quo\\"ted"', b'quo"ted'),
        ("Multipart/X-Mixed-Replace; BOUNDARY = myboundary ", b"myboundary"),
        ("  multipart/x-mixed-replace  ;  Boundary=myboundary", b"myboundary"),
        ("multipart/x-mixed-replace; charset=utf-8; boundary=abc; foo=bar", b"abc"),
        ('multipart/x-mixed-replace; foo="a;boundary=wrong"; boundary=right', b"right"),
        ("multipart/x-mixed-replace;boundary=--myboundary", b"myboundary"),
        ('multipart/x-mixed-replace; boundary="--myboundary"', b"myboundary"),
        ("multipart/x-mixed-replace; boundary=----myboundary", b"--myboundary"),
        ("multipart/mixed; boundary=simple", b"simple"),
    ],
)
def test_boundary_from_content_type(content_type: str, expected: bytes) -> None:
    assert boundary_from_content_type(content_type) == expected


@pytest.mark.parametrize(
    ("content_type", "message"),
    [
        ("image/jpeg", "not a multipart"),
        ("", "not a multipart"),
        ("text/plain; boundary=abc", "not a multipart"),
        ("multipart/x-mixed-replace", "no boundary"),
        ("multipart/x-mixed-replace; charset=utf-8", "no boundary"),
        ("multipart/x-mixed-replace; boundary=", "empty"),
        ('multipart/x-mixed-replace; boundary=""', "empty"),
        ("multipart/x-mixed-replace; boundary=--", "empty"),
    ],
)
def test_boundary_from_content_type_errors(content_type: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        boundary_from_content_type(content_type)
    assert "\n" not in str(info.value)


def test_parser_accepts_both_declaration_styles_end_to_end() -> None:
    for declared, sent in [
        ("myboundary", b"--myboundary"),
        ("--myboundary", b"----myboundary"),
        ("--myboundary", b"--myboundary"),
        ("myboundary", b"----myboundary"),
    ]:
        boundary = boundary_from_content_type(f"multipart/x-mixed-replace;boundary={declared}")
        for content_length in (True, False):
            stream = build_stream(PAYLOADS, delimiter=sent, content_length=content_length)
            parts, _ = parse(stream, boundary)
            assert [p.data for p in parts] == PAYLOADS, (declared, sent, content_length)


@pytest.mark.parametrize(
    ("data", "complete", "expected"),
    [
        (b"\xff\xd8\x00\x01\xff\xd9", True, True),
        (b"\xff\xd8\x00\x01\xff\xd9\r\n", True, True),
        (b"\xff\xd8\x00\x01\xff\xd9\n\n", True, True),
        (b"\xff\xd8\xff\xd9", True, True),
        (b"\xff\xd8\x00\x01", True, False),
        (b"\xff\xd8\x00\x01", False, True),
        (b"\xff\xd8\xff", True, False),
        (b"\x00\xd8\x00\xff\xd9", True, False),
        (b"\xff\xd9", False, False),
        (b"\xff", False, False),
        (b"", False, False),
        (b"\xff\xd8\x00\xff\xd9\x00", True, False),
    ],
)
def test_is_jpeg(data: bytes, complete: bool, expected: bool) -> None:
    assert is_jpeg(data, complete=complete) is expected


def test_fake_payloads_are_jpegs() -> None:
    assert all(is_jpeg(p) for p in PAYLOADS)
    assert all(b"\r\n--" in p and b"myboundary" in p for p in PAYLOADS)


def test_line_starting_with_colon_is_data_not_a_header() -> None:
    stream = b"--myboundary\r\n:not a header\r\nmore\r\n--myboundary--\r\n"
    parts, _ = parse(stream)
    assert parts == [MjpegPart({}, b":not a header\r\nmore", None)]


@pytest.mark.parametrize("kind", [bytes, bytearray])
def test_a_fed_chunk_is_neither_kept_nor_changed(kind) -> None:
    """The parser reads a chunk where it is when nothing is buffered: what the chunk leaves
    unfinished must still be a copy (the caller may reuse or change its buffer)."""
    jpegs = [b"\xff\xd8" + bytes([i]) * 300 + b"\xff\xd9" for i in range(3)]
    wire = b"".join(b"--" + BOUNDARY + b"\r\nContent-Type: image/jpeg\r\nContent-Length: "
                    + str(len(j)).encode() + b"\r\n\r\n" + j + b"\r\n" for j in jpegs)
    cut = len(wire) // 2
    parser = MjpegParser(BOUNDARY)
    first = kind(wire[:cut])
    parts = parser.feed(first)
    assert first == wire[:cut]  # not changed by the parser
    if isinstance(first, bytearray):
        first[:] = b"\x00" * len(first)  # the caller reuses its buffer
    parts += parser.feed(kind(wire[cut:]))
    parts += parser.feed(b"--" + BOUNDARY + b"\r\n")
    assert [p.data for p in parts] == jpegs
