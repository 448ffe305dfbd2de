"""FanvilDevice (the vendor-neutral interface) and probe against simulated phones."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from configurator.core.device import WriteOutcome
from configurator.core.errors import InvalidValue, NotSupported
from configurator.core.events import SourceState
from configurator.core.transport import Credentials, Endpoint, Transport
from configurator.drivers import registry
from configurator.drivers.fanvil import create as create_device
from configurator.drivers.fanvil import probe
from configurator.drivers.fanvil.client import ShellNotAllowed
from configurator.drivers.fanvil.device import FanvilDevice
from configurator.simulators.fanvil.device import FanvilSimulator, create
from configurator.simulators.fleet import Fleet, FleetMember

from .test_onetouch_support import outage_scenario

FAST = {"http_port": 0, "register_delay": 0, "answer_delay": None, "reboot_time": 0.2}


async def _device(sim: FanvilSimulator, credentials: Credentials | None = None) -> FanvilDevice:
    transport = Transport(Endpoint(sim.host, sim.port), credentials)
    fingerprint = await probe(transport)
    assert fingerprint is not None
    device = create_device(transport, fingerprint)
    await device.capabilities()
    return device


@pytest.fixture
async def sim(loopback) -> AsyncIterator[FanvilSimulator]:
    async with create(loopback(), **FAST) as device:
        yield device


@pytest.fixture
async def device(sim: FanvilSimulator) -> AsyncIterator[FanvilDevice]:
    dev = await _device(sim)
    yield dev
    await dev.aclose()


async def test_probe_identifies_model_and_serial(sim: FanvilSimulator) -> None:
    transport = Transport(Endpoint(sim.host, sim.port))
    found = await probe(transport)
    assert found is not None and found.driver == "fanvil" and not found.auth_required
    assert (found.info.model, found.info.mac, found.info.firmware) == (
        "X6", sim.state.mac, "2.4.10.5938")
    await transport.aclose()


async def test_probe_recognises_a_locked_phone(loopback) -> None:
    async with create(loopback(), push_xml_auth=True, **FAST) as sim:
        transport = Transport(Endpoint(sim.host, sim.port))
        found = await probe(transport)
        assert found is not None and found.auth_required and found.info.vendor == "Fanvil"
        await transport.aclose()


async def test_probe_says_not_mine_for_other_servers(loopback) -> None:
    app = web.Application()
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hello")

    app.router.add_get("/", hello)
    runner = web.AppRunner(app)
    await runner.setup()
    host = loopback()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    transport = Transport(Endpoint(host, port))
    assert await probe(transport) is None
    await transport.aclose()
    await runner.cleanup()


async def test_registry_connects_through_the_factory_table(sim: FanvilSimulator) -> None:
    device = await registry.connect(Endpoint(sim.host, sim.port), driver_id="fanvil")
    assert isinstance(device, FanvilDevice)
    assert (await device.read_info()).serial == sim.state.serial
    await device.aclose()


async def test_capabilities_detected_per_model(device: FanvilDevice, loopback) -> None:
    caps = await device.capabilities()
    assert {"sip", "calls", "events", "dialreplace", "access"} <= caps
    assert [t.id for t in device.tables()] == ["mmifilter", "dialplan", "inaccess", "outaccess"]
    sip = device.page("sip")
    assert "sip.line.6.RegisterPswd" in {s.key for s in sip.params}
    async with create(loopback(), model="i30", **FAST) as door:
        dev = await _device(door)
        caps = await dev.capabilities()
        assert "dialreplace" not in caps
        assert "dialplan" not in [t.id for t in dev.tables()]
        keys = {s.key for s in dev.page("sip").params}
        assert "sip.line.2.EnableReg" in keys and "sip.line.3.EnableReg" not in keys
        await dev.aclose()


async def test_read_page_typed(device: FanvilDevice) -> None:
    values = await device.read_page("sip")
    assert values["sip.line.1.EnableReg"] is True
    assert values["sip.line.1.RegisterAddr"] == "172.16.1.2"
    assert values["sip.line.1.RegisterPort"] == 5060
    assert values["sip.line.2.EnableReg"] is False
    status = await device.read_page("status")
    assert status["info.dev.Model"] == "X6"
    assert status["info.sip.line.1.registerCode"] == "200"


async def test_write_page_sends_only_changes_and_reads_back(device: FanvilDevice,
                                                           sim: FanvilSimulator) -> None:
    sim.requests.clear()
    report = await device.write_page("sip", {"sip.line.1.RegisterAddr": "172.16.1.3",
                                             "sip.line.1.EnableReg": True})
    results = report.by_key()
    assert report.ok
    assert results["sip.line.1.RegisterAddr"].value == "172.16.1.3"
    assert results["sip.line.1.EnableReg"].message == "unchanged"
    sets = [items for cmd, items in sim.requests if cmd == "set"]
    assert sets == [["sip.line.1.RegisterAddr = 172.16.1.3"]]


async def test_write_page_reports_rejected_keys(device: FanvilDevice,
                                               sim: FanvilSimulator) -> None:
    with pytest.raises(InvalidValue):
        await device.write_page("sip", {"sip.line.1.RegisterPort": 70000})
    # a page with no writable setting is refused as a whole (one write contract)
    with pytest.raises(NotSupported, match="read-only"):
        await device.write_page("status", {"info.dev.Model": "X7"})
    # A value the URL spec accepts but the phone refuses: the phone's answer is per key.
    await device.read_page("all")
    report = await device.write_page("all", {"tr069.Enabled": False,
                                             "tr069.ACSURL": "http://a b"})
    by_key = report.by_key()
    assert by_key["tr069.Enabled"].outcome is WriteOutcome.APPLIED
    assert by_key["tr069.ACSURL"].outcome is WriteOutcome.REJECTED
    assert by_key["tr069.ACSURL"].message == "invalid value"
    assert sim.state.config["tr069.ACSURL"] == "http://fdms.fanvil.com"


async def test_all_page_is_built_from_the_device_tree(device: FanvilDevice,
                                                      sim: FanvilSimulator) -> None:
    values = await device.read_page("all")
    page = device.page("all")
    assert len(page.params) == len(sim.state.all_values())
    assert values["time.NtpServer1"] == "pool.ntp.org"
    assert page.spec("sip.line.4.RegisterPswd").kind == "secret"
    report = await device.write_page("all", {"time.NtpServer1": "ntp.example.org"})
    assert report.ok and sim.state.config["time.NtpServer1"] == "ntp.example.org"
    with pytest.raises(InvalidValue):
        await device.write_page("all", {"no.such.Key": "1"})


async def test_table_round_trip(device: FanvilDevice, sim: FanvilSimulator) -> None:
    results = await device.apply_table("mmifilter", add=[
        {"StartIP": "172.16.7.1", "EndIP": "172.16.7.255"},
        {"StartIP": "172.16.6.1", "EndIP": "172.16.6.255"},
        {"index": 1, "StartIP": "10.0.0.1", "EndIP": "10.0.0.9"},
        {"StartIP": "bad"}])
    assert [r.ok for r in results] == [True, True, True, False]
    rows = await device.read_table("mmifilter")
    assert rows == [{"index": 1, "StartIP": "10.0.0.1", "EndIP": "10.0.0.9"},
                    {"index": 2, "StartIP": "172.16.7.1", "EndIP": "172.16.7.255"},
                    {"index": 3, "StartIP": "172.16.6.1", "EndIP": "172.16.6.255"}]
    results = await device.apply_table("mmifilter", update=[{"index": 2, "EndIP": "172.16.7.9"}],
                                       delete=[1, 3])
    assert [(r.op, r.key, r.ok) for r in results] == [("set", 2, True), ("del", 3, True),
                                                      ("del", 1, True)]
    assert await device.read_table("mmifilter") == [
        {"index": 1, "StartIP": "172.16.7.1", "EndIP": "172.16.7.9"}]
    results = await device.apply_table("mmifilter", update=[{"index": 7, "EndIP": "1.1.1.1"}])
    assert not results[0].ok and "index 7" in results[0].message
    assert sim.state.lists["mmifilter"] == [{"StartIP": "172.16.7.1", "EndIP": "172.16.7.9"}]


async def test_access_list_table(device: FanvilDevice) -> None:
    results = await device.apply_table("inaccess", add=[
        {"IP": "10.0.0.0", "Mask": "255.0.0.0", "Port": "5060", "Protocol": "UDP",
         "Action": "Allow"}])
    assert results[0].ok
    row = (await device.read_table("inaccess"))[0]
    assert (row["IP"], row["Action"], row["Protocol"]) == ("10.0.0.0", "Allow", "UDP")


async def test_actions(device: FanvilDevice, sim: FanvilSimulator) -> None:
    dangerous = {a.id for a in device.actions() if a.dangerous}
    assert dangerous == {"reboot", "factory_reset"}
    await device.run_action("dial", {"number": "1001"})
    assert sim.state.call_state == "calling"
    await device.run_action("hangup", {})
    assert sim.state.call_state == "idle"
    await device.run_action("led", {"param": "MWI=blink"})
    assert sim.state.leds["MWI"] == "blink"
    with pytest.raises(InvalidValue):
        await device.run_action("dial", {})
    with pytest.raises(NotSupported):
        await device.run_action("open_door", {})


async def test_call_raw(device: FanvilDevice, sim: FanvilSimulator) -> None:
    assert await device.call_raw("set", {"sip.line.1.RegisterAddr": "10.2.2.2"}) == {
        "sip.line.1.RegisterAddr": "10.2.2.2"}
    got = await device.call_raw("get", {"keys": "sip.line.1.RegisterAddr,tr069.Enabled"})
    assert got == {"sip.line.1.RegisterAddr": "10.2.2.2", "tr069.Enabled": "1"}
    assert (await device.call_raw("info", {"info.dev.Model": ""})) == {"info.dev.Model": "X6"}
    await device.call_raw("execute", {"uri": "Key:OK"})
    assert sim.state.pressed == ["OK"]
    with pytest.raises(ShellNotAllowed):
        await device.call_raw("shell", {"command": "id"})
    with pytest.raises(ShellNotAllowed):
        await device.call_raw("execute", {"uri": "Shell:id"})
    with pytest.raises(NotSupported):
        await device.call_raw("relay/trig", {})


async def test_events_registration_call_and_restart(device: FanvilDevice,
                                                   sim: FanvilSimulator) -> None:
    device.poll_interval = 0.03
    device.max_backoff = 0.1
    sim.reboot_time = 0.6
    sim.state.boot -= 100
    stream = device.events()
    seen: list[tuple[str, object]] = []

    async def collect(count: int) -> None:
        while len(seen) < count:
            event = await stream.__anext__()
            seen.append((event.type, event.params.get("code", event.params.get("state"))))

    first = asyncio.create_task(collect(2))
    await asyncio.sleep(0.1)  # baseline polls: nothing
    assert seen == []
    sim.set_registrar("172.16.1.2", 403)
    sim.incoming_call("300")
    await asyncio.wait_for(first, 2)
    assert sorted(seen, key=str) == [("call.state", "ringing"), ("sip.registration", 403)]
    await asyncio.sleep(0.1)
    assert len(seen) == 2  # no duplicates while nothing changes
    await device.run_action("reboot", {})
    await asyncio.wait_for(collect(3), 2)
    assert seen[2][0] == "poll.error"
    await asyncio.wait_for(collect(6), 3)
    assert [t for t, _ in seen[3:]] == ["poll.recovered", "device.restart", "call.state"]
    assert seen[5] == ("call.state", "idle")
    await stream.aclose()


async def test_events_survive_the_phone_going_away(device: FanvilDevice,
                                                   sim: FanvilSimulator) -> None:
    device.poll_interval = 0.02
    device.max_backoff = 0.1
    states = await outage_scenario(device.events(), sim)
    assert states[0][0] is SourceState.CONNECTING


async def test_backup_from_nc_config_or_full_tree(device: FanvilDevice, loopback) -> None:
    data, suffix = await device.backup()
    assert suffix == ".txt" and b"sip.line.1.RegisterAddr = 172.16.1.2\n" in data
    async with create(loopback(), model="i30", **FAST) as door:
        door.state.config["door.1.DtmfCode"] = "#9"
        dev = await _device(door, Credentials("admin", "admin"))
        data, _ = await dev.backup()
        assert b"door.1.DtmfCode = #9\n" in data
        await dev.aclose()


async def test_fleet_holds_two_fanvil_models(loopback) -> None:
    members = [FleetMember("fanvil", {"model": "x6", **FAST}),
               FleetMember("fanvil", {"model": "i30", **FAST})]
    async with Fleet(members, first_address=loopback()) as sims:
        models = []
        for sim in sims:
            dev = await _device(sim)
            models.append((await dev.read_info()).model)
            await dev.aclose()
    assert models == ["X6", "i30"]


async def test_clear_table_empties_the_list_with_one_del(device: FanvilDevice,
                                                         sim: FanvilSimulator) -> None:
    await device.apply_table("mmifilter", add=[
        {"StartIP": "172.16.7.1", "EndIP": "172.16.7.255"},
        {"StartIP": "172.16.6.1", "EndIP": "172.16.6.255"}])
    assert len(await device.read_table("mmifilter")) == 2
    (result,) = await device.clear_table("mmifilter")
    assert (result.op, result.ok) == ("clear", True)
    assert await device.read_table("mmifilter") == []
