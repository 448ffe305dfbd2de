"""The downloaded original of a configuration, kept before anything is uploaded.

Files go to ``<data dir>/config-backups/`` (see :mod:`configurator.services.paths`), readable
by the user only, named after the device and the time: ``2N-IP-Verso_10.0.0.5_20261203-181500.xml``.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from ..paths import data_dir
from ..private_files import write_private

BACKUP_FOLDER = "config-backups"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def backup_dir() -> Path:
    """The folder of configuration backups (created on demand, user-only)."""
    folder = data_dir() / BACKUP_FOLDER
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def backup_name(device: str, when: datetime, suffix: str = ".xml") -> str:
    """A file name for ``device`` (a title and/or address) at ``when``."""
    stem = _UNSAFE.sub("-", device).strip("-._")[:80] or "device"
    return f"{stem}_{when.strftime('%Y%m%d-%H%M%S')}{suffix}"


def write_backup(content: bytes, device: str, *, when: datetime | None = None,
                 folder: Path | None = None) -> Path:
    """Write ``content`` as a new backup file (never over an older one) and return its path.
    ``OSError`` when it cannot be written."""
    folder = folder or backup_dir()
    when = when or datetime.now()
    name = backup_name(device, when)
    path = folder / name
    n = 2
    while path.exists():
        path = folder / name.replace(".xml", f"-{n}.xml")
        n += 1
    write_private(path, content)
    return path
