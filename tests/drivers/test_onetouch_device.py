# ruff: noqa: F811  (pytest fixtures imported from test_onetouch_support)
"""The Onetouch driver behind the Device interface, against the simulator on loopback:
auth modes, probe, settings pages, tables, actions, raw calls, backup and events."""

from __future__ import annotations

import asyncio
import io
import ssl
import tarfile
from datetime import datetime

import pytest

from configurator.core.device import WriteOutcome
from configurator.core.errors import (
    AuthError,
    CertificateMismatch,
    InvalidValue,
    NotSupported,
    PermissionDenied,
    ServiceDisabled,
)
from configurator.core.events import SourceState
from configurator.core.transport import (
    Credentials,
    Endpoint,
    MemoryPinStore,
    Transport,
    fingerprint,
)
from configurator.drivers import onetouch
from configurator.drivers.onetouch.client import OnetouchClient
from configurator.drivers.onetouch.device import OnetouchDevice
from configurator.drivers.onetouch.events import OnetouchPoller
from configurator.drivers.registry import connect
from configurator.simulators.onetouch.device import create
from configurator.simulators.tls import certificate_files

from .test_onetouch_support import (  # noqa: F401  (fixtures)
    PASSWORD,
    USER,
    device,
    freeze_clock,
    make_transport,
    outage_scenario,
    sim,
)

CARD = {"Name": "Alice", "Code": "00B4161D", "DoorNum": {"A", "B"}}


async def _started(loopback, **options):
    simulator = create(loopback(), http_port=0, time_scale=0.01, **options)
    await simulator.start()
    return simulator


@pytest.mark.parametrize("auth", ["none", "basic", "digest"])
async def test_auth_modes_accept_the_right_password(loopback, auth) -> None:
    simulator = await _started(loopback, auth=auth)
    try:
        good = OnetouchClient(make_transport(simulator))
        assert (await good.system_info())["Status"]["Model"] == "OT-IP-LP-C9"
        await good.transport.aclose()
        if auth != "none":
            bad = OnetouchClient(make_transport(simulator, password="wrong"))
            with pytest.raises(AuthError, match="authentication failed"):
                await bad.system_status()
            await bad.transport.aclose()
    finally:
        await simulator.stop()


async def test_disabled_api_and_white_list_give_clear_errors(loopback) -> None:
    disabled = await _started(loopback, auth="disabled")
    listed = await _started(loopback, auth="whitelist", whitelist=("127.0.0.1",))
    try:
        client = OnetouchClient(make_transport(disabled))
        with pytest.raises(ServiceDisabled, match="HTTP API is disabled"):
            await client.relay_status()
        await client.transport.aclose()
        # our source address is 127.0.0.1, which the list allows; then a list without it
        client = OnetouchClient(make_transport(listed, user=None))
        assert (await client.relay_status())["RelayA"] == 0
        listed.whitelist = ("127.0.0.2",)
        with pytest.raises(PermissionDenied, match="white list"):
            await client.relay_status()
        await client.transport.aclose()
    finally:
        await disabled.stop()
        await listed.stop()


async def test_probe_recognises_the_device_with_and_without_credentials(sim) -> None:
    anonymous = make_transport(sim, user=None)
    found = await onetouch.probe(anonymous)
    assert found is not None and found.auth_required and found.driver == "onetouch"
    await anonymous.aclose()
    authed = make_transport(sim)
    found = await onetouch.probe(authed)
    assert found is not None and not found.auth_required
    assert found.info.model == "OT-IP-LP-C9" and found.info.mac.startswith("0C:11:05")
    await authed.aclose()


async def test_probe_says_not_mine_for_other_servers(loopback) -> None:
    from aiohttp import web

    async def other_vendor(request: web.Request) -> web.Response:
        return web.json_response({"success": True, "result": {}})

    app = web.Application()
    app.router.add_get("/api/system/info", other_vendor)
    runner = web.AppRunner(app)
    await runner.setup()
    host = loopback()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    transport = Transport(Endpoint(host, port))
    try:
        assert await onetouch.probe(transport) is None
    finally:
        await transport.aclose()
        await runner.cleanup()


