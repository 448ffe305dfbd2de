"""The SQLite event journal: batching, search, retention, reopen, export."""

from __future__ import annotations

import asyncio
import csv
import json

import pytest

from configurator.core.events import Severity
from configurator.live.journal import EventJournal, JournalError

from .fakes import T0, event


def test_batches_survive_reopen_and_search(tmp_path) -> None:
    path = tmp_path / "site" / "events.sqlite"
    journal = EventJournal(path, batch_size=100)
    for i in range(1, 151):
        journal.add(event("door" if i % 2 else "phone", i, "CardEntered" if i % 10 == 0
                          else "KeyPressed", uid=f"CARD{i:04d}"))
    assert journal.pending == 50  # the first 100 were written as one batch
    assert journal.count() == 100
    journal.close()

    again = EventJournal(path)
    assert again.count() == 150
    cards = again.search(types=["CardEntered"])
    assert [e.event_id for e in cards] == list(range(10, 151, 10))
    assert cards[0].params == {"uid": "CARD0010"} and cards[0].tz_shift_min == 120
    assert cards[0].utc == event("x", 10).utc and cards[0].severity is Severity.INFO
    text = again.search(text="card0025")
    assert [(e.device, e.event_id) for e in text] == [("door", 25)]
    window = again.search(devices=["phone"], since=event("x", 20).utc, until=event("x", 26).utc)
    assert [e.event_id for e in window] == [20, 22, 24, 26]
    assert [e.event_id for e in again.search(limit=3, newest_first=True)] == [150, 149, 148]
    # LIKE wildcards typed by the user are literal
    assert again.search(text="%") == []
    again.close()


def test_retention_keeps_the_newest(tmp_path) -> None:
    journal = EventJournal(tmp_path / "e.sqlite", max_events=40, batch_size=25)
    journal.add_many(event("d", i) for i in range(1, 101))
    journal.flush()
    ids = [e.event_id for e in journal.search()]
    journal.close()
    assert ids == list(range(61, 101))


def test_export_csv_and_json_filtered(tmp_path) -> None:
    journal = EventJournal(":memory:")
    journal.add_many([event("door", 1), event("door", 2, "CardEntered", uid="AB12"),
                      event("phone", 3)])
    journal.flush()
    n_csv = journal.export_csv(tmp_path / "e.csv", devices=["door"])
    n_json = journal.export_json(tmp_path / "e.json", types=["CardEntered"])
    journal.close()
    with open(tmp_path / "e.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert n_csv == 2 and [r["id"] for r in rows] == ["1", "2"]
    assert rows[1]["details"] == "uid=AB12"
    assert rows[0]["local_time"] == "2024-05-01T10:00:01+02:00"  # tz_shift 120 min
    data = json.loads((tmp_path / "e.json").read_text())
    assert n_json == 1 and data[0]["id"] == 2 and data[0]["params"] == {"uid": "AB12"}
    assert data[0]["utc"] == (T0.replace(second=2)).isoformat()


def test_unwritable_path_is_a_typed_error(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(JournalError, match="cannot open event journal"):
        EventJournal(blocker / "sub" / "events.sqlite")


async def test_autoflush_writes_in_the_writer_thread_and_close_loses_nothing(tmp_path) -> None:
    import threading

    journal = EventJournal(tmp_path / "events.sqlite", batch_size=50, flush_interval=0.05)
    writers: list[str] = []
    write = journal._write

    def recording_write(batch):
        writers.append(threading.current_thread().name)
        return write(batch)

    journal._write = recording_write  # type: ignore[method-assign]
    journal.start_autoflush()
    for i in range(1, 121):
        journal.add(event("door", i))
    assert journal.pending == 120  # a full batch wakes the writer; add() never writes itself
    for _ in range(100):
        if journal.count() >= 100:
            break
        await asyncio.sleep(0.01)
    assert journal.count() >= 100
    assert writers and all(name.startswith("event-journal") for name in writers)
    for i in range(121, 131):
        journal.add(event("door", i))
    await journal.aclose()
    again = EventJournal(tmp_path / "events.sqlite")
    assert [e.event_id for e in again.search(limit=None)] == list(range(1, 131))
    again.close()


async def test_writer_that_cannot_keep_up_drops_the_oldest_waiting(tmp_path) -> None:
    journal = EventJournal(tmp_path / "events.sqlite", batch_size=10, max_pending=25,
                           flush_interval=10)
    journal.start_autoflush()
    journal.add_many(event("door", i) for i in range(1, 41))  # the writer has not run yet
    assert journal.pending == 25 and journal.dropped == 15
    await journal.aclose()
    again = EventJournal(tmp_path / "events.sqlite")
    assert [e.event_id for e in again.search(limit=None)] == list(range(16, 41))
    again.close()


async def test_copy_to_takes_queued_events_and_merges_without_duplicates(
        tmp_path) -> None:
    """A site saved under a new name keeps its history: everything journaled or still queued
    goes to the new file; a file that already has some of the rows gets only the others."""
    old = EventJournal(tmp_path / "a.events.sqlite", batch_size=10, flush_interval=30)
    old.start_autoflush()
    old.add_many(event("door", i) for i in range(1, 26))  # 2 batches to the writer, 5 queued
    target = tmp_path / "b.events.sqlite"
    existing = EventJournal(target)
    existing.add_many([event("door", 3), event("phone", 99)])
    existing.flush()
    existing.close()
    assert old.copy_to(target) == 24  # door 3 was there already
    old.add(event("door", 26))  # still journaled in the old file afterwards
    await old.aclose()
    moved = EventJournal(target)
    rows = moved.search()
    assert sorted((e.device, e.event_id) for e in rows) == sorted(
        [("door", i) for i in range(1, 26)] + [("phone", 99)])
    assert moved.copy_to(tmp_path / "c.events.sqlite") == 26
    moved.close()
    assert EventJournal(tmp_path / "a.events.sqlite").count() == 26
    with pytest.raises(JournalError, match="between two files"):
        EventJournal(":memory:").copy_to(target)


async def test_copy_in_the_writer_thread_keeps_every_event(tmp_path) -> None:
    """The application's copy: autoflush stopped first, batches already handed to the writer
    land before the copy, queued ones go along, later ones wait in ``take_queued``: every
    event ends up exactly once in the copy or in the hand-over."""
    old = EventJournal(tmp_path / "a.events.sqlite", batch_size=10, flush_interval=0.05)
    old.start_autoflush()
    try:
        old.add_many(event("door", i) for i in range(1, 26))
        await asyncio.sleep(0)  # the autoflush may hand a batch to the writer now
        old.add_many(event("door", i) for i in range(26, 31))
        copying = asyncio.ensure_future(old.copy_to_in_writer(tmp_path / "b.events.sqlite"))
        await asyncio.sleep(0)
        old.add(event("door", 31))  # arrives while the copy is under way
        copied = await copying
        handed_over = [e.event_id for e in old.take_queued()]
    finally:
        await old.aclose()
    moved = EventJournal(tmp_path / "b.events.sqlite")
    in_copy = [e.event_id for e in moved.search()]
    moved.close()
    assert copied == len(in_copy) >= 30
    assert sorted(in_copy + handed_over) == list(range(1, 32))
