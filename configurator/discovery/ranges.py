"""Which addresses to sweep: parsing user ranges, defaults from the interfaces, size limits.

``default_ranges`` is a pure function over interface data, so the choice can be tested without
touching a network; ``local_interfaces`` reads the machine's interfaces: Linux ioctls (which
also give the up/loopback flags), elsewhere - or when they fail - the portable ``ifaddr`` library
(getifaddrs on macOS/BSD, GetAdaptersAddresses on Windows).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import struct
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..core.errors import InvalidValue

# Assumption: interfaces with a bigger subnet than this (e.g. a /8 on a VPN) are swept only
# around our own address, as a /24 - a "default" sweep must stay small and fast.
WIDEST_DEFAULT_PREFIX = 22


@dataclass(frozen=True)
class InterfaceInfo:
    name: str
    address: str  # IPv4 address
    netmask: str  # dotted or prefix length as text ("255.255.255.0" or "24")
    up: bool = True
    loopback: bool = False

    @property
    def network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Interface(f"{self.address}/{self.netmask}").network


def parse_ranges(texts: Iterable[str]) -> list[ipaddress.IPv4Network]:
    """CIDRs, single addresses or ``a.b.c.d-e`` / ``a.b.c.d-a.b.c.e`` spans, comma separated too.

    Raises :class:`InvalidValue` with a one-line message on anything else.
    """
    networks: list[ipaddress.IPv4Network] = []
    for text in texts:
        for part in (p.strip() for p in str(text).split(",")):
            if part:
                networks.extend(_parse_one(part))
    return networks


def _parse_one(part: str) -> list[ipaddress.IPv4Network]:
    try:
        if "-" in part:
            first_text, last_text = (s.strip() for s in part.split("-", 1))
            first = ipaddress.IPv4Address(first_text)
            if "." not in last_text:  # 10.0.0.5-20
                last = ipaddress.IPv4Address(first_text.rsplit(".", 1)[0] + "." + last_text)
            else:
                last = ipaddress.IPv4Address(last_text)
            if last < first:
                raise InvalidValue(f"range {part!r} ends before it starts", param="ranges")
            return list(ipaddress.summarize_address_range(first, last))
        return [ipaddress.IPv4Network(part, strict=False)]
    except ValueError as exc:
        if isinstance(exc, InvalidValue):
            raise
        raise InvalidValue(
            f"{part!r} is not an IPv4 range (use 192.168.1.0/24, 192.168.1.10 or "
            "192.168.1.10-50)", param="ranges") from None


def count_addresses(networks: Sequence[ipaddress.IPv4Network]) -> int:
    return sum(len(list(_hosts_iter(n))) if n.num_addresses <= 4 else n.num_addresses - 2
               for n in collapse(networks))


def collapse(networks: Sequence[ipaddress.IPv4Network]) -> list[ipaddress.IPv4Network]:
    return list(ipaddress.collapse_addresses(networks))


def check_size(networks: Sequence[ipaddress.IPv4Network], limit: int) -> int:
    """Number of addresses to sweep; :class:`InvalidValue` when over ``limit``."""
    total = count_addresses(networks)
    if total > limit:
        raise InvalidValue(
            f"refusing to sweep {total} addresses (limit {limit}, a /16): "
            "choose smaller ranges", param="ranges")
    return total


def hosts(networks: Sequence[ipaddress.IPv4Network]) -> Iterator[str]:
    """Every host address once (network/broadcast addresses skipped for prefixes up to /30)."""
    for network in collapse(networks):
        for address in _hosts_iter(network):
            yield str(address)


def _hosts_iter(network: ipaddress.IPv4Network) -> Iterator[ipaddress.IPv4Address]:
    if network.prefixlen >= 31:
        yield from network
    else:
        yield from network.hosts()


def default_ranges(interfaces: Iterable[InterfaceInfo]) -> list[ipaddress.IPv4Network]:
    """Each up, non-loopback interface's own subnet (pure function, no I/O).

    Link-local (169.254/16) interfaces are skipped; subnets wider than /22 are narrowed to the
    /24 around the interface's own address.
    """
    chosen: list[ipaddress.IPv4Network] = []
    for iface in interfaces:
        if not iface.up or iface.loopback:
            continue
        try:
            network = iface.network
        except ValueError:
            continue
        address = ipaddress.IPv4Address(iface.address)
        if address.is_loopback or address.is_link_local or address.is_multicast:
            continue
        if network.prefixlen < WIDEST_DEFAULT_PREFIX:
            network = ipaddress.IPv4Network(f"{address}/24", strict=False)
        if network not in chosen:
            chosen.append(network)
    return collapse(chosen)


# -- reading the machine's interfaces --------------------------------------------------------

_SIOCGIFFLAGS = 0x8913
_SIOCGIFADDR = 0x8915
_SIOCGIFNETMASK = 0x891B
_IFF_UP = 0x1
_IFF_LOOPBACK = 0x8


def local_interfaces() -> list[InterfaceInfo]:
    """IPv4 interfaces of this machine (primary address of each)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(ImportError, OSError, AttributeError):
            return _linux_interfaces()
    return portable_interfaces()


