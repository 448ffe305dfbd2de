"""2N functions a person reaches from the window and named CLI commands: the call log table
(read, delete, clear) and the e-mail / access / lift / automation actions."""

from __future__ import annotations

import pytest

from configurator.core.device import WriteOutcome
from configurator.core.errors import Rejected

from .test_twon_sim import device_for, simulator


async def test_call_log_read_delete_one_then_clear(loopback) -> None:
    async with simulator(loopback()) as sim, device_for(sim) as device:
        await device.capabilities()
        assert "calllog" in {t.id for t in device.tables()}
        sim.press_button()  # a doorbell record...
        session = await device.run_action("dial", {"number": "sip:100@10.0.0.9"})
        await device.run_action("hangup", {"session": session})  # ...and an outgoing one
        rows = await device.read_table("calllog")
        assert [r["callType"] for r in rows[:2]] == ["outgoing", "doorbell"]  # newest first
        assert "duration" not in rows[1]  # a doorbell record carries no call fields
        results = await device.apply_table("calllog", delete=[rows[0]["id"], 999])
        assert [(r.key, r.outcome) for r in results] == [
            (rows[0]["id"], WriteOutcome.APPLIED), (999, WriteOutcome.REJECTED)]
        assert "record not found" in results[1].message
        assert [r["id"] for r in await device.read_table("calllog")] == [
            r["id"] for r in rows[1:]]
        (cleared,) = await device.clear_table("calllog")
        assert cleared.outcome is WriteOutcome.APPLIED
        assert await device.read_table("calllog") == []


async def test_operator_actions_reach_the_device(loopback) -> None:
    async with simulator(loopback()) as sim, device_for(sim) as device:
        await device.capabilities()
        offered = {a.id for a in device.actions()}
        assert {"email_test", "grant_access", "lift_access", "automation_trigger"} <= offered
        said = await device.run_action("email_test", {"to": "installer@example.com",
                                                      "pictureCount": 1})
        assert "installer@example.com" in said
        mail = sim.extensions["mail"][-1]
        assert (mail["to"], mail["pictureCount"]) == ("installer@example.com", 1)
        await device.run_action("automation_trigger", {"triggerId": "gate"})
        assert sim.extensions["access"].triggers == ["gate"]
        unknown = "09ebfd7d-24e4-4d58-ad02-804ad69938a6"
        assert "refused" in await device.run_action("grant_access", {"id": 0, "user": unknown})
        with pytest.raises(Rejected, match="User not found"):
            await device.run_action("lift_access", {"user": unknown})


def test_running_time_reads_at_a_glance() -> None:
    from configurator.core.durations import running_time

    assert running_time(190524) == "2 d 04:55:24"
    assert running_time(59) == "00:00:59"
    assert running_time("x") == ""


async def test_status_page_and_calls_in_progress_follow_the_device(loopback) -> None:
    async with simulator(loopback()) as sim, device_for(sim) as device:
        await device.capabilities()
        assert device.pages()[0].id == "status"
        values = await device.read_page("status")
        assert isinstance(values["status.systemTime"], int) and values["status.upTime"]
        ports = [k for k in values if k.startswith("io.")]
        assert ports and all(values[k] is False for k in ports)
        page = device.page("status")
        key = next(k for k in ports if page.spec(k).label.startswith("Input"))
        sim.set_input(key.split(".")[1], True)  # someone presses the exit button
        assert (await device.read_page("status"))[key] is True
        assert await device.read_table("activecalls") == []
        session = await device.run_action("dial", {"number": "sip:100@10.0.0.9"})
        (call,) = await device.read_table("activecalls")
        assert (call["session"], call["direction"]) == (session, "outgoing")
        assert call["state"] in ("connecting", "ringing", "connected")
        await device.run_action("hangup", {"session": session})
        assert await device.read_table("activecalls") == []


async def test_bank_holidays_are_a_table_of_dates(loopback) -> None:
    async with simulator(loopback()) as sim, device_for(sim) as device:
        await device.capabilities()
        assert "holidays" in {t.id for t in device.tables()}
        assert "holidays" not in {p.id for p in device.pages()}  # no comma-separated field
        results = await device.apply_table("holidays", add=[
            {"date": "24/12"}, {"date": "01/04/2027"}, {"date": "31-12"}, {"date": "24/12"}])
        assert [(r.op, r.key, r.ok) for r in results] == [
            ("add", "31-12", False), ("add", "24/12", False),
            ("add", "24/12", True), ("add", "01/04/2027", True)]
        assert "already in the list" in results[1].message
        assert [r["date"] for r in await device.read_table("holidays")] == ["24/12",
                                                                           "01/04/2027"]
        results = await device.apply_table("holidays", delete=["24/12", "25/12"])
        assert [(r.op, r.key, r.ok) for r in results] == [("del", "25/12", False),
                                                          ("del", "24/12", True)]
        assert [r["date"] for r in await device.read_table("holidays")] == ["01/04/2027"]
        (cleared,) = await device.clear_table("holidays")
        assert cleared.ok and await device.read_table("holidays") == []


