"""In-memory event index for the event pane: append in batches, filter 100,000 rows fast.

Kept without Qt so it can be tested and benchmarked alone. Per event it keeps the fields the
filters look at in parallel lists (device, type, UTC seconds, lower-cased search text), so a
filter is one pass over plain lists; new events are checked against the current filter as they
arrive, so following a live stream never re-filters everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..core.events import DeviceEvent
from .export import details_text


@dataclass(frozen=True)
class EventFilter:
    """Every given criterion must match; ``None`` / empty means "any"."""

    devices: frozenset[str] | None = None
    types: frozenset[str] | None = None
    text: str = ""  # case-insensitive, in device, type, summary and details
    since: float | None = None  # UTC seconds, inclusive
    until: float | None = None

    @property
    def active(self) -> bool:
        return bool(self.devices is not None or self.types is not None or self.text
                    or self.since is not None or self.until is not None)


class EventStore:
    """All events the pane holds, and the indices of those the filter lets through."""

    def __init__(self, max_events: int = 500_000) -> None:
        self.max_events = max_events
        self.events: list[DeviceEvent] = []
        self.visible: list[int] = []
        self.filter = EventFilter()
        self._device: list[str] = []
        self._type: list[str] = []
        self._ts: list[float] = []
        self._hay: list[str] = []
        self.device_names: set[str] = set()
        self.type_names: set[str] = set()

    def __len__(self) -> int:
        return len(self.events)

    def append_many(self, events: Sequence[DeviceEvent]) -> int:
        """Add events; return how many of them pass the filter (appended to ``visible``)."""
        new = self.add(events)
        self.visible.extend(new)
        return len(new)

    def add(self, events: Sequence[DeviceEvent]) -> list[int]:
        """Add events; return the indices of those that pass the filter, *without* adding them
        to ``visible`` (a Qt model announces the rows first, then extends ``visible``)."""
        start = len(self.events)
        for e in events:
            self.events.append(e)
            self._device.append(e.device)
            self._type.append(e.type)
            self._ts.append(e.utc.timestamp())
            self._hay.append(f"{e.device}\n{e.type}\n{e.summary}\n{details_text(e)}".lower())
            self.device_names.add(e.device)
            self.type_names.add(e.type)
        return self._select(range(start, len(self.events)))

    def set_filter(self, flt: EventFilter) -> list[int]:
        self.filter = flt
        self.visible = self._select(range(len(self.events)))
        return self.visible

    def over_limit(self) -> int:
        return max(0, len(self.events) - self.max_events)

    def drop_oldest(self, count: int) -> None:
        """Forget the oldest ``count`` events (the caller resets its view)."""
        if count <= 0:
            return
        for column in (self.events, self._device, self._type, self._ts, self._hay):
            del column[:count]
        self.visible = self._select(range(len(self.events)))

    def visible_events(self) -> list[DeviceEvent]:
        return [self.events[i] for i in self.visible]

    def _select(self, indices: Iterable[int]) -> list[int]:
        f = self.filter
        if not f.active:
            return list(indices)
        devices, types, since, until = f.devices, f.types, f.since, f.until
        text = f.text.lower()
        dev, typ, ts, hay = self._device, self._type, self._ts, self._hay
        out: list[int] = []
        append = out.append
        for i in indices:
            if devices is not None and dev[i] not in devices:
                continue
            if types is not None and typ[i] not in types:
                continue
            if since is not None and ts[i] < since:
                continue
            if until is not None and ts[i] > until:
                continue
            if text and text not in hay[i]:
                continue
            append(i)
        return out
