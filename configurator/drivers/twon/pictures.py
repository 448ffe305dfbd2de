"""Pictures on a 2N display (``display/image`` PUT and DELETE, ``display/caps`` sizes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...core.errors import InvalidValue
from ...core.pictures import DisplayScreen, picture_format
from .client import TwoNClient


def screens_of(displays: Sequence[Mapping[str, Any]]) -> list[DisplayScreen]:
    """``display/caps`` rows as screens."""
    out = []
    for row in displays:
        name = str(row.get("display") or "")
        size = row.get("resolution") or {}
        if name:
            out.append(DisplayScreen(name, f"Display {name}", int(size.get("width") or 0),
                                     int(size.get("height") or 0)))
    return out


async def show(client: TwoNClient, screens: Sequence[DisplayScreen], screen: str,
               content: bytes, filename: str, seconds: int | None) -> None:
    """Check the file and the display name here, then PUT (the device checks the size)."""
    if screen not in {s.id for s in screens}:
        known = ", ".join(s.id for s in screens) or "none"
        raise InvalidValue(f"no display {screen!r} (available: {known})", param="display")
    picture_format(content, filename or "the picture")
    if seconds is not None and not 1 <= seconds <= 86400:
        raise InvalidValue("show the picture for 1-86400 s, or leave it until removed")
    await client.display_image_put(screen, content, filename=filename,
                                   duration_ms=None if seconds is None else seconds * 1000)
