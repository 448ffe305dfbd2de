"""2N restarts, firmware upgrade, event-source state and licence handling over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from configurator.core.errors import InvalidValue, NotSupported, Rejected
from configurator.core.events import DeviceEvent, SourceState
from configurator.drivers.twon.events import RESTARTED
from configurator.simulators.twon import firmware

from .test_twon_sim import device_for, simulator


async def until(predicate, timeout: float = 5.0, what: str = "condition") -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        assert loop.time() < end, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


class Follower:
    """Runs ``device.event_stream(on_state=...)`` and records events and states."""

    def __init__(self, device) -> None:
        self.events: list[DeviceEvent] = []
        self.states: list[SourceState] = []
        self.source = device.event_stream(on_state=lambda s, reason: self.states.append(s))
        self.error: BaseException | None = None
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            async for event in self.source:
                self.events.append(event)
        except NotSupported as exc:
            self.error = exc

    def of(self, kind: str) -> list[DeviceEvent]:
        return [e for e in self.events if e.type == kind]

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def age(sim, seconds: int = 100) -> None:
    """Make the simulated device look up for ``seconds`` longer (its log included)."""
    sim.clock.boot -= seconds
    for event in sim.events.history:
        event["upTime"] += seconds


def logged(history: list[dict[str, Any]], after: int = 0) -> list[tuple[str, Any]]:
    return [(e["event"], e["params"]) for e in history if e["id"] > after]


@pytest.mark.parametrize("keep_ids", [False, True], ids=["ids-restart-at-1", "ids-keep-counting"])
async def test_restart_with_downtime_loses_and_duplicates_nothing(loopback, keep_ids):
    async with simulator(loopback(), keep_event_ids=keep_ids, restart_downtime=0.3) as sim, \
            device_for(sim) as dev:
        age(sim)  # up for a while before the restart
        follow = Follower(dev)
        await until(lambda: follow.source.channel is not None, what="subscription")
        first = sim.emit("KeyPressed", key="1")["id"]
        sim.emit("CardEntered", uid="4BD9E903", valid=True)
        await until(lambda: len(follow.events) == 2, what="events before restart")
        before = logged(sim.events_history, first - 1)
        await dev.client.system_restart()
        await until(lambda: SourceState.RETRYING in follow.states, what="retrying state")
        await until(lambda: not sim.down and sim.restarts == 1, what="device back")
        sim.emit("KeyPressed", key="2")
        await until(lambda: any(e.params.get("key") == "2" for e in follow.events),
                    what="event after restart")
        assert follow.source.state is SourceState.LIVE
        assert follow.states.index(SourceState.RETRYING) < len(follow.states) - 1
        await follow.stop()
    after = logged(sim.events_history)
    if keep_ids:
        after = logged(sim.events_history, first - 1)[len(before):]
    got = [(e.type, e.params) for e in follow.events if e.type != RESTARTED]
    assert got == before + after  # every event of both boots, once, in order
    assert [e.type for e in follow.events].count(RESTARTED) == 1
    assert follow.of(RESTARTED)[0].severity == "warning"
    assert follow.of("DeviceState")[0].params == {"state": "startup"}
    assert follow.source.restarts == 1
    assert follow.source.state is SourceState.STOPPED


async def test_firmware_upload_apply_restarts_with_new_version(loopback):
    async with simulator(loopback(), restart_downtime=0.2) as sim, device_for(sim) as dev:
        age(sim)
        follow = Follower(dev)
        await until(lambda: follow.source.channel is not None, what="subscription")
        sim.emit("KeyPressed", key="1")
        await until(lambda: follow.events, what="first event")
        image = firmware.make_firmware("verso", "2.39.0.10.1", note="Some changes")
        uploaded = await dev.client.firmware_upload(image)
        assert uploaded["version"] == "2.39.0.10.1" and uploaded["downgrade"] is False
        assert uploaded["note"] == "Some changes" and len(uploaded["fileId"]) == 8
        with pytest.raises(Rejected) as info:  # another image is pending
            await dev.client.firmware_upload(image)
        assert info.value.code == 18
        await dev.client.firmware_apply(uploaded["fileId"])
        await until(lambda: follow.of(RESTARTED), what="restart seen by the event source")
        assert (await dev.read_info()).firmware == "2.39.0.10.1"
        assert (await dev.client.system_status())["upTime"] < 5
        with pytest.raises(Rejected) as info:  # applied: nothing pending any more
            await dev.client.firmware_apply(uploaded["fileId"])
        assert info.value.code == 14
        await follow.stop()


async def test_firmware_downgrade_reject_and_auto_reject(loopback):
    async with simulator(loopback(), firmware_reject_after=0.3) as sim, device_for(sim) as dev:
        old = await dev.client.firmware_upload(firmware.make_firmware("verso", "2.37.0.1.1"))
        assert old["downgrade"] is True and old["version"] == "2.37.0.1.1"
        await dev.client.firmware_reject(old["fileId"])
        with pytest.raises(Rejected) as info:
            await dev.client.firmware_apply(old["fileId"])
        assert info.value.code == 14
        with pytest.raises(Rejected) as info:  # below the device's minimum: error 19
            await dev.client.firmware_upload(firmware.make_firmware("verso", "2.20.0.1.1"))
        assert info.value.code == 19
        pending = await dev.client.firmware_upload(firmware.make_firmware("verso", "2.39.0.1.1"))
        await asyncio.sleep(0.45)  # the (shortened) 5-minute timer rejects it
        with pytest.raises(Rejected) as info:
            await dev.client.firmware_reject(pending["fileId"])
        assert info.value.code == 14
        assert (await dev.read_info()).firmware == sim.profile.sw_version
        assert sim.restarts == 0


async def test_factory_reset_takes_the_device_away_and_restores_defaults(loopback):
    async with simulator(loopback(), restart_downtime=0.2) as sim, device_for(sim) as dev:
        await dev.client.holidays_put(["24/12"])
        await dev.client.config_factory_reset()
        await until(lambda: sim.down, what="device going away")
        await until(lambda: not sim.down, what="device back")
        assert await dev.client.holidays_get() == []
        assert sim.restarts == 1


async def test_config_upload_is_applied_after_the_configured_delay(loopback):
    async with simulator(loopback(), config_apply_delay=0.3) as sim, device_for(sim) as dev:
        xml, _ = await dev.backup()
        renamed = xml.replace(b"<DeviceName>2N IP Verso</DeviceName>",
                              b"<DeviceName>Gate 1</DeviceName>")
        assert renamed != xml
        await dev.client.config_put(renamed)
        assert (await dev.read_info()).name == "2N IP Verso"  # not yet (the ~15 s delay)
        await asyncio.sleep(0.4)
        assert (await dev.read_info()).name == "Gate 1"
        with pytest.raises(Rejected) as info:  # invalid files are refused at once
            await dev.client.config_put(b"<nope/>")
        assert info.value.param == "blob-cfg"


async def test_switch_drives_its_relay(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        await dev.client.switch_ctrl(1, "on")
        ports = {p["port"]: p["state"] for p in await dev.client.io_status()}
        assert ports["relay1"] == 1 and ports["output1"] == 0
        await dev.client.switch_ctrl(1, "off")
        ports = {p["port"]: p["state"] for p in await dev.client.io_status()}
        assert ports["relay1"] == 0


async def test_vario_without_log_api_disables_the_source_once(loopback):
    async with simulator(loopback(), model="vario") as sim, device_for(sim) as dev:
        seen: list[str] = []
        sim.extensions["pcap"].observe = lambda request: seen.append(request.path)
        follow = Follower(dev)
        await asyncio.wait_for(follow.task, 5)
        assert isinstance(follow.error, NotSupported)
        assert follow.source.state is SourceState.DISABLED
        assert "error 2" in follow.source.message
        assert follow.states == [SourceState.CONNECTING, SourceState.DISABLED]
        await asyncio.sleep(0.3)  # nothing keeps trying
        assert seen.count("/api/log/subscribe") <= 1


async def test_unlicensed_log_functions_disable_the_source(loopback):
    async with simulator(loopback(), licensed=False) as sim, device_for(sim) as dev:
        follow = Follower(dev)
        await asyncio.wait_for(follow.task, 5)
        assert isinstance(follow.error, NotSupported)
        assert follow.source.state is SourceState.DISABLED
        assert "licence" in follow.source.message


async def test_snapshot_time_picks_a_past_frame(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        await dev.capabilities()
        sim.extensions["camera"].start -= 60  # the camera has been recording for a minute
        now = await dev.snapshot(width=320, height=240)
        past = await dev.snapshot(width=320, height=240, time=-5)
        assert now[:2] == past[:2] == b"\xff\xd8" and now != past
        with pytest.raises(InvalidValue) as info:
            await dev.snapshot(width=320, height=240, time=-31)
        assert info.value.param == "time"


def _raw(event_id: int, utc: int, uptime: int, kind: str = "KeyPressed") -> dict[str, Any]:
    return {"id": event_id, "utcTime": utc, "upTime": uptime, "event": kind,
            "tzShift": 0, "params": {}}


def test_ids_restarting_at_1_are_a_restart_and_replays_are_dropped():
    from configurator.drivers.twon.events import TwoNEventSource

    source = TwoNEventSource(None, "dev")  # type: ignore[arg-type]
    assert [e.event_id for e in source.accept(_raw(1, 1000, 0, "DeviceState"))] == [1]
    assert [e.event_id for e in source.accept(_raw(2, 1001, 1))] == [2]
    assert source.accept(_raw(1, 1000, 0, "DeviceState")) == []  # replay: same fingerprint
    assert source.accept(_raw(2, 1001, 1)) == []
    # Same id, another fingerprint (the new boot's id 1, a second later): a restart.
    out = source.accept(_raw(1, 1002, 0, "DeviceState"))
    assert [e.type for e in out] == [RESTARTED, "DeviceState"] and source.restarts == 1
    assert [e.event_id for e in source.accept(_raw(2, 1002, 0))] == [2]


def test_ids_that_keep_counting_detect_a_restart_by_uptime():
    from configurator.drivers.twon.events import TwoNEventSource

    source = TwoNEventSource(None, "dev")  # type: ignore[arg-type]
    source.accept(_raw(7, 1000, 500))
    out = source.accept(_raw(8, 1010, 3, "DeviceState"))
    assert [e.type for e in out] == [RESTARTED, "DeviceState"]
    assert source.accept(_raw(7, 1000, 500)) == []  # old boot, replayed: already delivered
    assert source.restarts == 1


async def test_source_is_live_once_subscribed_while_the_first_pull_waits(loopback):
    # A quiet intercom answers its long pull only after the pull timeout (20 s): the source is
    # subscribed, so it must say "live" at once, not "connecting" for those 20 s.
    quiet = {"pull_timeout": 20, "backoff": (0.05, 0.1, 0.2)}
    async with simulator(loopback()) as sim, device_for(sim, event_options=quiet) as dev:
        follow = Follower(dev)
        try:
            await until(lambda: SourceState.LIVE in follow.states, 3.0, "the source to be live")
            assert follow.states == [SourceState.CONNECTING, SourceState.LIVE]
            assert follow.source.channel is not None
            assert not follow.task.done()
            assert follow.events == []
        finally:
            await follow.stop()
