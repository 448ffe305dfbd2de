"""Integration tests: every FCM5600 client function against the simulator over HTTPS."""

from __future__ import annotations

import datetime as dt
import io
import logging
import wave
from collections.abc import AsyncIterator

import httpx
import pytest

from configurator.core.errors import AuthError, NotSupported, ProtocolError, Rejected
from configurator.core.transport import Credentials, Endpoint, Transport
from configurator.drivers.fcm5600.client import FcmClient
from configurator.simulators.fcm5600.device import FcmSimulator, create

CLOCK = dt.datetime(2022, 12, 1, 9, 30)


@pytest.fixture
async def sim(loopback) -> AsyncIterator[FcmSimulator]:
    device = create(loopback(), https_port=0, clock=lambda: CLOCK)
    await device.start()
    yield device
    await device.stop()


def client_for(sim: FcmSimulator, password: str = "admin") -> FcmClient:
    endpoint = Endpoint(sim.host, sim.port, "https")
    return FcmClient(Transport(endpoint, Credentials("admin", password)))


@pytest.fixture
async def pbx(sim: FcmSimulator) -> AsyncIterator[FcmClient]:
    client = client_for(sim)
    yield client
    await client.aclose()


# -- login, tokens, errors ---------------------------------------------------------------

async def test_https_with_pinned_certificate_and_lazy_login(sim, pbx) -> None:
    assert sim.scheme == "https"
    assert await pbx.system_time() == "2022-12-01 09:30"
    assert pbx.logins == 1 and sim.logins == 1
    assert pbx.transport.pinned_fingerprint is not None
    await pbx.system_time()
    assert sim.logins == 1  # the token is reused


async def test_wrong_password_is_auth_error(sim) -> None:
    client = client_for(sim, "wrong")
    with pytest.raises(AuthError, match="login failed: not equal"):
        await client.version()
    await client.aclose()


async def test_expired_token_relogs_in_once(sim, pbx) -> None:
    await pbx.version()
    sim.expire_tokens()
    assert (await pbx.version())["model"] == "FIBERME-FCM5600"
    assert sim.logins == 2
    logins = [p for _, p in sim.requests if p == "/pbx/auth/login"]
    assert len(logins) == 2


async def test_short_token_ttl_knob(loopback) -> None:
    device = create(loopback(), https_port=0, token_ttl=0.0)
    await device.start()
    client = client_for(device)
    try:  # every token is already expired: one re-login, then a clean AuthError, no loop
        with pytest.raises(AuthError, match="refused a fresh login token"):
            await client.version()
        assert device.logins == 2
    finally:
        await client.aclose()
        await device.stop()


async def test_logout_invalidates_the_token(sim, pbx) -> None:
    await pbx.version()
    token = pbx._token
    await pbx.logout()
    assert not pbx.logged_in and token not in sim.tokens
    await pbx.version()  # logs in again
    assert sim.logins == 2


async def test_close_logs_out_so_no_token_stays_live(sim) -> None:
    client = client_for(sim)
    await client.version()
    assert len(sim.tokens) == 1
    await client.aclose()
    assert sim.tokens == {}  # the PBX holds no live token of ours after a session


async def test_close_with_a_refused_token_does_not_log_in_again(sim) -> None:
    client = client_for(sim)
    await client.version()
    sim.expire_tokens()
    await client.aclose()
    assert sim.logins == 1  # no login just to log out
    assert not client.logged_in


async def test_close_without_login_sends_nothing(sim) -> None:
    client = client_for(sim)
    await client.aclose()
    assert sim.logins == 0


