"""Shared fixtures of the Onetouch tests (a simulator on a fresh loopback address and clients),
and the outage scenario all three polled drivers (Onetouch, Fanvil, FCM5600) are tested with."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from configurator.core.events import SourceState
from configurator.core.transport import Credentials, Endpoint, Transport
from configurator.drivers.onetouch.client import OnetouchClient
from configurator.drivers.onetouch.device import OnetouchDevice
from configurator.simulators.base import Listener, SimulatedDevice
from configurator.simulators.onetouch.device import OnetouchSimulator, create

USER, PASSWORD = "admin", "httpapi"


def make_transport(sim: OnetouchSimulator, user: str | None = USER,
                   password: str = PASSWORD) -> Transport:
    credentials = Credentials(user, password) if user is not None else None
    return Transport(Endpoint(sim.host, sim.port), credentials)


def freeze_clock(sim: OnetouchSimulator, start: float = 1_700_000_000.0) -> list[float]:
    """Give the simulated device a clock the test advances (``now[0] += s``): no timer races."""
    now = [start]
    sim.state.clock = lambda: now[0]
    return now


@pytest.fixture
async def sim(loopback) -> AsyncIterator[OnetouchSimulator]:
    device = create(loopback(), http_port=0, auth="digest", time_scale=0.01,
                    answer_delay=5)
    await device.start()
    yield device
    await device.stop()


@pytest.fixture(params=["post", "get"])
async def client(request, sim) -> AsyncIterator[OnetouchClient]:
    transport = make_transport(sim)
    yield OnetouchClient(transport, form=request.param)
    await transport.aclose()


@pytest.fixture
async def device(sim) -> AsyncIterator[OnetouchDevice]:
    dev = OnetouchDevice(make_transport(sim), poll_interval=0.02, max_backoff=0.1)
    await dev.capabilities()
    yield dev
    await dev.aclose()


def test_fixture_simulator_defaults_follow_the_document() -> None:
    sim = create("127.0.0.1", http_port=0)
    assert (sim.auth, sim.user, sim.password) == ("digest", "admin", "httpapi")
    assert sim.state.model == "OT-IP-LP-C9"


async def outage_scenario(stream: Any, sim: SimulatedDevice, *, timeout: float = 5.0
                          ) -> list[tuple[SourceState, str]]:
    """Shared by the Onetouch, Fanvil and FCM5600 event tests (all polled): take the device
    away mid-stream, check one ``poll.error``, a RETRYING state with a growing backoff and no
    exception out of the iterator; bring it back on the same port, check ``poll.recovered`` and
    LIVE. Returns the states seen."""
    states: list[tuple[SourceState, str]] = []
    stream.on_state = lambda state, message: states.append((state, message))
    events: list[Any] = []

    async def collect() -> None:
        async for event in stream:
            events.append(event)

    async def until(check: Callable[[], bool]) -> None:
        async def wait() -> None:
            while not check():
                await asyncio.sleep(0.01)
        await asyncio.wait_for(wait(), timeout)

    task = asyncio.create_task(collect())
    try:
        await until(lambda: bool(states) and states[-1][0] is SourceState.LIVE)
        scheme, port = sim.scheme, sim.port
        await sim.stop()
        await until(lambda: sum(s is SourceState.RETRYING for s, _ in states) >= 3)
        errors = [e for e in events if e.type == "poll.error"]
        assert len(errors) == 1 and errors[0].severity == "warning"
        assert errors[0].params["kind"] in ("Unreachable", "DeviceTimeout", "ProtocolError")
        delays = [float(m.rsplit("retrying in ", 1)[1].split()[0])
                  for s, m in states if s is SourceState.RETRYING]
        assert delays[1] > delays[0]  # exponential backoff
        assert not task.done()  # the outage did not end the stream with an exception
        sim.listeners = (Listener(scheme, port),)
        await sim.start()
        await until(lambda: any(e.type == "poll.recovered" for e in events))
        await until(lambda: states[-1][0] is SourceState.LIVE)
        assert [e.type for e in events].count("poll.error") == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await stream.aclose()
    return states
