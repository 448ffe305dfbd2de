"""2N simulator: protocol, security, switches/io, event log and camera over real sockets."""

from __future__ import annotations

import asyncio
import io
import itertools
import time

import httpx
from PIL import Image

from configurator.core.mjpeg import MjpegParser, boundary_from_content_type
from configurator.simulators.twon import ApiUser, ServiceSecurity

from .twon_helpers import client, error_of, result_of, running

DOC_INFO_KEYS = {"devType", "variant", "variantId", "customerId", "serialNumber", "macAddr",
                 "hwVersion", "swVersion", "buildType", "firmwarePackage", "deviceName"}


async def test_system_info_has_the_documented_keys(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        r = await c.get("/api/system/info")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/json")
        assert r.headers["server"] == "HIP" + sim.sw_version
        info = result_of(r)
        assert set(info) == DOC_INFO_KEYS
        assert info["variant"] == "2N IP Verso"


async def test_digest_auth_modes(loopback):
    async with running(loopback()) as sim:
        async with client(sim, auth=httpx.DigestAuth("admin", "wrong")) as c:
            r = await c.get("/api/switch/status")
            assert r.status_code == 401
            assert r.headers["www-authenticate"].startswith("Digest ")
            assert error_of(r)["code"] == 9
        async with client(sim, auth=httpx.BasicAuth("admin", "2n-Demo-1")) as c:
            r = await c.get("/api/switch/status")
            assert error_of(r)["code"] == 8
        async with httpx.AsyncClient(base_url=sim.url()) as c:
            r = await c.get("/api/switch/status")
            assert r.status_code == 401 and error_of(r)["code"] == 9
            # camera has no authentication by default
            assert (await c.get("/api/camera/caps")).status_code == 200
        async with client(sim) as c:
            assert len(result_of(await c.get("/api/switch/status"))["switches"]) == 4


async def test_https_required_and_disabled_service(loopback):
    security = {"switch": ServiceSecurity(connection="https"),
                "audio": ServiceSecurity(enabled=False)}
    async with running(loopback(), https_port=0, security=security) as sim:
        async with client(sim) as c:
            assert error_of(await c.get("/api/switch/caps"))["code"] == 7
            assert error_of(await c.get("/api/audio/test"))["code"] == 4
        async with client(sim, scheme="https") as c:
            assert result_of(await c.get("/api/switch/caps"))["switches"][0]["switch"] == 1


async def test_insufficient_privileges(loopback):
    users = [ApiUser("admin", "2n-Demo-1"),
             ApiUser.with_grants("watcher", "pw-watch", ["io:monitoring", "camera"])]
    async with running(loopback(), users=users) as sim:
        async with client(sim, auth=httpx.DigestAuth("watcher", "pw-watch")) as c:
            assert result_of(await c.get("/api/io/status"))["ports"]
            assert error_of(await c.get("/api/io/ctrl?port=relay1&action=on"))["code"] == 10
            assert error_of(await c.get("/api/switch/ctrl?switch=1&action=on"))["code"] == 10
            assert error_of(await c.get("/api/system/status"))["code"] == 10
        assert sim.io.items["relay1"].state is False


async def test_invalid_path_and_method(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        assert error_of(await c.get("/api/switch/nothing"))["code"] == 2
        assert error_of(await c.put("/api/switch/ctrl"))["code"] == 3
        assert error_of(await c.get("/api/dir/create"))["code"] == 3


async def test_parameters_from_query_form_and_multipart_last_wins(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        r = await c.post("/api/switch/ctrl?switch=9&action=on", data={"switch": "2"})
        assert result_of(r) is None
        assert sim.switches.items[2].active and not sim.switches.items[1].active
        r = await c.post("/api/io/ctrl?port=nope", files={"port": (None, "relay1"),
                                                          "action": (None, "on")})
        assert r.json() == {"success": True}
        assert sim.io.items["relay1"].state is True
        r = await c.get("/api/io/ctrl?port=relay1")
        assert error_of(r) == {"code": 11, "param": "action",
                               "description": "missing mandatory parameter"}


async def _subscribe(c: httpx.AsyncClient, **params: str) -> int:
    return result_of(await c.get("/api/log/subscribe", params=params))["id"]


async def _pull(c: httpx.AsyncClient, channel: int, timeout: int = 0) -> list[dict]:
    r = await c.get("/api/log/pull", params={"id": channel, "timeout": timeout})
    return result_of(r)["events"]


async def test_switch_ctrl_changes_status_and_logs_event(loopback):
    async with running(loopback(), switch_on_duration=0.3) as sim, client(sim) as c:
        channel = await _subscribe(c)
        r = await c.get("/api/switch/ctrl?switch=1&action=on")
        assert r.json() == {"success": True}
        status = result_of(await c.get("/api/switch/status?switch=1"))["switches"]
        assert status == [{"switch": 1, "active": True, "locked": False, "held": False}]
        relay = result_of(await c.get("/api/io/status?port=relay1"))["ports"]
        assert relay == [{"port": "relay1", "state": 1}]  # switch 1 drives relay 1
        events = await _pull(c, channel)
        assert [(e["event"], e["params"]) for e in events] == [
            ("SwitchStateChanged", {"switch": 1, "state": True, "originator": "api"}),
            ("OutputChanged", {"port": "relay1", "state": True})]
        assert {"id", "tzShift", "utcTime", "upTime", "event", "params"} == set(events[0])
        # monostable: back off after switchOnDuration, with its own event
        events = await _pull(c, channel, timeout=5)
        assert events[0]["params"]["state"] is False
        assert not sim.switches.items[1].effective
        relay = result_of(await c.get("/api/io/status?port=relay1"))["ports"]
        assert relay == [{"port": "relay1", "state": 0}]


async def test_switch_lock_hold_and_response_text(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        assert (await c.get("/api/switch/ctrl?switch=1&action=lock")).json()["success"]
        r = await c.get("/api/switch/ctrl?switch=1&action=on")
        assert error_of(r)["code"] == 14
        await c.get("/api/switch/ctrl?switch=1&action=unlock")
        r = await c.get("/api/switch/ctrl?switch=1&action=hold&timeout=60&response=TEST")
        assert r.text == "TEST" and r.headers["content-type"].startswith("text/plain")
        status = result_of(await c.get("/api/switch/status?switch=1"))["switches"][0]
        assert status["held"] is True and status["active"] is True
        assert 58 <= status["holdTimeout"] <= 60
        assert error_of(await c.get("/api/switch/ctrl?switch=3&action=on"))["code"] == 14
        assert error_of(await c.get("/api/switch/ctrl?switch=1&action=jump"))["param"] == "action"
        r = await c.get("/api/switch/ctrl?switch=1&action=on&timeout=0")
        assert error_of(r)["param"] == "timeout"


async def test_io_ctrl_and_inputs_produce_events(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        channel = await _subscribe(c, filter="InputChanged,OutputChanged")
        assert (await c.get("/api/io/ctrl?port=relay1&action=on")).json()["success"]
        assert error_of(await c.get("/api/io/ctrl?port=input1&action=on"))["param"] == "port"
        sim.set_input("input1", True)
        await c.get("/api/switch/ctrl?switch=1&action=on")  # filtered out
        events = await _pull(c, channel)
        assert [(e["event"], e["params"]) for e in events] == [
            ("OutputChanged", {"port": "relay1", "state": True}),
            ("InputChanged", {"port": "input1", "state": True}),
        ]
        ports = result_of(await c.get("/api/io/status?port=relay1"))["ports"]
        assert ports == [{"port": "relay1", "state": 1}]


async def test_pull_returns_early_when_an_event_arrives(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        channel = await _subscribe(c)
        asyncio.get_running_loop().call_later(0.3, sim.press_button, "5")
        started = time.monotonic()
        events = await _pull(c, channel, timeout=20)
        assert time.monotonic() - started < 10
        assert events[0]["event"] == "KeyPressed" and events[0]["params"] == {"key": "5"}


async def test_include_all_and_minus_t(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        sim.emit("CardEntered", uid="4BD9E903", valid=True)
        sim.clock.set_utc(sim.clock.utc() + 100)
        sim.emit("DoorStateChanged", state="opened")
        recent = await _pull(c, await _subscribe(c, include="-10"))
        assert [e["event"] for e in recent] == ["DoorStateChanged"]
        everything = await _pull(c, await _subscribe(c, include="all"))
        kinds = [e["event"] for e in everything]
        assert kinds[0] == "DeviceState" and "CardEntered" in kinds
        assert [e["id"] for e in everything] == sorted(e["id"] for e in everything)
        assert error_of(await c.get("/api/log/subscribe?include=soon"))["param"] == "include"


async def test_channel_expiry_and_unsubscribe(loopback):
    async with running(loopback(), log_channel_expiry=0.3) as sim, client(sim) as c:
        channel = await _subscribe(c)
        await asyncio.sleep(0.5)
        r = await c.get(f"/api/log/pull?id={channel}")
        assert error_of(r)["code"] == 12 and error_of(r)["param"] == "id"
        channel = await _subscribe(c)
        assert (await c.get(f"/api/log/unsubscribe?id={channel}")).json()["success"]
        assert error_of(await c.get(f"/api/log/unsubscribe?id={channel}"))["code"] == 12


async def test_history_ring_keeps_the_last_10000_events(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        for n in range(10_050):
            sim.emit("KeyPressed", key=str(n % 10))
        history = sim.events_history
        assert len(history) == 10_000
        last = history[-1]["id"]
        assert history[0]["id"] == last - 9_999
        channel = await _subscribe(c, include="all")
        batch = await _pull(c, channel)
        assert len(batch) == 128
        assert batch[0]["id"] == last - 9_999
        assert [e["id"] for e in batch] == list(range(batch[0]["id"], batch[0]["id"] + 128))


async def test_mjpeg_stream_parts_arrive_at_fps_and_differ(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        url = "/api/camera/snapshot?width=320&height=240&source=internal&fps=5"
        async with c.stream("GET", url) as r:
            assert r.headers["content-type"].startswith("multipart/x-mixed-replace")
            parser = MjpegParser(boundary_from_content_type(r.headers["content-type"]))
            frames, stamps = [], []
            async for chunk in r.aiter_raw():
                for part in parser.feed(chunk):
                    assert part.headers.get("content-length") == str(len(part.data))
                    frames.append(part.data)
                    stamps.append(time.monotonic())
                if len(frames) >= 4:
                    break
        assert all(f[:2] == b"\xff\xd8" for f in frames)
        assert len(set(frames)) == 4
        assert 0.3 < stamps[-1] - stamps[0] < 3.0  # three intervals of 0.2 s
        assert Image.open(io.BytesIO(frames[0])).size == (320, 240)


async def test_mjpeg_stream_above_15_fps_is_not_refused(loopback):
    """The document sets fps >= 1 for the camera and no maximum (15 fps is display video)."""
    async with running(loopback()) as sim, client(sim) as c:
        url = "/api/camera/snapshot?width=320&height=240&fps=25"
        async with c.stream("GET", url) as r:
            assert r.headers["content-type"].startswith("multipart/x-mixed-replace")
            parser = MjpegParser(boundary_from_content_type(r.headers["content-type"]))
            frames: list[bytes] = []
            async for chunk in r.aiter_raw():
                frames += [p.data for p in parser.feed(chunk)]
                if len(frames) >= 3:
                    break
        assert all(f[:2] == b"\xff\xd8" for f in frames[:3])


async def test_mjpeg_stream_does_not_burst_after_a_slow_frame(loopback):
    """A camera that fell behind sends its next frame late, not several at once (the
    simulator caught up in a burst after the slow first render of a size, and the viewer
    showed 12 fps for a 10 fps stream)."""
    async with running(loopback()) as sim, client(sim) as c:
        camera = sim.extensions["camera"]
        render = camera.frame
        first = True

        async def slow_first_frame(*args, **kwargs):
            nonlocal first
            if first:
                first = False
                await asyncio.sleep(0.5)  # five frame intervals
            return await render(*args, **kwargs)

        camera.frame = slow_first_frame
        url = "/api/camera/snapshot?width=320&height=240&source=internal&fps=10"
        async with c.stream("GET", url) as r:
            parser = MjpegParser(boundary_from_content_type(r.headers["content-type"]))
            stamps: list[float] = []
            async for chunk in r.aiter_raw():
                stamps += [time.monotonic() for _ in parser.feed(chunk)]
                if len(stamps) >= 6:
                    break
        gaps = [b - a for a, b in itertools.pairwise(stamps)]
        assert sum(gap < 0.05 for gap in gaps) <= 1, gaps  # at most one quick follower


async def test_snapshot_sizes_past_frames_and_errors(loopback):
    async with running(loopback()) as sim, client(sim) as c:
        caps = result_of(await c.get("/api/camera/caps"))
        for res in caps["jpegResolution"]:
            r = await c.get("/api/camera/snapshot", params={**res, "source": "external"})
            assert r.headers["content-type"] == "image/jpeg"
            assert Image.open(io.BytesIO(r.content)).size == (res["width"], res["height"])
        past = await c.get("/api/camera/snapshot?width=640&height=480&time=-5&fps=3")
        assert past.headers["content-type"] == "image/jpeg"
        r = await c.get("/api/camera/snapshot?width=640&height=480&fps=-1")
        assert r.headers["content-type"].startswith("application/json")
        assert error_of(r) == {"code": 12, "param": "fps", "description": "invalid parameter value"}
        assert error_of(await c.get("/api/camera/snapshot?width=640&height=480&time=-31"))[
            "param"] == "time"
        assert error_of(await c.get("/api/camera/snapshot?width=641&height=480"))["code"] == 12
        assert error_of(await c.get("/api/camera/snapshot?height=480"))["code"] == 11


async def test_style_static_snapshot_is_capped(loopback):
    async with running(loopback(), model="style") as sim, client(sim) as c:
        r = await c.get("/api/camera/snapshot?width=1920&height=1080")
        assert Image.open(io.BytesIO(r.content)).size == (1280, 960)