async def test_connect_through_the_registry(sim) -> None:
    dev = await connect(Endpoint(sim.host, sim.port), Credentials("admin", "httpapi"),
                        driver_id="onetouch")
    try:
        assert isinstance(dev, OnetouchDevice)
        info = await dev.read_info()
        assert (info.model, info.firmware) == ("OT-IP-LP-C9", "29.31.1.617")
    finally:
        await dev.aclose()


async def test_https_with_certificate_pinning(loopback) -> None:
    """The document's HTTPS service: identify, pin on first use, then work over TLS only."""
    host = loopback()
    simulator = create(host, https_port=0, auth="digest")
    await simulator.start()
    pins = MemoryPinStore()
    seen: list[str] = []

    async def trust(key: str, fp: str) -> bool:
        seen.append(fp)
        return True

    endpoint = Endpoint(host, simulator.ports["https"], "https")
    try:
        assert "http" not in simulator.ports
        dev = await connect(endpoint, Credentials(USER, PASSWORD), pins=pins, trust=trust)
        try:
            assert isinstance(dev, OnetouchDevice)
            assert (await dev.read_info()).model == "OT-IP-LP-C9"
            cert_file, _ = certificate_files(f"Onetouch {simulator.model}", host)
            expected = fingerprint(ssl.PEM_cert_to_DER_cert(cert_file.read_text()))
            assert seen == [expected] and pins.get(endpoint.key) == expected
            await dev.run_action("open_door", {"num": "Relay B", "mode": "Manual"})
            assert simulator.state.relay_levels()["RelayB"] == 1
        finally:
            await dev.aclose()
        pins.put(endpoint.key, "00:" * 31 + "00")  # another certificate pinned earlier
        with pytest.raises(CertificateMismatch):
            await connect(endpoint, Credentials(USER, PASSWORD), pins=pins, trust=trust)
        assert len(seen) == 1  # a changed certificate is refused, not silently re-trusted
    finally:
        await simulator.stop()


async def test_capabilities_are_detected(loopback) -> None:
    simulator = await _started(loopback, relays=2)
    dev = OnetouchDevice(make_transport(simulator))
    try:
        caps = await dev.capabilities()
        assert {"relays", "inputs", "sip", "rfkeys", "dialreplace", "calllog", "doorlog",
                "events", "pcap"} <= caps
        relay = dev.page("relay")
        assert "Config.DoorSetting.RELAY.HoldDelayB" in {s.key for s in relay.params}
        assert "Config.DoorSetting.RELAY.HoldDelayC" not in {s.key for s in relay.params}
        assert set(await dev.read_page("relay")) == {s.key for s in relay.params}
    finally:
        await dev.aclose()
        await simulator.stop()


async def test_get_relay_returns_the_documented_keys(device) -> None:
    values = await device.read_page("relay")
    assert values["Config.DoorSetting.RELAY.HoldDelayA"] == 5
    assert values["Config.DoorSetting.RELAY.NameC"] == "RelayC"
    assert values["Config.DoorSetting.DTMF.Enable"] is True
    assert values["Config.DoorSetting.DTMF.MultiCode2"] == "012"
    assert len(values) == 23


async def test_set_hold_delay_61_is_refused_before_sending(device, sim) -> None:
    with pytest.raises(InvalidValue, match="61 is above the maximum 60 s"):
        await device.write_page("relay", {"Config.DoorSetting.RELAY.HoldDelayA": "61"})
    assert sim.state.config["Config.DoorSetting.RELAY.HoldDelayA"] == "5"


async def test_write_page_sends_only_changes_and_reads_back(device, sim) -> None:
    report = await device.write_page("relay", {"Config.DoorSetting.RELAY.HoldDelayA": "8",
                                               "Config.DoorSetting.RELAY.TypeB": 0,
                                               "Config.DoorSetting.RELAY.Password": "s3cret"})
    results = report.by_key()
    assert report.ok
    assert results["Config.DoorSetting.RELAY.HoldDelayA"].value == 8
    assert results["Config.DoorSetting.RELAY.TypeB"].message == "unchanged"
    assert sim.state.config["Config.DoorSetting.RELAY.Password"] == "s3cret"
    report = await device.write_page("sip", {"Config.Account1.SIP.Server": "10.0.0.1",
                                             "Config.Account1.GENERAL.Enable": True})
    assert report.ok and sim.state.config["Config.Account1.GENERAL.Enable"] == "1"


