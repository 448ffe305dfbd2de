"""2N simulator: configuration, firmware, directory, calls, v2.11 model and the rest."""

from __future__ import annotations

import asyncio
import json
import struct

import httpx
import pytest
from lxml import etree

from configurator.simulators.twon.firmware import make_firmware

from .twon_helpers import client, error_of, rebooted, result_of, running

DOC_CREATE = {"force": True, "users": [
    {"uuid": "01234567-89AB-CDEF-0123-456789ABCDEF", "name": "ABCD", "email": "abcd@def.cz",
     "access": {"pin": "1234"}},
    {"name": "ABCD2", "owner": "My2N", "email": "abcd2@def.cz"},
    {"uuid": "01234567-89AB-CDEF-0123-456789ABCDEF", "name": "ABCD3", "email": "something",
     "access": {"pin": "5678"}, "test": "something", "albert": "einstein"},
    {}, {}]}

DOC_UPDATE = {"users": [
    {"uuid": "01234567-89AB-CDEF-0123-456789ABCDEF", "name": "ABCD", "email": "abcd@def.cz",
     "access": {"pin": "1234"}},
    {"uuid": "76543210-68FF-18CA-3210-FEDCBA987654", "name": "ABCD2", "owner": "My2N",
     "email": "abcd2@def.cz"},
    {"uuid": "01234567-89A-CDEF-0123-456789ABCDEF", "name": "ABCD3", "owner": "My2N",
     "email": "abcd3@def.cz"},
    {"uuid": "01234567-89AB-CDEF-0123-456789ABCDEF", "name": "ABCD4", "owner": "My2N",
     "email": "abcd4@def.cz", "albert": "einstein"},
    {"uuid": "01234567-89AB-CDEF-0123-456789ABCDEF", "name": "ABCD4", "owner": "My2N",
     "email": "abcd4@def.cz", "access.pin": "hello"}]}


