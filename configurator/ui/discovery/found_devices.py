"""Discovery in the main window: the panel's defaults, and turning chosen results into site
devices (credentials asked once per vendor, then the same path as "Add device").

The panel itself is :class:`configurator.ui.discovery.discovery_panel.DiscoveryPanel`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Iterable, Sequence

from ...core.device import ActionSpec
from ...core.params import Kind, ParamSpec
from ...core.transport import Credentials
from ...discovery import DiscoveredDevice
from ...services.site import SiteDevice
from ..i18n import translate

AskCredentials = Callable[[str, Sequence[DiscoveredDevice]], Awaitable[Credentials | None]]
AddDevice = Callable[[SiteDevice, Credentials | None], Awaitable[str]]


def covering_range(addresses: Iterable[str]) -> str:
    """The smallest CIDR holding every address (the demo fleet's range: 127.0.50.0/28);
    "" when there is none."""
    ips = sorted(ipaddress.IPv4Address(a) for a in addresses)
    if not ips:
        return ""
    first, last = int(ips[0]), int(ips[-1])
    prefix = 32 - max((first ^ last).bit_length(), 0)
    # Assumption: a range of a single device still sweeps its /28 neighbourhood, like the
    # demo fleet's, so nearby simulators started later are found too.
    prefix = min(prefix, 28)
    network = ipaddress.IPv4Network((first, prefix), strict=False)
    # The sweep skips a range's network and broadcast addresses: widen until no device sits
    # on either (127.0.100.15 would be the broadcast of 127.0.100.0/28).
    while prefix > 16 and (ips[0] == network.network_address
                           or ips[-1] == network.broadcast_address):
        prefix -= 1
        network = ipaddress.IPv4Network((first, prefix), strict=False)
    return str(network)


def credentials_spec(vendor: str, count: int, user: str = "admin") -> ActionSpec:
    """The question asked once per vendor before adding discovered devices."""
    return ActionSpec(
        "discovered_credentials",
        translate("found_devices", "Credentials for {count} {vendor} device(s)").format(
            count=count, vendor=vendor),
        params=(ParamSpec("user", translate("found_devices", "User"), Kind.STRING,
                          default=user),
                ParamSpec("password", translate("found_devices", "Password"), Kind.SECRET)),
        help=translate("found_devices", "Used to log in to every selected device of this "
                       "vendor."))


def entry_for(device: DiscoveredDevice, user: str) -> SiteDevice:
    scheme = device.scheme or ("https" if device.port in (443, 8443) else "http")
    entry = SiteDevice(address=device.address, port=device.port or None, scheme=scheme,
                       driver=device.driver, user=user)
    entry.take_identity(device)
    return entry


def by_vendor(devices: Sequence[DiscoveredDevice]) -> dict[str, list[DiscoveredDevice]]:
    groups: dict[str, list[DiscoveredDevice]] = {}
    for device in devices:
        groups.setdefault(device.vendor or device.driver or "unknown", []).append(device)
    return groups


async def add_discovered(devices: Sequence[DiscoveredDevice], ask: AskCredentials,
                         add: AddDevice) -> tuple[list[str], list[str]]:
    """Add every device (credentials asked once per vendor); returns (added addresses,
    error lines). A vendor whose question is cancelled is skipped."""
    added: list[str] = []
    errors: list[str] = []
    for vendor, group in by_vendor(devices).items():
        creds = await ask(vendor, group)
        if creds is None:
            errors.extend(f"{d.address}: "
                          + translate("found_devices", "skipped (no credentials given)")
                          for d in group)
            continue
        for device in group:
            message = await add(entry_for(device, creds.user), creds)
            if message:
                errors.append(f"{device.address}: {message}")
            else:
                added.append(device.address)
    return added, errors