async def test_write_page_reports_device_rejection(device, sim) -> None:
    from configurator.simulators.onetouch import state as sim_state

    # make the simulated firmware stricter than our spec: names of at most 3 characters
    sim_state_rules = sim_state.VALUE_RULES
    strict = (sim_state.re.compile(r".*\.RELAY\.Name[A-C]"),
              sim_state.matches(r".{0,3}"))
    sim_state.VALUE_RULES = (strict, *sim_state_rules)
    try:
        report = await device.write_page("relay", {"Config.DoorSetting.RELAY.NameA": "Gate"})
    finally:
        sim_state.VALUE_RULES = sim_state_rules
    result = report.by_key()["Config.DoorSetting.RELAY.NameA"]
    assert result.outcome is WriteOutcome.REJECTED
    assert "invalid value" in result.message


async def test_rfkey_add_and_delete_round_trip(device, sim) -> None:
    added = await device.apply_table("rfkey", add=[CARD, {"Name": "Bob", "Code": "1234ABCD"}])
    assert [(r.op, r.key, r.ok) for r in added] == [("add", 1, True), ("add", 2, True)]
    rows = await device.read_table("rfkey")
    assert [(r["ID"], r["Name"], r["DoorNum"]) for r in rows] == [
        (1, "Alice", frozenset({"A", "B"})), (2, "Bob", frozenset({"A"}))]
    assert sim.state.tables["rfkey"].rows[0]["DoorNum"] == "12"
    duplicate = await device.apply_table("rfkey", add=[CARD])
    assert duplicate[0].ok is False and "Ret -1" in duplicate[0].message
    updated = await device.apply_table("rfkey", update=[{"ID": 2, "Tags": "Forbidden"}])
    assert updated[0].ok and (await device.read_table("rfkey"))[1]["Tags"] == 2
    deleted = await device.apply_table("rfkey", delete=[1, 7])
    assert [(r.key, r.ok) for r in deleted] == [(1, True), (7, False)]
    assert [r["ID"] for r in await device.read_table("rfkey")] == [2]


async def test_swiped_card_follows_the_schedule(device, sim) -> None:
    await device.apply_table("rfkey", add=[{
        "Name": "Cleaner", "Code": "C0FFEE", "DoorNum": {"A"}, "Tags": "Schedule",
        "Sat": False, "Sun": False, "TimeStart": "08:00", "TimeEnd": "17:00"}])
    freeze_clock(sim)
    monday_noon = datetime(2024, 1, 1, 12, 0)
    assert sim.swipe_card("C0FFEE", "A", monday_noon) is True
    assert (await device.client.relay_status())["RelayA"] == 1
    assert sim.swipe_card("C0FFEE", "A", datetime(2024, 1, 1, 18, 0)) is False
    assert sim.swipe_card("C0FFEE", "A", datetime(2024, 1, 6, 12, 0)) is False  # Saturday
    assert sim.swipe_card("C0FFEE", "B", monday_noon) is False  # not its door
    log = await device.read_table("doorlog")
    assert [(r["Type"], r["Status"]) for r in log] == [
        ("Card", "0"), ("Card", "1"), ("Card", "1"), ("Card", "1")]


async def test_frequency_keys_count_down(device, sim) -> None:
    await device.apply_table("rfkey", add=[{"Code": "AA", "DoorNum": {"A"},
                                            "Tags": "Frequency", "Frequency": 1}])
    assert sim.swipe_card("AA") is True
    assert sim.swipe_card("AA") is False
    assert (await device.read_table("rfkey"))[0]["Frequency"] == 0