async def test_config_round_trip_applies_changes(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        r = await c.get("/api/config")
        assert r.headers["content-type"].startswith("application/xml")
        root = etree.fromstring(r.content)
        assert root.tag == "DeviceDatabase"
        root.find("Switches/Switch[@Id='2']/SwitchOnDuration").text = "7"
        root.find("System/DeviceName").text = "Front door"
        uploaded = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        r = await c.put("/api/config", files={"blob-cfg": ("config.xml", uploaded)})
        assert r.json() == {"success": True}
        again = etree.fromstring((await c.get("/api/config")).content)
        assert etree.tostring(again, method="c14n") == etree.tostring(
            etree.fromstring(uploaded), method="c14n")
        caps = result_of(await c.get("/api/switch/caps?switch=2"))["switches"][0]
        assert caps["switchOnDuration"] == 7
        assert result_of(await c.get("/api/system/info"))["deviceName"] == "Front door"
        bad = await c.put("/api/config", files={"blob-cfg": ("c.xml", b"<Other/>")})
        assert error_of(bad)["param"] == "blob-cfg"
        assert error_of(await c.put("/api/config"))["code"] == 11


async def test_firmware_upload_auto_reject_and_apply(loopback):
    async with running(loopback(), firmware_reject_after=0.3) as sim, client(sim) as c:
        image = make_firmware("verso", "2.39.0.10.1", note="Some changes")
        r = await c.put("/api/firmware", files={"blob-fw": ("fw.bin", image)})
        result = result_of(r)
        assert len(result["fileId"]) == 8 and int(result["fileId"], 16) >= 0
        assert result["version"] == "2.39.0.10.1" and result["downgrade"] is False
        second = await c.put("/api/firmware", files={"blob-fw": ("fw.bin", image)})
        assert error_of(second)["code"] == 18
        await asyncio.sleep(0.5)  # the shortened 5-minute timer rejects it
        r = await c.get(f"/api/firmware/apply?fileId={result['fileId']}")
        assert error_of(r)["code"] == 14
        file_id = result_of(await c.put("/api/firmware", files={"blob-fw": ("f", image)}))[
            "fileId"]
        assert error_of(await c.get("/api/firmware/apply?fileId=xyz!"))["code"] == 12
        before = sim.restarts
        assert (await c.get(f"/api/firmware/apply?fileId={file_id}")).json()["success"]
        await rebooted(sim, before)
        assert sim.restarts == before + 1
        assert result_of(await c.get("/api/system/info"))["swVersion"] == "2.39.0.10.1"
        wrong = make_firmware("style", "2.39.0.10.1")
        r = await c.put("/api/firmware", files={"blob-fw": ("f", wrong)})
        assert error_of(r)["param"] == "blob-fw"
        old = make_firmware("verso", "2.20.0.1.1")
        assert error_of(await c.put("/api/firmware", files={"blob-fw": ("f", old)}))[
            "code"] == 19


async def test_restart_takes_the_device_away_then_ids_start_at_1(loopback):
    async with running(loopback(), restart_downtime=0.3) as sim, client(sim) as c:
        sim.clock.boot -= 100
        assert result_of(await c.get("/api/system/status"))["upTime"] >= 100
        sim.emit("KeyPressed", key="1")
        assert sim.events_history[-1]["id"] == 3
        assert (await c.get("/api/system/restart")).json() == {"success": True}
        await asyncio.sleep(0.15)
        assert sim.down
        with pytest.raises(httpx.TransportError):  # refused while it boots
            await c.get("/api/system/status")
        await rebooted(sim, 0)
        assert result_of(await c.get("/api/system/status"))["upTime"] < 5
        history = sim.events_history  # the manual: ids restart at 1, the old log is gone
        assert [e["id"] for e in history] == [1, 2]
        assert history[0]["event"] == "DeviceState"
        assert history[0]["params"] == {"state": "startup"} and history[0]["upTime"] == 0


async def test_restart_can_keep_counting_event_ids(loopback):
    async with running(loopback(), keep_event_ids=True) as sim, client(sim) as c:
        last_id = sim.events_history[-1]["id"]
        assert (await c.get("/api/system/restart")).json() == {"success": True}
        await rebooted(sim, 0)
        startup = [e for e in sim.events_history if e["id"] > last_id]
        assert startup[0]["id"] == last_id + 1 and startup[0]["event"] == "DeviceState"
        assert len(sim.events_history) == last_id + 2  # the history survived


async def test_directory_create_update_delete_query_as_documented(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        series = result_of(await c.get("/api/dir/template"))["series"]
        created = result_of(await c.put("/api/dir/create", json=DOC_CREATE))
        assert created["series"] == series
        users = created["users"]
        assert users[0]["uuid"] == "01234567-89AB-CDEF-0123-456789ABCDEF"
        assert users[2] == {"errors": [
            {"code": "EDIR_FIELD_VALUE_ERROR", "field": "email"},
            {"code": "EDIR_FIELD_NAME_UNKNOWN", "field": "test"},
            {"code": "EDIR_FIELD_NAME_UNKNOWN", "field": "albert"}]}
        stamps = [users[i]["timestamp"] for i in (0, 1, 3, 4)]
        assert stamps == sorted(stamps) and len(set(stamps)) == 4
        again = await c.put("/api/dir/create", json={"users": [{"uuid": users[0]["uuid"]}]})
        assert result_of(again)["users"][0]["errors"][0]["code"] == "EDIR_UUID_ALREADY_EXISTS"

        updated = result_of(await c.put("/api/dir/update", json=DOC_UPDATE))["users"]
        assert updated[0]["timestamp"] > max(stamps)
        assert [u.get("errors", [{}])[0].get("code") for u in updated[1:]] == [
            "EDIR_UUID_DOES_NOT_EXIST", "EDIR_UUID_INVALID_FORMAT",
            "EDIR_FIELD_NAME_UNKNOWN", "EDIR_FIELD_VALUE_ERROR"]
        assert updated[4]["errors"][0]["field"] == "access.pin"

        got = result_of(await c.post("/api/dir/get", json={
            "fields": ["name", "email", "callPos.peer", "callPos[1].grouped"],
            "users": [{"uuid": users[0]["uuid"]}]}))["users"][0]
        assert got["name"] == "ABCD" and got["email"] == "abcd@def.cz"
        assert got["callPos"] == [{"peer": ""}, {"peer": "", "grouped": False}, {"peer": ""}]

        deleted = result_of(await c.put("/api/dir/delete", json={"owner": "My2N"}))["users"]
        assert [d["uuid"] for d in deleted] == [users[1]["uuid"]]
        since = deleted[0]["timestamp"]
        changes = result_of(await c.post("/api/dir/query", json={
            "series": series, "iterator": {"timestamp": since}}))["users"]
        assert changes == [{"uuid": users[1]["uuid"], "owner": "My2N", "deleted": True,
                            "timestamp": since}]
        everyone = result_of(await c.post("/api/dir/query", json={}))["users"]
        assert len(everyone) == 3
        stale = result_of(await c.post("/api/dir/query", json={"series": "1"}))
        assert stale["users"] == [] and stale["timestamp"] == since and "invalid" in stale


async def test_calls_dial_hangup_and_calllog(loopback):
    async with running(loopback(), call_ring_after=0.05, call_answer_after=None) as sim, \
            client(sim) as c:
        both = await c.get("/api/call/dial?number=1234&users=01234567-89AB-CDEF-0123-456789ABCDEF")
        assert error_of(both)["code"] == 17
        assert error_of(await c.get("/api/call/dial"))["code"] == 11
        session = result_of(await c.get("/api/call/dial?number=sip:1234@10.0.23.194"))["session"]
        await asyncio.sleep(0.15)
        sessions = result_of(await c.get("/api/call/status"))["sessions"]
        assert sessions == [{"session": session, "direction": "outgoing", "state": "ringing"}]
        assert (await c.get(f"/api/call/hangup?session={session}&reason=busy")).json()["success"]
        states = [e["params"]["state"] for e in sim.events_history
                  if e["event"] == "CallStateChanged"]
        assert states == ["connecting", "ringing", "terminated"]
        assert sim.events_history[-1]["params"]["reason"] == "busy"
        log = result_of(await c.get("/api/phone/calllog"))["callLog"]
        assert log[0]["callType"] == "outgoing"
        incoming = sim.incoming_call()
        assert (await c.get(f"/api/call/answer?session={incoming}")).json()["success"]
        assert error_of(await c.get("/api/call/answer?session=999"))["param"] == "session"
        assert (await c.delete(f"/api/phone/calllog?id={log[0]['id']}")).json()["success"]
        assert error_of(await c.delete(f"/api/phone/calllog?id={log[0]['id']}"))[
            "description"] == "record not found"


async def test_vario_v211_function_set_and_licence(loopback):
    async with running(loopback(), model="vario") as sim, client(sim) as c:
        info = result_of(await c.get("/api/system/info"))
        assert info["variant"] == "2N Helios IP Vario" and "devType" not in info
        assert error_of(await c.get("/api/system/caps"))["code"] == 2
        assert error_of(await c.get("/api/log/subscribe"))["code"] == 2
        assert error_of(await c.get("/api/switch/status"))["code"] == 5
        assert result_of(await c.get("/api/camera/caps"))["sources"]
    async with running(loopback(), model="vario", licensed=True) as sim, client(sim) as c:
        assert result_of(await c.get("/api/switch/status"))["switches"]
        r = await c.get("/api/switch/ctrl?switch=1&action=lock")
        assert error_of(r)["param"] == "action"
        fw = await c.put("/api/firmware",
                         files={"blob-fw": ("f", make_firmware("vario", "2.11.1.0.0"))})
        assert set(result_of(fw)) == {"version", "downgrade"}
        assert (await c.get("/api/firmware/apply")).json() == {"success": True}


async def test_holidays_accept_the_doc_example(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        doc_text = b'{ "dates": [ "01\\01", "24\\12", "01\\04\\2018" ] }'
        r = await c.put("/api/config/holidays", files={"blob-json": ("h.json", doc_text)})
        assert r.json() == {"success": True}
        r = await c.get("/api/config/holidays")
        assert result_of(r) == {"dates": ["01/01", "24/12", "01/04/2018"]}
        assert "01\\/01" in r.text  # slashes escaped like the device does
        bad = json.dumps({"dates": ["32/01"]}).encode()
        assert error_of(await c.put("/api/config/holidays", files={"blob-json": ("h", bad)}))[
            "code"] == 12


async def test_pcap_download_is_a_valid_capture(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        await c.get("/api/pcap/restart")
        await c.get("/api/system/status?marker=xyz")
        data = (await c.get("/api/pcap")).content
        magic, major, minor = struct.unpack("<IHH", data[:8])
        assert (magic, major, minor) == (0xA1B2C3D4, 2, 4)
        assert b"/api/system/status?marker=xyz" in data
        assert b"Authorization" not in data
        stats = result_of(await c.get("/api/pcap/live/stats"))
        assert stats == {"running": False, "bytesSent": 0, "packetsSent": 0}


async def test_access_points_and_grant_access(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        uuid = result_of(await c.put("/api/dir/create", json={"users": [{"name": "Alice"}]}))[
            "users"][0]["uuid"]
        granted = result_of(await c.get(f"/api/accesspoint/grantaccess?id=0&user={uuid}"))
        assert granted == {"accessGranted": True}
        assert sim.switches.items[1].active
        await c.get("/api/accesspoint/blocking/ctrl?id=0&action=on")
        status = result_of(await c.get("/api/accesspoint/blocking/status"))
        assert status == {"accessPoints": [{"id": 0, "blocked": True},
                                           {"id": 1, "blocked": False}]}
        refused = result_of(await c.get(f"/api/accesspoint/grantaccess?id=0&user={uuid}"))
        assert refused == {"accessGranted": False, "reason": "accessBlocked"}
        kinds = [e["event"] for e in sim.events_history]
        assert kinds.count("ApiAccessRequested") == 2 and "UserAuthenticated" in kinds
        assert "AccessBlocked" in kinds
        r = await c.get("/api/lift/grantaccess?user=09ebfd7d-24e4-4d58-ad02-804ad69938a6")
        assert error_of(r)["param"] == "user"


def _jpeg(size: tuple[int, int], **save: object) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(out, "JPEG", **save)
    return out.getvalue()


async def test_display_audio_email_mobilekey_lpr(loopback):
    async with running(loopback(), audio_test_duration=0.05) as sim, client(sim) as c:
        display = result_of(await c.get("/api/display/caps"))["displays"][0]
        assert display == {"display": "ext1", "resolution": {"width": 320, "height": 240}}
        files = {"blob-image": ("i.jpg", _jpeg((320, 214)))}
        r = await c.put("/api/display/image?display=ext1&duration=30000", files=files)
        assert r.json() == {"success": True}
        progressive = {"blob-image": ("p.jpg", _jpeg((100, 100), progressive=True))}
        r = await c.put("/api/display/image?display=ext1", files=progressive)
        assert error_of(r)["param"] == "blob-image"
        assert (await c.delete("/api/display/image?display=ext1")).json()["success"]
        assert error_of(await c.delete("/api/display/image?display=ext9"))["code"] == 12

        await c.get("/api/audio/test")
        await asyncio.sleep(0.2)
        assert sim.events_history[-1]["event"] == "AudioLoopTest"

        r = await c.get("/api/email/send?to=somebody@email.com&subject=Hello&body=Hello")
        assert r.json() == {"success": True} and sim.sent_emails[0]["subject"] == "Hello"
        assert error_of(await c.get("/api/email/send?to=nobody&subject=x"))["param"] == "to"

        keys = result_of(await c.get("/api/mobilekey/config"))
        assert keys["location"] == sim.profile.serial and keys["keys"] == [{}, {}, {}, {}]
        r = await c.put("/api/mobilekey/config", json={
            "location": "LocationUniqueID", "keys": [{"type": "rsa", "key": "TUlJQw==",
                                                      "ctime": 1608047606}]})
        assert r.json() == {"success": True}
        keys = result_of(await c.get("/api/mobilekey/config"))
        assert keys["keys"][0] == {"type": "rsa", "key": "TUlJQw==", "ctime": 1608047606}

        plate = {"lprUuid": "bc4baad9-d2cd-4706-986f-b942963bfa9f", "accessPoint": 0,
                 "plateText": "ABC123456"}
        assert (await c.post("/api/lpr/licenseplate", json=plate)).json()["success"]
        assert sim.events_history[-1]["event"] == "LicensePlateRecognized"
        assert error_of(await c.get("/api/lpr/image?plateText=ABC123456"))["code"] == 15
