"""Events of the FCM5600 by polling: extension status, trunk status and the number of calls.

The PBX has no event channel, so we poll the three status calls and turn *changes* into
:class:`DeviceEvent`s (the first poll is the baseline and yields nothing; an unchanged poll
yields nothing). Errors back off exponentially and are reported once per outage
(:class:`configurator.drivers.polling.PolledEvents`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...core.events import DeviceEvent, Severity, now_utc
from ..polling import PolledEvents
from .client import FcmClient
from .registration import extension_registration, trunk_registration

# Several registrations of one extension: the busiest state wins.
STATUS_PRIORITY = ("InUse", "Ringing", "Hold", "Idle", "Unknown", "Unavailable")


def extension_states(rows: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """extension-status rows -> {exten: aggregated statusText}."""
    states: dict[str, str] = {}
    for row in rows:
        if not isinstance(row, Mapping):
            continue  # a malformed row is skipped, the others still count
        exten, status = str(row.get("exten", "")), str(row.get("statusText") or "Unknown")
        old = states.get(exten)
        if old is None or _rank(status) < _rank(old):
            states[exten] = status
    return states


def _rank(status: str) -> int:
    return STATUS_PRIORITY.index(status) if status in STATUS_PRIORITY else len(STATUS_PRIORITY)


def trunk_states(rows: list[Mapping[str, Any]]) -> dict[str, str]:
    """Trunk name -> status, from the trunk-status rows."""
    return {f"{row.get('trunkType', '')}/{row.get('name', '')}": str(row.get("status") or "")
            for row in rows if isinstance(row, Mapping)}


@dataclass
class Snapshot:
    """What the PBX showed at one poll (extension and trunk states, newest call log id)."""

    extensions: dict[str, str] = field(default_factory=dict)
    trunks: dict[str, str] = field(default_factory=dict)
    calls: int = 0


def diff(device: str, old: Snapshot, new: Snapshot) -> list[DeviceEvent]:
    """Events for everything that changed from ``old`` to ``new``."""
    events: list[DeviceEvent] = []
    now = now_utc()
    for exten in sorted(set(old.extensions) | set(new.extensions)):
        before, after = old.extensions.get(exten), new.extensions.get(exten)
        if before != after:
            text = f"extension {exten}: {before or '(new)'} → {after or '(removed)'}"
            events.append(DeviceEvent(device, "extension.status", now, text,
                                      {"exten": exten, "old": before, "status": after},
                                      source="extension-status",
                                      registration=extension_registration(
                                          exten, after or "Unknown")))
    for trunk in sorted(set(old.trunks) | set(new.trunks)):
        before, after = old.trunks.get(trunk), new.trunks.get(trunk)
        if before != after:
            kind, _, name = trunk.partition("/")
            severity = Severity.WARNING if after in ("Rejected", "Unregistered",
                                                     "Unauthenticated") else Severity.INFO
            events.append(DeviceEvent(
                device, "trunk.status", now,
                f"{kind} trunk {name}: {before or '(new)'} → {after or '(removed)'}",
                {"trunk": name, "type": kind, "old": before, "status": after},
                severity=severity, source="trunk-status",
                registration=trunk_registration(kind, name, after or "")))
    if old.calls != new.calls:
        events.append(DeviceEvent(device, "calls.count", now,
                                  f"current calls: {old.calls} → {new.calls}",
                                  {"old": old.calls, "calls": new.calls}, source="calls"))
    return events


async def snapshot(client: FcmClient) -> Snapshot:
    """Read one :class:`Snapshot` from the PBX."""
    ext_rows, trunk_rows, calls = await asyncio.gather(
        client.extension_status(), client.trunk_status(), client.calls())
    return Snapshot(extension_states(ext_rows), trunk_states(trunk_rows), calls["calls"])


class StatusPoller:
    """Turns successive snapshots into change events (the first poll is the baseline)."""

    def __init__(self, client: FcmClient) -> None:
        self.client = client
        self._previous: Snapshot | None = None

    async def poll(self) -> list[DeviceEvent]:
        """The events since the previous poll (none on the first)."""
        current = await snapshot(self.client)
        previous, self._previous = self._previous, current
        return [] if previous is None else diff(self.client.host, previous, current)


def poll_events(client: FcmClient, *, interval: float = 2.0, max_backoff: float = 30.0
                ) -> PolledEvents:
    """Endless stream of status-change events; errors and backoff: :mod:`..polling`."""
    return PolledEvents(client.host, StatusPoller(client).poll, interval=interval,
                        max_backoff=max_backoff, source="fcm5600.poll")
