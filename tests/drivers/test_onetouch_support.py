"""Shared fixtures of the Onetouch tests: a simulator on a fresh loopback address and clients."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from configurator.core.transport import Credentials, Endpoint, Transport
from configurator.drivers.onetouch.client import OnetouchClient
from configurator.drivers.onetouch.device import OnetouchDevice
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
