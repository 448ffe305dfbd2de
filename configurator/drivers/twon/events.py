"""2N event source: ``log/subscribe`` + ``log/pull`` long-poll as a stream of DeviceEvents.

- Resumes after a reconnect by subscribing with ``include=-t`` where t covers the time since
  the last event seen (plus slack), and drops what was already delivered (by event id).
- A device restart is detected when upTime goes back while ids grow, or while ids go back
  and the boot time (utcTime - upTime) moves forward; the id memory is reset and a
  ``DeviceRestarted`` event is emitted so nothing of the new boot is dropped as a duplicate.
- An expired/unknown channel (the device forgot it: restart, ``duration`` elapsed) leads to a
  new subscription.
- An answer that is complete but malformed (not JSON, ``events`` not a list, no channel id):
  one warning line per run of them; the first one of a pull is caught up like a lost answer,
  later ones are skipped (ids they took are reported as ``EventsMissed`` once events come
  again), so a device that keeps answering garbage never loops on the same backlog. Answers
  that bring nothing new, come back at once and keep doing so (all items malformed, or empty
  without waiting) are paced by the backoff too: no request storm against a broken device.
- Errors back off 1, 2, 4, 8, 16, 30 s (:data:`~configurator.core.sourcestate.EVENT_BACKOFF`); this
  source owns its retries: it never ends on an error a retry can fix, so a consumer (the event
  hub) must not retry it again. The state is exposed as ``state`` (with ``message``) and via
  ``on_state`` (:class:`~configurator.core.sourcestate.StateHolder`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from typing import Any

from ...core.abilities import StateCallback
from ...core.backoff import Backoff, BackoffPolicy, as_policy
from ...core.errors import (
    ConfiguratorError,
    DeviceError,
    MalformedReply,
    NotSupported,
    ProtocolError,
    Rejected,
)
from ...core.events import DeviceEvent, Severity, SourceState, now_utc, utc_from_timestamp
from ...core.jsonsalvage import UndecodableItem
from ...core.sourcestate import EVENT_BACKOFF, NO_RETRY_HELPS, StateHolder
from .client import TwoNClient
from .registration import event_registration

log = logging.getLogger("configurator.drivers.twon.events")

RESUME_SLACK = 10  # seconds added to the resume window; duplicates are dropped by id
BOOT_TOLERANCE = 2  # s of noise in utcTime - upTime (both truncated to whole seconds)
MAX_TZ_SHIFT = 24 * 60  # minutes
SEEN_MEMORY = 20_000  # fingerprints of delivered events remembered for de-duplication
# Pulls in a row that came back at once with nothing new, after which the next waits (backoff).
IDLE_PULLS_ENOUGH = 3
RESTARTED = "DeviceRestarted"  # synthetic event type emitted by this source
MISSED = "EventsMissed"  # synthetic: ids the catch-up after a failed pull could not fill
# What a malformed event can raise while it is decoded: it is skipped and counted.
_BAD_EVENT = (ValueError, TypeError, KeyError, IndexError, ArithmeticError, ConfiguratorError)

# Events worth a warning/error colour; the rest are informational.
_SEVERITY: dict[str, Severity] = {
    "TamperSwitchActivated": Severity.WARNING,
    "UnauthorizedDoorOpen": Severity.WARNING,
    "DoorOpenTooLong": Severity.WARNING,
    "LoginBlocked": Severity.WARNING,
    "SilentAlarm": Severity.ERROR,
    "SwitchesBlocked": Severity.WARNING,
    "UserRejected": Severity.WARNING,
    "AccessLimited": Severity.WARNING,
    "ApLockStateChanged": Severity.WARNING,
    RESTARTED: Severity.WARNING,
    MISSED: Severity.WARNING,
}


def summarize(event: str, params: Mapping[str, Any]) -> str:
    """A one-line text for the event log view."""
    p = params
    if event == "SwitchStateChanged":
        state = "on" if p.get("state") in (True, "true", 1) else "off"
        by = f" by {p['originator']}" if p.get("originator") else ""
        return f"Switch {p.get('switch', '?')} {state}{by}"
    if event in ("InputChanged", "OutputChanged"):
        kind = "Input" if event == "InputChanged" else "Output"
        state = "active" if p.get("state") in (True, "true", 1) else "inactive"
        return f"{kind} {p.get('port', '?')} {state}"
    if event == "CallStateChanged":
        return (f"Call {p.get('session', '?')} {p.get('direction', '')} {p.get('state', '')} "
                f"{p.get('peer', '')}").strip()
    if event == "RegistrationStateChanged":
        return f"SIP account {p.get('sipAccount', '?')} {p.get('state', '')}".strip()
    if event in ("KeyPressed", "KeyReleased"):
        return f"Key {p.get('key', '?')} {'pressed' if event == 'KeyPressed' else 'released'}"
    if event in ("CardEntered", "CodeEntered", "FingerEntered", "MobKeyEntered"):
        what = event.removesuffix("Entered")
        valid = "valid" if p.get("valid") in (True, "true") else "invalid"
        ident = p.get("uid") or p.get("code") or p.get("authid") or ""
        return f"{what} {ident} {valid}".replace("  ", " ")
    if event == "DeviceState":
        return f"Device {p.get('state', '')}".strip()
    if event == "UserAuthenticated":
        return f"User {p.get('name') or p.get('uuid', '')} authenticated"
    if event == "UserRejected":
        return f"User {p.get('name') or p.get('uuid', '')} rejected ({p.get('reason', '')})"
    if event == RESTARTED:
        return "Device restarted (event ids started again)"
    if event == MISSED:
        return (f"{p.get('count', '?')} event(s) lost (ids {p.get('first', '?')}-"
                f"{p.get('last', '?')}): the device no longer had them after a failed pull")
    if "state" in p:
        return f"{event}: {p['state']}"
    return event


def to_device_event(raw: Mapping[str, Any], device: str) -> DeviceEvent:
    """Convert one pulled 2N event; ProtocolError-free: odd fields fall back to defaults."""
    given = raw.get("params")
    params: Mapping[str, Any] = given if isinstance(given, dict) else {}
    name = str(raw.get("event", "Unknown"))
    try:
        utc = utc_from_timestamp(float(raw["utcTime"]))
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        utc = now_utc()
    try:
        shift = int(raw.get("tzShift", 0))
    except (TypeError, ValueError, OverflowError):
        shift = 0
    if not -MAX_TZ_SHIFT <= shift <= MAX_TZ_SHIFT:
        shift = 0  # not a time zone: a broken or hostile reply
    return DeviceEvent(
        device=device, type=name, utc=utc, summary=summarize(name, params), params=dict(params),
        severity=_SEVERITY.get(name, Severity.INFO), event_id=_int(raw.get("id")),
        tz_shift_min=shift, source="2n-log",
        registration=event_registration(params) if name == "RegistrationStateChanged" else None,
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


class TwoNEventSource(StateHolder, AsyncIterator[DeviceEvent]):
    """Endless async iterator of DeviceEvents from one 2N device (cancel or ``aclose`` to
    stop). It retries by itself and reports its state (``on_state``), so a consumer must not
    wrap it in a retry loop of its own."""

    def __init__(
        self,
        client: TwoNClient,
        device: str,
        *,
        event_filter: Sequence[str] | None = None,
        pull_timeout: int = 20,
        channel_duration: int = 90,
        backoff: BackoffPolicy | Sequence[float] = EVENT_BACKOFF,
        on_state: StateCallback | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(device, on_state)
        self.client = client
        self.device = device
        self.event_filter = list(event_filter or [])
        self.pull_timeout = pull_timeout
        self.channel_duration = channel_duration
        self.backoff = as_policy(backoff)
        self._clock = clock
        self.channel: int | None = None
        self.last_id: int | None = None
        self.last_uptime: int | None = None
        self.boot_epoch: float | None = None  # utcTime - upTime of the current boot
        self._last_seen_at: float | None = None  # monotonic time the last event arrived
        self._subscribed_at: float | None = None  # monotonic time of the first subscription
        self.resubscriptions = 0
        self.restarts = 0
        self.skipped = 0  # malformed events dropped (each logged once)
        self.catch_ups = 0  # re-subscriptions after a pull whose answer was lost
        self.missed = 0  # event ids a catch-up could not fill (reported as MISSED events)
        self._check_gap = False  # the next new event follows a catch-up
        self.malformed = 0  # complete answers that were not what the protocol says
        self._malformed_run = 0  # ... in a row (reset by a good answer)
        self._idle_pulls = 0  # pulls in a row that came back at once with nothing new
        self._final = False  # ended on an error no retry can fix (state stays DISABLED)
        self._seen: OrderedDict[int, tuple[Any, ...]] = OrderedDict()
        self._gen: AsyncGenerator[DeviceEvent, None] | None = None
        self._inside = False  # a consumer awaits the next event right now

    # -- resuming -------------------------------------------------------------------------
    def include_for_resume(self) -> str:
        """``new`` on first subscription, else ``-t`` covering the time since the last event."""
        since = self._last_seen_at if self._last_seen_at is not None else self._subscribed_at
        if since is None:
            return "new" if self.last_id is None else f"-{RESUME_SLACK}"
        # Channel lost before (or since) the last event: everything since then is fetched
        # again; ids already delivered are dropped by accept().
        elapsed = max(0.0, self._clock() - since)
        return f"-{math.ceil(elapsed) + RESUME_SLACK}"

    # -- de-duplication and restart detection ---------------------------------------------
    def accept(self, raw: Mapping[str, Any]) -> list[DeviceEvent]:
        """Decide what to emit for one pulled event (public for unit tests).

        Every delivered event's fingerprint (utcTime, upTime, type) is remembered by id. An
        id at or below the last one is a replay (dropped) when its fingerprint matches or is
        too old to be remembered - unless it carries another fingerprint, or upTime went back
        while the boot time moved forward: then the device restarted its ids (the manual).
        With ids that keep counting, upTime going back while the id grows is a restart.
        """
        event_id, uptime = _int(raw.get("id")), _int(raw.get("upTime"))
        utc = raw.get("utcTime")
        boot = (float(utc) - uptime) if isinstance(utc, int | float) and uptime is not None \
            else None
        fingerprint = (utc, uptime, raw.get("event"))
        out: list[DeviceEvent] = []
        went_back = uptime is not None and self.last_uptime is not None \
            and uptime < self.last_uptime
        new_boot = boot is not None and self.boot_epoch is not None \
            and boot > self.boot_epoch + BOOT_TOLERANCE
        older = event_id is not None and self.last_id is not None and event_id <= self.last_id
        if older:
            known = self._seen.get(event_id)  # type: ignore[arg-type]
            restarted = (known is not None and known != fingerprint) or (went_back and new_boot)
            if not restarted:
                return []  # already delivered
        else:
            restarted = went_back
        gap = self._gap(event_id, restarted)
        if restarted:
            self.restarts += 1
            self._seen.clear()
            out.append(DeviceEvent(device=self.device, type=RESTARTED, utc=now_utc(),
                                   summary=summarize(RESTARTED, {}),
                                   severity=_SEVERITY[RESTARTED], source="2n-log"))
        if event_id is not None:
            self.last_id = event_id
            self._seen[event_id] = fingerprint
            while len(self._seen) > SEEN_MEMORY:
                self._seen.popitem(last=False)
        if uptime is not None:
            self.last_uptime = uptime
        if boot is not None:
            self.boot_epoch = boot
        self._last_seen_at = self._clock()
        if gap is not None:
            out.append(gap)
        out.append(to_device_event(raw, self.device))
        return out

    def _gap(self, event_id: int | None, restarted: bool) -> DeviceEvent | None:
        """After a catch-up, ids missing before ``event_id``: the device handed them out in
        the lost answer and no longer has them. Ids count every event of the device, so with
        a filter (or events this user may not see) they are not contiguous: no report then."""
        if not self._check_gap or event_id is None:
            return None
        self._check_gap = False
        if restarted or self.last_id is None or self.event_filter \
                or event_id <= self.last_id + 1:
            return None
        first, last = self.last_id + 1, event_id - 1
        self.missed += last - first + 1
        params = {"first": first, "last": last, "count": last - first + 1}
        log.warning("%s: %d event(s) lost after a failed pull (ids %d-%d)", self.device,
                    last - first + 1, first, last)
        return DeviceEvent(device=self.device, type=MISSED, utc=now_utc(),
                           summary=summarize(MISSED, params), params=params,
                           severity=_SEVERITY[MISSED], source="2n-log")

    # -- the loop -------------------------------------------------------------------------
    async def _subscribe(self) -> None:
        include = self.include_for_resume()
        self.channel = await self.client.log_subscribe(
            include=include, filter=self.event_filter or None, duration=self.channel_duration)
        if self._subscribed_at is None:
            self._subscribed_at = self._clock()
        if self.last_id is not None:
            self.resubscriptions += 1

    def _channel(self) -> int:
        if self.channel is None:  # _subscribe sets it or raises
            raise ProtocolError("log/subscribe gave no channel id", host=self.device)
        return self.channel

    def __aiter__(self) -> TwoNEventSource:
        return self

    async def __anext__(self) -> DeviceEvent:
        if self._gen is None:
            self._gen = self._run()
        self._inside = True
        try:
            return await self._gen.__anext__()
        finally:
            self._inside = False

    async def aclose(self) -> None:
        """End the stream (unsubscribes the channel), unless a consumer is inside it right
        now: that one ends it by being cancelled."""
        if self._gen is not None and not self._inside:
            await self._gen.aclose()

    async def _run(self) -> AsyncGenerator[DeviceEvent, None]:
        retry = self.backoff.start()  # this source owns its retries, the hub never repeats them
        self._final = False
        self.set_state(SourceState.CONNECTING)
        try:
            while True:
                pulling = False
                try:
                    if self.channel is None:
                        await self._subscribe()
                        # Subscribed: the device now keeps what happens for this channel, so
                        # the source is live even while the first long pull is still waiting.
                        self.set_state(SourceState.LIVE)
                    pulling = True
                    asked_at = self._clock()
                    batch = await self.client.log_pull(self._channel(), self.pull_timeout)
                except asyncio.CancelledError:
                    raise
                except MalformedReply as exc:
                    await self._malformed_answer(exc, pulling=pulling)
                    await asyncio.sleep(self._delay(retry, exc))
                    continue
                except Rejected as exc:
                    if self.channel is not None and _channel_lost(exc):
                        log.info("%s: event channel lost (%s); subscribing again",
                                 self.device, exc)
                        self.channel = None
                        retry.reset()
                        continue
                    await asyncio.sleep(self._delay(retry, exc))
                    continue
                except NotSupported as exc:
                    # The function is absent (error 1/2) or needs a licence (v2.11 error 5):
                    # no retry can fix that, so the source is disabled and the stream ends
                    # with the error (consumers such as the event hub stop following it).
                    self.channel = None
                    self._final = True
                    self.set_state(SourceState.DISABLED, str(exc))
                    raise
                except ConfiguratorError as exc:
                    if not isinstance(exc, DeviceError):
                        raise
                    if isinstance(exc, NO_RETRY_HELPS):
                        self.channel = None
                    elif pulling and self.channel is not None:
                        # The device may have handed events out in the answer that was lost:
                        # a pull on the same channel would never see them again. Subscribe
                        # anew with the backlog since the last event (duplicates are dropped
                        # by id), and report ids that even the backlog no longer has.
                        await self._close(keep_state=True)
                        self.catch_ups += 1
                        self._check_gap = True
                    await asyncio.sleep(self._delay(retry, exc))
                    continue
                self._malformed_run = 0
                self.set_state(SourceState.LIVE)
                delivered = 0
                for raw in batch:
                    for event in self._decode(raw):
                        delivered += 1
                        yield event
                if self._idle(delivered, asked_at):
                    await asyncio.sleep(retry.next_delay())
                else:
                    retry.reset()
        finally:
            await self._close(keep_state=self._final)

    async def _malformed_answer(self, exc: MalformedReply, *, pulling: bool) -> None:
        """One warning per run of malformed answers; the first pull of a run is caught up."""
        self.malformed += 1
        self._malformed_run += 1
        first = self._malformed_run == 1
        if pulling and self.channel is not None:
            if first:  # it may have carried events the device handed out: fetch them again
                await self._close(keep_state=True)
                self.catch_ups += 1
            self._check_gap = True  # ids a later answer skips over are reported, not lost
        if first:
            then = ("fetching its events again, then skipping such answers" if pulling
                    else "subscribing again")
            log.warning("%s: malformed event answer (%s); %s, with backoff", self.device,
                        exc.message, then)

    def _idle(self, delivered: int, asked_at: float) -> bool:
        """True when pulls keep coming back at once with nothing new (a broken device that
        does not wait, or only sends malformed items): the next one waits."""
        waited = self._clock() - asked_at >= min(1.0, self.pull_timeout / 2)
        if delivered or waited:
            self._idle_pulls = 0
            return False
        self._idle_pulls += 1
        return self._idle_pulls >= IDLE_PULLS_ENOUGH

    def _decode(self, raw: Any) -> list[DeviceEvent]:
        """The events one pulled item yields; a malformed one is skipped and counted, it never
        ends the stream."""
        try:
            if isinstance(raw, UndecodableItem):
                raise ValueError(f"not bounded JSON: {raw.reason}")
            if not isinstance(raw, dict):
                raise TypeError(f"an event is a JSON object, not {type(raw).__name__}")
            if "id" in raw and (isinstance(raw["id"], bool) or not isinstance(raw["id"], int)):
                raise ValueError(f"event id {str(raw['id'])[:20]!r} is not a number")
            return self.accept(raw)
        except _BAD_EVENT as exc:
            self.skipped += 1
            if _worth_a_line(self.skipped):  # a device sending only garbage: not a line each
                log.warning("%s: skipped a malformed event (%s: %s); %d skipped so far",
                            self.device, type(exc).__name__, str(exc)[:80], self.skipped)
            return []

    def _delay(self, retry: Backoff, exc: DeviceError) -> float:
        state = SourceState.DISABLED if isinstance(exc, NO_RETRY_HELPS) else SourceState.RETRYING
        self.set_state(state, str(exc))
        return retry.next_delay()

    async def _close(self, *, keep_state: bool = False) -> None:
        channel, self.channel = self.channel, None
        if not keep_state:
            self.set_state(SourceState.STOPPED)
        if channel is None:
            return
        with contextlib.suppress(Exception):
            async with asyncio.timeout(2.0):
                await self.client.log_unsubscribe(channel)


def _worth_a_line(count: int) -> bool:
    """The 1st, 10th, 100th ...: the log tells how many, without one line each."""
    return str(count).rstrip("0") == "1"


def _channel_lost(exc: Rejected) -> bool:
    """The device no longer knows our channel id.

    Assumption: the manual only says later pull/unsubscribe calls "end up with an error";
    we treat error 12 (invalid parameter) naming ``id`` - or any 11/12/14/15 on pull - as an
    expired/unknown channel and subscribe again.
    """
    return exc.param == "id" or exc.code in (12, 14, 15)
