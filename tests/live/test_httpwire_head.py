"""The head of a camera's answer through llhttp: bounds, interim answers, line endings, and
what the request may carry."""

from __future__ import annotations

import tracemalloc

import httpx
import pytest

from configurator.core.errors import InvalidValue, ProtocolError
from configurator.live.httpwire import MAX_HEAD, HttpExchange

from .answer_head import MULTIPART


def _exchange() -> HttpExchange:
    exchange = HttpExchange("camera")
    exchange.request(httpx.Request("GET", "http://camera/stream"))
    return exchange


def test_the_request_is_one_get_with_the_clients_headers() -> None:
    request = httpx.Request("GET", "http://camera/api/camera/snapshot?fps=10&width=640",
                            headers={"Authorization": 'Digest username="admin"'})
    wire = HttpExchange("camera").request(request)
    lines = wire.split(b"\r\n")
    assert lines[0] == b"GET /api/camera/snapshot?fps=10&width=640 HTTP/1.1"
    assert b"Host: camera" in lines and b'Authorization: Digest username="admin"' in lines
    assert wire.endswith(b"\r\n\r\n") and wire.count(b"\r\n\r\n") == 1


@pytest.mark.parametrize("user", ["ad\r\nX-Injected: 1", "ad\nmin", "ad\x00min"])
def test_a_line_break_in_a_request_header_is_refused_before_anything_is_sent(user: str) -> None:
    request = httpx.Request("GET", "http://camera/stream",
                            headers={"Authorization": f'Digest username="{user}"'})
    with pytest.raises(InvalidValue, match="Authorization header"):
        HttpExchange("camera").request(request)


def test_a_head_over_the_bound_is_one_line_whatever_the_reads() -> None:
    endless = b"HTTP/1.1 200 OK\r\nX-Filler: " + b"a" * (MAX_HEAD + 10)
    at_once = _exchange()
    with pytest.raises(ProtocolError, match="oversized HTTP header"):
        at_once.feed_head(endless)
    in_reads = _exchange()
    with pytest.raises(ProtocolError, match="oversized HTTP header"):
        for i in range(0, len(endless), 4096):
            assert in_reads.feed_head(endless[i:i + 4096]) is None


def test_a_head_just_under_the_bound_is_read_and_its_body_kept() -> None:
    head = b"HTTP/1.1 200 OK\r\n" + MULTIPART + b"X-Filler: "
    head += b"a" * (MAX_HEAD - len(head) - 4) + b"\r\n\r\n"
    assert len(head) == MAX_HEAD
    exchange = _exchange()
    status, headers = exchange.feed_head(head + b"body bytes") or (0, None)
    assert status == 200 and headers is not None and len(headers["x-filler"]) > 60_000
    assert exchange.feed_body(b"", closed=True) == [b"body bytes"] and exchange.finished


def test_interim_answers_are_passed_over() -> None:
    exchange = _exchange()
    assert exchange.feed_head(b"HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n") is None
    status, headers = exchange.feed_head(b"HTTP/1.1 200 OK\r\n" + MULTIPART + b"\r\n") or (0, {})
    assert status == 200 and "x-interim" not in headers


def test_a_head_with_bare_line_feeds_is_read() -> None:
    """Old embedded servers end lines with LF alone (h11 read them; llhttp does with the
    leniency we switch on)."""
    exchange = _exchange()
    status, headers = exchange.feed_head(
        b"HTTP/1.0 200 OK\nContent-Type: multipart/x-mixed-replace; boundary=b\n\nfirst") or (0, {})
    assert status == 200 and headers["content-type"].endswith("boundary=b")
    assert exchange.feed_body(b"", closed=True) == [b"first"]


def test_a_bad_chunk_right_after_the_head_comes_with_the_body_not_the_head() -> None:
    """The head is answered (its status decides what happens next); the body's refusal is
    raised when the body is read."""
    exchange = _exchange()
    head = b"HTTP/1.1 200 OK\r\n" + MULTIPART + b"Transfer-Encoding: chunked\r\n\r\n"
    assert exchange.feed_head(head + b"zz\r\nhello\r\n") is not None
    with pytest.raises(ProtocolError, match="bad chunked encoding"):
        exchange.feed_body(b"")


def test_bytes_after_the_bodys_end_are_not_read() -> None:
    exchange = _exchange()
    assert exchange.feed_head(b"HTTP/1.1 200 OK\r\n" + MULTIPART + b"Content-Length: 5\r\n\r\n")
    assert exchange.feed_body(b"helloHTTP/9 garbage") == [b"hello"] and exchange.finished
    assert exchange.feed_body(b"more", closed=True) == []


@pytest.mark.parametrize(("head", "says"), [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", "bad header"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
     "bad header"),
    (b"HTTP/1.1 200 OK\r\nX\x01: y\r\n\r\n", "bad header"),
    (b"ICY 200 OK\r\n\r\n", "bad status line"),
    (b"HTTP/1.1 2000 OK\r\n\r\n", "bad status line"),
])
def test_a_bad_head_is_one_typed_line(head: bytes, says: str) -> None:
    with pytest.raises(ProtocolError, match=says) as caught:
        _exchange().feed_head(head)
    assert "\n" not in str(caught.value)


def test_endless_trailers_after_a_chunked_body_are_bounded_like_a_head() -> None:
    """llhttp gathers a header line before it reports it, trailers too: a camera that sends
    one endless trailer after its last chunk is refused after MAX_HEAD bytes, with memory
    to match, instead of growing the line for ever."""
    exchange = _exchange()
    head = b"HTTP/1.1 200 OK\r\n" + MULTIPART + b"Transfer-Encoding: chunked\r\n\r\n"
    assert exchange.feed_head(head) is not None
    assert exchange.feed_body(b"5\r\nhello\r\n0\r\nX-Trailer: ") == [b"hello"]
    tracemalloc.start()
    try:
        with pytest.raises(ProtocolError, match="without data"):
            for _ in range(1024):  # 4 MB at most
                exchange.feed_body(b"a" * 4096)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MAX_HEAD


def test_a_stream_of_small_chunks_is_not_taken_for_trailers() -> None:
    exchange = _exchange()
    head = b"HTTP/1.1 200 OK\r\n" + MULTIPART + b"Transfer-Encoding: chunked\r\n\r\n"
    assert exchange.feed_head(head) is not None
    got = [exchange.feed_body(b"1\r\nx\r\n") for _ in range(MAX_HEAD)]
    assert b"".join(b"".join(pieces) for pieces in got) == b"x" * MAX_HEAD
