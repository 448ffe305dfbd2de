"""The "picture on the intercom's display" ability (2N ``display/image``).

A capability by type: callers ask ``isinstance(device, ShowsPictures)``; the window's
Display page shows a preview and sends the picture, ``configurator picture`` does the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from .errors import InvalidValue

MAX_PICTURE_BYTES = 8 * 1024 * 1024  # far above a 1280x800 JPEG; refused before reading on

# JPEG (baseline), BMP, PNG, GIF: what the 2N documents name across models and versions.
_MAGIC = {b"\xff\xd8": "JPEG", b"BM": "BMP", b"\x89PNG": "PNG", b"GIF8": "GIF"}


@dataclass(frozen=True)
class DisplayScreen:
    """One display of a device and the picture size it shows."""

    id: str
    label: str
    width: int = 0
    height: int = 0


def picture_format(content: bytes, name: str = "the picture") -> str:
    """``"JPEG"``, ``"PNG"``, ``"BMP"`` or ``"GIF"``; one-line :class:`InvalidValue` for
    anything else, an empty file or a progressive JPEG (the displays cannot show those)."""
    if not content:
        raise InvalidValue(f"{name} is empty")
    if len(content) > MAX_PICTURE_BYTES:
        raise InvalidValue(f"{name} is larger than {MAX_PICTURE_BYTES // 2**20} MB")
    for magic, fmt in _MAGIC.items():
        if content.startswith(magic):
            if fmt == "JPEG" and b"\xff\xc2" in content[:65536]:  # SOF2: progressive
                raise InvalidValue(f"{name} is a progressive JPEG, which the display cannot "
                                   "show: save it as a baseline JPEG")
            return fmt
    raise InvalidValue(f"{name} is not a JPEG, PNG, BMP or GIF picture")


@runtime_checkable
class ShowsPictures(Protocol):
    """A device with displays that show pictures sent to them."""

    def screens(self) -> Sequence[DisplayScreen]:
        """The displays (call ``capabilities()`` first)."""
        ...

    async def show_picture(self, screen: str, content: bytes, filename: str,
                           seconds: int | None = None) -> None:
        """Show a picture: until removed (``seconds`` None) or for ``seconds``."""
        ...

    async def remove_picture(self, screen: str) -> None:
        """Remove the picture shown on ``screen``."""
        ...
