"""The simulator fleet starts its members at once, in member order, and cleans up on failure."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from configurator.simulators import fleet as fleet_module
from configurator.simulators.fleet import Fleet, FleetMember

EVENTS: list[tuple[str, str]] = []
ACTIVE = {"now": 0, "max": 0}


class FakeSimulator:
    """Stands in for a simulator: ``start`` takes a moment and may fail."""

    def __init__(self, host: str, *, fail: bool = False, **options: Any) -> None:
        self.host = host
        self.fail = fail
        self.options = options
        self.running = False

    async def start(self) -> None:
        ACTIVE["now"] += 1
        ACTIVE["max"] = max(ACTIVE["max"], ACTIVE["now"])
        try:
            await asyncio.sleep(0.05)
            if self.fail:
                raise OSError(f"cannot bind {self.host}")
            self.running = True
            EVENTS.append(("started", self.host))
        finally:
            ACTIVE["now"] -= 1

    async def stop(self) -> None:
        self.running = False
        EVENTS.append(("stopped", self.host))


@pytest.fixture(autouse=True)
def fake_vendor(monkeypatch):
    monkeypatch.setitem(fleet_module.SIMULATOR_FACTORIES, "fake", f"{__name__}:FakeSimulator")
    EVENTS.clear()
    ACTIVE.update(now=0, max=0)


async def test_members_start_concurrently_on_consecutive_addresses():
    members = [FleetMember("fake", {"n": n}) for n in range(4)]
    fleet = Fleet(members, first_address="127.0.61.253", speed="fast")
    devices = await fleet.start()
    assert ACTIVE["max"] == 4  # all four were starting at the same time
    assert [d.host for d in devices] == ["127.0.61.253", "127.0.61.254", "127.0.62.1",
                                         "127.0.62.2"]
    assert [d.options for d in devices] == [{"speed": "fast", "n": n} for n in range(4)]
    assert all(d.running for d in devices)
    await fleet.stop()
    assert fleet.devices == []
    assert not any(d.running for d in devices)


async def test_one_failing_member_stops_all_and_raises_its_error():
    members = [FleetMember("fake"), FleetMember("fake", {"fail": True}), FleetMember("fake")]
    fleet = Fleet(members, first_address="127.0.61.1")
    with pytest.raises(OSError, match=r"cannot bind 127\.0\.61\.2"):
        await fleet.start()
    assert fleet.devices == []
    stopped = {host for what, host in EVENTS if what == "stopped"}
    assert stopped == {"127.0.61.1", "127.0.61.2", "127.0.61.3"}


async def test_an_unknown_vendor_starts_nothing():
    fleet = Fleet([FleetMember("fake"), FleetMember("nope")])
    with pytest.raises(ValueError, match="no simulator for vendor 'nope'"):
        await fleet.start()
    assert EVENTS == [] and fleet.devices == []


async def test_cancelling_the_start_stops_every_member():
    fleet = Fleet([FleetMember("fake"), FleetMember("fake")], first_address="127.0.61.10")
    task = asyncio.ensure_future(fleet.start())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fleet.devices == []
    assert {host for what, host in EVENTS if what == "stopped"} == {"127.0.61.10",
                                                                    "127.0.61.11"}
