"""The event journal: every event in a SQLite file per site, so history survives restarts.

Inserts are batched: ``add`` only appends to a list. With ``start_autoflush`` (the application)
a writer thread writes them in one transaction every ``flush_interval`` seconds or as soon as
``batch_size`` events are waiting: sqlite3 releases the GIL while it works, so the GUI loop does
not stall on a flush (a 5,000-row flush on the loop thread was the 91 ms worst case of the event
benchmark). Without it, ``flush`` writes on the caller's thread (scripts, tests). One lock
serialises every use of the connection. A retention limit keeps the newest ``max_events`` rows.
Assumption: at most ``max_pending`` events wait for the writer; past that (the disk cannot keep
up) the oldest waiting ones are dropped from the journal, counted in ``dropped`` and logged.

Searching and exporting filter by device, type, free text (summary and details) and time range.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
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
DEFAULT_MAX_PENDING = 500_000

log = logging.getLogger("configurator.live.journal")


class JournalError(ConfiguratorError):
    """The journal file cannot be opened, read or written."""


class EventJournal:
    """SQLite event journal at ``path`` (one file per site; ``":memory:"`` for tests)."""

    def __init__(self, path: str | Path, *, max_events: int = DEFAULT_MAX_EVENTS,
                 batch_size: int = 2000, flush_interval: float = 1.0,
                 max_pending: int = DEFAULT_MAX_PENDING) -> None:
        self.path = str(path)
        self.max_events = max_events
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_pending = max_pending
        self.dropped = 0
        self._pending: list[DeviceEvent] = []
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._writer: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()  # the connection is used by the writer thread too
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            if self.path != ":memory:":
                os.chmod(self.path, 0o600)  # history: the user's only (SQLite gives its
                # -wal and -shm files the same mode)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            (self._count,) = self._db.execute("SELECT COUNT(*) FROM events").fetchone()
        except (sqlite3.Error, OSError) as exc:
            raise JournalError(f"cannot open event journal {self.path}: {exc}") from exc

    # -- writing --------------------------------------------------------------------------
    def add(self, event: DeviceEvent) -> None:
        """Queue one event (use as an EventHub subscriber)."""
        self._pending.append(event)
        if len(self._pending) >= self.batch_size:
            self._batch_ready()

    def add_many(self, events: Iterable[DeviceEvent]) -> None:
        self._pending.extend(events)
        if len(self._pending) >= self.batch_size:
            self._batch_ready()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _batch_ready(self) -> None:
        if self._wake is not None and self._task is not None and not self._task.done():
            self._wake.set()  # the writer thread takes it
            if len(self._pending) > self.max_pending:
                excess = len(self._pending) - self.max_pending
                del self._pending[:excess]
                self.dropped += excess
                log.warning("event journal %s cannot keep up: %d events not journaled",
                            self.path, excess)
        else:
            self.flush()

    def flush(self) -> int:
        """Write the queued events in one transaction on this thread (and apply retention)."""
        batch, self._pending = self._pending, []
        try:
            return self._write(batch)
        except JournalError:
            self._pending = batch + self._pending
            raise

    def _write(self, batch: list[DeviceEvent]) -> int:
        if not batch:
            return 0
        with self._lock:
            return self._write_locked(batch)

    def _write_locked(self, batch: list[DeviceEvent]) -> int:
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
                self._trim(len(rows))
        except sqlite3.Error as exc:
            raise JournalError(f"cannot write event journal {self.path}: {exc}") from exc
        return len(rows)

    def _trim(self, added: int) -> None:
        self._count += added
        excess = self._count - self.max_events
        if excess > 0:
            self._db.execute(
                "DELETE FROM events WHERE seq IN (SELECT seq FROM events ORDER BY seq LIMIT ?)",
                (excess,))
            self._count -= excess

    def start_autoflush(self) -> None:
        """Write in the writer thread every ``flush_interval`` s (or per full batch)."""
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            if self._writer is None:
                self._writer = ThreadPoolExecutor(max_workers=1,
                                                  thread_name_prefix="event-journal")
            self._task = asyncio.ensure_future(self._autoflush())

    async def _autoflush(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._wake is not None
        while True:
            # Not asyncio.wait_for: with it (Python 3.11) a cancel of this task was seen to
            # leave it "cancelling" inside wait_for for good, and whoever awaited it (aclose,
            # copy_to_in_writer) waited forever. asyncio.wait passes a cancel straight on.
            waiter = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({waiter}, timeout=self.flush_interval)
            finally:
                waiter.cancel()
            self._wake.clear()
            batch, self._pending = self._pending, []
            try:
                await loop.run_in_executor(self._writer, self._write, batch)
            except JournalError as exc:  # the events stay queued; try again next time
                self._pending = batch + self._pending
                log.warning("%s", exc)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.close()

    def close(self) -> None:
        """Write what is queued (after any write in flight) and close the file."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
        with contextlib.suppress(JournalError):
            self.flush()
        with self._lock:
            self._db.close()

    def copy_to(self, path: str | Path) -> int:
        """Write what is queued, then merge every event of this journal into the journal file
        at ``path`` (created when missing; rows it already has are not added twice); returns
        how many rows were added. Used when a site is saved under a new name: its history goes
        along. Waits for a write in flight first, so nothing queued is left behind. On this
        thread: the application uses ``copy_to_in_writer`` (200,000 rows took 0.4 s)."""
        target = self._copy_target(path)
        if self._writer is not None:
            self._writer.submit(lambda: None).result()  # the writer's batch in flight is done
        batch = self._take_pending()
        try:
            return self._copy(target, batch)
        except JournalError:
            self._pending = batch + self._pending
            raise

    async def copy_to_in_writer(self, path: str | Path) -> int:
        """``copy_to`` without stalling the event loop: the autoflush stops (batches it already
        handed to the writer thread land first), the queued events go along, and the copy
        runs in the writer thread. Events added meanwhile stay queued here (``take_queued``);
        on failure everything is queued again and the autoflush restarts."""
        target = self._copy_target(path)
        had_autoflush = self._task is not None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        batch = self._take_pending()
        try:
            if self._writer is None:
                return self._copy(target, batch)
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._writer, self._copy, target, batch)
        except JournalError:
            self._pending = batch + self._pending
            if had_autoflush:
                self.start_autoflush()
            raise

    def take_queued(self) -> list[DeviceEvent]:
        """The events queued and not written yet, handed to the caller (no longer ours)."""
        return self._take_pending()

    def _copy_target(self, path: str | Path) -> str:
        target = str(path)
        if target == self.path or target == ":memory:" or self.path == ":memory:":
            raise JournalError("a journal can only be copied between two files")
        return target

    def _copy(self, target: str, batch: list[DeviceEvent]) -> int:
        EventJournal(target, max_events=self.max_events).close()  # schema, WAL
        columns = "device, event_id, type, utc, tz_shift, severity, summary, params, source"
        with self._lock:
            self._write_locked(batch)
            try:
                self._db.execute("ATTACH DATABASE ? AS target", (target,))
                try:
                    with self._db:
                        added = self._db.execute(
                            f"INSERT INTO target.events ({columns}) SELECT {columns} "
                            "FROM main.events AS s WHERE NOT EXISTS (SELECT 1 FROM "
                            "target.events AS t WHERE t.device = s.device AND t.utc = s.utc "
                            "AND t.type = s.type AND t.summary = s.summary "
                            "AND t.event_id IS s.event_id) ORDER BY s.seq").rowcount
                finally:
                    self._db.execute("DETACH DATABASE target")
            except sqlite3.Error as exc:
                raise JournalError(f"cannot copy event journal to {target}: {exc}") from exc
        return max(0, added)

    def _take_pending(self) -> list[DeviceEvent]:
        batch, self._pending = self._pending, []
        return batch

    # -- reading --------------------------------------------------------------------------
    def count(self) -> int:
        with self._lock:
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
            with self._lock:
                rows = self._db.execute(sql, args).fetchall()
            return [_row_event(row) for row in rows]
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
