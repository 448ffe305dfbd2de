"""The licence-plate ability: an intercom that takes plate recognitions from a Licence Plate
Recognition system and keeps the pictures sent with them (2N ``lpr/licenseplate``,
``lpr/image``).

A capability by type: callers ask ``isinstance(device, ReadsPlates)`` and then
``reads_plates()``; the window's Access page lists the recognitions and shows a plate's
picture, ``configurator plates`` does the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class PlateSighting:
    """One recognition the device still has in its event log."""

    time: str  # "2027-11-06 12:23:52 UTC" ("" when the event had no time)
    plate: str
    direction: str = ""  # "entering", "leaving" or "" (not reported)
    valid: bool | None = None  # the plate belongs to a directory user (None: not reported)
    user: str = ""  # that user's uuid, when reported
    user_name: str = ""  # that user's name in the directory ("" when unknown)


@runtime_checkable
class ReadsPlates(Protocol):
    """A device that takes licence plate recognitions and keeps their pictures."""

    def reads_plates(self) -> bool:
        """True when the device has the function (call ``capabilities()`` first)."""
        ...

    async def plate_sightings(self) -> Sequence[PlateSighting]:
        """The recognitions still in the device's event log, newest first."""
        ...

    async def plate_picture(self, plate: str) -> bytes:
        """The newest picture received with ``plate`` (a JPEG); ``Rejected`` when the device
        keeps none for it."""
        ...
