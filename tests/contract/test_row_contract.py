"""Table rows under the one write contract: every vendor's ``apply_table`` describes each row
the same way (core.write.RowWriter). Pinned against simulators that refuse a row and that
lose the answer to one row's request after carrying it out."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from configurator.core.device import WriteOutcome
from configurator.core.params import TableOp
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


async def test_onetouch_clear_empties_each_of_its_seven_clearable_tables(onetouch) -> None:
    _sim, device = onetouch
    await device.apply_table("rfkey", add=[{"Name": "Alice", "Code": "00B4161D",
                                            "DoorNum": {"A"}}])
    clearable = sorted(t.id for t in device.tables() if TableOp.CLEAR in t.operations)
    assert clearable == ["calllog", "contacts", "dialreplace", "doorlog", "groups",
                         "privatekey", "rfkey"]
    for table_id in clearable:
        (result,) = await device.clear_table(table_id)
        assert (result.op, result.outcome) == ("clear", WriteOutcome.APPLIED), table_id
        assert await device.read_table(table_id) == [], table_id


async def test_fcm_clear_phonebook_and_lost_clear_answer_is_not_verified(fcm) -> None:
    sim, pbx = fcm
    await pbx.apply_table("phonebook", add=[{"name": "Desk", "phoneNumber": "200"}])
    (result,) = await pbx.clear_table("phonebook")
    assert result.outcome is WriteOutcome.APPLIED
    assert await pbx.read_table("phonebook") == []
    await pbx.apply_table("callforward", add=[{"exten": "100", "type": "busy", "dest": "555"}])
    sim.lose_answers(lambda r: r.path.endswith("/call-forward/delete-all"))
    (result,) = await pbx.clear_table("callforward")
    assert result.outcome is WriteOutcome.NOT_VERIFIED and "lost" in result.message
    sim.answer_losses.clear()
    assert await pbx.read_table("callforward") == []  # the PBX did clear it


async def test_a_table_without_clear_refuses_it(fcm) -> None:
    from configurator.core.errors import NotSupported

    _sim, pbx = fcm
    with pytest.raises(NotSupported, match="cannot be cleared"):
        await pbx.clear_table("extensions")
