"""What each documented optional parameter does, and the v2.11 (Vario) differences.

Real sockets: :class:`TwoNClient` -> simulator. The parameter errors themselves are in
``test_twon_params.py``; here every test checks a state change or a reply field.
"""

from __future__ import annotations

import asyncio
import base64
import io
import struct

import pytest
from PIL import Image

from configurator.core.errors import Busy, NotSupported, Rejected

from .test_twon_params import client_for
from .test_twon_sim import simulator


def _jpeg(width: int, height: int, **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, "JPEG", **save)
    return out.getvalue()


def _events(sim, kind: str) -> list[dict]:
    return [e["params"] for e in sim.events_history if e["event"] == kind]


async def test_email_send_passes_every_documented_parameter(loopback):
    async with simulator(loopback()) as sim, client_for(sim) as c:
        # The document's example: to, subject, body.
        await c.email_send("somebody@email.com", "Hello", body="Hello")
        await c.email_send("a@b.cz,c@d.cz", "Ring", body="<b>door</b>", picture_count=3,
                           time_span=7, width=640, height=480)
        first, second = sim.sent_emails
        assert first == {"to": "somebody@email.com", "subject": "Hello", "body": "Hello",
                         "pictureCount": 0, "timeSpan": 0, "resolution": None}
        assert second["timeSpan"] == 7 and second["pictureCount"] == 3
        assert second["resolution"] == (640, 480) and second["body"] == "<b>door</b>"


async def test_pcap_live_duration_ends_the_stream_by_itself(loopback):
    async with simulator(loopback()) as sim, client_for(sim) as c:
        loop = asyncio.get_running_loop()
        started = loop.time()
        chunks: list[bytes] = []

        async def capture() -> None:
            async for chunk in c.pcap_live(duration=1):
                chunks.append(chunk)

        task = asyncio.create_task(capture())
        await asyncio.sleep(0.2)
        await c.system_status()  # traffic the live capture streams
        await asyncio.sleep(0.1)
        stats = await c.pcap_live_stats()
        assert stats["running"] is True and stats["packetsSent"] >= 1
        assert stats["bytesSent"] > 24  # header + packets
        with pytest.raises(Busy):  # "another packet capture cannot be started"
            await c.call("pcap/live")
        await asyncio.wait_for(task, 3.0)
        assert 0.9 <= loop.time() - started < 2.5
        data = b"".join(chunks)
        assert struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4
        assert b"/api/system/status" in data
        assert await c.pcap_live_stats() == {"running": False, "bytesSent": 0,
                                             "packetsSent": 0}


async def test_pcap_live_without_duration_runs_until_live_stop(loopback):
    async with simulator(loopback()) as sim, client_for(sim) as c:
        await c.pcap_live_stop()  # success even when nothing runs (doc 5.13.5)

        async def capture() -> int:
            return sum([len(chunk) async for chunk in c.pcap_live(duration=0)])

        task = asyncio.create_task(capture())
        await asyncio.sleep(0.2)
        assert (await c.pcap_live_stats())["running"] is True
        await c.pcap_live_stop()
        assert await asyncio.wait_for(task, 3.0) >= 24  # at least the pcap header


async def test_display_video_image_modes_and_collisions_on_verso(loopback):
    async with simulator(loopback(), model="verso") as sim, client_for(sim) as c:
        shown = sim.extensions["display"]
        video = b"\x00\x00\x00\x18ftypmp42isomiso2avc1mp41"  # the doc's payload start
        await c.display_image_put("ext1", video, video=True, filename="2N_intro.mp4",
                                  duration_ms=20, repeat=3)  # the doc's query string
        assert shown["ext1"]["kind"] == "video" and shown["ext1"]["repeat"] == 3
        assert shown["ext1"]["duration"] == 20 and shown["ext1"]["mode"] == "notification"
        await c.display_image_put("ext1", _jpeg(320, 214))  # no duration/repeat: overlay
        assert shown["ext1"]["kind"] == "image" and shown["ext1"]["mode"] == "overlay"
        await c.display_image_put("ext1", _jpeg(320, 214), duration_ms=30000)
        assert shown["ext1"]["mode"] == "notification" and shown["ext1"]["repeat"] is None
        both = {"blob-image": ("i.jpg", _jpeg(320, 214), "image/jpeg"),
                "blob-video": ("v.mp4", video, "video/mp4")}
        with pytest.raises(Rejected) as info:
            await c.call("display/image", {"display": "ext1"}, files=both)
        assert (info.value.code, info.value.param) == (17, "blob-video")
        for bad in (_jpeg(640, 480), _jpeg(320, 214, progressive=True)):
            with pytest.raises(Rejected) as info:
                await c.display_image_put("ext1", bad)
            assert (info.value.code, info.value.param) == (12, "blob-image")
        with pytest.raises(Rejected) as info:
            await c.display_image_put("ext1", b"", video=True)
        assert (info.value.code, info.value.param) == (12, "blob-video")
        await c.display_image_delete("ext1")
        assert "ext1" not in shown


