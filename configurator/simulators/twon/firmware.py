"""The simulator's firmware file format and the pending-upgrade state.

Assumption: real firmware images are opaque; a simulated image is any file whose first line is
``2N-FIRMWARE package=<firmwarePackage> version=<a.b.c.d.e>`` (optionally followed by
``note=<text>`` lines). :func:`make_firmware` builds one.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass

_HEADER = re.compile(rb"^2N-FIRMWARE package=([a-z0-9_-]+) version=(\d+(?:\.\d+){2,4})\r?\n")


def make_firmware(package: str, version: str, note: str = "", size: int = 4096) -> bytes:
    head = f"2N-FIRMWARE package={package} version={version}\n".encode()
    if note:
        head += b"".join(f"note={line}\n".encode() for line in note.splitlines())
    return head + bytes(max(0, size - len(head)))


def parse_firmware(data: bytes) -> tuple[str, str, str] | None:
    """(package, version, note) or None when the file is not a firmware image."""
    match = _HEADER.match(data)
    if not match:
        return None
    notes = re.findall(rb"^note=(.*)$", data[match.end():match.end() + 65536], re.MULTILINE)
    note = "\r\n".join(n.decode("utf-8", "replace") for n in notes)
    return match.group(1).decode(), match.group(2).decode(), note


@dataclass
class PendingFirmware:
    file_id: str
    version: str
    reject_timer: asyncio.TimerHandle | None = None


def new_file_id() -> str:
    return secrets.token_hex(4)
