"""Multicast discovery: mDNS, SSDP and WS-Discovery queries on every interface, plus the
SIP-PnP listener; answers become :class:`DiscoveredDevice` sightings.

One UDP socket per interface address (``IP_MULTICAST_IF``) sends the three queries; the
answers come back unicast to that socket and are told apart by their content.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
import time
from collections.abc import AsyncIterator, Callable, Sequence

from ..core.errors import ProtocolError
from . import mdns, sippnp, ssdp, wsd
from .model import DiscoveredDevice, FoundBy
from .oui import safe_mac

log = logging.getLogger("configurator.discovery.multicast")

RESEND_AFTER = 0.25  # queries are sent twice: UDP may be lost


def multicast_socket(interface_address: str, *, bind_address: str | None = None,
                     bind_port: int = 0) -> socket.socket:
    """UDP socket that sends multicast out of the interface with ``interface_address``
    (bound to that address unless ``bind_address`` is given)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setblocking(False)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface_address))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 2)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    sock.bind((bind_address or interface_address, bind_port))
    return sock


def group_socket(group: str, port: int, interface_addresses: Sequence[str]) -> socket.socket:
    """UDP socket receiving ``group:port`` on every given interface (shared with others)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setblocking(False)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if hasattr(socket, "SO_REUSEPORT"):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((group, port))  # Linux: only this group's datagrams
        joined = 0
        for address in interface_addresses:
            mreq = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton(address))
            try:
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
                joined += 1
            except OSError as exc:
                log.debug("cannot join %s on %s: %s", group, address, exc)
        if not joined:
            raise OSError(f"could not join {group} on any interface")
    except OSError:
        sock.close()
        raise
    return sock


class _Receiver(asyncio.DatagramProtocol):
    def __init__(self, handle: Callable[[bytes, str], None]) -> None:
        self.handle = handle

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:  # type: ignore[override]
        try:
            self.handle(data, addr[0])
        except ProtocolError as exc:
            log.debug("ignored datagram from %s: %s", addr[0], exc)

    def error_received(self, exc: Exception) -> None:
        log.debug("multicast socket error: %s", exc)


# -- answers -> sightings ------------------------------------------------------------------

def sightings_from_datagram(data: bytes, source: str) -> list[DiscoveredDevice]:
    """Classify an answer (SSDP, WS-Discovery or mDNS) and turn it into sightings."""
    head = data[:16].lstrip()
    if head.startswith(b"HTTP/1."):
        return [_from_ssdp(ssdp.parse_response(data), source)]
    if head.startswith(b"<"):
        return [_from_wsd(match, source) for match in wsd.parse_probe_matches(data)]
    if head.startswith(b"SUBSCRIBE"):
        return [from_pnp(sippnp.parse_subscribe(data, source))]
    message = mdns.parse(data)
    if not message.is_response:
        return []
    return [_from_mdns(item, source) for item in mdns.services_in(message)]


def _from_ssdp(answer: dict[str, str], source: str) -> DiscoveredDevice:
    port = int(answer["port"]) if answer["port"].isdigit() else 0
    return DiscoveredDevice(
        address=answer["host"] or source, port=port, found_by=(FoundBy.SSDP,),
        details={k: answer[k] for k in ("server", "usn", "location") if answer[k]})


def _from_wsd(match: dict[str, object], source: str) -> DiscoveredDevice:
    def text(key: str) -> str:
        value = match.get(key, "")
        return value if isinstance(value, str) else ""

    return DiscoveredDevice(
        address=text("host") or source, vendor=text("manufacturer"), model=text("hardware"),
        name=text("name"), serial=text("serial"), mac=safe_mac(text("mac")),
        firmware=text("firmware"), found_by=(FoundBy.WSD,),
        details={"xaddrs": " ".join(match.get("xaddrs", []))})  # type: ignore[arg-type]


def _from_mdns(item: mdns.ServiceInstance, source: str) -> DiscoveredDevice:
    txt = item.txt
    return DiscoveredDevice(
        address=item.address or source, port=item.port,
        vendor=txt.get("vendor", txt.get("manufacturer", "")),
        model=txt.get("model", txt.get("product", "")),
        serial=txt.get("serial", txt.get("sn", "")), mac=safe_mac(txt.get("mac", "")),
        firmware=txt.get("fw", txt.get("firmware", txt.get("version", ""))),
        name=item.instance.split("._", 1)[0], found_by=(FoundBy.MDNS,),
        details={"service": item.service})


def from_pnp(announcement: sippnp.PnpAnnouncement) -> DiscoveredDevice:
    return DiscoveredDevice(
        address=announcement.address, vendor=announcement.vendor, model=announcement.model,
        firmware=announcement.firmware, mac=announcement.mac, found_by=(FoundBy.SIP_PNP,),
        details={"user_agent": announcement.user_agent} if announcement.user_agent else {})


# -- the run ---------------------------------------------------------------------------------

def queries() -> list[tuple[bytes, tuple[str, int]]]:
    return [
        (mdns.build_query(), (mdns.MDNS_GROUP, mdns.MDNS_PORT)),
        (ssdp.build_msearch(), (ssdp.SSDP_GROUP, ssdp.SSDP_PORT)),
        *((probe, (wsd.WSD_GROUP, wsd.WSD_PORT)) for probe in wsd.build_probes()),
    ]


async def multicast_sightings(interface_addresses: Sequence[str], seconds: float,
                              *, listen_sip_pnp: bool = True) -> AsyncIterator[DiscoveredDevice]:
    """Query on every interface and listen ``seconds`` for answers and SIP-PnP announcements."""
    loop = asyncio.get_running_loop()
    found: asyncio.Queue[DiscoveredDevice] = asyncio.Queue()

    def handle(data: bytes, source: str) -> None:
        for sighting in sightings_from_datagram(data, source):
            found.put_nowait(sighting)

    transports: list[asyncio.DatagramTransport] = []
    try:
        for address in interface_addresses:
            try:
                sock = multicast_socket(address)
            except OSError as exc:
                log.warning("no multicast on %s: %s", address, exc)
                continue
            transport, _ = await loop.create_datagram_endpoint(lambda: _Receiver(handle),
                                                               sock=sock)
            transports.append(transport)
        if listen_sip_pnp:
            try:
                sock = group_socket(sippnp.SIP_PNP_GROUP, sippnp.SIP_PORT, interface_addresses)
                transport, _ = await loop.create_datagram_endpoint(lambda: _Receiver(handle),
                                                                   sock=sock)
                transports.append(transport)
            except OSError as exc:
                log.warning("SIP-PnP listener unavailable: %s", exc)
        senders = [t for t in transports if t.get_extra_info("sockname")[1] != sippnp.SIP_PORT]
        deadline = time.monotonic() + seconds
        resend_at = time.monotonic() + RESEND_AFTER
        for transport in senders:
            for payload, target in queries():
                with contextlib.suppress(OSError):
                    transport.sendto(payload, target)
        while (left := deadline - time.monotonic()) > 0:
            wait = min(left, max(0.01, resend_at - time.monotonic())) if resend_at else left
            item = None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    item = await found.get()
            if item is not None:
                yield item
            if resend_at and time.monotonic() >= resend_at:
                resend_at = 0.0
                for transport in senders:
                    for payload, target in queries():
                        with contextlib.suppress(OSError):
                            transport.sendto(payload, target)
    finally:
        for transport in transports:
            transport.close()