async def test_display_video_is_verso_only(loopback):
    async with simulator(loopback(), model="style") as sim, client_for(sim) as c:
        with pytest.raises(Rejected) as info:
            await c.display_image_put("internal", b"\x00\x00\x00\x18ftypmp42", video=True)
        assert (info.value.code, info.value.param) == (11, "blob-image")
        await c.display_image_put("internal", _jpeg(1280, 800))
        assert sim.extensions["display"]["internal"]["size"] == (1280, 800)


async def test_dir_query_series_and_iterator(loopback):
    async with simulator(loopback()) as sim, client_for(sim) as c:
        created = await c.dir_create([{"name": "ABCD", "email": "abcd@def.cz"},
                                      {"name": "DEFG"}])
        series = created["series"]
        first, second = (u["timestamp"] for u in created["users"])
        everything = await c.dir_query()
        assert {u["name"] for u in everything["users"]} == {"ABCD", "DEFG"}
        newer = await c.dir_query(series=series, timestamp=second, fields=["name"])
        assert [u["name"] for u in newer["users"]] == ["DEFG"]
        assert set(newer["users"][0]) == {"uuid", "name", "timestamp"}
        # Unknown series: the device's series, no users, its highest and invalid timestamp.
        other = await c.dir_query(series="2229480630597592840", timestamp=first)
        assert other["series"] == series and other["users"] == []
        assert other["timestamp"] == second and "invalid" in other
        # A timestamp above the current one: the same answer.
        future = await c.dir_query(timestamp=second + 100)
        assert future["users"] == [] and future["timestamp"] == second


async def test_switch_timeout_hold_timeout_and_response(loopback):
    async with simulator(loopback()) as sim, client_for(sim) as c:
        await c.switch_ctrl(1, "hold", timeout=60)
        status = (await c.switch_status(1))[0]
        assert status["held"] is True and 55 <= status["holdTimeout"] <= 60
        await c.switch_ctrl(1, "release")
        assert "holdTimeout" not in (await c.switch_status(1))[0]
        assert await c.switch_ctrl(2, "on", timeout=1, response="TEST") == "TEST"
        assert (await c.switch_status(2))[0]["active"] is True
        await asyncio.sleep(1.2)
        assert (await c.switch_status(2))[0]["active"] is False  # timeout released it
        await c.switch_ctrl(1, "lock")
        with pytest.raises(Rejected) as info:  # doc: 14 "action failed" when locked
            await c.switch_ctrl(1, "on")
        assert info.value.code == 14
        assert await c.io_ctrl("relay1", "on", response="") == ""


async def test_time_set_call_hangup_reason_and_lift_duration(loopback):
    async with simulator(loopback(), call_answer_after=None) as sim, client_for(sim) as c:
        await c.system_time_set(1639472172)  # the doc's utcTime example
        time = await c.system_time()
        assert abs(time["utcTime"] - 1639472172) <= 2
        assert time["source"] == "api" and time["automatic"] is False
        session = await c.call_dial("sip:1234@10.0.23.194")
        assert [s["session"] for s in await c.call_status(session)] == [session]
        await c.call_hangup(session, "rejected")
        assert _events(sim, "CallStateChanged")[-1]["reason"] == "rejected"
        assert await c.call_status() == []
        user = (await c.dir_create([{"name": "Lift", "access": {"liftFloors": "F=2,F=5"}}]))
        uuid = user["users"][0]["uuid"]
        await c.lift_grantaccess(uuid, duration=180)
        floors = _events(sim, "LiftFloorsEnabled")[-1]
        assert floors["floors"] == [2, 5] and floors["duration"] == 180


