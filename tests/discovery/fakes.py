"""A minimal fake HTTP device and its probe, to test the engine independently of the drivers.

The fake speaks a made-up protocol (``GET /fake/info`` -> JSON), so it exercises the real
scan, the real Transport and the real merge path; only the driver probe is ours.
"""

from __future__ import annotations

import base64
import os
import socket

from aiohttp import web

from configurator.core.device import DeviceInfo
from configurator.core.transport import Transport
from configurator.drivers.registry import Fingerprint


class FakeDevice:
    def __init__(self, host: str, *, model: str = "FK-1", serial: str = "", mac: str = "",
                 firmware: str = "1.0", locked: bool = False, port: int = 0,
                 password: str = "") -> None:
        self.host, self.model, self.serial, self.mac = host, model, serial, mac
        self.firmware, self.locked, self.password = firmware, locked, password
        self.passwords_seen: list[str] = []
        self.requested_port = port
        self.port = 0
        self._runner: web.AppRunner | None = None

    async def _info(self, request: web.Request) -> web.Response:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            password = base64.b64decode(header[6:]).decode().partition(":")[2]
            self.passwords_seen.append(password)
        if self.locked and not (self.password and self.passwords_seen
                                and self.passwords_seen[-1] == self.password):
            return web.json_response({"model": self.model}, status=401,
                                     headers={"WWW-Authenticate": 'Basic realm="fake"'})
        return web.json_response({"model": self.model, "serial": self.serial,
                                  "mac": self.mac, "firmware": self.firmware})

    async def start(self, sock: socket.socket | None = None) -> FakeDevice:
        """Serve on host:port, or on an already listening ``sock``."""
        app = web.Application()
        app.router.add_get("/fake/info", self._info)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site: web.BaseSite
        if sock is not None:
            site = web.SockSite(self._runner, sock)
        else:
            site = web.TCPSite(self._runner, self.host, self.requested_port,
                               reuse_address=True)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


async def fake_identifier(transport: Transport) -> Fingerprint | None:
    response = await transport.request("GET", "/fake/info")
    if response.status_code == 404:
        return None
    try:
        data = response.json()
    except ValueError:
        return None
    info = DeviceInfo(vendor="Fake", model=data.get("model", ""), serial=data.get("serial", ""),
                      mac=data.get("mac", ""), firmware=data.get("firmware", ""))
    return Fingerprint("fake", info, auth_required=response.status_code == 401)


def web_port() -> int:
    """Port 80 when we may bind it (root), else 0 (the test then adds the port to the sweep)."""
    return 80 if os.geteuid() == 0 else 0
