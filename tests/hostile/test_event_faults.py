"""Fault injection into the 2N event stream (finding 6): a ``log/pull`` answer lost after the
device handed its events out; a malformed event among good ones (finding 8)."""

from __future__ import annotations

from typing import Any

from configurator.drivers.twon.events import MISSED, TwoNEventSource
from configurator.simulators.base import SeenRequest

from ..drivers.test_twon_lifecycle import Follower, until
from ..drivers.test_twon_sim import device_for, simulator


def lose_the_pull_that_carries_news(sim, *, forget: bool = False) -> dict[str, Any]:
    """Drop the connection after the first ``log/pull`` that hands out events emitted from now
    on; with ``forget`` the device's log also loses them (nothing left to catch up)."""
    state: dict[str, Any] = {"lost": 0, "after": sim.events_history[-1]["id"]}

    def matches(request: SeenRequest) -> bool:
        if request.path != "/api/log/pull" or state["lost"]:
            return False
        if sim.events_history[-1]["id"] <= state["after"]:
            return False  # nothing new to hand out yet
        state["lost"] += 1
        if forget:
            kept = [e for e in sim.events.history if e["id"] <= state["after"]]
            sim.events.history.clear()
            sim.events.history.extend(kept)
        return True

    sim.lose_answers(matches)
    return state


def keys(follow: Follower) -> list[str]:
    return [e.params.get("key") for e in follow.events if e.type == "KeyPressed"]


async def test_a_lost_pull_answer_is_caught_up_without_loss_or_duplicates(loopback) -> None:
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        follow = Follower(dev)
        await until(lambda: follow.source.channel is not None, what="subscription")
        sim.emit("KeyPressed", key="1")
        await until(lambda: keys(follow) == ["1"], what="first event")
        lost = lose_the_pull_that_carries_news(sim)
        sim.emit("KeyPressed", key="2")
        sim.emit("KeyPressed", key="3")
        await until(lambda: lost["lost"] == 1, what="the lost answer")
        sim.emit("KeyPressed", key="4")
        await until(lambda: "4" in keys(follow), what="the event after the loss")
        source: TwoNEventSource = follow.source
        await follow.stop()
    assert keys(follow) == ["1", "2", "3", "4"]  # none lost, none twice
    assert source.catch_ups == 1 and source.missed == 0
    assert not [e for e in follow.events if e.type == MISSED]


async def test_events_the_device_no_longer_has_are_reported_not_silently_lost(loopback) -> None:
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        follow = Follower(dev)
        await until(lambda: follow.source.channel is not None, what="subscription")
        first = sim.emit("KeyPressed", key="1")["id"]
        await until(lambda: keys(follow) == ["1"], what="first event")
        lost = lose_the_pull_that_carries_news(sim, forget=True)
        sim.emit("KeyPressed", key="2")
        sim.emit("KeyPressed", key="3")
        await until(lambda: lost["lost"] == 1, what="the lost answer")
        sim.emit("KeyPressed", key="4")
        await until(lambda: "4" in keys(follow), what="the event after the loss")
        await follow.stop()
    assert keys(follow) == ["1", "4"]
    missed = [e for e in follow.events if e.type == MISSED]
    assert len(missed) == 1 and missed[0].severity == "warning"
    assert missed[0].params == {"first": first + 1, "last": first + 2, "count": 2}
    assert follow.source.missed == 2


async def test_malformed_events_are_skipped_and_counted_never_ending_the_stream(
        loopback) -> None:
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        follow = Follower(dev)
        await until(lambda: follow.source.channel is not None, what="subscription")
        sim.emit("KeyPressed", key="1")
        sim.emit("KeyPressed", key="bad-id")["id"] = float("inf")  # "Infinity" on the wire
        sim.emit("KeyPressed", key="huge-id")["id"] = "12x"
        odd = sim.emit("KeyPressed", key="2")
        odd["upTime"], odd["utcTime"], odd["tzShift"] = 10 ** 400, 1e308, 1e300
        for channel in sim.events.channels.values():
            channel.queue.append(["not", "an", "event"])
        sim.emit("KeyPressed", key="3")
        await until(lambda: "3" in keys(follow), what="the events after the bad ones")
        source: TwoNEventSource = follow.source
        await follow.stop()
    assert keys(follow) == ["1", "2", "3"]
    assert source.skipped == 3
    two = next(e for e in follow.events if e.params.get("key") == "2")
    assert two.tz_shift_min == 0