async def test_mobilekey_keys_are_padded_and_invalid_ones_dropped(loopback):
    async with simulator(loopback()) as sim, client_for(sim) as c:
        assert (await c.mobilekey_config_get())["location"] == sim.profile.serial
        await c.mobilekey_config_put(location="LocationUniqueID", keys=[
            {"type": "rsa", "key": "TUlJQ1hB", "ctime": 1608047606},
            {"key": "TUlJQ1hR"}, {"key": "not base64 !"}])
        config = await c.mobilekey_config_get()
        assert config["location"] == "LocationUniqueID"
        assert config["keys"] == [{"type": "rsa", "key": "TUlJQ1hB", "ctime": 1608047606},
                                  {"type": "rsa", "key": "TUlJQ1hR"}, {}, {}]


async def test_lpr_duplicates_are_ignored_and_the_image_is_kept(loopback):
    async with simulator(loopback()) as sim, client_for(sim) as c:
        jpeg = _jpeg(64, 32)
        image = base64.b64encode(jpeg).decode()
        for _ in range(2):
            await c.lpr_licenseplate("bc4baad9-d2cd-4706-986f-b942963bfa9f", 0, "ABC123456",
                                     image)
        assert len(_events(sim, "LicensePlateRecognized")) == 1
        assert await c.lpr_image("ABC123456") == jpeg


# -- seed 002: the v2.11 firmware (2N Helios IP Vario) --------------------------------------
async def test_v211_replies_and_ignored_parameters(loopback):
    async with simulator(loopback(), model="vario", licensed=True,
                         call_answer_after=None) as sim, client_for(sim) as c:
        info = await c.system_info()
        assert set(info) == {"variant", "serialNumber", "hwVersion", "swVersion",
                             "buildType", "deviceName"}
        accounts = await c.phone_status()
        assert set(accounts[0]) == {"account", "sipNumber", "registered", "registerTime"}
        assert set(accounts[1]) == {"account", "sipNumber", "registered"}
        # switch/ctrl and io/ctrl have no response/timeout parameters in v2.11.
        text = await c.switch_ctrl(1, "on", timeout=1, response="TEST")
        assert text is not None and '"success": true' in text  # JSON, not "TEST"
        await asyncio.sleep(1.2)  # timeout ignored: still on (a 5 s monostable switch)
        status = await c.switch_status(1)
        assert status == [{"switch": 1, "active": True}]
        text = await c.io_ctrl("relay1", "off", response="text")
        assert text is not None and '"success": true' in text
        # hangup has no reason in v2.11: the call ends "normal".
        session = await c.call_dial("sip:1234@10.0.23.194")
        await c.call_hangup(session, "busy")
        assert _events(sim, "CallStateChanged")[-1]["reason"] == "normal"
        # snapshot has no time parameter; display image has no duration (notification).
        jpeg = await c.call_binary("camera/snapshot", {"width": 320, "height": 240,
                                                       "time": -31})
        assert jpeg[:2] == b"\xff\xd8"
        gif = io.BytesIO()
        Image.new("P", (320, 240)).save(gif, "GIF")
        await c.display_image_put("internal", gif.getvalue(), duration_ms=5000)
        assert sim.extensions["display"]["internal"]["duration"] is None
        assert sim.extensions["display"]["internal"]["mode"] == "notification"
        for absent in ("system/caps", "system/time", "firmware/reject", "log/caps",
                       "phone/calllog", "dir/template", "email/send"):
            with pytest.raises(NotSupported):
                await c.call(absent)


async def test_v211_licence_and_free_functions(loopback):
    async with simulator(loopback(), model="vario") as sim, client_for(sim) as c:
        assert (await c.system_info())["serialNumber"] == sim.profile.serial
        assert (await c.camera_caps())["sources"]  # Licence: No
        for licensed in ("system/status", "switch/caps", "io/status", "phone/status",
                         "call/status", "display/caps"):
            with pytest.raises(NotSupported, match="licence"):
                await c.call(licensed)


async def test_disabled_access_point_is_error_18(loopback):
    async with simulator(loopback()) as sim, client_for(sim) as c:
        await c.accesspoint_blocking_ctrl(1, True)
        assert (await c.accesspoint_blocking_status(1)) == [{"id": 1, "blocked": True}]
        sim.extensions["access"].ap_enabled[0] = False  # what the web UI would switch off
        with pytest.raises(Busy) as info:
            await c.accesspoint_blocking_ctrl(0, True)
        assert (info.value.code, info.value.param) == (18, "id")
        with pytest.raises(Busy) as info:
            await c.accesspoint_grantaccess(0, "09EBFD7D-24E4-4D58-AD02-804AD69938A6")
        assert info.value.code == 18
        assert (await c.accesspoint_blocking_status(0)) == [{"id": 0, "blocked": False}]
