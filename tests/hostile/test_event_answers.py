"""2N event answers that are fine as HTTP but hostile as JSON (issue 12): a ``log/pull`` or
``log/subscribe`` answer with wrong types, missing fields, a poisoned event or no JSON at all.

The rules: one clear warning line per run of malformed answers, what is malformed is skipped
without losing the valid events or delivering one twice, and the source backs off instead of
looping (on the same backlog, or with requests as fast as a broken device answers them).
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from configurator.core.errors import AuthError, MalformedReply, ProtocolError, Rejected
from configurator.core.jsonsalvage import UndecodableItem
from configurator.drivers.twon.device import TwoNDevice
from configurator.drivers.twon.events import MISSED, TwoNEventSource
from configurator.drivers.twon.reply import MAX_SALVAGED_PULL, parse_pull_reply
from configurator.simulators.base import SeenRequest

from ..drivers.test_twon_lifecycle import Follower
from ..drivers.test_twon_lifecycle import until as until_within
from ..drivers.test_twon_sim import simulator, transport_for

EVENTS_LOG = "configurator.drivers.twon.events"


@contextlib.asynccontextmanager
async def device(sim, backoff: tuple[float, ...] = (0.05, 0.1, 0.2)) -> AsyncIterator[TwoNDevice]:
    dev = TwoNDevice(transport_for(sim), event_options={"pull_timeout": 1, "backoff": backoff})
    try:
        yield dev
    finally:
        await dev.aclose()


async def until(predicate, timeout: float = 15.0, what: str = "condition") -> None:
    """Generous: the suite runs on a shared, loaded machine (a pass costs no more)."""
    await until_within(predicate, timeout, what)


def keys(follow: Follower) -> list[str]:
    return [e.params.get("key") for e in follow.events if e.type == "KeyPressed"]


def warnings_of(caplog, words: str) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == EVENTS_LOG and r.levelno == logging.WARNING and words in r.getMessage()]


class Garbler:
    """Replaces the next ``count`` answers to ``path`` by ``body`` (the device did what each
    request asked); with ``news_after``, the first one replaced is the first that hands out an
    event newer than that id. Records the time of every answer it replaced."""

    def __init__(self, sim, path: str, body: bytes, *, count: int,
                 news_after: int | None = None) -> None:
        self.path, self.body, self.left = path, body, count
        self.news_after = news_after
        self.times: list[float] = []
        sim.garble_answers(self.rewrite)

    def rewrite(self, seen: SeenRequest, body: bytes) -> bytes | None:
        if seen.path != self.path or self.left == 0:
            return None
        if self.news_after is not None and not self.times:
            events = json.loads(body).get("result", {}).get("events", [])
            if not any(e["id"] > self.news_after for e in events):
                return None  # wait for an answer that hands out new events
        self.left -= 1
        self.times.append(time.monotonic())
        return self.body


HOSTILE_PULLS = {
    "events-a-string": b'{"success": true, "result": {"events": "KeyPressed"}}',
    "events-an-object": b'{"success": true, "result": {"events": {"id": 5}}}',
    "result-a-list": b'{"success": true, "result": [1, 2]}',
    "not-an-object": b'[{"success": true}]',
    "no-success-flag": b'{"result": {"events": []}}',
    "success-a-string": b'{"success": "yes", "result": {"events": []}}',
    "huge-number-flag": b'{"success": 1e999, "result": {"events": []}}',
    "not-json": b"<html>it works</html>",
    "cut-short": b'{"success": true, "result": {"events": [{"id": 1',
    "deep-envelope": b'{"success": true, "result": ' + b"[" * 5000 + b"]" * 5000 + b"}",
}


@pytest.mark.parametrize("body", HOSTILE_PULLS.values(), ids=HOSTILE_PULLS.keys())
async def test_one_malformed_pull_answer_is_reported_once_and_its_events_fetched_again(
        loopback, caplog, body: bytes) -> None:
    caplog.set_level(logging.WARNING, logger=EVENTS_LOG)
    async with simulator(loopback()) as sim, device(sim) as dev:
        follow = Follower(dev)
        await until(lambda: follow.source.channel is not None, what="subscription")
        sim.emit("KeyPressed", key="1")
        await until(lambda: keys(follow) == ["1"], what="first event")
        garbler = Garbler(sim, "/api/log/pull", body, count=1,
                          news_after=sim.events_history[-1]["id"])
        sim.emit("KeyPressed", key="2")
        sim.emit("KeyPressed", key="3")
        await until(lambda: garbler.times, what="the malformed answer")
        sim.emit("KeyPressed", key="4")
        await until(lambda: "4" in keys(follow), what="the event after it")
        source: TwoNEventSource = follow.source
        await follow.stop()
    assert keys(follow) == ["1", "2", "3", "4"]  # the two it carried: fetched again, once
    assert source.malformed == 1 and source.catch_ups == 1
    assert not follow.of(MISSED)
    lines = warnings_of(caplog, "malformed event answer")
    assert len(lines) == 1 and sim.host in lines[0], lines


POISONS = {
    "nested-70-deep": b"[" * 70 + b"]" * 70,
    "nested-50000-deep": b"[" * 50_000 + b"]" * 50_000,  # the answer stays under 128 KB
    "control-character": b'"bad\x01char"',
    "bare-word": b"Infinityx",
    "object-without-value": b'{"key": }',
}


@pytest.mark.parametrize("poison", POISONS.values(), ids=POISONS.keys())
async def test_a_poisoned_event_costs_only_itself_not_the_batch_nor_the_stream(
        loopback, caplog, poison: bytes) -> None:
    """One event's text is refused by the bounded decoder, which used to refuse the whole
    answer, then the same backlog again on every catch-up: nothing after it ever arrived."""
    caplog.set_level(logging.WARNING, logger=EVENTS_LOG)
    marker = b'"POISON-HERE"'
    async with simulator(loopback()) as sim, device(sim) as dev:
        sim.garble_answers(lambda seen, body: body.replace(marker, poison)
                           if marker in body else None)
        follow = Follower(dev)
        await until(lambda: follow.source.channel is not None, what="subscription")
        sim.emit("KeyPressed", key="1")
        await until(lambda: keys(follow) == ["1"], what="first event")
        sim.emit("KeyPressed", key="2")  # the three go out in one answer
        sim.emit("KeyPressed", key="x", extra=marker.decode().strip('"'))
        sim.emit("KeyPressed", key="3")
        await until(lambda: "3" in keys(follow), what="the events around the poisoned one")
        sim.emit("KeyPressed", key="4")
        await until(lambda: "4" in keys(follow), what="the event after them")
        source: TwoNEventSource = follow.source
        await follow.stop()
    assert keys(follow) == ["1", "2", "3", "4"]
    assert source.skipped == 1 and source.malformed == 0 and source.catch_ups == 0
    lines = warnings_of(caplog, "skipped a malformed event")
    assert len(lines) == 1 and "not bounded JSON" in lines[0], lines


async def test_a_device_that_keeps_answering_garbage_is_skipped_and_reported(
        loopback, caplog) -> None:
    """Every pull answer malformed for a while: one catch-up (not one per answer, which used
    to refetch the same backlog for ever), one warning; when the device is sane again the
    events arrive and the ids the garbage took are reported as missed."""
    caplog.set_level(logging.WARNING, logger=EVENTS_LOG)
    async with simulator(loopback()) as sim, device(sim) as dev:
        follow = Follower(dev)
        await until(lambda: follow.source.channel is not None, what="subscription")
        first = sim.emit("KeyPressed", key="1")["id"]
        await until(lambda: keys(follow) == ["1"], what="first event")
        garbler = Garbler(sim, "/api/log/pull", HOSTILE_PULLS["events-a-string"], count=6,
                          news_after=first)
        sim.emit("KeyPressed", key="2")
        await until(lambda: garbler.times, what="the first malformed answer")
        sim.emit("KeyPressed", key="3")  # handed out in a malformed answer too
        await until(lambda: garbler.left == 0, timeout=30, what="six malformed answers")
        sim.emit("KeyPressed", key="4")
        await until(lambda: "4" in keys(follow), what="the event once the device is sane")
        source: TwoNEventSource = follow.source
        await follow.stop()
    assert source.malformed == 6 and source.catch_ups == 1
    assert keys(follow) == ["1", "4"]
    missed = follow.of(MISSED)
    assert len(missed) == 1 and missed[0].params == {"first": first + 1, "last": first + 2,
                                                       "count": 2}
    assert len(warnings_of(caplog, "malformed event answer")) == 1


async def test_answers_with_only_malformed_items_coming_back_at_once_are_paced(
        loopback, caplog) -> None:
    """The envelope is fine, every item is junk and the answers come at once (the device has
    a backlog, so it does not wait): each is a success with nothing in it, which used to mean
    the next pull at once, as fast as the device answers."""
    caplog.set_level(logging.WARNING, logger=EVENTS_LOG)
    async with simulator(loopback()) as sim, device(sim, backoff=(0.2, 0.2)) as dev:
        follow = Follower(dev)
        await until(lambda: follow.source.channel is not None, what="subscription")
        for _ in range(20 * 128):  # 20 full answers waiting
            sim.emit("InputChanged", port=1, state=True)
        garbler = Garbler(sim, "/api/log/pull",
                          b'{"success": true, "result": {"events": [1, "x", null, []]}}',
                          count=8)
        source: TwoNEventSource = follow.source
        await until(lambda: source.skipped == 32, timeout=30, what="eight junk answers read")
        await follow.stop()
    assert source.skipped == 32 and source.malformed == 0
    gaps = [b - a for a, b in zip(garbler.times, garbler.times[1:], strict=False)]
    assert all(gap >= 0.18 for gap in gaps[2:]), gaps  # after 3 idle answers: 0.2 s each
    lines = warnings_of(caplog, "skipped a malformed event")
    assert len(lines) == 2, lines  # the 1st and the 10th, not 32 lines


@pytest.mark.parametrize("body", [
    b'{"success": true, "result": {"id": "abc"}}',
    b'{"success": true, "result": {"id": 1e999}}',
    b'{"success": true, "result": {}}',
    b'{"success": true, "result": {"id": true}}',
    b'{"success": true, "result": {"id": 123456789012345678901234567890}}',
    b'"subscribed"',
], ids=["id-text", "id-huge-float", "no-id", "id-bool", "id-30-digits", "not-an-object"])
async def test_a_malformed_subscription_answer_is_retried_with_backoff_and_reported_once(
        loopback, caplog, body: bytes) -> None:
    caplog.set_level(logging.WARNING, logger=EVENTS_LOG)
    async with simulator(loopback()) as sim, device(sim, backoff=(0.1, 0.2)) as dev:
        garbler = Garbler(sim, "/api/log/subscribe", body, count=3)
        follow = Follower(dev)
        await until(lambda: garbler.left == 0 and follow.source.channel is not None,
                    what="a subscription after three malformed answers")
        sim.emit("KeyPressed", key="1")
        await until(lambda: keys(follow) == ["1"], what="the event")
        await follow.stop()
    assert len(warnings_of(caplog, "malformed event answer")) == 1
    gaps = [b - a for a, b in zip(garbler.times, garbler.times[1:], strict=False)]
    assert len(gaps) == 2 and gaps[0] >= 0.09 and gaps[1] >= 0.18, gaps


def _pull_answer(body: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"content-type": "application/json"},
                          request=httpx.Request("GET", "http://door/api/log/pull"))


def test_the_good_events_of_a_broken_pull_answer_are_read_up_to_a_bound() -> None:
    good = b'{"id": 7, "event": "KeyPressed"}'
    broken = b'{"success": true, "result": {"events": [' + good + b', "\x01", ' + good + b"]}}"
    items = parse_pull_reply(_pull_answer(broken))
    assert items[0] == items[2] == {"id": 7, "event": "KeyPressed"}
    assert isinstance(items[1], UndecodableItem)
    padding = b" " * MAX_SALVAGED_PULL  # the same answer, too big to be searched
    with pytest.raises(MalformedReply, match="not JSON"):
        parse_pull_reply(_pull_answer(broken.replace(b", ", b", " + padding, 1)))


@pytest.mark.parametrize(("body", "status", "error"), [
    (b'{"success": false, "error": {"code": 12, "param": "id"}}', 200, Rejected),
    (b"<html>Unauthorized</html>", 401, AuthError),
    (b"<html>Server Error</html>", 500, ProtocolError),
    (b'{"success": true, "result": {"events": 5}}', 200, MalformedReply),
])
def test_typed_errors_of_a_pull_stay_what_they_are(body: bytes, status: int,
                                                   error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        parse_pull_reply(_pull_answer(body, status))
    assert type(caught.value) is error
