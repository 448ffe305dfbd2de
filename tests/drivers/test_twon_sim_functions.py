"""Every remaining 2N client function against the simulator (real sockets, Digest)."""

from __future__ import annotations

import asyncio

import pytest

from configurator.core.device import WriteOutcome
from configurator.core.errors import InvalidValue, Rejected

from .test_twon_sim import device_for, simulator


async def test_phone_and_calls(loopback):
    async with simulator(loopback(), call_answer_after=None) as sim, device_for(sim) as dev:
        c = dev.client
        accounts = await c.phone_status()
        assert accounts and accounts[0]["account"] == 1
        session = await c.call_dial("sip:1234@10.0.23.194")
        assert any(s["session"] == session for s in await c.call_status())
        await c.call_hangup(session, "busy")
        await asyncio.sleep(0.05)
        assert all(s["session"] != session for s in await c.call_status())
        incoming = sim.incoming_call()
        await asyncio.sleep(0.3)
        await c.call_answer(incoming)
        state = (await c.call_status(incoming))[0]["state"]
        assert state == "connected"
        await c.call_hangup(incoming)
        log = await c.calllog_get()
        assert isinstance(log, list)
        if log:
            await c.calllog_delete(log[0]["id"])
            assert all(r["id"] != log[0]["id"] for r in await c.calllog_get())
        with pytest.raises(Rejected):
            await c.call_answer(99999)