def _jpeg(width: int, height: int, *, progressive: bool = False) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG", progressive=progressive)
    return out.getvalue()


async def test_picture_on_the_display_until_removed_or_for_a_while(loopback) -> None:
    from configurator.core.errors import InvalidValue
    from configurator.core.pictures import ShowsPictures

    async with simulator(loopback(), model="style") as sim, device_for(sim) as device:
        await device.capabilities()
        assert isinstance(device, ShowsPictures)
        (screen,) = device.screens()
        picture = _jpeg(320, 200)
        await device.show_picture(screen.id, picture, "welcome.jpg")
        shown = sim.extensions["display"][screen.id]
        assert (shown["format"], shown["mode"]) == ("JPEG", "overlay")
        await device.show_picture(screen.id, picture, "welcome.jpg", seconds=5)
        assert sim.extensions["display"][screen.id]["mode"] == "notification"
        await device.remove_picture(screen.id)
        assert screen.id not in sim.extensions["display"]
        with pytest.raises(InvalidValue, match="progressive"):
            await device.show_picture(screen.id, _jpeg(64, 64, progressive=True), "p.jpg")
        with pytest.raises(InvalidValue, match="not a JPEG"):
            await device.show_picture(screen.id, b"%PDF-1.4", "doc.pdf")
        with pytest.raises(InvalidValue, match="no display"):
            await device.show_picture("ext9", picture, "welcome.jpg")
        too_big = _jpeg(screen.width + 1, screen.height)
        with pytest.raises(Rejected, match="blob-image"):
            await device.show_picture(screen.id, too_big, "big.jpg")


async def test_bluetooth_keys_newest_first_and_silently_dropped_keys_reported(loopback) -> None:
    import base64

    async with simulator(loopback()) as sim, device_for(sim) as device:
        await device.capabilities()
        assert "mobilekeys" in {t.id for t in device.tables()}
        first = base64.b64encode(b"first key material " * 4).decode()
        second = base64.b64encode(b"second key material " * 4).decode()
        results = await device.apply_table("mobilekeys", add=[{"key": first}])
        assert [(r.op, r.ok) for r in results] == [("add", True)]
        await device.apply_table("mobilekeys", add=[{"key": second}])
        rows = await device.read_table("mobilekeys")
        assert [r["key"] for r in rows] == [second, first]  # the newest is the primary
        # Base64 by its characters but not decodable: the device drops it without a word.
        broken = "A" * 17
        results = await device.apply_table("mobilekeys", add=[{"key": broken}])
        assert [(r.ok, r.outcome) for r in results] == [(False, WriteOutcome.REJECTED)]
        assert "did not keep" in results[0].message
        results = await device.apply_table("mobilekeys", delete=[2, 9])
        assert [(r.op, r.key, r.ok) for r in results] == [("del", 9, False), ("del", 2, True)]
        assert [r["key"] for r in await device.read_table("mobilekeys")] == [second]
        (cleared,) = await device.clear_table("mobilekeys")
        assert cleared.ok and await device.read_table("mobilekeys") == []
        assert device.table("mobilekeys").column("key").kind == "secret"


async def test_licence_plate_report_and_one_user_lookup(loopback) -> None:
    async with simulator(loopback()) as sim, device_for(sim) as device:
        await device.capabilities()
        created = await device.client.dir_create([{"name": "Visitor Van"}])
        uuid = created["users"][0]["uuid"]
        said = await device.run_action("find_user", {"user": uuid})
        assert said == f"Visitor Van ({uuid})"
        missing = "09ebfd7d-24e4-4d58-ad02-804ad69938a6"
        assert "no such user" in await device.run_action("find_user", {"user": missing})
        await device.run_action("report_plate", {"plateText": "1AB2345", "accessPoint": 1})
        seen = [e for e in sim.events.history if e.get("event") == "LicensePlateRecognized"]
        assert seen and seen[-1]["params"]["plateText"] == "1AB2345"
        assert seen[-1]["params"]["ap"] == 1


def test_audio_test_is_offered_from_the_firmware_that_has_it() -> None:
    from configurator.core.device import DeviceInfo
    from configurator.drivers.twon.device import firmware_at_least

    assert not firmware_at_least(DeviceInfo(vendor="2N", model="Vario", firmware="2.11.0.19.2"),
                                 (2, 14))
    assert firmware_at_least(DeviceInfo(vendor="2N", model="Verso", firmware="2.38.0.52.4"),
                             (2, 14))
    assert firmware_at_least(None, (2, 14))  # unknown: nothing hidden by a guess


