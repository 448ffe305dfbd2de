"""The event journal keeps every field of an event; files holding configuration or history
are readable by the user only (Low finding: backups, journal and window.ini were 0644)."""

from __future__ import annotations

import dataclasses
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from configurator.core.events import DeviceEvent, Severity
from configurator.live.journal import EventJournal
from configurator.services import paths


@pytest.mark.parametrize("event_id", [7, "door-12-2026-01-01T10:00:00", None])
def test_journal_round_trip_keeps_every_event_field(tmp_path: Path, event_id) -> None:
    event = DeviceEvent(
        device="10.0.0.5", type="CardEntered", utc=datetime(2026, 1, 2, 3, 4, 5, 678000, UTC),
        summary="Card 4BD9 invalid", params={"uid": "4BD9", "valid": False, "n": [1, 2]},
        severity=Severity.WARNING, event_id=event_id, tz_shift_min=-90, source="2n-log")
    journal = EventJournal(tmp_path / "events.sqlite")
    try:
        journal.add(event)
        journal.flush()
        (back,) = journal.search()
    finally:
        journal.close()
    for name in (f.name for f in dataclasses.fields(DeviceEvent)):
        assert getattr(back, name) == getattr(event, name), name


def test_journal_file_is_private(tmp_path: Path) -> None:
    journal = EventJournal(tmp_path / "site" / "events.sqlite")
    journal.close()
    assert stat.S_IMODE((tmp_path / "site" / "events.sqlite").stat().st_mode) == 0o600


def test_config_directory_and_its_files_are_private(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(paths.ENV_CONFIG_DIR, str(tmp_path / "cfg"))
    base = paths.config_dir()
    assert stat.S_IMODE(base.stat().st_mode) == 0o700  # window.ini and the rest live here
    paths.atomic_write_text(base / "site.json", "{}")
    assert stat.S_IMODE((base / "site.json").stat().st_mode) == 0o600