async def test_other_tables(device, sim) -> None:
    results = await device.apply_table("dialreplace", add=[{"Prefix": "110", "Line": 1,
                                                            "Replace1": "192.168.2.1"}])
    assert results[0].ok
    assert (await device.read_table("dialreplace"))[0]["Line"] == 1
    contacts = await device.apply_table("contacts", add=[{"name": "Desk", "phone": "100"}])
    assert (contacts[0].key, contacts[0].ok) == (1, True)
    updated = await device.apply_table("contacts", update=[{"id": 1, "phone": "101"}])
    assert updated[0].ok and (await device.read_table("contacts"))[0]["phone"] == "101"
    missing = await device.apply_table("contacts", delete=[9])
    assert missing[0].ok is False and "no such id" in missing[0].message
    groups = await device.apply_table("groups", add=[{"Name": "Staff"}])
    assert groups[0].ok and (await device.read_table("groups"))[0]["Name"] == "Staff"
    await device.run_action("dial", {"phone": "100"})
    await device.run_action("hangup", {})
    calls = await device.read_table("calllog")
    assert calls[0]["Type"] == "Dialed"
    deleted = await device.apply_table("calllog", delete=[calls[0]["ID"]])
    assert deleted[0].ok and await device.read_table("calllog") == []
    with pytest.raises(NotSupported):
        await device.apply_table("doorlog", add=[{"Name": "x"}])


async def test_actions(device, sim) -> None:
    assert {a.id for a in device.actions() if a.dangerous} == {"reboot", "factory_reset",
                                                               "log_clear"}
    assert sim.state.logs["kmsg"]
    await device.run_action("log_clear", {"type": "kmsg"})
    assert sim.state.logs["kmsg"] == []
    await device.run_action("open_door", {"num": "Relay C", "mode": "Manual"})
    assert sim.state.relay_levels()["RelayC"] == 1
    with pytest.raises(InvalidValue):
        await device.run_action("open_door", {"delay": "70000"})
    with pytest.raises(InvalidValue, match="required"):
        await device.run_action("dial", {})
    started = await device.run_action("pcap_start", {"type": "manual"})
    assert started["interface"] == "eth0"
    # the documented defaults of pcap/start reached the device (filter ip, 60 s, 1048576 B)
    assert {k: sim.state.pcap[k] for k in ("running", "type", "time", "size")} == {
        "running": True, "type": "manual", "time": 60, "size": 1048576}
    assert started["filter"] == "ip"
    stopped = await device.run_action("pcap_stop", {})
    assert int(stopped["FileSize"]) > 0 and sim.state.pcap["running"] is False
    with pytest.raises(InvalidValue, match="below the minimum 24 bytes"):
        await device.run_action("pcap_start", {"size": "10"})
    sim.state.config["Config.DoorSetting.RELAY.NameA"] = "Changed"
    await device.run_action("factory_reset", {})
    assert sim.state.config["Config.DoorSetting.RELAY.NameA"] == "RelayA"
    reboots = sim.state.reboots
    await device.run_action("reboot", {})
    assert sim.state.reboots == reboots + 1


async def test_call_raw_and_backup(device, sim, tmp_path) -> None:
    assert await device.call_raw("relay/trig", {"mode": "1", "num": "2", "level": "1",
                                                "delay": "5"}) == {}
    assert sim.state.relay_levels()["RelayB"] == 1
    added = await device.call_raw("rfkey/add", {"item": '[{"Code": "AB"}]'})
    assert added["item"][0]["Ret"] == 1
    xml = await device.call_raw("rfkey/export", {})
    assert xml.startswith(b"<?xml")
    image = tmp_path / "fw.rom"
    image.write_bytes(b"firmware")
    await device.call_raw("firmware/prepare", {})
    assert await device.call_raw("firmware/upload", {"file": str(image)}) == {}
    with pytest.raises(InvalidValue, match="cannot read"):
        await device.call_raw("config/import", {"file": str(tmp_path / "missing.tgz")})
    with pytest.raises(InvalidValue, match="unknown Onetouch function"):
        await device.call_raw("relay/explode", {})
    content, suffix = await device.backup()
    assert suffix == ".tgz"
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as tar:
        assert "config.ini" in tar.getnames()


