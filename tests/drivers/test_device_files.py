# ruff: noqa: F811  (pytest fixtures imported from test_onetouch_support)
"""The device's own files through the vendor-neutral Device API, against the simulators over
loopback: table export/import (Onetouch), configuration restore and firmware (2N, Onetouch),
and what each driver advertises for the Maintenance node."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib

import pytest
from lxml import etree

from configurator.core.device import MaintenanceSpec
from configurator.core.errors import InvalidValue, NotSupported, Rejected
from configurator.core.params import TableOp
from configurator.core.transport import Endpoint, Transport
from configurator.drivers.fanvil.device import FanvilDevice
from configurator.drivers.fcm5600.device import FcmDevice
from configurator.drivers.onetouch.protocol import WrongMd5
from configurator.simulators.twon.firmware import make_firmware

from .test_onetouch_support import device, sim  # noqa: F401  (fixtures)
from .test_twon_sim import device_for, simulator

# The document's rfkey/add example (seed 000, "Api rfkey add"), its two cards.
RFKEY_ADD_EXAMPLE = [
    {"ID": "0", "Name": "Test", "Code": "00B4161D", "DoorNum": "1", "Tags": "0",
     "Frequency": "0", "Mon": "1", "Tue": "1", "Wed": "1", "Thur": "1", "Fri": "1", "Sat": "1",
     "Sun": "1", "TimeEnd": "00:00", "TimeStart": "00:00"},
    {"ID": "0", "Name": "Test2", "Code": "00B4161E", "DoorNum": "1", "Tags": "0",
     "Frequency": "0", "Mon": "1", "Tue": "1", "Wed": "1", "Thur": "1", "Fri": "1", "Sat": "1",
     "Sun": "1", "TimeEnd": "00:00", "TimeStart": "00:00"},
]
HOLD_A = "Config.DoorSetting.RELAY.HoldDelayA"


def codes(sim) -> list[str]:
    return [row["Code"] for row in sim.state.tables["rfkey"].rows]


# -- Onetouch: table files -------------------------------------------------------------------
async def test_rfkey_export_then_import_restores_the_cards(sim, device) -> None:
    await device.client.rows("rfkey").add(RFKEY_ADD_EXAMPLE)
    content, suffix = await device.export_table("rfkey")
    assert suffix == ".xml"
    root = etree.fromstring(content)
    assert root.tag == "ICKey"
    assert [item.get("Code") for item in root.iter("Item")] == ["00B4161D", "00B4161E"]

    await device.apply_table("rfkey", delete=[1])  # a card gets lost on site
    await device.client.rows("rfkey").add(
        [{**RFKEY_ADD_EXAMPLE[0], "Name": "Other", "Code": "AA01"}])
    assert codes(sim) == ["00B4161E", "AA01"]
    assert not sim.swipe_card("00B4161D", "A")

    assert await device.import_table("rfkey", content, "ICKey.xml") is None
    assert codes(sim) == ["00B4161D", "00B4161E"]  # the file's rows replaced the table
    rows = await device.read_table("rfkey")
    assert [(r["Name"], r["Code"]) for r in rows] == [("Test", "00B4161D"), ("Test2", "00B4161E")]
    assert sim.swipe_card("00B4161D", "A")


async def test_import_refuses_wrong_files_and_leaves_the_table_alone(sim, device) -> None:
    await device.client.rows("rfkey").add(RFKEY_ADD_EXAMPLE)
    dialrules, _ = await device.export_table("dialreplace")
    with pytest.raises(InvalidValue, match=r"cards\.csv is not .* \(expected \.xml\)"):
        await device.import_table("rfkey", b"ID,Code\n1,99\n", "cards.csv")
    with pytest.raises(InvalidValue, match=r"ICKey\.xml is empty"):
        await device.import_table("rfkey", b"", "ICKey.xml")
    # the device itself refuses another table's file (XML root DialReplace, not ICKey)
    with pytest.raises(Rejected, match="invalid file"):
        await device.import_table("rfkey", dialrules, "ICKey.xml")
    assert codes(sim) == ["00B4161D", "00B4161E"]


async def test_privatekey_and_dialreplace_files_round_trip(sim, device) -> None:
    await device.apply_table("privatekey", add=[{"Name": "Door code", "Code": "4711",
                                                 "DoorNum": frozenset({"A"})}])
    await device.apply_table("dialreplace", add=[{"Prefix": "123", "Replace1": "456"}])
    pins, pin_suffix = await device.export_table("privatekey")
    rules, rule_suffix = await device.export_table("dialreplace")
    assert (pin_suffix, rule_suffix) == (".xml", ".xml")
    await device.client.rows("privatekey").clear()
    await device.client.rows("dialreplace").clear()
    assert not sim.enter_pin("4711", "A")
    await device.import_table("privatekey", pins, "PrivateKey.xml")
    await device.import_table("dialreplace", rules, "DialReplace.xml")
    assert sim.enter_pin("4711", "A")
    assert [(r["Prefix"], r["Replace1"]) for r in await device.read_table("dialreplace")] == [
        ("123", "456")]


async def test_contacts_csv_file_round_trip(sim, device) -> None:
    # the document's contact/add example: name "test", phone "1001"
    await device.client.contact_add("test", "1001")
    content, suffix = await device.export_table("contacts")
    assert suffix == ".csv"
    assert content.decode().splitlines() == ["id,name,phone", "1,test,1001"]
    edited = content.replace(b"1,test,1001", b"1,test,1001\r\n2,porter,1002")
    await device.import_table("contacts", edited, "Contact.csv")
    assert [(r["name"], r["phone"]) for r in await device.read_table("contacts")] == [
        ("test", "1001"), ("porter", "1002")]
    with pytest.raises(Rejected, match="lacks column"):
        await device.import_table("contacts", b"who,number\nx,1\n", "Contact.csv")
    assert len(sim.state.contacts.rows) == 2


async def test_logs_export_only_and_groups_have_no_file(sim, device) -> None:
    await device.run_action("open_door", {"num": 1, "mode": 1})
    spec = device.table("doorlog")
    assert TableOp.EXPORT in spec.operations and TableOp.IMPORT not in spec.operations
    content, suffix = await device.export_table("doorlog")
    assert suffix == ".xml" and b"HTTP API" in content
    with pytest.raises(NotSupported, match="Door log has no import file"):
        await device.import_table("doorlog", content, "DoorLog.xml")
    with pytest.raises(NotSupported, match="no export file"):
        await device.export_table("groups")


# -- Onetouch: restore and firmware ----------------------------------------------------------
async def test_onetouch_restore_brings_back_the_exported_configuration(sim, device) -> None:
    backup, suffix = await device.backup()
    assert suffix == ".tgz" and device.maintenance().restore
    report = await device.write_page("relay", {HOLD_A: 33})
    assert report.ok and sim.state.config[HOLD_A] == "33"
    reboots = sim.state.reboots
    with pytest.raises(InvalidValue, match=r"expected \.tgz"):
        await device.restore(b"<config/>", "config.xml")
    with pytest.raises(InvalidValue, match="content does not match"):
        await device.restore(b"not gzip at all", "Config.tgz")
    with pytest.raises(Rejected, match="invalid file"):  # gzip, but not an archive
        await device.restore(b"\x1f\x8b" + bytes(30), "Config.tgz")
    assert sim.state.config[HOLD_A] == "33" and sim.state.reboots == reboots
    await device.restore(backup, "Config.tgz")
    assert sim.state.config[HOLD_A] != "33"
    assert sim.state.reboots == reboots + 1  # "Device will reboot after import"


async def test_onetouch_firmware_is_sent_only_at_apply_and_checked_by_md5(sim, device) -> None:
    content = b"ONETOUCH-ROM" + bytes(5000)
    image = await device.firmware_upload(content, "fw.rom")
    assert (image.size, image.md5, image.staged) == (len(content),
                                                     hashlib.md5(content).hexdigest(), False)
    assert sim.state.firmware == {"prepared": False, "image": None}  # nothing sent yet
    with pytest.raises(InvalidValue, match="empty"):
        await device.firmware_upload(b"", "fw.rom")

    wrong = dataclasses.replace(image, md5="0" * 32)
    with pytest.raises(WrongMd5) as info:
        await device.firmware_apply(wrong)
    assert info.value.md5_calc == image.md5
    reboots = sim.state.reboots
    steps: list[str] = []
    await device.firmware_apply(image, steps.append)
    assert len(steps) == 3 and "Uploading fw.rom" in steps[1]
    assert sim.state.reboots == reboots + 1
    with pytest.raises(NotSupported):
        await device.firmware_reject(image)


# -- 2N: restore and firmware ----------------------------------------------------------------
async def test_twon_restore_puts_the_configuration_back(loopback) -> None:
    async with simulator(loopback()) as twon, device_for(twon) as dev:
        xml, suffix = await dev.backup()
        assert suffix == ".xml"
        renamed = xml.replace(b"<DeviceName>2N IP Verso</DeviceName>",
                              b"<DeviceName>Gate 1</DeviceName>")
        await dev.restore(renamed, "gate.xml")
        assert (await dev.read_info()).name == "Gate 1"
        with pytest.raises(InvalidValue, match="not a 2N configuration XML"):
            await dev.restore(b"\x1f\x8b\x08binary", "Config.tgz")
        with pytest.raises(Rejected) as info:
            await dev.restore(b"<nope/>", "nope.xml")
        assert info.value.param == "blob-cfg"
        await dev.restore(xml, "backup.xml")
        assert (await dev.read_info()).name == "2N IP Verso"


async def firmware_after_restart(dev, twon, timeout: float = 5.0) -> str:
    """The firmware the device reports once it went away and came back."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while twon.restarts == 0 or twon.down:
        assert loop.time() < end, "the device did not restart"
        await asyncio.sleep(0.02)
    return (await dev.read_info()).firmware


