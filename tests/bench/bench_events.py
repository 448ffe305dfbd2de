"""Event benchmark (offscreen): 5,000 events/s into the pane, filtering 100,000, journal rate.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_events.py [seconds]``.
Events go through the EventHub (de-duplication, subscribers) into the EventPane and the
EventJournal exactly as in the application, on the qasync loop.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtWidgets import QApplication

from configurator.core.events import DeviceEvent
from configurator.live.diagnostic import percentile
from configurator.live.eventstore import EventFilter
from configurator.live.hub import EventHub
from configurator.live.journal import EventJournal
from configurator.ui.live.event_table import EventPane

T0 = datetime(2024, 5, 1, tzinfo=UTC)
TYPES = ("KeyPressed", "KeyReleased", "CardEntered", "InputChanged", "CallStateChanged")


def make_event(i: int) -> DeviceEvent:
    return DeviceEvent(device=f"door-{i % 8}", type=TYPES[i % 5],
                       utc=T0 + timedelta(milliseconds=i),
                       summary=f"{TYPES[i % 5]} #{i}", params={"key": i % 12, "n": i},
                       event_id=i, tz_shift_min=60)


async def stream_into_pane(rate: int, seconds: float, journal: EventJournal) -> None:
    hub = EventHub()
    pane = EventPane(max_events=10_000_000)
    pane.resize(1200, 500)
    pane.show()
    hub.subscribe(pane.add_event)
    hub.subscribe(journal.add)
    journal.start_autoflush()
    loop = asyncio.get_running_loop()
    lag: list[float] = []
    stop = asyncio.Event()

    async def measure() -> None:
        while not stop.is_set():
            due = loop.time() + 0.01
            await asyncio.sleep(0.01)
            lag.append(max(0.0, loop.time() - due))

    lag_task = asyncio.ensure_future(measure())
    sent = 0
    start = loop.time()
    tick = 0.01  # publish in 10 ms slices, as a burst of pulled events arrives
    while (now := loop.time()) - start < seconds:
        due = int((now - start) * rate)
        while sent < due:
            sent += 1
            hub.publish(make_event(sent))
        await asyncio.sleep(tick)
    await asyncio.sleep(0.3)
    pane.flush()
    stop.set()
    await lag_task
    shown = len(pane.model.store)
    ids = [e.event_id for e in pane.model.store.events]
    print(f"pane: {sent} events in {seconds:.0f} s ({sent / seconds:.0f}/s): {shown} in the pane, "
          f"lost {sent - shown}, in order {ids == list(range(1, sent + 1))}, "
          f"{pane.model.flushes} batched inserts")
    print(f"  GUI loop lag p99 {percentile([x * 1000 for x in lag], 99):.1f} ms, "
          f"max {max(lag) * 1000:.1f} ms")
    pane.hide()
    pane.deleteLater()


def bench_filter(n: int = 100_000) -> None:
    pane = EventPane()
    pane.add_events(make_event(i) for i in range(1, n + 1))
    pane.flush()
    cases = {
        "device": EventFilter(devices=frozenset({"door-3"})),
        "type": EventFilter(types=frozenset({"CardEntered"})),
        "text": EventFilter(text="#4242"),
        "time range": EventFilter(since=(T0 + timedelta(seconds=20)).timestamp(),
                                  until=(T0 + timedelta(seconds=40)).timestamp()),
        "all four": EventFilter(devices=frozenset({"door-2"}), types=frozenset({"CardEntered"}),
                                text="card", since=T0.timestamp(),
                                until=(T0 + timedelta(seconds=90)).timestamp()),
        "none": EventFilter(),
    }
    print(f"filter {n:,} events (model reset included):")
    for name, flt in cases.items():
        started = time.perf_counter()
        pane.model.set_filter(flt)
        ms = (time.perf_counter() - started) * 1000
        print(f"  {name:11} {ms:6.1f} ms -> {pane.model.rowCount():,} rows")
    pane.deleteLater()


def bench_journal(n: int = 200_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        journal = EventJournal(Path(tmp) / "events.sqlite", batch_size=5000)
        events = [make_event(i) for i in range(n)]
        started = time.perf_counter()
        journal.add_many(events)
        journal.flush()
        elapsed = time.perf_counter() - started
        started = time.perf_counter()
        found = journal.search(text="#4242", limit=None)
        search_ms = (time.perf_counter() - started) * 1000
        journal.close()
    print(f"journal: {n:,} inserts in {elapsed:.2f} s = {n / elapsed:,.0f} events/s "
          f"(batches of 5,000); text search over {n:,}: {search_ms:.0f} ms, {len(found)} hits")


async def main(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        journal = EventJournal(Path(tmp) / "events.sqlite")
        await stream_into_pane(5000, seconds, journal)
        await journal.aclose()
        check = EventJournal(Path(tmp) / "events.sqlite")
        print(f"  journal holds {check.count()} events after the run")
        check.close()
    bench_filter()
    bench_journal()


if __name__ == "__main__":
    app = QApplication.instance() or QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.run_until_complete(main(float(sys.argv[1]) if len(sys.argv) > 1 else 30.0))
    sys.stdout.flush()
    os._exit(0)  # skip PySide6/qasync interpreter teardown
