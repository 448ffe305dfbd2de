"""Shared helpers of the 2N simulator tests (plain httpx over real loopback sockets)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from configurator.simulators.twon import DEFAULT_PASSWORD, DEFAULT_USER, TwoNSimulator, create


@asynccontextmanager
async def running(host: str, **options: Any) -> AsyncIterator[TwoNSimulator]:
    options.setdefault("https_port", None)
    options.setdefault("restart_downtime", 0.2)
    sim = create(host, **options)
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


def client(sim: TwoNSimulator, *, scheme: str = "http", auth: httpx.Auth | None = None,
           **kwargs: Any) -> httpx.AsyncClient:
    if auth is None:
        auth = httpx.DigestAuth(DEFAULT_USER, DEFAULT_PASSWORD)
    return httpx.AsyncClient(base_url=sim.url(scheme), auth=auth, verify=False,
                             timeout=httpx.Timeout(10.0), **kwargs)


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert body["success"] is False, body
    return body["error"]


def result_of(response: httpx.Response) -> Any:
    body = response.json()
    assert body["success"] is True, body
    return body.get("result")


async def rebooted(sim: TwoNSimulator, before: int, timeout: float = 5.0) -> None:
    """Wait until the simulator has gone through a reboot after ``before`` restarts."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while sim.restarts <= before or sim.down:
        assert loop.time() < end, "the simulator did not come back"
        await asyncio.sleep(0.02)
