"""Merge sightings of the same device (sweep, mDNS, SSDP, WS-Discovery, SIP-PnP) into one.

Identity, strongest first: MAC, then vendor + serial, then address. Two records are the same
device when any of these match; the merged record keeps every non-empty field, preferring
values from a driver's fingerprint over multicast announcements. A MAC never joins two
different serials (several devices behind one MAC: proxy ARP, a bridge or NAT), and a MAC
that the neighbour table lists for several addresses is not used at all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .model import DiscoveredDevice, address_sort_key
from .oui import safe_mac, vendor_hint


def same_device(a: DiscoveredDevice, b: DiscoveredDevice) -> bool:
    if a.mac and b.mac:
        # Two MACs decide, whatever the addresses say - unless the serials contradict them.
        return a.mac == b.mac and not _different_serials(a, b)
    if a.serial and b.serial and a.vendor.lower() == b.vendor.lower():
        return a.serial == b.serial
    return a.address == b.address


def _different_serials(a: DiscoveredDevice, b: DiscoveredDevice) -> bool:
    """Both carry a serial, they differ, and they are comparable: same vendor, or both were
    read by a driver (announcements may spell the vendor differently)."""
    if not (a.serial and b.serial) or a.serial == b.serial:
        return False
    return a.vendor.lower() == b.vendor.lower() or bool(a.driver and b.driver)


def combine(old: DiscoveredDevice, new: DiscoveredDevice) -> DiscoveredDevice:
    """One record from two sightings of the same device."""
    primary, secondary = (new, old) if new.identified and not old.identified else (old, new)
    merged = replace(primary, details={**secondary.details, **primary.details})
    merged.fill_identity(secondary)
    for name in ("driver", "scheme", "tls_fingerprint", "vendor_hint"):
        if not getattr(merged, name):
            setattr(merged, name, getattr(secondary, name))
    if not merged.port:
        merged.port = secondary.port
    if primary.identified:
        merged.auth_required = primary.auth_required
    else:
        merged.auth_required = primary.auth_required or secondary.auth_required
    merged.open_ports = tuple(sorted(set(old.open_ports) | set(new.open_ports)))
    merged.found_by = tuple(dict.fromkeys(old.found_by + new.found_by))
    return merged


def finish(device: DiscoveredDevice, neighbours: dict[str, str] | None = None) -> None:
    """Fill the MAC from the neighbour table and the vendor hint from its OUI (in place).

    A neighbour MAC shared by several addresses belongs to whatever answers ARP for all of
    them (a proxy-ARP router, a bridge, one interface with many addresses), not to a device:
    it is left out, so it cannot merge distinct devices.
    """
    device.mac = safe_mac(device.mac) if device.mac else ""
    if not device.mac and neighbours:
        mac = neighbours.get(device.address, "")
        if mac and mac not in shared_macs(neighbours):
            device.mac = mac
    if device.mac and not device.vendor_hint:
        device.vendor_hint = vendor_hint(device.mac)


def shared_macs(neighbours: dict[str, str]) -> set[str]:
    """MACs the neighbour table lists for more than one address."""
    return {mac for mac, count in Counter(neighbours.values()).items() if count > 1}


class Merger:
    """Keeps the merged device list; ``add`` says whether a sighting is new or an update."""

    def __init__(self) -> None:
        self._devices: list[DiscoveredDevice] = []

    def add(self, sighting: DiscoveredDevice) -> tuple[DiscoveredDevice, bool, bool]:
        """Merge a sighting: (merged device, is_new, changed).

        A sighting can match several earlier records (e.g. one known by MAC, one by
        address); they are folded into the first one.
        """
        matches = [known for known in self._devices if same_device(known, sighting)]
        if not matches:
            self._devices.append(sighting)
            return sighting, True, True
        first = matches[0]
        merged = first
        for other in matches[1:]:
            merged = combine(merged, other)
        merged = combine(merged, sighting)
        index = next(i for i, known in enumerate(self._devices) if known is first)
        self._devices[index] = merged
        self._devices = [d for d in self._devices if not any(d is m for m in matches[1:])]
        return merged, False, merged != first

    @property
    def devices(self) -> list[DiscoveredDevice]:
        return sorted(self._devices, key=lambda d: address_sort_key(d.address))


def merge_all(sightings: list[DiscoveredDevice]) -> list[DiscoveredDevice]:
    merger = Merger()
    for sighting in sightings:
        merger.add(sighting)
    return merger.devices