async def test_camera_snapshot_and_mjpeg_request(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        await dev.capabilities()
        cameras = dev.cameras()
        assert cameras and cameras[0].resolutions and cameras[0].mjpeg
        jpeg = await dev.snapshot()
        assert jpeg[:2] == b"\xff\xd8"
        width, height = cameras[0].resolutions[0]
        assert (await dev.client.camera_snapshot(width, height, time=-5))[:2] == b"\xff\xd8"
        with pytest.raises(Rejected) as info:
            await dev.client.camera_snapshot(123, 45)
        assert info.value.code == 12
        path, params = dev.mjpeg_request(fps=2)
        assert path == "/api/camera/snapshot" and params["fps"] == "2"
        async with dev.transport.stream("GET", path, params=params) as response:
            assert "multipart/x-mixed-replace" in response.headers["content-type"]
            first = await anext(response.aiter_raw())
            assert first


async def test_camera_page_choices_order_the_cameras_and_size_the_snapshot(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        await dev.capabilities()
        assert (await dev.read_page("camera"))["camera.resolution"] == "auto"
        cameras = dev.cameras()
        assert [c.id for c in cameras] == ["internal", "external"]
        assert all(c.preferred is None for c in cameras)
        smallest = cameras[0].resolutions[0]
        report = await dev.write_page("camera", {
            "camera.source": "external", "camera.resolution": f"{smallest[0]}x{smallest[1]}"})
        assert all(r.outcome is WriteOutcome.APPLIED for r in report.results)
        cameras = dev.cameras()
        assert [c.id for c in cameras] == ["external", "internal"]
        assert all(c.preferred == smallest for c in cameras)
        assert dev.mjpeg_request()[1]["width"] == str(smallest[0])
        jpeg = await dev.snapshot()
        assert jpeg[:2] == b"\xff\xd8"
        assert sim.extensions["camera"].sizes_served == {smallest}
        kept = dev.program_settings()
        assert kept["camera.resolution"] == f"{smallest[0]}x{smallest[1]}"
        async with device_for(sim) as again:  # the next connect takes them back
            await again.capabilities()
            left_out = again.restore_program_settings(
                {**kept, "camera.source": "rear", "no.such": 1})
            assert left_out == ["camera.source", "no.such"]
            assert again.cameras()[0].preferred == smallest
            assert again.program_settings()["camera.source"] == "internal"


async def test_display_image_put_and_delete(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        displays = await dev.client.display_caps()
        assert displays
        name = displays[0]["display"]
        jpeg = await dev.client.camera_snapshot(320, 240)
        await dev.client.display_image_put(name, jpeg, duration_ms=30000)
        await dev.client.display_image_delete(name)
        with pytest.raises(Rejected):
            await dev.client.display_image_put("nope", jpeg)


async def test_config_backup_restore_holidays_and_factory_reset(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        xml, suffix = await dev.backup()
        assert suffix == ".xml" and xml.lstrip().startswith(b"<?xml")
        await dev.client.config_put(xml)
        await dev.client.holidays_put(["01/01", "24/12", "01/04/2018"])
        dates = await dev.client.holidays_get()
        assert [d.replace("\\", "/") for d in dates] == ["01/01", "24/12", "01/04/2018"]
        await dev.client.config_factory_reset()


async def test_firmware_upload_reject_apply(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        with pytest.raises(Rejected) as info:
            await dev.client.firmware_upload(b"not a firmware")
        assert info.value.param == "blob-fw"


async def test_log_audio_email_automation(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        c = dev.client
        events = await c.log_caps()
        assert "SwitchStateChanged" in events
        channel = await c.log_subscribe(include="all", filter=["DeviceState"])
        pulled = await c.log_pull(channel, timeout=0)
        assert pulled and pulled[0]["event"] == "DeviceState"
        await c.log_unsubscribe(channel)
        with pytest.raises(Rejected) as info:
            await c.log_pull(channel)
        assert info.value.param == "id"
        await c.audio_test()
        await asyncio.sleep(0.4)
        assert any(e["event"] == "AudioLoopTest" for e in sim.events_history)
        await c.email_send("somebody@email.com", "Hello", body="Hello")
        with pytest.raises(InvalidValue):
            await c.email_send("a@b.c", "x", picture_count=9)


async def test_pcap_functions(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        c = dev.client
        await c.pcap_restart()
        await c.system_status()
        data = await c.pcap_download()
        assert data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")
        await c.pcap_stop()
        chunks = []
        async for chunk in c.pcap_live(duration=1):
            chunks.append(chunk)
        assert b"".join(chunks)[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")
        stats = await c.pcap_live_stats()
        assert stats["running"] is False
        await c.pcap_live_stop()


async def test_directory_table_round_trip(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        await dev.capabilities()
        table = dev.table("users")
        assert table.row_key == "uuid" and table.column("name")
        results = await dev.apply_table("users", add=[
            {"name": "Alice", "email": "alice@example.com", "access.pin": "1234"},
            {"name": "Bob", "email": "not an email"}])
        assert results[0].ok and results[0].key
        assert not results[1].ok and "email" in results[1].message
        rows = {r["uuid"]: r for r in await dev.read_table("users")}
        alice = rows[results[0].key]
        assert alice["name"] == "Alice" and alice["access.pin"] == "1234"
        updated = await dev.apply_table("users", update=[{"uuid": results[0].key,
                                                          "name": "Alice B"}])
        assert updated[0].ok
        got = await dev.client.dir_get([results[0].key], ["name"])
        assert got["users"][0]["name"] == "Alice B"
        deleted = await dev.apply_table("users", delete=[results[0].key])
        assert deleted[0].ok
        assert results[0].key not in {r["uuid"] for r in await dev.read_table("users")}
        query = await dev.client.dir_query(fields=["name"])
        assert "series" in query


async def test_access_control_functions_and_page(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        await dev.capabilities()
        assert "access" in [p.id for p in dev.pages()]
        report = await dev.write_page("access", {"accesspoint.0.blocked": True,
                                                 "mobilekey.location": "Building-A"})
        assert {r.key: r.outcome for r in report.results} == {
            "accesspoint.0.blocked": WriteOutcome.APPLIED,
            "mobilekey.location": WriteOutcome.APPLIED}
        values = await dev.read_page("access")
        assert values["accesspoint.0.blocked"] is True
        assert values["mobilekey.location"] == "Building-A"
        c = dev.client
        await c.accesspoint_blocking_ctrl(0, False)
        granted = await c.accesspoint_grantaccess(0, "01234567-89AB-CDEF-0123-456789ABCDEF")
        assert "accessGranted" in granted
        with pytest.raises(Rejected):
            await c.lift_grantaccess("01234567-89AB-CDEF-0123-456789ABCDEF", duration=180)
        await c.lpr_licenseplate("bc4baad9-d2cd-4706-986f-b942963bfa9f", 0, "ABC123456")
        with pytest.raises(Rejected) as info:
            await c.lpr_image("ZZZ999")
        assert info.value.code == 15
        await c.automation_trigger("1")
