"""A client that drops its connection while a simulator still reads the request body (a
window quitting mid-poll) is not an error logged with a traceback: the bundle's smoke test
fails on any traceback in the demo's output."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiohttp import web

from configurator.simulators.base import SimulatedDevice


class BodyReader(SimulatedDevice):
    vendor = "Test"

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self.reading = asyncio.Event()

    def build_app(self) -> web.Application:
        async def echo(request: web.Request) -> web.Response:
            self.reading.set()
            return web.Response(text=await request.text())

        app = web.Application()
        app.router.add_post("/echo", echo)
        return app


async def test_a_client_gone_mid_body_is_not_logged_as_an_error(
        loopback, caplog: pytest.LogCaptureFixture) -> None:
    device = BodyReader(loopback())
    await device.start()
    try:
        _reader, writer = await asyncio.open_connection(device.host, device.port)
        writer.write(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial")
        await writer.drain()
        await asyncio.wait_for(device.reading.wait(), 10)
        with caplog.at_level(logging.DEBUG, logger="aiohttp"):
            writer.close()  # 993 bytes of the body never come
            await asyncio.sleep(0.3)
        # the device still answers the next client
        reader2, writer2 = await asyncio.open_connection(device.host, device.port)
        writer2.write(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                      b"Connection: close\r\n\r\nok")
        answer = await asyncio.wait_for(reader2.read(), 10)
        writer2.close()
    finally:
        await device.stop()
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"ok")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
