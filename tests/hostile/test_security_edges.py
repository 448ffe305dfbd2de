"""Security edges no test pinned before (issue 12): each would survive a deliberate bug.

- the certificate pin checked on every connection before a request is written: a TLS server
  showing one certificate to the pinning handshake and another on a later connection, which
  must receive nothing;
- parallel requests on an expired FCM token: exactly one new login.
(The 64 MB answer cap is pinned in test_probe_bounded.py, the journal round trip in
test_journal_files.py.)
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from configurator.core.errors import CertificateMismatch
from configurator.core.transport import Credentials, Endpoint, MemoryPinStore, Transport
from configurator.simulators.tls import server_context

from ..drivers.test_fcm5600_client import client_for, create


def _request_length(data: bytes) -> int:
    """Head plus the body its Content-Length announces (0 until the head is complete)."""
    head, _, _ = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(head) + 4 + int(value.strip())
    return len(head) + 4


@contextmanager
def certificate_switching_server(host: str, switch_after: int
                                 ) -> Iterator[tuple[int, list[tuple[str, bytes]]]]:
    """HTTPS on ``host``: connections up to ``switch_after`` get certificate A, later ones B.
    Every answer closes its connection, so each request makes a new handshake. Yields the port
    and, per connection, the certificate shown and every byte received on it."""
    first, second = server_context("Device A", host), server_context("Device B", host)
    listener = socket.create_server((host, 0))
    listener.settimeout(0.2)
    connections: list[tuple[str, bytes]] = []
    stop = threading.Event()

    def serve() -> None:
        count = 0
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            count += 1
            context = first if count <= switch_after else second
            data = b""
            try:
                with context.wrap_socket(raw, server_side=True) as conn:
                    conn.settimeout(5)
                    while b"\r\n\r\n" not in data or len(data) < _request_length(data):
                        piece = conn.recv(4096)
                        if not piece:
                            break
                        data += piece
                    if b"\r\n\r\n" in data:  # all of it read: closing resets nothing
                        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                     b"Connection: close\r\nContent-Length: 2\r\n\r\n{}")
            except (OSError, ssl.SSLError):
                pass  # the client dropped this connection during or after the handshake
            finally:
                raw.close()
                connections.append(("A" if context is first else "B", data))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], connections
    finally:
        stop.set()
        thread.join(5)
        listener.close()


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_changed_certificate_is_refused_before_anything_is_sent(loopback,
                                                                       method) -> None:
    """Basic credentials go out with every request (no challenge first): the impostor's
    connection must be dropped between its handshake and the request. A check made only on
    the answer (after the send) fails this test: B would hold the request and the password."""
    host = loopback()
    password = "s3cret-Basic-pw"
    # Connection 1: the pinning handshake; 2: the first request; 3: the second request.
    with certificate_switching_server(host, switch_after=2) as (port, connections):
        transport = Transport(Endpoint(host, port, "https"), Credentials("admin", password),
                              auth="basic", pins=MemoryPinStore())
        try:
            assert (await transport.request(method, "/a", json={"password": password})
                    ).status_code == 200
            with pytest.raises(CertificateMismatch, match="certificate changed"):
                await transport.request(method, "/b", json={"password": password})
        finally:
            await transport.aclose()
        for _ in range(50):  # the server thread records a connection when it ends
            if len(connections) == 3:
                break
            await asyncio.sleep(0.05)
    assert [cert for cert, _ in connections] == ["A", "A", "B"]
    pinning, legitimate, impostor = (data for _, data in connections)
    assert pinning == b""  # the pinning handshake sends nothing either
    # The legitimate device did get the request with the credentials (the server records it):
    assert legitimate.startswith(f"{method} /a HTTP/1.1".encode())
    assert b"authorization: basic" in legitimate.lower()
    # ... the impostor got nothing at all: no request line, no header, no body.
    assert impostor == b""


async def test_a_changed_certificate_is_refused_on_a_stream_before_it_is_sent(loopback) -> None:
    host = loopback()
    with certificate_switching_server(host, switch_after=1) as (port, connections):
        transport = Transport(Endpoint(host, port, "https"), Credentials("admin", "pw"),
                              auth="basic", pins=MemoryPinStore())
        try:
            with pytest.raises(CertificateMismatch):
                async with transport.stream("GET", "/video"):
                    pass
        finally:
            await transport.aclose()
        for _ in range(50):
            if len(connections) == 2:
                break
            await asyncio.sleep(0.05)
    assert connections == [("A", b""), ("B", b"")]


async def test_parallel_requests_on_an_expired_token_log_in_once(loopback) -> None:
    sim = create(loopback(), https_port=0)
    await sim.start()
    client = client_for(sim)
    try:
        await client.version()
        sim.expire_tokens()
        results = await asyncio.gather(*(client.version() for _ in range(8)))
        assert all(r["model"] == "FIBERME-FCM5600" for r in results)
        assert sim.logins == 2 and client.logins == 2  # one first login, one renewal
    finally:
        await client.aclose()
        await sim.stop()
