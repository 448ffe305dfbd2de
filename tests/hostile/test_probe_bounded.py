"""Finding 2 (High): the 2N probe's anonymous look after a 401 goes through the transport's
bounded path: the real 64 MB cap and the whole-answer deadline hold for it as for any request."""

from __future__ import annotations

import asyncio

import configurator.core.transport as transport_module
from configurator.core.transport import Credentials, Endpoint, Transport
from configurator.drivers.twon import probe

from .rawserver import RawServer, raw_server

CHALLENGE = (b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="x", nonce="n1", '
             b'qop="auth"\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}')
CHUNKED_HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n")


def _challenge_then(hostile):
    """Requests with credentials (and the first one) get a 401: the probe's transport raises
    AuthError and the driver looks again without credentials, which gets ``hostile``."""
    def answer(server: RawServer, number: int, head: bytes):
        if number == 1 or b"authorization:" in head.lower():
            return server.fixed(CHALLENGE)
        return hostile(server)
    return answer


async def _probe(server: RawServer, read_timeout: float = 10.0):
    transport = Transport(Endpoint(server.host, server.port), Credentials("admin", "wrong"),
                          read_timeout=read_timeout)
    try:
        async with asyncio.timeout(20):
            return await probe(transport)
    finally:
        await transport.aclose()


async def test_an_endless_anonymous_answer_stops_at_the_real_cap(loopback) -> None:
    limit = transport_module.MAX_RESPONSE_BYTES + 32 * 1024 * 1024
    hostile = _challenge_then(lambda s: s.endless_chunks(CHUNKED_HEAD, limit))
    async with raw_server(loopback(), hostile) as server:
        assert await _probe(server) is None
        assert len(server.requests) == 3  # no credentials on the last one
        assert b"authorization:" not in server.requests[-1].lower()
    # The client stopped reading near the cap instead of taking everything it was sent.
    assert server.sent < limit


async def test_a_trickling_anonymous_answer_ends_at_the_deadline(loopback) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    hostile = _challenge_then(lambda s: s.trickle(head, 0.05, 1000))
    async with raw_server(loopback(), hostile) as server:
        assert await _probe(server, read_timeout=0.2) is None
    assert server.sent < 200  # the 1.2 s deadline, not the 50 s the trickle would take


def test_the_answer_cap_is_64_mb() -> None:
    """Other tests lower the cap to stay fast; this pins the real value."""
    assert transport_module.MAX_RESPONSE_BYTES == 64 * 1024 * 1024
