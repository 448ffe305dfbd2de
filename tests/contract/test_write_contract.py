"""The one write contract (configurator.core.write), pinned per vendor against simulators
made to (a) accept a write but keep the old value, (b) refuse one key, (c) lose the
read-back, and (d) lose the answer to the write after doing it.

Each vendor case names two keys of one page (written in this order) and how to make its
simulator misbehave; the expected outcomes are the contract's, the same labels for every
vendor. Where the device's own semantics differ (Onetouch takes a set all or nothing,
Fanvil stops at the first bad item, 2N sets key by key), the second key's outcome says so.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from configurator.core.device import Device, WriteOutcome
from configurator.core.transport import Credentials, Endpoint, Transport
from configurator.drivers.fanvil.device import FanvilDevice
from configurator.drivers.onetouch.device import OnetouchDevice
from configurator.drivers.twon.device import TwoNDevice
from configurator.simulators.base import SeenRequest, SimulatedDevice
from configurator.simulators.fanvil.device import create as create_fanvil
from configurator.simulators.onetouch.device import create as create_onetouch
from configurator.simulators.twon.device import create as create_twon
from configurator.simulators.twon.protocol import ApiError

APPLIED, REJECTED = WriteOutcome.APPLIED, WriteOutcome.REJECTED
SKIPPED, NOT_VERIFIED = WriteOutcome.SKIPPED, WriteOutcome.NOT_VERIFIED


@dataclass(frozen=True)
class Vendor:
    name: str
    start: Callable[[str], SimulatedDevice]
    connect: Callable[[SimulatedDevice], Device]
    page: str
    first: tuple[str, Any]  # key, new value (written first)
    second: tuple[str, Any]
    keep: Callable[[SimulatedDevice, str], None]  # the device acks the key, keeps the old value
    refuse: Callable[[SimulatedDevice, str], str]  # returns the device's words
    is_read: Callable[[SeenRequest], bool]  # a request that reads the page
    reads_per_read: int  # requests one read of the page makes
    is_write_of_first: Callable[[SeenRequest], bool]
    second_when_first_refused: WriteOutcome  # the device's own semantics
    second_when_first_answer_lost: WriteOutcome


# -- 2N ------------------------------------------------------------------------------------
TWON_USER, TWON_PASSWORD = "admin", "2n-Demo-1"
BLOCKING = "/api/accesspoint/blocking/ctrl"


def _twon_keep(sim: Any, key: str) -> None:
    sim.ignored_requests |= {f"GET {BLOCKING}", f"POST {BLOCKING}"}


def _twon_refuse(sim: Any, key: str) -> str:
    refusal = ApiError(12, "id", "access point is locked by the installer")
    sim.refused_requests.update({f"GET {BLOCKING}": refusal, f"POST {BLOCKING}": refusal})
    return "access point is locked by the installer"


TWON = Vendor(
    "2N",
    lambda host: create_twon(host, http_port=0, https_port=None, restart_downtime=0.2),
    lambda sim: TwoNDevice(Transport(Endpoint(sim.host, sim.ports["http"], "http"),
                                     Credentials(TWON_USER, TWON_PASSWORD))),
    "access",
    ("accesspoint.0.blocked", True),
    ("mobilekey.location", "Lobby"),
    _twon_keep,
    _twon_refuse,
    lambda r: r.method == "GET" and r.path in ("/api/accesspoint/blocking/status",
                                               "/api/mobilekey/config"),
    2,
    lambda r: r.path == BLOCKING,
    APPLIED,  # 2N sets key by key: the other key is its own request
    SKIPPED,  # after a lost answer the driver stops: the second key was never sent
)


# -- Onetouch ------------------------------------------------------------------------------
def _onetouch_call(r: SeenRequest) -> tuple[str, str]:
    try:
        body = json.loads(r.body or b"{}")
    except ValueError:
        return "", ""
    return (str(body.get("target", "")), str(body.get("action", ""))) if isinstance(
        body, dict) else ("", "")


def _onetouch_keep(sim: Any, key: str) -> None:
    sim.state.kept_keys.add(key)


def _onetouch_refuse(sim: Any, key: str) -> str:
    sim.state.refused_keys.add(key)
    return "invalid value"


ONETOUCH = Vendor(
    "Onetouch",
    lambda host: create_onetouch(host, http_port=0, auth="digest", time_scale=0.01),
    lambda sim: OnetouchDevice(Transport(Endpoint(sim.host, sim.port),
                                         Credentials(sim.user, sim.password))),
    "relay",
    ("Config.DoorSetting.RELAY.HoldDelayA", 8),
    ("Config.DoorSetting.RELAY.NameA", "Gate"),
    _onetouch_keep,
    _onetouch_refuse,
    lambda r: _onetouch_call(r) == ("relay", "get"),
    1,
    lambda r: _onetouch_call(r) == ("relay", "set"),
    REJECTED,  # the device takes a set all or nothing: its refusal is the whole call's
    APPLIED,  # one request carried both keys
)


# -- Fanvil --------------------------------------------------------------------------------
def _fanvil_cmd(r: SeenRequest) -> str:
    found = re.search(rb'cmd\s*=\s*"(\w+)"', r.body, re.IGNORECASE)
    return found[1].decode().lower() if found else ""


def _fanvil_keep(sim: Any, key: str) -> None:
    sim.state.kept_keys.add(key)


def _fanvil_refuse(sim: Any, key: str) -> str:
    sim.state.refused_keys.add(key)
    return "invalid value"


FANVIL = Vendor(
    "Fanvil",
    lambda host: create_fanvil(host, register_delay=0.01, answer_delay=0.01,
                               reboot_time=0.05),
    lambda sim: FanvilDevice(Transport(Endpoint(sim.host, sim.port))),
    "sip",
    ("sip.line.1.RegisterAddr", "172.16.1.3"),
    ("sip.line.1.RegisterPort", 5070),
    _fanvil_keep,
    _fanvil_refuse,
    lambda r: _fanvil_cmd(r) == "get",
    1,
    lambda r: _fanvil_cmd(r) == "set",
    SKIPPED,  # the phone stops at the first bad item (doc 2.1.2): the rest is not processed
    APPLIED,
)

VENDORS = [pytest.param(v, id=v.name) for v in (TWON, ONETOUCH, FANVIL)]


@contextlib.asynccontextmanager
async def opened(vendor: Vendor, host: str) -> AsyncIterator[tuple[Any, Device]]:
    sim = vendor.start(host)
    await sim.start()
    device = vendor.connect(sim)
    try:
        await device.capabilities()
        yield sim, device
    finally:
        await device.aclose()
        await sim.stop()


async def _write(vendor: Vendor, device: Device) -> dict[str, Any]:
    report = await device.write_page(vendor.page, dict([vendor.first, vendor.second]))
    return report.by_key()


async def _values(vendor: Vendor, sim: Any, device: Device) -> dict[str, Any]:
    sim.answer_losses.clear()
    return await device.read_page(vendor.page)


@pytest.mark.parametrize("vendor", VENDORS)
async def test_every_changed_key_applied_and_read_back(vendor: Vendor, loopback) -> None:
    async with opened(vendor, loopback()) as (_sim, device):
        results = await _write(vendor, device)
        for key, value in (vendor.first, vendor.second):
            assert (results[key].outcome, results[key].value) == (APPLIED, value)
        again = await _write(vendor, device)  # nothing changes: nothing is sent
        assert {r.message for r in again.values()} == {"unchanged"}
        assert all(r.outcome is APPLIED for r in again.values())


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_key_the_device_acknowledges_but_keeps_is_rejected(vendor: Vendor,
                                                                     loopback) -> None:
    async with opened(vendor, loopback()) as (sim, device):
        first, new = vendor.first
        old = (await device.read_page(vendor.page))[first]
        vendor.keep(sim, first)
        results = await _write(vendor, device)
        assert results[first].outcome is REJECTED
        assert results[first].value == old and results[first].value != new
        assert results[first].message.startswith("the device kept")
        assert results[vendor.second[0]].outcome is APPLIED
        assert (await _values(vendor, sim, device))[first] == old


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_refused_key_carries_the_device_words(vendor: Vendor, loopback) -> None:
    async with opened(vendor, loopback()) as (sim, device):
        first = vendor.first[0]
        before = await device.read_page(vendor.page)
        words = vendor.refuse(sim, first)
        results = await _write(vendor, device)
        assert results[first].outcome is REJECTED
        assert words in results[first].message
        second, value = vendor.second
        assert results[second].outcome is vendor.second_when_first_refused
        now = await _values(vendor, sim, device)
        assert now[first] == before[first]
        assert now[second] == (value if results[second].outcome is APPLIED else before[second])
        if results[second].outcome is SKIPPED:
            assert f"stopped at {first}" in results[second].message


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_lost_read_back_leaves_every_sent_key_not_verified(vendor: Vendor,
                                                                    loopback) -> None:
    async with opened(vendor, loopback()) as (sim, device):
        sim.lose_answers(vendor.is_read, spare=vendor.reads_per_read)  # the read before
        results = await _write(vendor, device)
        for key in (vendor.first[0], vendor.second[0]):
            assert results[key].outcome is NOT_VERIFIED
            assert "could not read back" in results[key].message
        now = await _values(vendor, sim, device)  # the device did apply them
        assert (now[vendor.first[0]], now[vendor.second[0]]) == (vendor.first[1],
                                                                  vendor.second[1])


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_lost_write_answer_is_read_back_and_reported_per_key(vendor: Vendor,
                                                                      loopback) -> None:
    async with opened(vendor, loopback()) as (sim, device):
        second = vendor.second[0]
        old_second = (await device.read_page(vendor.page))[second]
        sim.lose_answers(vendor.is_write_of_first)
        results = await _write(vendor, device)  # no exception: one result per key
        assert results[vendor.first[0]].outcome is APPLIED
        assert results[second].outcome is vendor.second_when_first_answer_lost
        if results[second].outcome is SKIPPED:
            assert "was lost" in results[second].message
            assert results[second].value == old_second


@pytest.mark.parametrize("vendor", VENDORS)
async def test_an_invalid_value_sends_nothing(vendor: Vendor, loopback) -> None:
    from configurator.core.errors import InvalidValue

    async with opened(vendor, loopback()) as (sim, device):
        before = await device.read_page(vendor.page)
        writes: list[SeenRequest] = []
        sim.lose_answers(lambda r: vendor.is_write_of_first(r) and not writes.append(r))
        with pytest.raises(InvalidValue):
            await device.write_page(vendor.page, {vendor.first[0]: vendor.first[1],
                                                  vendor.second[0]: object()})
        assert writes == []
        assert await _values(vendor, sim, device) == before
