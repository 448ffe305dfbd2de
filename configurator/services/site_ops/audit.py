"""The audit trail: every change the program makes on a device, in the site's journal.

Each change is one ``DeviceEvent`` of type ``audit`` (who: the OS user; when; device; what:
page/key or table row; old -> new; the result), so the event log shows it as its own event
type and the commissioning report lists it. Secret values are journaled masked.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from ...core.events import DeviceEvent, Severity, now_utc
from ...live.journal import EventJournal
from .results import DeviceResult, KeyChange, KeyOutcome, RowChange, value_text

AUDIT_TYPE = "audit"
SOURCE = "configurator"
MASK = "••••••"


def site_journal_path(site_path: Path) -> Path:
    """The journal next to a site file (the window's event log uses the same file)."""
    return site_path.with_name(site_path.stem + ".events.sqlite")


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name (containers, services)
        return "unknown"


def _shown(value: Any, secret: bool) -> Any:
    if secret:
        return MASK if value not in (None, "") else ""
    if isinstance(value, frozenset | set):
        return sorted(value, key=str)
    return value


class AuditTrail:
    """Writes audit events; ``journal`` None keeps them in ``events`` only (dry runs)."""

    def __init__(self, journal: EventJournal | None, *, operation: str = "",
                 user: str | None = None,
                 sink: Callable[[DeviceEvent], object] | None = None) -> None:
        self.journal = journal
        self.sink = sink  # the window: its event hub (shown in the event log, journaled)
        self.operation = operation
        self.user = user or os_user()
        self.events: list[DeviceEvent] = []

    def key_change(self, device: str, title: str, change: KeyChange,
                   when: datetime | None = None) -> DeviceEvent:
        old, new = _shown(change.old, change.secret), _shown(change.new, change.secret)
        outcome = str(change.outcome or "planned")
        what = f"{change.page}/{change.key}"
        return self._add(DeviceEvent(
            device=device, type=AUDIT_TYPE, utc=when or now_utc(),
            summary=f"{what}: {value_text(old)} -> {value_text(new)} {outcome}"
                    + (f" ({change.message})" if change.message else ""),
            params={"user": self.user, "operation": self.operation, "title": title,
                    "page": change.page, "key": change.key, "old": old, "new": new,
                    "result": outcome, "message": change.message},
            severity=Severity.INFO if change.outcome is KeyOutcome.APPLIED else Severity.WARNING,
            source=SOURCE))

    def row_change(self, device: str, title: str, change: RowChange) -> DeviceEvent:
        result = "applied" if change.ok else "rejected"
        return self._add(DeviceEvent(
            device=device, type=AUDIT_TYPE, utc=now_utc(),
            summary=f"{change.table}: {change.op} row {change.key} {result}"
                    + (f" ({change.message})" if change.message else ""),
            params={"user": self.user, "operation": self.operation, "title": title,
                    "table": change.table, "op": change.op, "row": str(change.key),
                    "result": result, "message": change.message},
            severity=Severity.INFO if change.ok else Severity.WARNING, source=SOURCE))

    def action(self, device: str, title: str, what: str, result: str, *, ok: bool,
               **params: Any) -> DeviceEvent:
        """A change that is not a key: restore, firmware, door opened for a test."""
        return self._add(DeviceEvent(
            device=device, type=AUDIT_TYPE, utc=now_utc(), summary=f"{what}: {result}",
            params={"user": self.user, "operation": self.operation, "title": title,
                    "action": what, "result": result, **params},
            severity=Severity.INFO if ok else Severity.WARNING, source=SOURCE))

    def device_result(self, result: DeviceResult, address: str) -> None:
        """Journal what a bulk apply did on one device: every key it tried to change (an
        unchanged key is no change) and every table row. Events name the device by address,
        like the device's own events in the event log."""
        for change in result.keys:
            if change.outcome is None or change.outcome in (KeyOutcome.SKIPPED,
                                                            KeyOutcome.NOT_STARTED):
                continue
            if change.outcome is KeyOutcome.APPLIED and not change.changed:
                continue
            self.key_change(address, result.title, change)
        for row in result.rows:
            if row.ok is not None and row.op != "skip":
                self.row_change(address, result.title, row)

    def record(self, event: DeviceEvent) -> DeviceEvent:
        """Any other event of the program's own work (a door test)."""
        return self._add(event)

    def _add(self, event: DeviceEvent) -> DeviceEvent:
        self.events.append(event)
        if self.journal is not None:
            self.journal.add(event)
        if self.sink is not None:
            self.sink(event)
        return event

    def flush(self) -> None:
        if self.journal is not None:
            self.journal.flush()


def record_edits(sink: Callable[[DeviceEvent], object], address: str, title: str,
                 changes: Iterable[KeyChange | RowChange], *, operation: str = "edit") -> int:
    """Audit events for what one editor page changed on one device (the window's single-
    device path); returns how many. A key that was already at its value is no change."""
    trail = AuditTrail(None, operation=operation, sink=sink)
    for change in changes:
        if isinstance(change, RowChange):
            trail.row_change(address, title, change)
        elif change.outcome is not KeyOutcome.APPLIED or change.changed:
            trail.key_change(address, title, change)
    return len(trail.events)