async def test_twon_firmware_upload_shows_the_version_then_applies(loopback) -> None:
    async with simulator(loopback(), restart_downtime=0.2) as twon, device_for(twon) as dev:
        content = make_firmware("verso", "2.39.0.10.1", note="Some changes")
        image = await dev.firmware_upload(content, "verso-2.39.fw")
        assert (image.version, image.downgrade, image.note, image.staged) == (
            "2.39.0.10.1", False, "Some changes", True)
        assert len(image.file_id) == 8 and image.md5 == hashlib.md5(content).hexdigest()
        assert (await dev.read_info()).firmware == "2.38.0.52.4"  # not installed yet
        steps: list[str] = []
        await dev.firmware_apply(image, steps.append)
        assert steps == ["Applying firmware 2.39.0.10.1…"]
        assert await firmware_after_restart(dev, twon) == "2.39.0.10.1"
        assert twon.restarts == 1


async def test_twon_firmware_downgrade_can_be_rejected(loopback) -> None:
    async with simulator(loopback()) as twon, device_for(twon) as dev:
        image = await dev.firmware_upload(make_firmware("verso", "2.37.0.1.1"), "old.fw")
        assert image.downgrade is True and image.version == "2.37.0.1.1"
        await dev.firmware_reject(image)
        with pytest.raises(Rejected) as info:  # nothing pending any more
            await dev.firmware_apply(image)
        assert info.value.code == 14
        with pytest.raises(Rejected) as info:  # not an image at all
            await dev.firmware_upload(b"MZ\x90\x00garbage", "setup.exe")
        assert info.value.param == "blob-fw"
        assert (await dev.read_info()).firmware == "2.38.0.52.4" and twon.restarts == 0


# -- what each driver offers ------------------------------------------------------------------
async def test_maintenance_specs_of_every_driver(loopback) -> None:
    transport = Transport(Endpoint(loopback()))
    fanvil, fcm = FanvilDevice(transport), FcmDevice(Transport(Endpoint(loopback())))
    try:
        assert fanvil.maintenance() == MaintenanceSpec(
            backup=True, config_suffix=".txt", help=fanvil.maintenance().help)
        assert not fcm.maintenance().backup and "no configuration backup" in \
            fcm.maintenance().help
        for dev in (fanvil, fcm):
            with pytest.raises(NotSupported, match="restore is not supported"):
                await dev.restore(b"x", "x.txt")
            with pytest.raises(NotSupported, match="firmware upload is not supported"):
                await dev.firmware_upload(b"x", "x.bin")
            assert all(TableOp.IMPORT not in t.operations and TableOp.EXPORT not in t.operations
                       for t in dev.tables())
    finally:
        await fanvil.aclose()
        await fcm.aclose()
