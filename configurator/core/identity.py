"""Who a device is: the one identity record shared by the drivers (``DeviceInfo``), discovery
(``DiscoveredDevice``) and the site (``SiteDevice``).

Each of those is this record plus what its layer adds (the driver's extra facts, how discovery
saw the device, how the site reaches it). The identity fields are keyword-only, so every
record is built the same way: ``DiscoveredDevice("10.0.0.5", vendor="2N", model=...)``.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any

#: The identity fields, in the order they are shown and saved.
IDENTITY_FIELDS = ("vendor", "model", "serial", "mac", "firmware", "hardware", "name")


@dataclass
class DeviceIdentity:
    """Vendor, model, serial, MAC, firmware, hardware and the device's own name."""

    _: KW_ONLY
    vendor: str = ""
    model: str = ""
    serial: str = ""
    mac: str = ""
    firmware: str = ""
    hardware: str = ""
    name: str = ""

    @property
    def identity(self) -> DeviceIdentity:
        """A plain copy of the identity fields."""
        return DeviceIdentity(**self.identity_json())

    @property
    def product(self) -> str:
        """Vendor and model for people: "2N IP Verso", not "2N 2N IP Verso"."""
        if self.vendor and self.model.lower().startswith(self.vendor.lower()):
            return self.model
        return " ".join(p for p in (self.vendor, self.model) if p)

    def take_identity(self, newer: DeviceIdentity, *, name: bool = True) -> None:
        """Take every field a newer reading knows (a non-empty value); keep the others.
        ``name=False`` keeps this record's name (a site entry's name is the user's)."""
        for key in IDENTITY_FIELDS:
            if name or key != "name":
                setattr(self, key, getattr(newer, key) or getattr(self, key))

    def fill_identity(self, other: DeviceIdentity) -> None:
        """Fill only the fields this record lacks from another sighting of the device."""
        mine = self.identity
        self.take_identity(other)
        self.take_identity(mine)

    def identity_json(self) -> dict[str, Any]:
        """The identity fields as JSON values."""
        return {key: getattr(self, key) for key in IDENTITY_FIELDS}