def _linux_interfaces() -> list[InterfaceInfo]:
    """Linux ioctls: address, netmask and the up/loopback flags of each interface."""
    import fcntl  # Unix only: imported here so that the module imports everywhere

    found: list[InterfaceInfo] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _index, name in socket.if_nameindex():
            packed = struct.pack("256s", name.encode()[:15])
            try:
                address = socket.inet_ntoa(fcntl.ioctl(sock, _SIOCGIFADDR, packed)[20:24])
                netmask = socket.inet_ntoa(fcntl.ioctl(sock, _SIOCGIFNETMASK, packed)[20:24])
                flags = struct.unpack("H", fcntl.ioctl(sock, _SIOCGIFFLAGS, packed)[16:18])[0]
            except OSError:
                continue  # no IPv4 address
            found.append(InterfaceInfo(name, address, netmask, up=bool(flags & _IFF_UP),
                                       loopback=bool(flags & _IFF_LOOPBACK)))
    return found


def portable_interfaces(adapters: Iterable[object] | None = None) -> list[InterfaceInfo]:
    """IPv4 interfaces through ``ifaddr`` (Windows, macOS, BSD; Linux when ioctls fail).

    ``ifaddr`` lists only configured addresses and has no flags: every listed interface counts
    as up, loopback is judged by its address. ``adapters``: ``ifaddr.get_adapters()``'s result
    (tests pass their own). No library or an OS error: an empty list, never an exception.
    """
    if adapters is None:
        try:
            import ifaddr

            adapters = ifaddr.get_adapters()
        except (ImportError, OSError, ValueError):
            return []
    found: list[InterfaceInfo] = []
    for adapter in adapters:
        name = str(getattr(adapter, "nice_name", "") or getattr(adapter, "name", ""))
        for ip in getattr(adapter, "ips", ()):
            address = ip.ip
            if not isinstance(address, str):  # IPv6 entries are (address, flowinfo, scope)
                continue
            try:
                parsed = ipaddress.IPv4Address(address)
                prefix = int(ip.network_prefix)
                ipaddress.IPv4Network(f"{address}/{prefix}", strict=False)
            except ValueError:
                continue
            found.append(InterfaceInfo(name, address, str(prefix), up=True,
                                       loopback=parsed.is_loopback))
            break  # the primary address of each interface, as on Linux
    return found


def interface_addresses(interfaces: Iterable[InterfaceInfo] | None = None,
                        *, include_loopback: bool = False) -> list[str]:
    """Addresses to send multicast from (one per up interface)."""
    if interfaces is None:
        with contextlib.suppress(OSError):
            interfaces = local_interfaces()
    result = []
    for iface in interfaces or ():
        if iface.up and (include_loopback or not iface.loopback) and iface.address not in result:
            result.append(iface.address)
    return result
