"""The event hub with fake sources (2N restarts are the 2N source's job; see the report)."""

from __future__ import annotations

import asyncio

from configurator.core.errors import AuthError, NotSupported, Unreachable
from configurator.core.events import DeviceEvent, SourceState
from configurator.live.hub import EventHub

from .fakes import FlakySource, event


async def until(predicate, timeout: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        assert loop.time() < end, "condition not reached"
        await asyncio.sleep(0.005)


async def test_reconnecting_sources_lose_and_duplicate_nothing() -> None:
    hub = EventHub(backoff=(0.001,), settle=0.01)
    got: list[DeviceEvent] = []
    hub.subscribe(got.append)
    sources = {name: FlakySource(name, 50, per_run=7) for name in ("door-a", "door-b")}
    for name, source in sources.items():
        hub.add_device(name, source)
    await until(lambda: len(got) >= 100)
    await asyncio.sleep(0.02)
    states = dict(hub.states)
    await hub.aclose()
    for name, source in sources.items():
        ids = [e.event_id for e in got if e.device == name]
        assert ids == list(range(1, 51))  # all, in order, once
        assert source.runs >= 8  # it really broke and resumed with overlap
    assert hub.duplicates >= 2 * 7 * 3 - 6
    assert states == {"door-a": (SourceState.LIVE, ""), "door-b": (SourceState.LIVE, "")}
    assert hub.states["door-a"][0] is SourceState.STOPPED


async def test_restart_event_resets_the_id_memory() -> None:
    hub = EventHub()
    got: list[DeviceEvent] = []
    hub.subscribe(got.append)
    for i in (1, 2, 3, 2):
        hub.publish(event("d", i))
    hub.publish(event("d", 0, "DeviceRestarted").__class__(
        device="d", type="DeviceRestarted", utc=event("d", 9).utc))
    for i in (1, 2):
        hub.publish(event("d", i))
    assert [(e.type, e.event_id) for e in got] == [
        ("KeyPressed", 1), ("KeyPressed", 2), ("KeyPressed", 3), ("DeviceRestarted", None),
        ("KeyPressed", 1), ("KeyPressed", 2)]


async def test_subscribe_filters_and_unsubscribe() -> None:
    hub = EventHub()
    door: list[DeviceEvent] = []
    keys: list[DeviceEvent] = []
    stop_door = hub.subscribe(door.append, devices=["door"])
    hub.subscribe(keys.append, types=["KeyPressed"])
    hub.publish(event("door", 1))
    hub.publish(event("phone", 1, "CallStateChanged"))
    stop_door()
    hub.publish(event("door", 2))
    assert [(e.device, e.event_id) for e in door] == [("door", 1)]
    assert [(e.device, e.event_id) for e in keys] == [("door", 1), ("door", 2)]


async def test_unsupported_and_auth_failures_disable_without_retry() -> None:
    hub = EventHub(backoff=(0.001,))
    calls = {"n": 0}

    def no_events():
        calls["n"] += 1
        raise NotSupported("this device has no event stream", host="phone")

    async def bad_auth():
        raise AuthError("authentication failed (check user and password)", host="door")
        yield  # pragma: no cover

    seen: list[tuple[str, SourceState, str]] = []
    hub.subscribe_state(lambda d, s, m: seen.append((d, s, m)))
    hub.add_device("phone", no_events)
    hub.add_device("door", bad_auth)
    await until(lambda: all(hub.states.get(d, (None,))[0] is SourceState.DISABLED
                            for d in ("phone", "door")))
    await asyncio.sleep(0.02)
    await hub.aclose()
    assert calls["n"] == 1
    assert ("phone", SourceState.DISABLED, "this device has no event stream") in seen
    assert ("door", SourceState.DISABLED,
            "authentication failed (check user and password)") in seen
    assert ("door", SourceState.CONNECTING, "") in seen


async def test_quiet_source_becomes_live_after_settling_and_retries_show() -> None:
    hub = EventHub(backoff=(0.01,), settle=0.02)

    async def quiet():
        await asyncio.Event().wait()
        yield  # pragma: no cover

    hub.add_device("quiet", quiet)
    await until(lambda: hub.states["quiet"][0] is SourceState.LIVE)
    flaky = FlakySource("flaky", 10, per_run=2, overlap=0)
    retry_messages: list[str] = []
    hub.subscribe_state(lambda d, s, m: retry_messages.append(m) if s is SourceState.RETRYING
                        else None)
    hub.add_device("flaky", flaky)
    await until(lambda: flaky.position == 10)
    await hub.aclose()
    assert retry_messages and retry_messages[0] == "connection reset; retrying in 0.01 s"


class _SelfRetryingSource:
    """A source that reports its own state (and so owns its retries), then gives up."""

    def __init__(self) -> None:
        self.state = SourceState.STOPPED
        self.on_state = None

    def __aiter__(self):
        return self

    async def __anext__(self) -> DeviceEvent:
        if self.on_state is not None:
            self.on_state(SourceState.RETRYING, "gone; retrying in 1 s")
        await asyncio.sleep(0)
        raise Unreachable("gone", host="door")


async def test_a_source_that_retries_itself_is_not_retried_again() -> None:
    hub = EventHub(backoff=(0.001,), settle=0.01)
    made: list[_SelfRetryingSource] = []

    def factory() -> _SelfRetryingSource:
        made.append(_SelfRetryingSource())
        return made[-1]

    hub.add_device("door", factory)
    await until(lambda: hub.states["door"][0] is SourceState.STOPPED)
    await asyncio.sleep(0.05)  # time enough for many hub retries, were there a second loop
    await hub.aclose()
    assert len(made) == 1
