"""The call-recordings ability: a device that keeps recordings of calls (the FCM5600 PBX).

A capability by type: callers ask ``isinstance(device, CallRecordings)`` instead of probing
for methods.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class CallRecordings(Protocol):
    """Search a device's call recordings and download their sound files."""

    async def recordings(self, kind: str = "general", *, extension: str = "",
                         date_from: str = "", date_to: str = "") -> list[dict[str, Any]]:
        """Recordings of ``kind``, newest first; filters by extension (calls from or to it)
        and dates (``yyyy-MM-dd``, inclusive)."""
        ...

    async def download_recording(self, play_url: str) -> bytes:
        """The sound file of one recording (its ``playUrl``)."""
        ...
