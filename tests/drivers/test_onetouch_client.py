# ruff: noqa: F811  (pytest fixtures imported from test_onetouch_support)
"""Every Onetouch client function against the simulator over real loopback sockets, in both
request forms (POST JSON and GET query; the ``client`` fixture runs each test twice)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import tarfile

import pytest

from configurator.core.errors import InvalidValue, Rejected
from configurator.drivers.onetouch.protocol import WrongMd5

from .test_onetouch_support import client, freeze_clock, sim  # noqa: F401  (fixtures)

CARD = {"ID": "0", "Name": "Test", "Code": "00B4161D", "DoorNum": "1", "Tags": "0",
        "Frequency": "0", "Mon": "1", "Tue": "1", "Wed": "1", "Thur": "1", "Fri": "1",
        "Sat": "1", "Sun": "1", "TimeEnd": "00:00", "TimeStart": "00:00"}
RULE = {"ID": "1", "Line": "0", "Prefix": "110", "Replace1": "192.168.2.1",
        "Replace2": "192.168.2.4", "Replace3": "192.168.2.2", "Replace4": "192.168.2.5",
        "Replace5": "192.168.2.3"}


async def test_system_info_status_reboot(client, sim) -> None:
    info = await client.system_info()
    assert info["Status"]["Model"] == "OT-IP-LP-C9"
    assert info["Lan"]["IPAddress"] == sim.host
    assert info["Account1"]["Status"] == "0"
    status = await client.system_status()
    assert status["SystemTime"] > 1_600_000_000 and status["UpTime"] >= 0
    before = sim.state.reboots
    await client.system_reboot()
    assert sim.state.reboots == before + 1


async def test_firmware_prepare_upload_upgrade_and_wrong_md5(client, sim) -> None:
    assert (await client.firmware_status())["HardwareVersion"] == "29.3.0"
    image = b"firmware image" * 100
    with pytest.raises(Rejected, match="prepare"):
        await client.firmware_upload(image)
    await client.firmware_prepare()
    await client.firmware_upload(image, "fw.rom", silent=True)
    with pytest.raises(WrongMd5) as info:
        await client.firmware_upgrade("25e317773f308e446cc84c503a6d1f85")
    assert info.value.md5_calc == hashlib.md5(image).hexdigest()
    reboots = sim.state.reboots
    await client.firmware_upgrade(hashlib.md5(image).hexdigest())
    assert sim.state.reboots == reboots + 1


async def test_config_get_set_export_import_reset(client, sim) -> None:
    config = await client.config_get()
    assert config["Config.Account1.ANONYMOUS_CALL.PrivacyHeaderValue"] == "id"
    await client.config_set({"Config.DoorSetting.RELAY.NameA": "Gate"})
    assert (await client.config_get())["Config.DoorSetting.RELAY.NameA"] == "Gate"
    exported = await client.config_export()
    assert exported.filename == "Config.tgz"
    with tarfile.open(fileobj=io.BytesIO(exported.content), mode="r:gz") as tar:
        text = tar.extractfile("config.ini").read().decode()
    assert "Config.DoorSetting.RELAY.NameA=Gate" in text
    await client.config_reset_factory()
    assert (await client.config_get())["Config.DoorSetting.RELAY.NameA"] == "RelayA"
    await client.config_import(exported.content)
    assert (await client.config_get())["Config.DoorSetting.RELAY.NameA"] == "Gate"
    with pytest.raises(Rejected, match="tgz"):
        await client.config_import(b"nonsense", "Config.txt")


async def test_relay_get_set_status_trig(client, sim) -> None:
    relay = await client.relay_get()
    assert relay["Config.DoorSetting.RELAY.HoldDelayA"] == "5"
    await client.relay_set({"Config.DoorSetting.RELAY.HoldDelayA": "8"})
    assert (await client.relay_get())["Config.DoorSetting.RELAY.HoldDelayA"] == "8"
    with pytest.raises(Rejected, match="HoldDelayA"):
        await client.relay_set({"Config.DoorSetting.RELAY.HoldDelayA": "61"})
    assert await client.relay_status() == {"RelayA": 0, "RelayB": 0, "RelayC": 0}
    await client.relay_trig(1, mode=1, level=1, delay=5)
    assert (await client.relay_status())["RelayA"] == 1
    now = freeze_clock(sim)
    await client.relay_trig(2, mode=0, level=1, delay=1)  # auto close after 1 s * 0.01
    assert (await client.relay_status())["RelayB"] == 1
    now[0] += 0.02
    assert (await client.relay_status())["RelayB"] == 0
    assert [r["Name"] for r in await client.doorlog_get()] == ["HTTP API", "HTTP API"]
    with pytest.raises(Rejected, match="num"):
        await client.relay_trig(4)


async def test_input_get_set_status(client, sim) -> None:
    assert (await client.input_get())["Config.DoorSetting.INPUT.RelayIdC"] == "3"
    await client.input_set({"Config.DoorSetting.INPUT.EnableA": "0"})
    assert (await client.input_get())["Config.DoorSetting.INPUT.EnableA"] == "0"
    assert await client.input_status() == {"InputA": 1, "InputB": 1, "InputC": 1}
    freeze_clock(sim)
    sim.set_input("B", 0)  # low trigger opens relay B
    assert (await client.input_status())["InputB"] == 0
    assert (await client.relay_status())["RelayB"] == 1


async def test_relay_trigger_delay_postpones_the_opening(client, sim) -> None:
    now = freeze_clock(sim)  # time_scale 0.01: 1 device second = 0.01 s of this clock
    await client.relay_set({"Config.DoorSetting.RELAY.TriggerDelayA": "3",
                            "Config.DoorSetting.RELAY.HoldDelayA": "2"})
    await client.relay_trig(1, mode=0, level=1, delay=0)  # delay 0: the relay's HoldDelay
    assert (await client.relay_status())["RelayA"] == 0  # still waiting TriggerDelay
    now[0] += 0.029
    assert (await client.relay_status())["RelayA"] == 0
    now[0] += 0.002  # 3.1 device seconds: open
    assert (await client.relay_status())["RelayA"] == 1
    now[0] += 0.02  # HoldDelay 2 s after the opening: released
    assert (await client.relay_status())["RelayA"] == 0
    with pytest.raises(Rejected, match="TriggerDelayA"):
        await client.relay_set({"Config.DoorSetting.RELAY.TriggerDelayA": "61"})


async def test_input_delay_postpones_the_relay(client, sim) -> None:
    now = freeze_clock(sim)
    await client.input_set({"Config.DoorSetting.INPUT.DelayB": "10"})
    sim.set_input("B", 0)  # low trigger, relay B after 10 device seconds
    assert (await client.input_status())["InputB"] == 0
    assert (await client.relay_status())["RelayB"] == 0
    now[0] += 0.101
    assert (await client.relay_status())["RelayB"] == 1
    now[0] += 0.05  # HoldDelayB 5 s
    assert (await client.relay_status())["RelayB"] == 0


async def test_publiccode_get_set(client, sim) -> None:
    assert (await client.publiccode_get())["Config.DoorSetting.PUBLICCODE.Enable"] == "0"
    await client.publiccode_set({"Config.DoorSetting.PUBLICCODE.Enable": "1",
                                 "Config.DoorSetting.PUBLICCODE.Code": "4711"})
    assert sim.enter_public_code("4711", "A") is True
    assert sim.enter_public_code("0000", "A") is False
    assert [r["Status"] for r in await client.doorlog_get()] == ["0", "1"]


@pytest.mark.parametrize("target", ["rfkey", "privatekey"])
async def test_access_key_tables_round_trip(client, sim, target) -> None:
    code = "00B4161D" if target == "rfkey" else "1234"
    second = "00B4161E" if target == "rfkey" else "5678"
    added = await client.table_add(target, [{**CARD, "Code": code},
                                            {**CARD, "Code": second, "Name": "Test2"},
                                            {**CARD, "Code": code, "Name": "dup"}])
    assert [(r.ret, r.ok) for r in added] == [(1, True), (2, True), (-1, False)]
    rows = await client.table_get(target)
    assert [(r["ID"], r["Name"]) for r in rows] == [("1", "Test"), ("2", "Test2")]
    updated = await client.table_set(target, [{"ID": "1", "DoorNum": "123"},
                                              {"ID": "9", "Name": "x"}])
    assert [r.ok for r in updated] == [True, False]
    assert (await client.table_get(target))[0]["DoorNum"] == "123"
    exported = await client.table_export(target)
    assert exported.filename == ("ICKey.xml" if target == "rfkey" else "PrivateKey.xml")
    assert code.encode() in exported.content
    deleted = await client.table_del(target, [{"ID": "1"}, {"Name": "Test2"},
                                              {"ID": "5", "Code": "88888888", "Name": "Test"}])
    assert [r.ok for r in deleted] == [True, True, False]
    assert await client.table_get(target) == []
    await client.table_import(target, exported.content, exported.filename)
    assert len(await client.table_get(target)) == 2
    await client.table_clear(target)
    assert await client.table_get(target) == []


async def test_rfkey_named_methods(client, sim) -> None:
    assert (await client.rows("rfkey").add([CARD]))[0].ok
    assert (await client.rows("rfkey").get())[0]["Code"] == "00B4161D"
    assert (await client.rows("rfkey").set([{"ID": "1", "Name": "Renamed"}]))[0].ok
    xml = await client.rows("rfkey").export()
    await client.rows("rfkey").clear()
    await client.rows("rfkey").import_file(xml.content)
    assert (await client.rows("rfkey").get())[0]["Name"] == "Renamed"
    assert (await client.rows("rfkey").delete([{"Code": "00B4161D"}]))[0].ok
    assert await client.rows("rfkey").get() == []
    with pytest.raises(Rejected, match="invalid file"):
        await client.rows("rfkey").import_file(b"<Other/>")


async def test_privatekey_named_methods(client, sim) -> None:
    assert (await client.rows("privatekey").add([{**CARD, "Code": "2468"}]))[0].ok
    assert (await client.rows("privatekey").set([{"ID": "1", "Tags": "2"}]))[0].ok
    assert (await client.rows("privatekey").get())[0]["Tags"] == "2"
    assert sim.enter_pin("2468") is False  # FORBIDDEN
    exported = await client.rows("privatekey").export()
    assert exported.filename == "PrivateKey.xml" and b"2468" in exported.content
    assert (await client.rows("privatekey").delete([{"ID": "1"}]))[0].ok
    assert await client.rows("privatekey").get() == []
    await client.rows("privatekey").import_file(exported.content)
    rows = await client.rows("privatekey").get()
    assert [(r["Code"], r["Tags"]) for r in rows] == [("2468", "2")]
    await client.rows("privatekey").clear()
    assert await client.rows("privatekey").get() == []


async def test_dialreplace_all_functions(client, sim) -> None:
    assert [r.ok for r in await client.rows("dialreplace").add([RULE])] == [True]
    rows = await client.rows("dialreplace").get()
    assert rows == [RULE]
    assert (await client.rows("dialreplace").set([{**RULE, "Line": "2"}]))[0].ok
    assert (await client.rows("dialreplace").get())[0]["Line"] == "2"
    bad = await client.rows("dialreplace").add([{"Prefix": "12", "Line": "7"}])
    assert not bad[0].ok
    exported = await client.rows("dialreplace").export()
    assert exported.filename == "DialReplace.xml" and b"192.168.2.5" in exported.content
    assert (await client.rows("dialreplace").delete([{"ID": "1"}]))[0].ok
    await client.rows("dialreplace").import_file(exported.content)
    assert (await client.rows("dialreplace").get())[0]["Prefix"] == "110"
    await client.rows("dialreplace").clear()
    assert await client.rows("dialreplace").get() == []


async def test_contact_and_group_functions(client, sim) -> None:
    contact = await client.contact_add("Testing", "110")
    assert contact == {"id": "1", "name": "Testing", "phone": "110"}
    assert (await client.contact_set("1", phone="111"))["phone"] == "111"
    exported = await client.contact_export()
    assert exported.filename == "Contact.csv" and b"Testing,111" in exported.content
    await client.contact_del("1")
    assert await client.contact_get() == []
    with pytest.raises(Rejected, match="no such id"):
        await client.contact_del("1")
    await client.contact_import(exported.content)
    assert (await client.contact_get())[0]["name"] == "Testing"
    await client.contact_clear()
    assert await client.contact_get() == []
    assert (await client.rows("group").add([{"Name": "Staff"}]))[0].ret == 1
    assert (await client.rows("group").set([{"ID": "1", "Name": "Tenants"}]))[0].ok
    assert await client.rows("group").get() == [{"ID": "1", "Name": "Tenants"}]
    assert (await client.rows("group").delete([{"ID": "1"}]))[0].ok
    await client.rows("group").add([{"Name": "x"}])
    await client.rows("group").clear()
    assert await client.rows("group").get() == []


async def test_call_status_dial_hangup_and_call_log(client, sim) -> None:
    now = freeze_clock(sim)
    assert await client.call_status() == "READY"
    await client.call_dial("192.168.1.58", "Test3")
    assert await client.call_status() == "CALLING"
    with pytest.raises(Rejected, match="busy"):
        await client.call_dial("1")
    now[0] += 0.06  # answered after answer_delay 5 s * time_scale 0.01
    assert await client.call_status() == "TALKING"
    await client.call_hangup()
    assert await client.call_status() == "READY"
    with pytest.raises(Rejected, match="no call"):
        await client.call_hangup()
    sim.incoming_call("201", "Flat 1")
    assert await client.call_status() == "RINGING"
    sim.remote_hangup()
    log = await client.calllog_get()
    assert [(r["Type"], r["Num"]) for r in log] == [("Dialed", "192.168.1.58"),
                                                     ("Missed", "201")]
    assert [r["Name"] for r in await client.calllog_get("Missed")] == ["Flat 1"]
    exported = await client.calllog_export()
    assert exported.filename == "History.csv" and b"192.168.1.58" in exported.content
    await client.calllog_del(log[0]["ID"])
    assert len(await client.calllog_get()) == 1
    await client.calllog_clear("Missed")
    assert await client.calllog_get() == []
    with pytest.raises(InvalidValue):
        await client.calllog_get("Bogus")


async def test_sip_get_set_status(client, sim) -> None:
    sip = await client.sip_get()
    assert sip["Config.Account1.STUN.Port"] == "3478"
    await client.sip_set({"Config.Account1.GENERAL.AuthName": "130",
                          "Config.Account1.GENERAL.DisplayName": "130",
                          "Config.Account1.GENERAL.Enable": "1",
                          "Config.Account1.GENERAL.Label": "130",
                          "Config.Account1.GENERAL.Pwd": "130",
                          "Config.Account1.GENERAL.UserName": "130",
                          "Config.Account1.SIP.Port": "5060",
                          "Config.Account1.SIP.Server": "192.168.1.115"})
    after = await client.sip_get()
    assert after["Config.Account1.SIP.Server"] == "192.168.1.115"
    assert after["Config.Account1.GENERAL.Pwd"] == "130"
    assert after["Config.Account2.GENERAL.Enable"] == "0"  # untouched
    status = await client.sip_status()
    assert status["Account1"] == {"UserName": "130", "SipServer": "192.168.1.115",
                                  "Status": "2"}
    assert status["Account2"]["Status"] == "0"
    with pytest.raises(Rejected, match="invalid param"):
        await client.sip_set({"Config.DoorSetting.RELAY.NameA": "x"})


async def test_log_functions(client, sim) -> None:
    assert await client.log_get() == {"Config.Settings.LOGLEVEL.Level": "3"}
    assert await client.log_set(7) == {"Config.Settings.LOGLEVEL.Level": "7"}
    assert (await client.log_export()).filename == "log.txt"  # type "log" is the default
    kmsg = await client.log_export("kmsg")
    assert kmsg.filename == "kmsg.txt" and b"Booting" in kmsg.content
    await client.log_clear("kmsg")
    assert (await client.log_export("kmsg")).content == b""
    with pytest.raises(Rejected, match="android"):
        await client.log_export("log_debug")
    with pytest.raises(Rejected):
        await client.log_set(8)


async def test_doorlog_functions(client, sim) -> None:
    await client.rows("rfkey").add([CARD])
    assert sim.swipe_card("00B4161D", "A") is True
    assert sim.swipe_card("DEADBEEF", "A") is False
    rows = await client.doorlog_get()
    assert [(r["Type"], r["Name"], r["Status"]) for r in rows] == [
        ("Card", "Test", "0"), ("Card", "", "1")]
    exported = await client.doorlog_export()
    assert exported.filename == "DoorLog.xml" and b"DEADBEEF" in exported.content
    await client.doorlog_del(rows[0]["ID"])
    assert len(await client.doorlog_get()) == 1
    await client.doorlog_clear()
    assert await client.doorlog_get() == []


async def test_pcap_functions(client, sim) -> None:
    assert await client.pcap_status() == {"FileSize": "0", "Status": "stop"}
    started = await client.pcap_start("manual", "ip", 180, 1048576)
    assert started == {"type": "manual", "filter": "ip", "time": "180", "size": "1048576",
                       "interface": "eth0"}
    assert (await client.pcap_status())["Status"] == "running"
    with pytest.raises(Rejected, match="stop the capture first"):
        await client.pcap_export()
    stopped = await client.pcap_stop()
    capture = await client.pcap_export()
    assert int(stopped["FileSize"]) == len(capture.content)
    assert capture.filename == "phone.pcap"  # the document's example return
    assert capture.content[:4] == bytes.fromhex("d4c3b2a1")  # libpcap magic
    await client.pcap_start("auto", time=1)
    await asyncio.sleep(0.03)  # auto stop after 1 s * time_scale 0.01
    assert (await client.pcap_status())["Status"] == "stop"
    with pytest.raises(InvalidValue, match="above the maximum 180 s"):
        await client.pcap_start(time=181)
    with pytest.raises(InvalidValue, match="not one of"):
        await client.pcap_start("forever")
