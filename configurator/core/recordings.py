"""The call-recordings ability: a device that keeps recordings of calls (the FCM5600 PBX).

A capability by type: callers ask ``isinstance(device, CallRecordings)`` instead of probing
for methods.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

#: The call types a search can be narrowed to (the document's ``type``).
CALL_TYPES: tuple[str, ...] = ("all", "incoming", "outgoing", "internal")
#: The kinds of recordings a PBX keeps (one search and one download path each).
RECORDING_KINDS: tuple[str, ...] = ("general", "conference", "onetouch")

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")


@runtime_checkable
class CallRecordings(Protocol):
    """Search a device's call recordings and download their sound files."""

    async def recordings(self, kind: str = "general", *, extension: str = "",
                         date_from: str = "", date_to: str = "",
                         call_type: str = "all") -> list[dict[str, Any]]:
        """Recordings of ``kind``, newest first; filters by extension (calls from or to it),
        dates (``yyyy-MM-dd``, inclusive) and call type (one of :data:`CALL_TYPES`)."""
        ...

    async def download_recording(self, play_url: str) -> bytes:
        """The sound file of one recording (its ``playUrl``)."""
        ...


def safe_file_name(play_url: str) -> str:
    """A file name for a recording from its ``playUrl``: the last path element, with anything
    that is not a plain file-name character replaced (the name comes from the device)."""
    name = _UNSAFE.sub("_", play_url.rstrip("/").rsplit("/", 1)[-1]).lstrip(".")
    return name or "recording"