async def test_helios_211_offers_no_audio_test(loopback) -> None:
    async with simulator(loopback(), model="vario") as sim, device_for(sim) as device:
        await device.read_info()
        await device.capabilities()
        assert "audio_test" not in {a.id for a in device.actions()}


async def test_live_capture_with_its_statistics_and_stop(loopback) -> None:
    import asyncio

    from configurator.drivers.twon.capture import download_live

    async with simulator(loopback()) as sim, device_for(sim) as device:
        await device.capabilities()
        assert "live-capture" in {f.id for f in device.files()}
        assert (await device.read_page("status"))["pcap.live.running"] is False
        content, _ = await download_live(device.client, 1)  # the device ends it after 1 s
        assert content[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")
        running = asyncio.ensure_future(download_live(device.client, 600))
        for _ in range(100):
            values = await device.read_page("status")
            if values["pcap.live.running"] and values["pcap.live.packetsSent"]:
                break
            await asyncio.sleep(0.05)
        assert values["pcap.live.running"] is True and values["pcap.live.bytesSent"] > 0
        assert await device.run_action("pcap_live_stop", {}) == "live capture stopped"
        content, _ = await asyncio.wait_for(running, 5)  # ended by the stop, not by 600 s
        assert content[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")
        assert (await device.read_page("status"))["pcap.live.running"] is False


async def test_plates_seen_come_from_the_event_log_and_their_pictures_from_lpr_image(
        loopback) -> None:
    import base64
    import uuid as uuids

    from configurator.core.plates import ReadsPlates

    async with simulator(loopback()) as sim, device_for(sim) as device:
        await device.capabilities()
        assert isinstance(device, ReadsPlates) and device.reads_plates()
        assert await device.plate_sightings() == []
        created = await device.client.dir_create([{"name": "Van", "access": {
            "licensePlates": "1AB2345"}}])
        van = created["users"][0]["uuid"]
        first, second = _jpeg(64, 32), _jpeg(48, 24)
        for plate, ap, picture in (("1AB2345", 0, first), ("XYZ999", 1, None),
                                   ("1AB2345", 1, second)):
            await device.client.lpr_licenseplate(
                str(uuids.uuid4()), ap, plate,
                base64.b64encode(picture).decode() if picture else None)
        sim.events.emit("DoorOpenStateChanged", {"door": 1})  # another event: not a plate
        seen = await device.plate_sightings()
        assert [(s.plate, s.direction, s.valid) for s in seen] == [
            ("1AB2345", "leaving", True), ("XYZ999", "leaving", False),
            ("1AB2345", "entering", True)]  # newest first
        assert seen[0].user == van and seen[1].user == ""
        assert (seen[0].user_name, seen[1].user_name) == ("Van", "")  # dir/get, names only
        assert seen[0].time.endswith(" UTC") and seen[0].time >= seen[2].time
        # lpr/image: the newest picture of that plate, exactly as sent
        assert await device.plate_picture("1AB2345") == second
        with pytest.raises(Rejected, match="no picture of plate XYZ999"):
            await device.plate_picture("XYZ999")
        with pytest.raises(Rejected, match="name the licence plate"):
            await device.plate_picture("  ")
        # the channel opened to read the log was closed again
        assert sim.events.channels == {}


def test_a_plate_event_without_a_plate_text_is_skipped() -> None:
    from configurator.drivers.twon.plates import sighting

    assert sighting({"event": "LicensePlateRecognized", "params": {}}) is None
    assert sighting({"event": "KeyPressed", "params": {"plateText": "A1"}}) is None
    odd = sighting({"event": "LicensePlateRecognized", "utcTime": "x",
                    "params": {"plateText": " A1 ", "ap": 7, "valid": "yes", "uuid": 3}})
    assert odd is not None and (odd.plate, odd.time, odd.direction, odd.valid, odd.user) == (
        "A1", "", "", None, "")


async def test_the_intercom_keeps_the_last_five_plate_pictures(loopback) -> None:
    """lpr/image: "up to five images are stored"; the sixth pushes the oldest out."""
    import base64
    import uuid as uuids

    async with simulator(loopback()) as sim, device_for(sim) as device:
        await device.capabilities()
        pictures = {f"P{n}": _jpeg(16 + n * 8, 16) for n in range(6)}
        for plate, picture in pictures.items():
            await device.client.lpr_licenseplate(str(uuids.uuid4()), 0, plate,
                                                 base64.b64encode(picture).decode())
        with pytest.raises(Rejected, match="no picture of plate P0"):
            await device.plate_picture("P0")
        for plate in ("P1", "P2", "P3", "P4", "P5"):
            assert await device.plate_picture(plate) == pictures[plate]
        assert [s.plate for s in await device.plate_sightings()] == [
            "P5", "P4", "P3", "P2", "P1", "P0"]  # the log still has all six recognitions
