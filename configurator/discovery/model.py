"""What discovery produces: found devices, progress, the final summary, and the options."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..core.identity import DeviceIdentity
from ..core.transport import Credentials


class FoundBy(StrEnum):
    """How a device was seen (a device seen several ways lists them all)."""

    SWEEP = "sweep"
    MDNS = "mdns"
    SSDP = "ssdp"
    WSD = "ws-discovery"
    SIP_PNP = "sip-pnp"


@dataclass
class DiscoveredDevice(DeviceIdentity):
    """One device as discovery knows it (the identity record plus how it was seen); merged
    from every way it was seen."""

    address: str
    driver: str = ""  # registry driver id; "" when no driver recognised it
    auth_required: bool = False
    scheme: str = ""  # scheme/port the driver answered on
    port: int = 0
    open_ports: tuple[int, ...] = ()
    vendor_hint: str = ""  # from the MAC's OUI
    found_by: tuple[FoundBy, ...] = ()
    tls_fingerprint: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def identified(self) -> bool:
        return bool(self.driver)

    @property
    def key(self) -> str:
        """Stable identity for UIs: MAC, else serial, else address."""
        if self.mac:
            return f"mac:{self.mac}"
        if self.serial:
            return f"serial:{self.vendor}:{self.serial}"
        return f"addr:{self.address}"

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            **self.identity_json(),
            "driver": self.driver,
            "auth_required": self.auth_required,
            "scheme": self.scheme,
            "port": self.port,
            "open_ports": list(self.open_ports),
            "vendor_hint": self.vendor_hint,
            "found_by": [str(f) for f in self.found_by],
            **({"tls_fingerprint": self.tls_fingerprint} if self.tls_fingerprint else {}),
        }


@dataclass(frozen=True)
class DeviceFound:
    """A device was identified, or a device already reported learned something new."""

    device: DiscoveredDevice
    updated: bool = False


@dataclass(frozen=True)
class Progress:
    phase: str  # "scan", "identify", "multicast"
    done: int
    total: int
    message: str = ""


@dataclass(frozen=True)
class Summary:
    devices: tuple[DiscoveredDevice, ...]
    addresses_probed: int
    seconds: float
    cancelled: bool = False
    warnings: tuple[str, ...] = ()
    # When the last device was reported (seconds since the start): "all identified", which
    # usually comes well before ``seconds`` ("sweep finished": silent addresses timed out).
    last_found_seconds: float = 0.0
    fast_timeout: float = 0.0  # the adaptive fast-pass connect timeout the sweep ended with
    rtt_p90: float | None = None  # 90th percentile of the connect RTTs seen on the ranges
    second_pass: int = 0  # address:port pairs tried again with the long timeout
    found_in_second_pass: int = 0


DiscoveryEvent = DeviceFound | Progress | Summary

DEFAULT_PORTS: tuple[int, ...] = (80, 443)
HTTPS_PORTS: frozenset[int] = frozenset({443, 8443})


@dataclass(frozen=True)
class DiscoveryOptions:
    """What to search and how.

    ``ranges``: CIDRs or single addresses to sweep; empty means each interface's own subnet
    (computed by :func:`configurator.discovery.ranges.default_ranges`). ``sweep=False`` skips
    the active sweep (multicast only).
    """

    ranges: Sequence[str] = ()
    sweep: bool = True
    extra_ports: Sequence[int] = ()
    # The long connect timeout (second pass). The fast pass adapts to the range's RTTs:
    # max(25 ms, 8 x p90 RTT), never longer than this; adaptive_timeout=False: one pass.
    connect_timeout: float = 0.3
    adaptive_timeout: bool = True
    concurrency: int = 2048
    probe_concurrency: int = 64
    probe_timeout: float = 3.0
    max_addresses: int = 65536  # a /16 in total
    multicast: bool = False
    multicast_interfaces: Sequence[str] = ()  # interface IPv4 addresses; empty: every interface
    listen_seconds: float = 2.0  # how long multicast answers / SIP-PnP announcements are awaited
    report_unidentified: bool = True
    use_neighbour_table: bool = True
    # Tried in order, only on devices a driver already recognised as "auth required" (never
    # on unknown hosts), to read what the unauthenticated probe could not (model, firmware).
    # Either one list for every driver, or {driver id: [...], "*": [...]} so a device only
    # sees its own vendor's passwords (failed logins can lock a real device out).
    credentials: Sequence[Credentials] | Mapping[str, Sequence[Credentials]] = ()

    @property
    def ports(self) -> tuple[int, ...]:
        ports = list(DEFAULT_PORTS)
        for port in self.extra_ports:
            if port not in ports:
                ports.append(int(port))
        return tuple(ports)


def credentials_for(options: DiscoveryOptions, driver: str) -> list[Credentials]:
    """The credentials to try on a locked device of ``driver``."""
    given = options.credentials
    if isinstance(given, Mapping):
        return [*given.get(driver, ()), *given.get("*", ())]
    return list(given)


def address_sort_key(address: str) -> tuple[int, int]:
    try:
        return (0, int(ipaddress.ip_address(address)))
    except ValueError:
        return (1, 0)
