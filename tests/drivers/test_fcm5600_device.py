"""The FCM5600 through the vendor-neutral Device interface, against the simulator."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest

from configurator.core.errors import InvalidValue, NotSupported, Unreachable
from configurator.core.events import SourceState
from configurator.core.transport import Credentials, Endpoint, Transport
from configurator.drivers import fcm5600
from configurator.drivers.fcm5600.device import FcmDevice
from configurator.drivers.registry import connect
from configurator.simulators.fcm5600.device import FcmSimulator, create

from .test_onetouch_support import outage_scenario

CLOCK = dt.datetime(2022, 12, 1, 9, 30)


@pytest.fixture
async def sim(loopback) -> AsyncIterator[FcmSimulator]:
    device = create(loopback(), https_port=0, clock=lambda: CLOCK)
    await device.start()
    yield device
    await device.stop()


def endpoint(sim: FcmSimulator) -> Endpoint:
    return Endpoint(sim.host, sim.port, "https")


@pytest.fixture
async def pbx(sim: FcmSimulator) -> AsyncIterator[FcmDevice]:
    device = await connect(endpoint(sim), Credentials("admin", "admin"))
    assert isinstance(device, FcmDevice)
    device.poll_interval = 0.02
    yield device
    await device.aclose()


async def test_done_when_added_extension_is_listed_by_paging_read(sim, pbx) -> None:
    for n in range(300, 360):  # more than one page (page size 50)
        sim.state.add_extension({"exten": str(n), "password": "p"})
    results = await pbx.apply_table("extensions", add=[
        {"exten": "777", "username": "Front door", "transport": "TCP", "recording": "both"}])
    assert [(r.op, r.key, r.ok) for r in results] == [("add", "777", True)]
    rows = await pbx.read_table("extensions")
    assert len(rows) == 63
    row = next(r for r in rows if r["exten"] == "777")
    assert (row["username"], row["transport"], row["recording"]) == ("Front door", "TCP", "both")
    assert len(row["password"]) == 12  # a strong random password was generated
    pages = [p for _, p in sim.requests if p.endswith("search-extension-page")]
    assert len(pages) == 2


async def test_extension_add_without_number_update_and_delete(sim, pbx) -> None:
    added = await pbx.apply_table("extensions", add=[{"username": "Auto"}])
    assert added[0].ok and added[0].key == "102"
    dup = await pbx.apply_table("extensions", add=[{"exten": "100"}])
    assert not dup[0].ok and "already exists" in dup[0].message
    bad = await pbx.apply_table("extensions", add=[{"exten": "103", "dtmf": "rfc2833"}])
    assert not bad[0].ok and "DTMF" in bad[0].message
    upd = await pbx.apply_table("extensions", update=[{"exten": "102", "dnd": True,
                                                        "rtptimeout": 90, "srtplib": True}])
    assert upd[0].ok
    stored = sim.state.extensions["102"]
    assert stored["dnd"] is True and stored["rtpTimeout"] == 90 and stored["srtp"] is True
    assert stored["username"] == "Auto"  # untouched fields kept
    ro = await pbx.apply_table("extensions", update=[{"exten": "102", "dialPlanName": "x"}])
    assert not ro[0].ok and "cannot be written" in ro[0].message
    gone = await pbx.apply_table("extensions", delete=["102", "999"])
    assert {(r.key, r.ok) for r in gone} == {("102", True), ("999", False)}
    assert "102" not in sim.state.extensions


async def test_call_forward_table_round_trip(sim, pbx) -> None:
    res = await pbx.apply_table("callforward", add=[
        {"exten": "100", "type": "always", "dest": "0601234567", "timeout": 0}])
    assert res[0].ok
    rows = await pbx.read_table("callforward")
    new = next(r for r in rows if r["exten"] == "100")
    assert new["type"] == "always" and new["enable"] is True
    res = await pbx.apply_table("callforward", update=[{"id": new["id"], "enable": False}])
    assert res[0].ok and sim.state.forwards[new["id"]]["enable"] is False
    res = await pbx.apply_table("callforward", delete=[new["id"], 4242])
    assert [r.ok for r in res] == [True, False]
    assert "does not exist" in res[1].message


async def test_wakeup_table_round_trip(sim, pbx) -> None:
    res = await pbx.apply_table("wakeup", add=[{"exten": "101",
                                                "callDateTime": "2022-12-24 06:30"}])
    assert res[0].ok
    row = (await pbx.read_table("wakeup"))[0]
    assert (row["exten"], row["callDateTime"], row["musicID"]) == ("101", "2022-12-24 06:30", 0)
    res = await pbx.apply_table("wakeup", update=[{"id": row["id"], "musicID": 2}])
    assert res[0].ok and sim.state.wakeups[row["id"]]["musicID"] == 2
    res = await pbx.apply_table("wakeup", update=[{"id": row["id"], "exten": "100"}])
    assert not res[0].ok and "cannot be changed" in res[0].message
    assert (await pbx.apply_table("wakeup", delete=[row["id"]]))[0].ok
    assert await pbx.read_table("wakeup") == []


async def test_phonebook_table_round_trip(sim, pbx) -> None:
    res = await pbx.apply_table("phonebook", add=[{"name": "Service", "phoneNumber": "112"}])
    assert res[0].ok
    rows = await pbx.read_table("phonebook")
    service = next(r for r in rows if r["name"] == "Service")
    assert service["addByRole"] == "admin"
    res = await pbx.apply_table("phonebook", update=[{"id": service["id"], "company": "City"}])
    assert res[0].ok
    assert sim.state.contacts[service["id"]]["company"] == "City"
    typo = await pbx.apply_table("phonebook", add=[{"nam": "typo"}])
    assert not typo[0].ok and "unknown column" in typo[0].message
    assert len(sim.state.contacts) == 2
    assert (await pbx.apply_table("phonebook", delete=[service["id"]]))[0].ok


async def test_read_only_tables(sim, pbx) -> None:
    trunks = {r["name"]: r for r in await pbx.read_table("trunks")}
    assert trunks["eeee"]["status"] == "Unregistered" and trunks["analog-1"]["type"] == "FXS"
    regs = await pbx.read_table("registrations")
    assert {r["exten"]: r["statusText"] for r in regs} == {"100": "Idle", "101": "Unavailable"}
    assert (await pbx.read_table("calllog"))[0]["callTo"] == "1100"
    assert [r["name"] for r in await pbx.read_table("moh")] == ["default", "tttt"]
    assert (await pbx.read_table("dialplans"))[0]["name"] == "DialPlan1"
    assert len(await pbx.read_table("timeconditions")) == 2
    with pytest.raises(NotSupported, match="read-only"):
        await pbx.apply_table("trunks", delete=["eeee"])
    with pytest.raises(NotSupported, match="no table"):
        await pbx.read_table("rfkeys")


async def test_info_capabilities_and_status_page(sim, pbx) -> None:
    info = await pbx.read_info()
    assert (info.vendor, info.model, info.mac) == ("FCM", "FIBERME-FCM5600", sim._mac())
    assert info.mac.startswith("00:E0:70:")
    caps = await pbx.capabilities()
    assert {"system", "extensions", "trunks", "calls", "calllog", "contacts", "events"} <= caps
    await pbx.run_action("dial", {"src": "100", "dest": "101"})
    status = await pbx.read_page("status")
    assert status["calls"] == 1 and status["maxcalls"] == 30
    assert status["cpu"] == pytest.approx(24.3, abs=0.1)
    assert status["sys_total"] == 5403 and status["time"] == "2022-12-01 09:30"
    with pytest.raises(NotSupported, match="read-only"):
        await pbx.write_page("status", {"cpu": 1})
    with pytest.raises(InvalidValue):
        await pbx.write_page("status", {"nope": 1})


async def test_actions_and_raw_calls(sim, pbx) -> None:
    assert {a.id for a in pbx.actions() if a.dangerous} == {"clear-phonebook",
                                                            "clear-callforward"}
    assert await pbx.run_action("dial", {"src": "100", "dest": "101"}) == "ami dial"
    with pytest.raises(InvalidValue):
        await pbx.run_action("dial", {"src": "100"})
    assert await pbx.call_raw("systeminfo/calls", {}) == {"calls": "1", "maxcalls": "30"}
    assert await pbx.call_raw("/api/call-dial/hangup", {"extensions": '["100"]'}) == {
        "msg": "ami hangup"}
    assert await pbx.call_raw("extension-digital/is-extension-available",
                              {"exten": "100"}) is False
    page = await pbx.call_raw("extension-digital/search-extension-page",
                              {"keyWord": "", "page": "1", "pageSize": "1"})
    assert page["count"] == 2 and len(page["items"]) == 1
    recs = await pbx.call_raw("call-log/search-general-recording-page", {"src": "100"})
    audio = await pbx.call_raw("play", {"url": recs["items"][0]["playUrl"]})
    assert isinstance(audio, bytes) and audio[:4] == b"RIFF"
    await pbx.run_action("ldap-sync", {})
    await pbx.run_action("clear-phonebook", {})
    assert sim.state.ldap_syncs == 1 and sim.state.contacts == {}
    with pytest.raises(NotSupported, match="no function"):
        await pbx.call_raw("relay/trig", {})


async def test_events_on_changes_only(sim, pbx) -> None:
    stream = pbx.events()
    seen: list = []

    async def collect() -> None:
        async for event in stream:
            seen.append(event)

    task = asyncio.create_task(collect())
    await asyncio.sleep(0.1)  # baseline + a few unchanged polls
    assert seen == []
    sim.register("101")
    await asyncio.sleep(0.1)
    await pbx.client.dial("100", "0601")
    sim.set_trunk_status("eeee", "Registered")
    await asyncio.sleep(0.1)
    await pbx.client.hangup(["100"])
    await asyncio.sleep(0.1)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    got = [(e.type, e.params.get("exten") or e.params.get("trunk"),
            e.params.get("status", e.params.get("calls"))) for e in seen]
    # Each change exactly once (the three status calls of one poll are not atomic, so a
    # change may land one poll later than another: compare without order within phases).
    assert got[0] == ("extension.status", "101", "Idle")
    assert sorted(got, key=str) == sorted([
        ("extension.status", "101", "Idle"),
        ("extension.status", "100", "InUse"),
        ("trunk.status", "eeee", "Registered"),
        ("calls.count", None, 1),
        ("extension.status", "100", "Idle"),
        ("calls.count", None, 0),
    ], key=str)


async def test_backup_is_refused_with_the_reason(pbx) -> None:
    with pytest.raises(NotSupported, match="no configuration export"):
        await pbx.backup()


async def test_events_back_off_and_report_an_outage_once(sim, pbx) -> None:
    pbx.max_backoff = 0.1
    states = await outage_scenario(pbx.events(), sim)
    assert states[0][0] is SourceState.CONNECTING


async def test_probe_without_and_with_credentials(sim) -> None:
    anonymous = Transport(endpoint(sim))
    found = await fcm5600.probe(anonymous)
    assert found is not None and found.auth_required and found.driver == "fcm5600"
    await anonymous.aclose()
    wrong = Transport(endpoint(sim), Credentials("admin", "bad"))
    found = await fcm5600.probe(wrong)
    assert found is not None and found.auth_required
    await wrong.aclose()
    good = Transport(endpoint(sim), Credentials("admin", "admin"))
    found = await fcm5600.probe(good)
    assert found is not None and found.info.model == "FIBERME-FCM5600"
    await good.aclose()


async def test_probe_not_mine_and_unreachable(loopback) -> None:
    from aiohttp import web

    async def not_fcm(request: web.Request) -> web.Response:
        return web.json_response({"success": False}, status=401)

    app = web.Application()
    app.router.add_get("/pbx/systeminfo/version", not_fcm)
    runner = web.AppRunner(app)
    await runner.setup()
    host = loopback()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    transport = Transport(Endpoint(host, port, "http"))
    try:
        assert await fcm5600.probe(transport) is None
    finally:
        await transport.aclose()
        await runner.cleanup()
    closed = Transport(Endpoint(loopback(), 9, "http"), connect_timeout=1)
    with pytest.raises(Unreachable):
        await fcm5600.probe(closed)
    await closed.aclose()


async def test_recordings_by_extension_and_date_then_download(sim, pbx) -> None:
    from configurator.core.recordings import CallRecordings

    assert isinstance(pbx, CallRecordings)
    await pbx.client.dial("100", "101")
    await pbx.client.hangup(["100"])
    caller = await pbx.recordings("general", extension="100")
    called = await pbx.recordings("general", extension="101")  # found by the dest search
    assert [r["id"] for r in caller] == [r["id"] for r in called] and len(caller) == 1
    assert await pbx.recordings("general", extension="555") == []
    assert await pbx.recordings("general", date_to="2022-11-30") == []
    assert len(await pbx.recordings("general", date_from="2022-12-01")) == 1
    audio = await pbx.download_recording(caller[0]["playUrl"])
    assert audio[:4] == b"RIFF"


async def test_extensions_that_can_forward_are_listed(sim, pbx) -> None:
    rows = await pbx.read_table("forwardable")
    assert rows and {"exten", "name", "type"} <= set(rows[0])
    assert {r["exten"] for r in rows} == set(sim.state.extensions)
