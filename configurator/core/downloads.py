"""The "files on the device" ability: logs and packet captures a device lets you download.

A capability by type: callers ask ``isinstance(device, OffersFiles)``. What each file is,
its suffix and a line of help come from the driver; the window's Maintenance page shows one
button per file and ``configurator download HOST FILE --out PATH`` saves one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class DeviceFile:
    """A file the device offers for download."""

    id: str  # what the CLI names it: "syslog", "capture"...
    label: str  # what the window's button says
    suffix: str  # ".pcap", ".tgz"...
    help: str = ""


@runtime_checkable
class OffersFiles(Protocol):
    """A device with files to download (call ``capabilities()`` first)."""

    def files(self) -> Sequence[DeviceFile]:
        """The files this device offers now."""
        ...

    async def download(self, file_id: str) -> tuple[bytes, str]:
        """One of :meth:`files`: its content (bounded in size like every answer) and the
        file name the device gave it ("" when it gave none)."""
        ...


def find_file(files: Sequence[DeviceFile], file_id: str) -> DeviceFile:
    """The file named ``file_id``; ``KeyError`` naming the known ones otherwise."""
    for item in files:
        if item.id == file_id:
            return item
    known = ", ".join(f.id for f in files) or "none"
    raise KeyError(f"no file {file_id!r} on this device (available: {known})")
