"""Polled event source of an Onetouch intercom (the API has no push channel).

Each poll reads the door log, the call log, relay and input levels and SIP registration. The
first successful poll is the baseline (nothing is reported for what already existed); later
polls report only new log rows (by ID, date and time, so a cleared log whose IDs restart is
still handled) and changed levels/states. Errors, backoff and the stream's state are handled by
:class:`configurator.drivers.polling.PolledEvents` (``poll.error`` once per failure streak,
``poll.recovered`` once).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from ...core.errors import ProtocolError, Rejected
from ...core.events import DeviceEvent, Severity, now_utc
from ..polling import PolledEvents
from .client import OnetouchClient
from .registration import account_registration

SIP_STATES = {"-1": "unknown", "0": "disabled", "1": "registering", "2": "registered",
              "3": "registration failed"}


def _row_time(row: dict[str, str]) -> datetime:
    # Assumption: the device clock runs in UTC (the logs carry no time zone).
    try:
        stamp = datetime.strptime(f"{row.get('Date', '')} {row.get('Time', '')}",
                                  "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return now_utc()
    return stamp.replace(tzinfo=UTC)


def _row_id(log_name: str, row: dict[str, str]) -> str:
    """Event id of a log row: ID plus date and time, because a cleared log may start its IDs
    again and the event hub de-duplicates by id."""
    return f"{log_name}-{row.get('ID', '')}-{row.get('Date', '')}T{row.get('Time', '')}"


class LogTracker:
    """Remembers which rows of a log were seen; returns only new ones."""

    def __init__(self, limit: int = 5000) -> None:
        self._seen: set[tuple[str, str, str]] = set()
        self._order: deque[tuple[str, str, str]] = deque()
        self._limit = limit

    def new_rows(self, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        """The rows not seen before (by their ID)."""
        fresh = []
        for row in rows:
            if not isinstance(row, dict):
                continue  # a malformed row is skipped, the others still count
            signature = (row.get("ID", ""), row.get("Date", ""), row.get("Time", ""))
            if signature in self._seen:
                continue
            self._seen.add(signature)
            self._order.append(signature)
            fresh.append(row)
        while len(self._order) > self._limit:
            self._seen.discard(self._order.popleft())
        return fresh


class OnetouchPoller:
    """Polls the door and call logs and the relay, input and SIP states into events."""

    def __init__(self, client: OnetouchClient, *, interval: float = 2.0,
                 max_backoff: float = 30.0) -> None:
        self.client = client
        self.interval = interval
        self.max_backoff = max_backoff
        self._door = LogTracker()
        self._calls = LogTracker()
        self._levels: dict[str, Any] = {}
        self._accounts: dict[str, dict[str, str]] = {}
        self._baseline = False

    @property
    def host(self) -> str:
        """The intercom's address (for messages)."""
        return self.client.host

    def _event(self, type_: str, summary: str, params: dict[str, Any], *,
               utc: datetime | None = None, event_id: str | None = None,
               severity: Severity = Severity.INFO, source: str = "") -> DeviceEvent:
        return DeviceEvent(self.host, type_, utc or now_utc(), summary, params, severity,
                           event_id, source=source)

    async def _optional(self, read: Callable[[], Awaitable[Any]]) -> Any:
        try:
            return await read()
        except (Rejected, ProtocolError):
            return None  # the model lacks this function

    async def poll(self) -> list[DeviceEvent]:
        """One poll: the events since the previous one (none on the first)."""
        c = self.client
        doors = await self._optional(c.doorlog_get) or []
        calls = await self._optional(c.calllog_get) or []
        levels: dict[str, Any] = {}
        for reader in (c.relay_status, c.input_status):
            levels |= await self._optional(reader) or {}
        sip = await self._optional(c.sip_status) or {}
        for account, status in sip.items():
            levels[account] = status.get("Status", "")
        self._accounts = sip
        new_doors, new_calls = self._door.new_rows(doors), self._calls.new_rows(calls)
        previous, self._levels = self._levels, levels
        if not self._baseline:
            self._baseline = True
            return []
        events = [self._door_event(r) for r in new_doors]
        events += [self._call_event(r) for r in new_calls]
        events += [self._level_event(k, previous.get(k), v) for k, v in levels.items()
                   if k in previous and previous[k] != v]
        return events

    def _door_event(self, row: dict[str, str]) -> DeviceEvent:
        ok = row.get("Status", "0") in ("0", "Success")
        who = row.get("Name") or row.get("Code") or row.get("Type", "")
        summary = f"door {'opened' if ok else 'refused'}: {row.get('Type', '')} {who}".strip()
        return self._event("door.open" if ok else "door.denied", summary, dict(row),
                           utc=_row_time(row), event_id=_row_id("door", row),
                           severity=Severity.INFO if ok else Severity.WARNING, source="doorlog")

    def _call_event(self, row: dict[str, str]) -> DeviceEvent:
        kind = row.get("Type", "Unknow")
        summary = f"call {kind.lower()}: {row.get('Name') or row.get('Num', '')}"
        return self._event(f"call.{kind.lower()}", summary, dict(row), utc=_row_time(row),
                           event_id=_row_id("call", row), source="calllog")

    def _level_event(self, key: str, old: Any, new: Any) -> DeviceEvent:
        if key.startswith("Account"):
            state = SIP_STATES.get(str(new), str(new))
            event = self._event("sip.registration", f"SIP {key}: {state}",
                                {"account": key, "status": new, "previous": old},
                                severity=Severity.WARNING if str(new) == "3" else Severity.INFO,
                                source="sip")
            record = account_registration(key, self._accounts.get(key, {"Status": str(new)}))
            return replace(event, registration=record)
        kind = "relay" if key.startswith("Relay") else "input"
        return self._event(f"{kind}.changed", f"{key} {old} -> {new}",
                           {kind: key[-1], "level": new, "previous": old}, source=kind)

    def run(self) -> PolledEvents:
        """The endless event stream (state, backoff and error reports: :mod:`..polling`)."""
        return PolledEvents(self.host, self.poll, interval=self.interval,
                            max_backoff=self.max_backoff, source="onetouch.poll")
