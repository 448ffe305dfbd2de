"""The event journal: every event in a SQLite file per site, so history survives restarts.

Inserts are batched: ``add`` only appends to a list; ``flush`` (called by the autoflush task every
``flush_interval`` seconds, when ``batch_size`` events are waiting, and on close) writes them in
one transaction. A retention limit keeps the newest ``max_events`` rows.

Searching and exporting filter by device, type, free text (summary and details) and time range.
Assumption: the journal is small enough per batch (a few thousand rows, a few ms) to be written
on the event loop thread; sqlite3 connections are thread-bound and the GUI never waits long.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.errors import ConfiguratorError
from ..core.events import DeviceEvent, Severity, utc_from_timestamp
from .export import write_csv, write_json

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    device TEXT NOT NULL,
    event_id TEXT,
    type TEXT NOT NULL,
    utc REAL NOT NULL,
    tz_shift INTEGER NOT NULL DEFAULT 0,
    severity TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    params TEXT NOT NULL DEFAULT '{}',
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_utc ON events (utc);
CREATE INDEX IF NOT EXISTS events_device ON events (device, utc);
"""
DEFAULT_MAX_EVENTS = 1_000_000

log = logging.getLogger("configurator.live.journal")


class JournalError(ConfiguratorError):
    """The journal file cannot be opened, read or written."""


class EventJournal:
    """SQLite event journal at ``path`` (one file per site; ``":memory:"`` for tests)."""

    def __init__(self, path: str | Path, *, max_events: int = DEFAULT_MAX_EVENTS,
                 batch_size: int = 2000, flush_interval: float = 1.0) -> None:
        self.path = str(path)
        self.max_events = max_events
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self._pending: list[DeviceEvent] = []
        self._task: asyncio.Task[None] | None = None
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise JournalError(f"cannot open event journal {self.path}: {exc}") from exc

    # -- writing --------------------------------------------------------------------------
    def add(self, event: DeviceEvent) -> None:
        """Queue one event (use as an EventHub subscriber)."""
        self._pending.append(event)
        if len(self._pending) >= self.batch_size:
            self.flush()

    def add_many(self, events: Iterable[DeviceEvent]) -> None:
        self._pending.extend(events)
        if len(self._pending) >= self.batch_size:
            self.flush()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> int:
        """Write the queued events in one transaction and apply the retention limit."""
        batch, self._pending = self._pending, []
        if not batch:
            return 0
        rows = [(e.device, None if e.event_id is None else str(e.event_id), e.type,
                 e.utc.timestamp(), e.tz_shift_min, str(e.severity), e.summary,
                 json.dumps(e.params, default=str, ensure_ascii=False), e.source)
                for e in batch]
        try:
            with self._db:
                self._db.executemany(
                    "INSERT INTO events (device, event_id, type, utc, tz_shift, severity, "
                    "summary, params, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
                self._trim()
        except sqlite3.Error as exc:
            self._pending = batch + self._pending
            raise JournalError(f"cannot write event journal {self.path}: {exc}") from exc
        return len(rows)

    def _trim(self) -> None:
        (count,) = self._db.execute("SELECT COUNT(*) FROM events").fetchone()
        excess = count - self.max_events
        if excess > 0:
            self._db.execute(
                "DELETE FROM events WHERE seq IN (SELECT seq FROM events ORDER BY seq LIMIT ?)",
                (excess,))

    def start_autoflush(self) -> None:
        """Flush every ``flush_interval`` seconds on the running loop until ``close``."""
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._autoflush())

    async def _autoflush(self) -> None:
        while True:
            await asyncio.sleep(self.flush_interval)
            try:
                self.flush()
            except JournalError as exc:  # the events stay queued; try again next time
                log.warning("%s", exc)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.close()

    def close(self) -> None:
        with contextlib.suppress(JournalError):
            self.flush()
        self._db.close()

    # -- reading --------------------------------------------------------------------------
    def count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def search(
        self,
        *,
        devices: Sequence[str] | None = None,
        types: Sequence[str] | None = None,
        text: str = "",
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = 10_000,
        newest_first: bool = False,
    ) -> list[DeviceEvent]:
        """Events matching every given filter (text: case-insensitive in summary/details/type)."""
        where: list[str] = []
        args: list[Any] = []
        if devices:
            where.append(f"device IN ({','.join('?' * len(devices))})")
            args.extend(devices)
        if types:
            where.append(f"type IN ({','.join('?' * len(types))})")
            args.extend(types)
        if text:
            where.append("(summary LIKE ? ESCAPE '\\' OR params LIKE ? ESCAPE '\\' "
                         "OR type LIKE ? ESCAPE '\\')")
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") \
                + "%"
            args.extend([pattern] * 3)
        if since is not None:
            where.append("utc >= ?")
            args.append(since.timestamp())
        if until is not None:
            where.append("utc <= ?")
            args.append(until.timestamp())
        sql = "SELECT device, event_id, type, utc, tz_shift, severity, summary, params, source " \
              "FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq " + ("DESC" if newest_first else "ASC")
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        try:
            return [_row_event(row) for row in self._db.execute(sql, args)]
        except sqlite3.Error as exc:
            raise JournalError(f"cannot read event journal {self.path}: {exc}") from exc

    def export_csv(self, path: str | Path, **filters: Any) -> int:
        return write_csv(self.search(limit=None, **filters), path)

    def export_json(self, path: str | Path, **filters: Any) -> int:
        return write_json(self.search(limit=None, **filters), path)


def _row_event(row: tuple[Any, ...]) -> DeviceEvent:
    device, event_id, type_, utc, tz_shift, severity, summary, params, source = row
    try:
        parsed = json.loads(params)
    except ValueError:
        parsed = {}
    try:
        sev = Severity(severity)
    except ValueError:
        sev = Severity.INFO
    if event_id is not None and event_id.lstrip("-").isdigit():
        event_id = int(event_id)
    return DeviceEvent(device=device, type=type_, utc=utc_from_timestamp(utc), summary=summary,
                       params=parsed if isinstance(parsed, dict) else {}, severity=sev,
                       event_id=event_id, tz_shift_min=int(tz_shift), source=source)
