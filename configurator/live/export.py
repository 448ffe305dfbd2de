"""CSV and JSON export of events (shared by the event pane and the journal)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..core.errors import ConfiguratorError
from ..core.events import DeviceEvent

CSV_COLUMNS = ("local_time", "utc", "device", "id", "type", "severity", "summary", "details",
               "source")


def details_text(event: DeviceEvent) -> str:
    """The event's parameters as ``key=value`` pairs (the pane's details column)."""
    return ", ".join(f"{k}={v}" for k, v in event.params.items())


def csv_row(event: DeviceEvent) -> dict[str, Any]:
    return {
        "local_time": event.device_local_time.isoformat(),
        "utc": event.utc.isoformat(),
        "device": event.device,
        "id": "" if event.event_id is None else event.event_id,
        "type": event.type,
        "severity": str(event.severity),
        "summary": event.summary,
        "details": details_text(event),
        "source": event.source,
    }


def write_csv(events: Iterable[DeviceEvent], path: str | Path) -> int:
    """Write events as CSV (header + one row each); return the number of rows."""
    count = 0
    try:
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for event in events:
                writer.writerow(csv_row(event))
                count += 1
    except OSError as exc:
        raise ConfiguratorError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return count


def write_json(events: Iterable[DeviceEvent], path: str | Path) -> int:
    """Write events as a JSON array of ``DeviceEvent.to_json()`` objects."""
    rows = [event.to_json() for event in events]
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, ensure_ascii=False, indent=1, default=str)
    except OSError as exc:
        raise ConfiguratorError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return len(rows)
