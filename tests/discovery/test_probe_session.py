"""One fingerprint session asks the device each distinct GET once; a recognised device's
credential re-probe runs only its own driver's probe."""

from __future__ import annotations

import functools

from aiohttp import web

from configurator.core.transport import Endpoint
from configurator.discovery.fingerprint import ProbeTransport, only_driver
from configurator.drivers.registry import identify

from .fakes import fake_identifier


async def _counting_server(host: str) -> tuple[web.AppRunner, int, list[str]]:
    hits: list[str] = []

    async def handler(request: web.Request) -> web.Response:
        hits.append(f"{request.method} {request.path_qs}")
        return web.json_response({"n": len(hits)})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1], hits  # type: ignore[union-attr]


async def test_identical_gets_are_answered_once_per_session(loopback) -> None:
    host = loopback()
    runner, port, hits = await _counting_server(host)
    transport = ProbeTransport(Endpoint(host, port))
    try:
        first = await transport.request("GET", "/api/system/info")
        again = await transport.request("GET", "/api/system/info")
        other = await transport.request("GET", "/api/system/info", params={"a": "1"})
        posted = [await transport.request("POST", "/x", content=b"<x/>") for _ in range(2)]
    finally:
        await transport.aclose()
        await runner.cleanup()
    assert again is first and again.json() == {"n": 1}
    assert other.json() == {"n": 2}
    assert [p.json() for p in posted] == [{"n": 3}, {"n": 4}]  # bodies are never cached
    assert hits == ["GET /api/system/info", "GET /api/system/info?a=1", "POST /x", "POST /x"]
    assert transport.requests_sent == 4


def test_reprobe_runs_only_the_recognised_driver() -> None:
    restricted = only_driver(identify, "onetouch")
    assert isinstance(restricted, functools.partial) and restricted.func is identify
    assert [entry.id for entry in restricted.keywords["candidates"]] == ["onetouch"]
    assert only_driver(identify, "no-such-driver") is identify
    assert only_driver(fake_identifier, "fake") is fake_identifier  # custom: untouched
