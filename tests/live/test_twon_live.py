"""Camera and events end to end against the 2N simulator and the 2N driver (real sockets)."""

from __future__ import annotations

import asyncio

from configurator.core.events import DeviceEvent, SourceState
from configurator.core.transport import Credentials, Endpoint
from configurator.drivers.registry import connect
from configurator.live.camera import CameraPipeline
from configurator.live.diagnostic import camera_diagnostic
from configurator.live.hub import EventHub
from configurator.live.sources import device_camera, past_snapshot
from configurator.simulators.twon.device import DEFAULT_PASSWORD, DEFAULT_USER, create

from .test_camera_pipeline import collect


async def open_pair(host: str):
    sim = create(host, http_port=0, https_port=None)
    await sim.start()
    device = await connect(Endpoint(host, sim.ports["http"]),
                           Credentials(DEFAULT_USER, DEFAULT_PASSWORD), driver_id="2n")
    await device.capabilities()
    return sim, device


async def test_2n_camera_frames_change(loopback) -> None:
    sim, device = await open_pair(loopback())
    try:
        pipeline = CameraPipeline(device_camera(device, fps=15, width=320, height=240))
        try:
            frames = await collect(pipeline, 4, timeout=10)
        finally:
            await pipeline.aclose()
        assert pipeline.source_label == "MJPEG"
        assert (frames[0].width, frames[0].height) == (320, 240)
        assert frames[0].rgb != frames[-1].rgb
        past = await past_snapshot(device, 2, width=320, height=240)
        assert past[:2] == b"\xff\xd8"
        report = await camera_diagnostic(device, seconds=0.8, fps=5, width=320, height=240)
        assert report["frames_decoded"] >= 2 and report["frames_received"] >= 2
        assert 2 <= report["fps"] <= 8
        assert report["latency_p95_ms"] >= report["latency_median_ms"] > 0
    finally:
        await device.aclose()
        await sim.stop()


def _key(event: DeviceEvent | dict) -> tuple[object, ...]:
    """What identifies one event of one boot: id, type and parameters."""
    if isinstance(event, DeviceEvent):
        return (event.event_id, event.type, event.params)
    return (event["id"], event["event"], event["params"])


async def _wait_for(got: list[DeviceEvent], key: tuple[object, ...], end: float) -> None:
    loop = asyncio.get_running_loop()
    while not any(_key(e) == key for e in got):
        assert loop.time() < end, [_key(e) for e in got]
        await asyncio.sleep(0.02)


async def test_2n_restart_during_event_stream_loses_and_duplicates_nothing(loopback) -> None:
    """A real reboot (listeners gone for a while, event ids from 1 again, as the manual says):
    every event of both boots' logs arrives once, in order, with one DeviceRestarted between."""
    sim, device = await open_pair(loopback())
    sim.restart_downtime = 0.3
    # A device that has been up for a while (real ones boot in tens of seconds): upTime is
    # whole seconds, so a reboot is only visible by upTime going back from above 0.
    sim.clock.boot -= 100
    device.event_options = {"pull_timeout": 1, "backoff": (0.05,)}
    hub = EventHub(backoff=(0.05,), settle=0.1)
    got: list[DeviceEvent] = []
    hub.subscribe(got.append)
    try:
        hub.add_device(device.host, device.events)
        loop = asyncio.get_running_loop()
        end = loop.time() + 15
        while hub.states[device.host][0] is not SourceState.LIVE:
            assert loop.time() < end
            await asyncio.sleep(0.02)
        first = sim.emit("CardEntered", uid="AB12", valid=True)
        for i in range(5):
            before = sim.emit("CodeEntered", code=f"12{i}", valid=False)
        await _wait_for(got, _key(before), end)
        old_boot = [e for e in sim.events_history if e["id"] >= first["id"]]
        restarts = sim.restarts
        await sim.reboot()  # returns when the device is back (upTime 0, ids from 1)
        assert sim.restarts == restarts + 1 and sim.events_history[0]["id"] == 1
        for i in range(5):
            sim.emit("KeyPressed", key=str(i))
        last = sim.emit("CardEntered", uid="CD34", valid=True)
        await _wait_for(got, _key(last), end)
        resubscriptions = device.event_source.resubscriptions
        new_boot = sim.events_history
    finally:
        await hub.aclose()
        await device.aclose()
        await sim.stop()
    assert resubscriptions >= 1  # the reboot really cut the channel
    assert new_boot[0]["event"] == "DeviceState" and last["id"] <= first["id"] + 5  # ids reused
    start = next(i for i, e in enumerate(got) if _key(e) == _key(first))
    seen = got[start:]
    marks = [i for i, e in enumerate(seen) if e.type == "DeviceRestarted"]
    assert marks == [len(old_boot)]  # one restart mark, after the old boot's last event
    # every event of both logs (startup events of the new boot included), once, in order
    assert [_key(e) for e in seen if e.type != "DeviceRestarted"] == \
        [_key(e) for e in old_boot + new_boot]


async def test_2n_source_that_cannot_connect_is_retried_by_one_loop_only(loopback) -> None:
    """The 2N log source retries by itself; the hub neither starts it again nor hides its
    state behind a 'live after settling' guess. Attempts are counted against a simulator
    that has gone away (connections refused): no more than one per backoff delay."""
    sim, device = await open_pair(loopback())
    await sim.stop()  # from now on every connection is refused
    device.event_options = {"pull_timeout": 1, "backoff": (0.05,)}
    attempts: list[float] = []
    subscribe = device.client.log_subscribe
    loop = asyncio.get_running_loop()

    async def counted_subscribe(*args, **kwargs):
        attempts.append(loop.time())
        return await subscribe(*args, **kwargs)

    device.client.log_subscribe = counted_subscribe
    made = []

    def factory():
        made.append(device.events())
        return made[-1]

    hub = EventHub(backoff=(0.05,), settle=0.1)
    states: list[SourceState] = []
    hub.subscribe_state(lambda _d, state, _m: states.append(state))
    try:
        hub.add_device(device.host, factory)
        end = loop.time() + 10
        while len(attempts) < 4:
            assert loop.time() < end
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.3)  # longer than the hub's settle time
        state, message = hub.states[device.host]
    finally:
        await hub.aclose()
        await device.aclose()
    assert len(made) == 1  # the hub never started the source again
    span = attempts[-1] - attempts[0]
    assert len(attempts) - 1 <= span / 0.05 + 1e-6  # one attempt per delay: a single loop
    assert state is SourceState.RETRYING and "cannot connect" in message, (state, message)
    assert SourceState.LIVE not in states


async def test_closing_the_device_unsubscribes_a_stream_its_consumer_left(loopback) -> None:
    """``configurator events --count 1`` stops iterating after one event: closing the device
    ends the source and unsubscribes its channel while the connection is still open."""
    sim, device = await open_pair(loopback())
    try:
        device.event_options = {"pull_timeout": 1, "backoff": (0.05,)}
        stream = device.events()
        waiting = asyncio.ensure_future(anext(stream))
        while not sim.events.channels:
            await asyncio.sleep(0.01)
        sim.emit("KeyPressed", key="1")
        first = await asyncio.wait_for(waiting, 10)
        assert first.type == "KeyPressed" and len(sim.events.channels) == 1
        await device.aclose()
        assert sim.events.channels == {}
        assert device.event_source is not None
        assert device.event_source.state is SourceState.STOPPED
    finally:
        await device.aclose()
        await sim.stop()
