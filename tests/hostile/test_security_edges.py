"""Security edges no test pinned before (issue 12): each would survive a deliberate bug.

- the per-response certificate check: a TLS server showing one certificate to the pinning
  handshake and another on a later connection;
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
from configurator.core.transport import Endpoint, MemoryPinStore, Transport
from configurator.simulators.tls import server_context

from ..drivers.test_fcm5600_client import client_for, create


@contextmanager
def certificate_switching_server(host: str, switch_after: int) -> Iterator[tuple[int, list]]:
    """HTTPS on ``host``: connections up to ``switch_after`` get certificate A, later ones B.
    Every answer closes its connection, so each request makes a new handshake."""
    first, second = server_context("Device A", host), server_context("Device B", host)
    listener = socket.create_server((host, 0))
    listener.settimeout(0.2)
    served: list[str] = []
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
            try:
                with context.wrap_socket(raw, server_side=True) as conn:
                    conn.settimeout(5)
                    data = b""
                    while b"\r\n\r\n" not in data:
                        piece = conn.recv(4096)
                        if not piece:
                            break
                        data += piece
                    if data:
                        served.append("A" if context is first else "B")
                        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                     b"Connection: close\r\nContent-Length: 2\r\n\r\n{}")
            except (OSError, ssl.SSLError):
                continue  # the client refused this certificate mid-handshake: fine

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], served
    finally:
        stop.set()
        thread.join(5)
        listener.close()


async def test_a_certificate_changed_after_pinning_is_refused_per_response(loopback) -> None:
    host = loopback()
    # Connection 1: the pinning handshake; 2: the first request; 3: the second request.
    with certificate_switching_server(host, switch_after=2) as (port, served):
        transport = Transport(Endpoint(host, port, "https"), pins=MemoryPinStore())
        try:
            assert (await transport.request("GET", "/a")).status_code == 200
            with pytest.raises(CertificateMismatch, match="certificate changed"):
                await transport.request("GET", "/b")
        finally:
            await transport.aclose()
    # What the check can do: the answer from certificate B is refused. The request itself
    # had already gone out on that connection (httpx checks nothing between handshake and
    # send): Digest sends only a nonce-bound hash, but this is why Basic over HTTPS is not a
    # protection against an impostor (README, "Reliability and security").
    assert served == ["A", "B"]


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