async def test_poller_reports_new_rows_and_changes_once(device, sim) -> None:
    poller = OnetouchPoller(device.client)
    freeze_clock(sim)  # relays stay open until the test moves the clock
    sim.swipe_card("OLD")
    assert await poller.poll() == []  # baseline: what existed is never reported
    await device.apply_table("rfkey", add=[{"Code": "00B4161D", "Name": "Alice"}])
    sim.swipe_card("00B4161D", "A")
    sim.set_input("C", 0)
    events = await poller.poll()
    assert sorted(e.type for e in events) == [
        "door.open", "input.changed", "relay.changed", "relay.changed"]
    assert {e.params.get("relay") for e in events if e.type == "relay.changed"} == {"A", "C"}
    door = next(e for e in events if e.type == "door.open")
    assert door.params["Name"] == "Alice" and door.event_id.startswith("door-2-")
    assert await poller.poll() == []  # no duplicates
    sim.incoming_call("201")
    sim.remote_hangup()
    await device.write_page("sip", {"Config.Account1.GENERAL.Enable": True})
    events = await poller.poll()
    assert [(e.type, e.params.get("Num", e.params.get("status"))) for e in events] == [
        ("call.missed", "201"), ("sip.registration", "3")]
    await device.client.doorlog_clear()
    sim.swipe_card("00B4161D", "A")
    (again,) = await poller.poll()
    assert again.type == "door.open" and again.event_id.startswith("door-3-")


async def test_event_stream_delivers_door_events(device, sim) -> None:
    stream = device.events()
    waiter = asyncio.ensure_future(stream.__anext__())
    try:
        for attempt in range(100):  # the stream's first poll is its baseline: keep swiping
            sim.swipe_card(f"CARD{attempt:02d}")
            done, _ = await asyncio.wait({waiter}, timeout=0.05)
            if done:
                break
        event = await asyncio.wait_for(waiter, 3)
        assert event.type == "door.denied" and event.params["Code"].startswith("CARD")
        assert event.source == "doorlog"
    finally:
        await stream.aclose()


async def test_events_survive_the_device_going_away(device, sim) -> None:
    states = await outage_scenario(device.events(), sim)
    assert states[0][0] is SourceState.CONNECTING


async def test_events_stop_with_a_clear_state_when_the_api_is_disabled(device, sim) -> None:
    stream = device.events()
    states: list = []
    stream.on_state = lambda state, message: states.append((state, message))
    first = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0.05)
    sim.auth = "disabled"  # nothing a retry can fix: DISABLED with the reason, typed error
    with pytest.raises(ServiceDisabled):
        await asyncio.wait_for(first, 3)
    assert states[-1][0] is SourceState.DISABLED and "disabled" in states[-1][1]


async def test_status_page_reads_system_firmware_call_and_capture(device, sim) -> None:
    await device.capabilities()
    assert device.pages()[0].id == "status"
    values = await device.read_page("status")
    assert isinstance(values["status.SystemTime"], int) and values["status.UpTime"]
    assert values["firmware.Model"] == "OT-IP-LP-C9" and values["firmware.MAC"]
    assert values["call.Status"] and values["pcap.Status"] == "stop"
    await device.run_action("pcap_start", {"type": "manual"})
    assert (await device.read_page("status"))["pcap.Status"] != "stop"
    await device.run_action("pcap_stop", {})


async def test_all_settings_page_reads_and_writes_the_whole_configuration(device, sim) -> None:
    await device.capabilities()
    page = device.page("all")
    assert len(page.params) == len(await device.client.config_get()) > 50
    hold = "Config.DoorSetting.RELAY.HoldDelayA"
    assert page.spec(hold).kind == "int"  # typed like on the Relays page
    values = await device.read_page("all")
    other = next(k for k in values if k.startswith("Config.Account1.ANONYMOUS_CALL.OnCode"))
    report = await device.write_page("all", {hold: 9, other: "*61"})
    assert report.ok, report.results
    assert sim.state.config[hold] == "9" and sim.state.config[other] == "*61"