async def test_token_never_in_repr_or_logs(sim, pbx, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    await pbx.version()
    rec = await pbx.search_recordings("conference")
    await pbx.download_recording(rec.items[0]["playUrl"])
    token = pbx._token
    assert token and token not in repr(pbx)
    assert token not in caplog.text
    assert "token': '***'" in caplog.text  # the download query was logged, redacted


async def test_no_credentials_is_auth_error(sim) -> None:
    client = FcmClient(Transport(Endpoint(sim.host, sim.port, "https")))
    with pytest.raises(AuthError, match="requires a user and password"):
        await client.version()
    await client.aclose()


async def test_code_not_zero_is_rejected_with_message() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/pbx/auth/login":
            return httpx.Response(200, json={"code": 0, "message": "OK", "data": "t0k"})
        return httpx.Response(200, json={"code": 7, "message": "license expired", "data": None})

    transport = Transport(Endpoint("127.0.0.1", 1, "https"), Credentials("admin", "x"),
                          transport=httpx.MockTransport(handler))
    client = FcmClient(transport)
    with pytest.raises(Rejected, match="license expired") as info:
        await client.version()
    assert info.value.code == 7
    await client.aclose()


async def test_non_json_reply_is_protocol_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/pbx/auth/login":
            return httpx.Response(200, json={"code": 0, "message": "OK", "data": "t0k"})
        return httpx.Response(200, text="<html>hi</html>")

    transport = Transport(Endpoint("127.0.0.1", 1, "https"), Credentials("admin", "x"),
                          transport=httpx.MockTransport(handler))
    client = FcmClient(transport)
    with pytest.raises(ProtocolError, match="did not answer JSON"):
        await client.cpu()
    await client.aclose()


async def test_unknown_function_name(pbx) -> None:
    with pytest.raises(NotSupported, match="no function"):
        await pbx.call("systeminfo/reboot")


# -- system ------------------------------------------------------------------------------

async def test_system_status_calls(sim, pbx) -> None:
    version = await pbx.version()
    assert version["model"] == "FIBERME-FCM5600" and version["wan_ip"] == sim.host
    assert await pbx.cpu() == pytest.approx([26.667, 27.835, 17.857, 24.873], abs=1e-3)
    assert (await pbx.mem())["total"] == 4017598464
    assert (await pbx.mem_raw())["swap"]["total"] == 500166656
    assert (await pbx.disk())["systotal"] == 5403
    assert await pbx.calls() == {"calls": 0, "maxcalls": 30}
    status = {r["exten"]: r["statusText"] for r in await pbx.extension_status()}
    assert status == {"100": "Idle", "101": "Unavailable"}


async def test_trunk_info_and_status(sim, pbx) -> None:
    rows = await pbx.trunk_info()
    assert [r["name"] for r in rows if r["kind"] in ("sip", "iax")] == ["iaxto10", "eeee"]
    assert len([r for r in rows if r["kind"] == "analog"]) == 8
    sim.set_trunk_status("eeee", "Registered")
    status = {r["name"]: r for r in await pbx.trunk_status()}
    assert status["eeee"]["status"] == "Registered" and status["eeee"]["trunkType"] == "sip"
    assert status["iaxto10"]["model"] == "client"


# -- extensions --------------------------------------------------------------------------

async def test_extension_add_check_update_delete(sim, pbx) -> None:
    exten = await pbx.gen_add_extension()
    assert exten == "102"
    assert await pbx.is_extension_available(exten) is True
    assert await pbx.add_extension({"exten": exten, "username": "Lobby",
                                    "password": "joHpm#7AN7", "transport": "TLS"})
    assert await pbx.is_extension_available(exten) is False
    page = await pbx.search_extensions("Lobby")
    assert page.count == 1 and page.items[0]["transport"] == "TLS"
    assert page.items[0]["dialPlanName"] == "DialPlan1"
    assert {"exten": exten, "name": "Lobby", "type": "voip"} in await pbx.extension_info()
    status = {r["exten"]: r["statusText"] for r in await pbx.extension_status()}
    assert status[exten] == "Unavailable"
    sim.register(exten)
    status = {r["exten"]: r["statusText"] for r in await pbx.extension_status()}
    assert status[exten] == "Idle"

    full = {**page.items[0], "dnd": True}
    full["rtpTimeout"] = full.pop("rtptimeout")
    full["srtp"] = full.pop("srtplib")
    del full["dialPlanName"], full["departmentName"]
    assert await pbx.update_extension(full)
    assert (await pbx.search_extensions(exten)).items[0]["dnd"] is True
    assert await pbx.delete_extensions([exten, "999"]) == 1
    assert await pbx.is_extension_available(exten) is True


@pytest.mark.parametrize(("body", "message"), [
    ({"exten": "100", "password": "x"}, "already exists"),
    ({"exten": "150", "password": "x", "transport": "SCTP"}, "transport"),
    ({"exten": "150", "password": "x", "dialPlanId": 9}, "dial permission"),
    ({"exten": "150", "password": "x", "musicOnHoldId": 9}, "music on hold"),
    ({"exten": "150", "password": "x", "permit": "any"}, "permit"),
    ({"exten": "150", "password": "x", "bogus": 1}, "unknown field"),
])
async def test_extension_add_errors_are_400_rejections(pbx, body, message) -> None:
    with pytest.raises(Rejected, match=message) as info:
        await pbx.add_extension(body)
    assert info.value.code == 400


async def test_update_missing_extension_is_rejected(pbx) -> None:
    with pytest.raises(Rejected, match="does not exist"):
        await pbx.update_extension({"exten": "555", "password": "x"})


async def test_paging_is_exact_and_iterates_all(sim, pbx) -> None:
    for n in range(200, 223):
        sim.state.add_extension({"exten": str(n), "password": "p"})
    # The extension search counts pages from 0 (the document): page 2 of 10 is the third.
    page = await pbx.search_extensions(page=2, page_size=10)
    assert (page.count, page.page, page.page_size) == (25, 2, 10)
    assert [r["exten"] for r in page.items] == [str(n) for n in range(218, 223)]
    first = await pbx.search_extensions(page_size=10)
    assert first.page == 0 and len(first.items) == 10
    with pytest.raises(Rejected, match="starts from 0"):
        await pbx.search_extensions(page=-1)
    desc = await pbx.search_extensions(page=0, page_size=2, order="DESC", column_key="exten")
    assert [r["exten"] for r in desc.items] == ["222", "221"]
    rows = [r async for r in pbx.all_extensions(page_size=4)]
    assert len(rows) == 25 and len({r["exten"] for r in rows}) == 25
    searched = [p for m, p in sim.requests if p.endswith("search-extension-page")]
    assert len(searched) == 4 + 7  # four single pages above (one refused), then 7 pages of 4
    with pytest.raises(Rejected, match="pageSize"):
        await pbx.search_extensions(page_size=0)


# -- call forward ------------------------------------------------------------------------

async def test_call_forward_cycle(pbx) -> None:
    available = await pbx.call_forward_available()
    assert {r["exten"] for r in available} == {"100", "101"}
    assert await pbx.add_call_forward({"dest": "123456789", "enable": 0, "exten": "100",
                                       "timeout": 10, "type": "noanswer"})
    rows = [r async for r in pbx.all_call_forwards()]
    added = next(r for r in rows if r["exten"] == "100")
    assert added["enable"] is False and added["type"] == "noanswer"
    assert await pbx.update_call_forward({**added, "enable": 1, "dest": "555"})
    page = await pbx.call_forwards()
    assert any(r["dest"] == "555" and r["enable"] for r in page.items)
    with pytest.raises(Rejected, match="does not exist"):
        await pbx.update_call_forward({**added, "id": 99})
    with pytest.raises(Rejected, match="type"):
        await pbx.add_call_forward({"dest": "1", "exten": "100", "timeout": 1, "type": "x"})
    assert await pbx.delete_call_forwards([added["id"]])
    assert (await pbx.call_forwards()).count == 1
    await pbx.delete_all_call_forwards()
    assert (await pbx.call_forwards()).count == 0


# -- wake-up calls -----------------------------------------------------------------------

async def test_wakeup_cycle(pbx) -> None:
    await pbx.add_wakeup_call("2022-12-15 12:42", ["100", "101"], 0)
    rows = (await pbx.wakeup_calls()).items
    assert [(r["exten"], r["callDateTime"]) for r in rows] == [
        ("100", "2022-12-15 12:42"), ("101", "2022-12-15 12:42")]
    await pbx.update_wakeup_calls([rows[0]["id"]], "2022-12-16 07:00", 4)
    rows = [r async for r in pbx.all_wakeup_calls()]
    assert rows[0]["callDateTime"] == "2022-12-16 07:00" and rows[0]["musicID"] == 4
    await pbx.delete_wakeup_calls([rows[1]["id"]])
    assert [r["exten"] for r in (await pbx.wakeup_calls()).items] == ["100"]
    with pytest.raises(Rejected, match="earlier than the current system time"):
        await pbx.add_wakeup_call("2022-11-30 12:00", ["100"])
    with pytest.raises(Rejected, match="yyyy-MM-dd HH:mm"):
        await pbx.add_wakeup_call("tomorrow", ["100"])
    with pytest.raises(Rejected, match="does not exist"):
        await pbx.delete_wakeup_calls([999])
    rid = (await pbx.wakeup_calls()).items[0]["id"]
    with pytest.raises(Rejected, match="musicID"):
        await pbx.update_wakeup_calls([rid], "2022-12-16 07:00", -1)
    with pytest.raises(Rejected, match="yyyy-MM-dd HH:mm"):
        await pbx.update_wakeup_calls([rid], "2022-12-16 07:00:30", 0)  # minutes only


# -- dial, hangup, call log, recordings --------------------------------------------------

async def test_dial_hangup_writes_log_and_recording(sim, pbx) -> None:
    assert await pbx.dial("100", "101") == "ami dial"
    assert (await pbx.calls())["calls"] == 1
    status = {r["exten"]: r["statusText"] for r in await pbx.extension_status()}
    assert status["100"] == "InUse"
    assert await pbx.hangup(["100"]) == "ami hangup"
    assert (await pbx.calls())["calls"] == 0
    log = await pbx.search_call_log({"type": "internal"})
    assert log.count == 1
    row = log.items[0]
    assert (row["callSrc"], row["callTo"], row["callStatus"]) == ("100", "101", "ANSWERED")
    assert row["startTime"].startswith("2022-12-01") and row["recordingFile"].endswith(".wav")

    recordings = await pbx.search_recordings("general", {"src": "100"})
    assert recordings.count == 1
    audio = await pbx.download_recording(recordings.items[0]["playUrl"])
    with wave.open(io.BytesIO(audio)) as wav:
        assert wav.getframerate() == 8000 and wav.getnframes() > 0


async def test_dial_errors(pbx) -> None:
    with pytest.raises(Rejected, match="caller number does not exist"):
        await pbx.dial("999", "101")
    with pytest.raises(Rejected, match="callee number is invalid"):
        await pbx.dial("100", "abc")


async def test_call_log_filters_and_order(sim, pbx) -> None:
    await pbx.dial("100", "0049301234")
    await pbx.hangup(["100"])
    rows = [r async for r in pbx.all_call_logs()]
    assert [r["callTo"] for r in rows] == ["0049301234", "1100"]  # newest first
    assert (await pbx.search_call_log({"from": "2022-12-01", "to": "2022-12-31"})).count == 1
    assert (await pbx.search_call_log({"status": "BUSY"})).count == 0
    assert (await pbx.search_call_log({"trunkName": "eee"})).count == 2
    with pytest.raises(Rejected, match="date"):
        await pbx.search_call_log({"from": "01.12.2022"})


async def test_conference_and_onetouch_recordings(pbx) -> None:
    for kind in ("conference", "onetouch"):
        page = await pbx.search_recordings(kind)
        assert page.count == 1
        item = page.items[0]
        assert item["playUrl"].startswith(f"/pbx/play/{kind}-recording/")
        assert item["FileName"].startswith("/var/spool/asterisk/monitor/")
        assert (await pbx.download_recording(item["playUrl"]))[:4] == b"RIFF"
    with pytest.raises(Rejected, match="unknown recording kind"):
        await pbx.search_recordings("video")
    with pytest.raises(Rejected, match="not a recording playUrl"):
        await pbx.download_recording("/etc/passwd")
    with pytest.raises(Rejected, match="does not exist"):
        await pbx.download_recording("/pbx/play/general-recording/x/y.wav")


# -- lists, phonebook --------------------------------------------------------------------

async def test_moh_dial_plans_time_conditions(pbx) -> None:
    assert [m["name"] for m in await pbx.moh_folders()] == ["default", "tttt"]
    plans = await pbx.dial_plans()
    assert plans[0]["name"] == "DialPlan1" and plans[0]["console"] is False
    assert [t["id"] for t in await pbx.time_conditions()] == [1, 3]


async def test_phonebook_cycle(sim, pbx) -> None:
    assert await pbx.add_contact({"name": "jj", "phoneNumber": "777", "company": "ACME"})
    page = await pbx.phonebook("acme")
    assert page.count == 1
    contact = page.items[0]
    assert contact["addByRole"] == "admin"
    await pbx.update_contact({**contact, "email": "jj@acme.cz", "addByRole": "operator"})
    updated = (await pbx.phonebook("jj@")).items[0]
    assert updated["email"] == "jj@acme.cz" and updated["addByRole"] == "admin"
    with pytest.raises(Rejected, match="email"):
        await pbx.add_contact({"name": "x", "email": "nope"})
    assert len([c async for c in pbx.all_contacts()]) == 2
    assert await pbx.delete_contacts([contact["id"]])
    assert [c["id"] async for c in pbx.all_contacts()] != [] and contact["id"] not in [
        c["id"] async for c in pbx.all_contacts()]
    assert await pbx.ldap_sync() and sim.state.ldap_syncs == 1
    await pbx.delete_all_contacts()
    assert (await pbx.phonebook()).count == 0
