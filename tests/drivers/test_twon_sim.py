"""2N driver against the 2N simulator over real sockets on loopback addresses."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from configurator.core.device import WriteOutcome
from configurator.core.errors import (
    AuthError,
    InsecureConnectionRequired,
    InvalidValue,
    NotSupported,
    PermissionDenied,
    Rejected,
    ServiceDisabled,
)
from configurator.core.events import SourceState
from configurator.core.transport import Credentials, Endpoint, MemoryPinStore, Transport
from configurator.drivers.registry import connect
from configurator.drivers.twon import create, probe
from configurator.drivers.twon.client import TwoNClient
from configurator.drivers.twon.device import TwoNDevice
from configurator.simulators.twon import device as sim_module
from configurator.simulators.twon.security import ApiUser, ServiceSecurity

USER, PASSWORD = "admin", "2n-Demo-1"
FAST_EVENTS = {"pull_timeout": 1, "backoff": (0.05, 0.1, 0.2)}


@contextlib.asynccontextmanager
async def simulator(host: str, **options):
    sim = sim_module.create(host, **{"http_port": 0, "https_port": None,
                                     "restart_downtime": 0.2, **options})
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


def transport_for(sim, *, scheme: str = "http", user: str = USER, password: str = PASSWORD,
                  auth: str = "auto", pins: MemoryPinStore | None = None) -> Transport:
    creds = Credentials(user, password) if user else None
    return Transport(Endpoint(sim.host, sim.ports[scheme], scheme), creds, auth=auth,
                     pins=pins)


@contextlib.asynccontextmanager
async def device_for(sim, event_options=None, **kwargs):
    transport = transport_for(sim, **kwargs)
    device = TwoNDevice(transport, event_options=event_options or FAST_EVENTS)
    try:
        yield device
    finally:
        await device.aclose()


async def next_event(events, wanted: str, timeout: float = 5.0):
    async def scan():
        async for event in events:
            if event.type == wanted:
                return event
        raise AssertionError("event stream ended")
    return await asyncio.wait_for(scan(), timeout)


# -- identification --------------------------------------------------------------------------
async def test_probe_and_read_info_with_digest(loopback):
    async with simulator(loopback()) as sim:
        transport = transport_for(sim)
        found = await probe(transport)
        assert found is not None and found.driver == "2n" and not found.auth_required
        assert found.info.model == "2N IP Verso" and found.info.serial == sim.profile.serial
        device = create(transport, found)
        info = await device.read_info()
        assert info.firmware == sim.sw_version
        await device.client.switch_caps()  # system/info needs no login; this does
        assert transport.auth is not None and transport.auth.chosen == "digest"
        await device.aclose()


async def test_registry_connect_and_probe_without_credentials(loopback):
    async with simulator(loopback()) as sim:
        anonymous = transport_for(sim, user="")
        found = await probe(anonymous)
        await anonymous.aclose()
        assert found is not None and found.driver == "2n"
        device = await connect(Endpoint(sim.host, sim.port), Credentials(USER, PASSWORD))
        try:
            assert isinstance(device, TwoNDevice)
            assert (await device.read_info()).model == "2N IP Verso"
        finally:
            await device.aclose()


async def test_wrong_password_is_auth_error(loopback):
    async with simulator(loopback()) as sim:
        client = TwoNClient(transport_for(sim, password="wrong"))
        with pytest.raises(AuthError):
            await client.switch_status()
        # system/info answers "regardless of the set access rights" (manual 5.1.1): the device
        # is still recognised, with its model, whatever the password
        found = await probe(client.transport)
        assert found is not None and found.info.model == "2N IP Verso"
        await client.transport.aclose()


async def test_system_info_answers_without_credentials_but_other_functions_do_not(loopback):
    async with simulator(loopback()) as sim:
        anonymous = TwoNClient(transport_for(sim, user=""))
        found = await probe(anonymous.transport)
        assert found is not None and not found.auth_required
        assert (found.info.model, found.info.serial) == ("2N IP Verso", sim.profile.serial)
        with pytest.raises(AuthError):
            await anonymous.switch_status()
        await anonymous.transport.aclose()


async def test_basic_and_none_authentication(loopback):
    security = {"switch": ServiceSecurity(auth="basic"), "io": ServiceSecurity(auth="none")}
    async with simulator(loopback(), security=security) as sim:
        client = TwoNClient(transport_for(sim))
        assert len(await client.switch_caps()) >= 1
        assert client.transport.auth.chosen == "basic"
        await client.transport.aclose()
        anonymous = TwoNClient(transport_for(sim, user=""))
        assert await anonymous.io_caps()
        with pytest.raises(AuthError):
            await anonymous.switch_caps()
        await anonymous.transport.aclose()


async def test_basic_sent_to_a_digest_service_is_error_8(loopback):
    async with simulator(loopback()) as sim:
        client = TwoNClient(transport_for(sim, auth="basic"))
        with pytest.raises(AuthError) as info:
            await client.switch_caps()
        assert info.value.code == 8
        await client.transport.aclose()


async def test_https_with_pinning(loopback):
    security = {"switch": ServiceSecurity(connection="https")}
    async with simulator(loopback(), https_port=0, security=security) as sim:
        plain = TwoNClient(transport_for(sim))
        with pytest.raises(InsecureConnectionRequired) as info:
            await plain.switch_status()
        assert info.value.code == 7 and "HTTPS" in str(info.value)
        await plain.transport.aclose()
        pins = MemoryPinStore()
        secure = TwoNClient(transport_for(sim, scheme="https", pins=pins))
        assert len(await secure.switch_status()) >= 1
        assert secure.transport.pinned_fingerprint is not None
        await secure.transport.aclose()


async def test_disabled_service_and_missing_privilege(loopback):
    users = [ApiUser(USER, PASSWORD),
             ApiUser.with_grants("viewer", "View-pass-1", ["switches:control"])]
    security = {"io": ServiceSecurity(enabled=False)}
    async with simulator(loopback(), security=security, users=users) as sim:
        client = TwoNClient(transport_for(sim))
        with pytest.raises(ServiceDisabled) as info:
            await client.io_status()
        assert info.value.code == 4
        await client.transport.aclose()
        viewer = TwoNClient(transport_for(sim, user="viewer", password="View-pass-1"))
        with pytest.raises(PermissionDenied) as denied:
            await viewer.system_status()
        assert denied.value.code == 10
        await viewer.transport.aclose()


async def test_parameter_errors_name_the_parameter(loopback):
    async with simulator(loopback()) as sim:
        client = TwoNClient(transport_for(sim))
        with pytest.raises(Rejected) as info:
            await client.switch_ctrl(99, "on")
        assert info.value.code == 12 and info.value.param == "switch"
        with pytest.raises(Rejected) as missing:
            await client.call("switch/ctrl", {"switch": 1})
        assert missing.value.code == 11 and missing.value.param == "action"
        from configurator.drivers.twon.reply import parse_json_reply
        response = await client.transport.request("GET", "/api/nonexistent")
        with pytest.raises(NotSupported) as path:
            parse_json_reply(response, function="nonexistent")
        assert path.value.code == 2
        await client.transport.aclose()


async def test_v211_without_licence_reports_licence_required(loopback):
    async with simulator(loopback(), model="vario") as sim:
        device = TwoNDevice(transport_for(sim))
        with pytest.raises(NotSupported) as info:
            await device.client.switch_status()
        assert info.value.code == 5 and "licence required" in str(info.value)
        caps = await device.capabilities()
        assert "switches" not in caps and "events" not in caps
        assert (await device.read_info()).model == sim.profile.variant
        await device.aclose()


# -- system, switches, io --------------------------------------------------------------------
async def test_system_functions(loopback):
    async with simulator(loopback()) as sim:
        client = TwoNClient(transport_for(sim))
        status = await client.system_status()
        assert status["upTime"] >= 0 and status["systemTime"] > 1_600_000_000
        options = await client.system_caps()
        assert options.get("switches", "").startswith("active")
        await client.system_time_set(1_700_000_000)
        assert abs((await client.system_time())["utcTime"] - 1_700_000_000) <= 2
        restarts = sim.restarts
        await client.system_restart()
        await asyncio.sleep(0.15)
        assert sim.restarts == restarts + 1
        await client.transport.aclose()


async def test_switch_actions_change_state(loopback):
    async with simulator(loopback()) as sim:
        client = TwoNClient(transport_for(sim))
        await client.switch_ctrl(1, "on")
        assert (await client.switch_status(1))[0]["active"] is True
        await client.switch_ctrl(1, "lock")
        with pytest.raises(Rejected) as info:
            await client.switch_ctrl(1, "on")
        assert info.value.code == 14
        await client.switch_ctrl(1, "unlock")
        await client.switch_ctrl(1, "hold")
        assert (await client.switch_status(1))[0]["held"] is True
        await client.switch_ctrl(1, "release")
        text = await client.switch_ctrl(1, "off", response="DONE")
        assert text == "DONE"
        status = (await client.switch_status(1))[0]
        assert (status["active"], status["held"], status["locked"]) == (False, False, False)
        await client.transport.aclose()


async def test_io_functions(loopback):
    async with simulator(loopback()) as sim:
        client = TwoNClient(transport_for(sim))
        ports = await client.io_caps()
        output = next(p["port"] for p in ports if p["type"] == "output")
        await client.io_ctrl(output, "on")
        state = {p["port"]: p["state"] for p in await client.io_status()}
        assert state[output] in (1, True)
        assert await client.io_ctrl(output, "off", response="") == ""
        state = {p["port"]: p["state"] for p in await client.io_status(output)}
        assert state[output] in (0, False)
        await client.transport.aclose()


# -- the Device interface --------------------------------------------------------------------
async def test_device_capabilities_pages_and_time_write(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as device:
        caps = await device.capabilities()
        assert {"system", "switches", "io", "events"} <= caps
        page_ids = [p.id for p in device.pages()]
        assert "switches" in page_ids and "events" in page_ids and "time" in page_ids
        values = await device.read_page("switches")
        assert values["switch.1.mode"] in ("monostable", "bistable")
        report = await device.write_page("time", {"time.utcTime": 1_700_000_000,
                                                  "time.source": "ntp"})
        results = report.by_key()
        assert results["time.utcTime"].outcome is WriteOutcome.APPLIED
        # read-only in the spec: not sent, reported as such (the one write contract)
        assert results["time.source"].outcome is WriteOutcome.READ_ONLY
        assert abs(sim.clock.utc() - 1_700_000_000) <= 2


async def test_device_actions_open_door_and_switch(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as device:
        await device.capabilities()
        ids = {a.id for a in device.actions()}
        assert {"open_door", "switch_hold", "switch_lock", "restart",
                "factory_reset"} <= ids
        assert device.action("restart").dangerous
        await device.run_action("switch_hold", {"switch": 1})
        assert (await device.client.switch_status(1))[0]["held"] is True
        await device.run_action("switch_release", {"switch": 1})
        await device.run_action("open_door", {"switch": 1})
        assert (await device.client.switch_status(1))[0]["active"] is True
        with pytest.raises(InvalidValue):
            await device.run_action("switch_on", {"switch": 42})


async def test_call_raw(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as device:
        assert await device.call_raw("switch/ctrl", {"switch": "1", "action": "on"}) == {}
        status = await device.call_raw("/api/switch/status", {"switch": "1"})
        assert status["switches"][0]["active"] is True
        assert await device.call_raw("switch/ctrl", {"switch": "1", "action": "off",
                                                     "response": "ok"}) == "ok"
        with pytest.raises(NotSupported):
            await device.call_raw("switch/explode", {})


# -- events ----------------------------------------------------------------------------------
async def test_switch_ctrl_produces_switch_state_changed(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as device:
        states: list[SourceState] = []
        events = device.events()
        device.event_source.on_state = lambda state, reason: states.append(state)
        waiter = asyncio.ensure_future(next_event(events, "SwitchStateChanged"))
        while device.event_source.channel is None:
            await asyncio.sleep(0.01)
        await device.client.switch_ctrl(2, "on")
        event = await waiter
        assert event.params["switch"] == 2 and event.params["state"] is True
        assert event.summary.startswith("Switch 2 on")
        assert SourceState.LIVE in states
        await events.aclose()
        assert device.event_source.state is SourceState.STOPPED


async def test_reconnect_resumes_without_loss_or_duplicates(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as device:
        events = device.events()
        source = device.event_source
        received: list = []

        async def collect():
            async for event in events:
                received.append(event)

        task = asyncio.ensure_future(collect())
        while source.channel is None:
            await asyncio.sleep(0.01)
        sim.emit("KeyPressed", key="1")
        while not received:
            await asyncio.sleep(0.01)
        sim.events.close_all()  # the device forgets the channel (expiry)
        for key in "234":
            sim.emit("KeyPressed", key=key)  # happen while we are not subscribed
        await asyncio.sleep(0.05)
        sim.emit("KeyPressed", key="5")
        deadline = asyncio.get_running_loop().time() + 5
        while len([e for e in received if e.type == "KeyPressed"]) < 5:
            assert asyncio.get_running_loop().time() < deadline, received
            await asyncio.sleep(0.02)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        keys = [e.params["key"] for e in received if e.type == "KeyPressed"]
        assert keys == ["1", "2", "3", "4", "5"]
        ids = [e.event_id for e in received]
        assert len(ids) == len(set(ids))
        assert source.resubscriptions >= 1


async def test_restart_is_detected(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as device:
        events = device.events()
        source = device.event_source
        sim.clock.boot -= 100  # the device has been up for a while
        waiter = asyncio.ensure_future(next_event(events, "DeviceRestarted"))
        while source.channel is None:
            await asyncio.sleep(0.01)
        sim.emit("KeyPressed", key="1")
        while source.last_id is None:
            await asyncio.sleep(0.01)
        await device.client.system_restart()
        restarted = await waiter
        assert restarted.severity == "warning"
        startup = await next_event(events, "DeviceState")
        assert startup.params == {"state": "startup"}
        assert source.restarts == 1
        await events.aclose()


async def test_event_source_backs_off_when_device_is_gone(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as device:
        events = device.events()
        source = device.event_source
        states: list[SourceState] = []
        source.on_state = lambda state, reason: states.append(state)
        consumer = asyncio.ensure_future(next_event(events, "never", timeout=10))
        while source.channel is None:
            await asyncio.sleep(0.01)
        await sim.stop()
        while SourceState.RETRYING not in states:
            await asyncio.sleep(0.02)
        consumer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await consumer
        assert source.state in (SourceState.RETRYING, SourceState.STOPPED)
