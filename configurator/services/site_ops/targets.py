"""Which devices of a site an operation targets, and how each is opened.

A selector is a comma-separated list of terms, their union: ``all``, ``tag:NAME``,
``model:TEXT``, ``vendor:TEXT``, ``driver:ID`` or one device by name, address, ``host:port``,
serial or MAC. A term that matches nothing is an error (a typo must not shrink a bulk change
silently).
"""

from __future__ import annotations

from ...core.device import Device
from ...core.errors import InvalidValue
from ...core.transport import PinStore
from ..site import Site, SiteDevice
from .credentials import SiteCredentials


def select(site: Site, selector: str | None) -> list[SiteDevice]:
    """The site's devices the selector names, in site order (all of them when None)."""
    if not site.devices:
        raise InvalidValue(f"the site {site.name!r} has no devices (add some with `site add`)")
    if selector is None or not selector.strip():
        return list(site.devices)
    chosen: set[int] = set()
    for term in (t.strip() for t in selector.split(",")):
        if not term:
            continue
        found = [i for i, d in enumerate(site.devices) if matches(d, term)]
        if not found:
            raise InvalidValue(f"no device of the site matches {term!r}")
        chosen.update(found)
    return [d for i, d in enumerate(site.devices) if i in chosen]


def matches(device: SiteDevice, term: str) -> bool:
    kind, sep, value = term.partition(":")
    value_l = value.strip().lower()
    if term.lower() == "all":
        return True
    if sep and kind.lower() == "tag":
        return value_l in (t.lower() for t in device.tags)
    if sep and kind.lower() == "model":
        return bool(value_l) and value_l in device.model.lower()
    if sep and kind.lower() == "vendor":
        return value_l == device.vendor.lower()
    if sep and kind.lower() == "driver":
        return value_l == device.driver.lower()
    wanted = term.lower()
    names = {device.name.lower(), device.address.lower(), device.key.lower(),
             device.serial.lower(), _mac(device.mac)}
    return wanted in names - {""} or _mac(term) == _mac(device.mac) != ""


def _mac(text: str) -> str:
    digits = "".join(c for c in text.lower() if c in "0123456789abcdef")
    return digits if len(digits) == 12 else ""


def device_index(site: Site, device: SiteDevice) -> int:
    """1-based position of the device in the site file (the ``{index}`` placeholder)."""
    for n, entry in enumerate(site.devices, start=1):
        if entry is device:
            return n
    raise InvalidValue(f"{device.title} is not part of the site")


async def open_device(entry: SiteDevice, credentials: SiteCredentials,
                      pins: PinStore | None = None) -> Device:
    """Connect to a site device with its credentials (its recorded driver: no probing)."""
    from ...drivers.registry import connect

    return await connect(entry.endpoint, credentials.for_device(entry),
                         driver_id=entry.driver or None, pins=pins)
