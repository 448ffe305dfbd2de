"""Finding 5: auto-detection never sends a password to a host whose vendor it does not know
(neither in a login body nor as Basic credentials), and warns before a cleartext login."""

from __future__ import annotations

import base64
import logging

import pytest

from configurator.core.errors import NotSupported
from configurator.core.transport import Credentials, Endpoint
from configurator.drivers.registry import connect
from configurator.simulators.fcm5600.device import create as create_fcm

from .rawserver import raw_server

PASSWORD = "Hostile-Pa55word"
BASIC = base64.b64encode(f"admin:{PASSWORD}".encode())

UNKNOWN_HOSTS = {
    "basic-challenge": b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="box"\r\n'
                       b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
    "accepts-anything": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b'Content-Length: 12\r\n\r\n{"ok": true}',
}


@pytest.mark.parametrize("kind", sorted(UNKNOWN_HOSTS))
async def test_an_unknown_host_never_receives_the_password(loopback, kind: str) -> None:
    answer = UNKNOWN_HOSTS[kind]
    async with raw_server(loopback(), lambda server, n, head: server.fixed(answer)) as server:
        with pytest.raises(NotSupported):
            await connect(Endpoint(server.host, server.port), Credentials("admin", PASSWORD))
    assert server.requests  # it was asked something
    for request in server.requests:
        assert PASSWORD.encode() not in request
        assert BASIC not in request
        assert b"authorization:" not in request.lower()


async def test_a_cleartext_login_is_announced(loopback, caplog) -> None:
    password = "Fcm-Pa55word"
    sim = create_fcm(loopback(), http_port=0, password=password)
    await sim.start()
    try:
        endpoint = Endpoint(sim.host, sim.ports["http"], "http")
        with caplog.at_level(logging.WARNING):
            device = await connect(endpoint, Credentials("admin", password))
            await device.aclose()
    finally:
        await sim.stop()
    warned = [r.getMessage() for r in caplog.records if "in clear" in r.getMessage()]
    assert warned and password not in " ".join(warned)
