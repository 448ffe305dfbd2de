"""Table rows under the one write contract: every vendor's ``apply_table`` describes each row
the same way (core.write.RowWriter). Pinned against simulators that refuse a row and that
lose the answer to one row's request after carrying it out."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from configurator.core.device import WriteOutcome
from configurator.core.transport import Credentials, Endpoint, Transport
from configurator.drivers.fcm5600.device import FcmDevice
from configurator.drivers.onetouch.device import OnetouchDevice
from configurator.drivers.registry import connect
from configurator.simulators.base import SeenRequest
from configurator.simulators.fcm5600.device import FcmSimulator
from configurator.simulators.fcm5600.device import create as create_fcm
from configurator.simulators.onetouch.device import OnetouchSimulator
from configurator.simulators.onetouch.device import create as create_onetouch

CLOCK = dt.datetime(2022, 12, 1, 9, 30)


@pytest.fixture
async def fcm(loopback) -> AsyncIterator[tuple[FcmSimulator, FcmDevice]]:
    sim = create_fcm(loopback(), https_port=0, clock=lambda: CLOCK)
    await sim.start()
    device = await connect(Endpoint(sim.host, sim.port, "https"), Credentials("admin", "admin"))
    assert isinstance(device, FcmDevice)
    yield sim, device
    await device.aclose()
    await sim.stop()


@pytest.fixture
async def onetouch(loopback) -> AsyncIterator[tuple[OnetouchSimulator, OnetouchDevice]]:
    sim = create_onetouch(loopback(), http_port=0, auth="digest", time_scale=0.01)
    await sim.start()
    device = OnetouchDevice(Transport(Endpoint(sim.host, sim.port),
                                      Credentials(sim.user, sim.password)))
    await device.capabilities()
    yield sim, device
    await device.aclose()
    await sim.stop()


def _is_contact_add(request: SeenRequest) -> bool:
    return request.path.endswith("/phone-book/add")


async def test_fcm_lost_row_answer_is_not_verified_and_later_rows_are_not_sent(fcm) -> None:
    sim, pbx = fcm
    before = len(await pbx.read_table("phonebook"))
    sim.lose_answers(_is_contact_add, spare=1)  # the second add's answer is lost
    rows = [{"name": f"Desk {n}", "phoneNumber": f"20{n}"} for n in range(3)]
    results = await pbx.apply_table("phonebook", add=rows)
    assert [r.outcome for r in results] == [WriteOutcome.APPLIED, WriteOutcome.NOT_VERIFIED,
                                            WriteOutcome.SKIPPED]
    assert [r.ok for r in results] == [True, False, False]
    assert "answer was lost" in results[1].message and "not sent" in results[2].message
    sim.answer_losses.clear()
    names = {r["name"] for r in await pbx.read_table("phonebook")}
    assert len(names) == before + 2 and {"Desk 0", "Desk 1"} <= names  # the PBX did add it
    assert "Desk 2" not in names


async def test_fcm_refused_row_carries_the_device_words(fcm) -> None:
    _sim, pbx = fcm
    results = await pbx.apply_table("extensions", add=[{"exten": "100"}])  # already there
    assert [(r.op, r.outcome) for r in results] == [("add", WriteOutcome.REJECTED)]
    assert "already exists" in results[0].message


async def test_onetouch_lost_batch_answer_marks_each_row_not_verified(onetouch) -> None:
    sim, device = onetouch

    def is_rfkey_add(request: SeenRequest) -> bool:
        return b'"rfkey"' in request.body and b'"add"' in request.body

    sim.lose_answers(is_rfkey_add)
    cards = [{"Name": "Alice", "Code": "00B4161D", "DoorNum": {"A"}},
             {"Name": "Bob", "Code": "1234ABCD", "DoorNum": {"B"}}]
    results = await device.apply_table("rfkey", add=cards)
    assert [(r.op, r.outcome) for r in results] == [("add", WriteOutcome.NOT_VERIFIED)] * 2
    results = await device.apply_table("rfkey", delete=[1])  # later calls are new writes
    sim.answer_losses.clear()
    assert [(r.op, r.key, r.outcome) for r in results] == [("del", 1, WriteOutcome.APPLIED)]
    assert [r["Name"] for r in await device.read_table("rfkey")] == ["Bob"]
