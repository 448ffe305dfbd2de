"""Multicast responders the simulators (and tests) use to be discoverable like real devices.

``await start_responders(description, interface_address)`` answers SSDP ``M-SEARCH``,
WS-Discovery ``Probe`` and mDNS PTR queries for one device; ``announce_sip_pnp`` sends the
boot-time SIP-PnP SUBSCRIBE a phone sends.

Assumptions (no device document describes its multicast behaviour):
- every device answers SSDP with a root-device USN ``uuid:<serial-derived>`` and a LOCATION
  on its web port; WS-Discovery with ONVIF-style scopes (``hardware``, ``name``, plus
  ``mac``/``serial``/``manufacturer``/``firmware`` scopes, which real ONVIF devices do not
  all send); mDNS with an ``_http._tcp`` instance whose TXT carries vendor, model, serial,
  mac and fw;
- answers go unicast to the asker (legacy-unicast mDNS: the query's id is echoed);
- a real device listens on every interface; a simulator answers from its own address only.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import uuid
from dataclasses import dataclass

from ..core.errors import ProtocolError
from . import mdns, sippnp, ssdp, wsd
from .multicast import _Receiver, group_socket, multicast_socket

log = logging.getLogger("configurator.discovery.responders")


@dataclass(frozen=True)
class DeviceDescription:
    address: str  # the device's own IPv4 address (answers are sent from it)
    vendor: str
    model: str
    serial: str = ""
    mac: str = ""
    firmware: str = ""
    name: str = ""
    http_port: int = 80

    @property
    def uuid(self) -> str:
        seed = f"{self.vendor}:{self.serial or self.address}".encode()
        return str(uuid.UUID(hashlib.md5(seed).hexdigest()))

    @property
    def instance(self) -> str:
        return (self.name or f"{self.vendor} {self.model} {self.serial}".strip())[:63]


def ssdp_answer(desc: DeviceDescription, search_target: str) -> bytes | None:
    st = "upnp:rootdevice" if search_target in ("ssdp:all", "upnp:rootdevice") else None
    if st is None and search_target != f"uuid:{desc.uuid}":
        return None
    st = st or search_target
    return (
        "HTTP/1.1 200 OK\r\n"
        "CACHE-CONTROL: max-age=1800\r\n"
        "EXT:\r\n"
        f"LOCATION: http://{desc.address}:{desc.http_port}/description.xml\r\n"
        f"SERVER: Linux/4.9 UPnP/1.0 {desc.vendor.replace(' ', '_')}-{desc.model.replace(' ', '_')}"
        f"/{desc.firmware or '1.0'}\r\n"
        f"ST: {st}\r\n"
        f"USN: uuid:{desc.uuid}::{st}\r\n\r\n"
    ).encode()


# What a simulated intercom implements: an ONVIF video transmitter and ONVIF device.
WSD_TYPES = {wsd.ONVIF_VIDEO[1:], wsd.ONVIF_DEVICE[1:]}


def wsd_answer(desc: DeviceDescription, relates_to: str) -> bytes:
    from urllib.parse import quote

    scopes = [f"onvif://www.onvif.org/{key}/{quote(value)}" for key, value in (
        ("manufacturer", desc.vendor), ("hardware", desc.model), ("name", desc.instance),
        ("serial", desc.serial), ("mac", desc.mac), ("firmware", desc.firmware)) if value]
    ns = wsd.NS
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<s:Envelope xmlns:s="{ns["s"]}" xmlns:a="{ns["a"]}" xmlns:d="{ns["d"]}" '
        f'xmlns:dn="{wsd.ONVIF_VIDEO[1]}" xmlns:tds="{wsd.ONVIF_DEVICE[1]}">'
        "<s:Header>"
        f"<a:Action>{wsd.MATCHES_ACTION}</a:Action>"
        f"<a:MessageID>urn:uuid:{uuid.uuid4()}</a:MessageID>"
        f"<a:RelatesTo>{relates_to}</a:RelatesTo>"
        "<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>"
        "</s:Header><s:Body><d:ProbeMatches><d:ProbeMatch>"
        f"<a:EndpointReference><a:Address>urn:uuid:{desc.uuid}</a:Address></a:EndpointReference>"
        "<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>"
        f"<d:Scopes>{' '.join(scopes)}</d:Scopes>"
        f"<d:XAddrs>http://{desc.address}:{desc.http_port}/onvif/device_service</d:XAddrs>"
        "<d:MetadataVersion>1</d:MetadataVersion>"
        "</d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>"
    ).encode()


def mdns_answer(desc: DeviceDescription, query: mdns.Message) -> bytes | None:
    service = "_http._tcp.local"
    if not any(name.lower() == service and qtype in (mdns.TYPE_PTR, mdns.TYPE_ANY)
               for name, qtype in query.questions):
        return None
    instance = f"{desc.instance}.{service}"
    host = f"{desc.vendor}-{(desc.serial or desc.address).replace('.', '-')}.local"
    txt = {"vendor": desc.vendor, "model": desc.model, "serial": desc.serial,
           "mac": desc.mac, "fw": desc.firmware}
    records = [
        mdns.Record(service, mdns.TYPE_PTR, 120, instance),
        mdns.Record(instance, mdns.TYPE_SRV, 120, (desc.http_port, host)),
        mdns.Record(instance, mdns.TYPE_TXT, 120, {k: v for k, v in txt.items() if v}),
        mdns.Record(host, mdns.TYPE_A, 120, desc.address),
    ]
    return mdns.build_response(records, ident=query.ident)


class Responders:
    """Running responders of one device; ``close()`` stops them."""

    def __init__(self, desc: DeviceDescription) -> None:
        self.desc = desc
        self.answered: dict[str, int] = {"ssdp": 0, "wsd": 0, "mdns": 0}
        self._transports: list[asyncio.DatagramTransport] = []
        self._reply: asyncio.DatagramTransport | None = None

    def _send(self, payload: bytes, target: tuple[str, int]) -> None:
        if self._reply is not None:
            self._reply.sendto(payload, target)

    def on_ssdp(self, data: bytes, source: str, port: int) -> None:
        start, headers = ssdp.parse_headers(data)
        if not start.startswith("M-SEARCH"):
            return
        answer = ssdp_answer(self.desc, headers.get("ST", ""))
        if answer is not None:
            self.answered["ssdp"] += 1
            self._send(answer, (source, port))

    def on_wsd(self, data: bytes, source: str, port: int) -> None:
        message_id = wsd.probe_message_id(data)
        asked = wsd.probe_types(data)
        if not asked <= WSD_TYPES:  # a target answers only a Probe for types it implements
            return
        self.answered["wsd"] += 1
        self._send(wsd_answer(self.desc, message_id), (source, port))

    def on_mdns(self, data: bytes, source: str, port: int) -> None:
        message = mdns.parse(data)
        if message.is_response:
            return
        answer = mdns_answer(self.desc, message)
        if answer is not None:
            self.answered["mdns"] += 1
            target = (source, port) if port != mdns.MDNS_PORT else (mdns.MDNS_GROUP,
                                                                    mdns.MDNS_PORT)
            self._send(answer, target)

    async def start(self, interface_address: str) -> Responders:
        loop = asyncio.get_running_loop()
        reply_sock = multicast_socket(self.desc.address)
        self._reply, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol,
                                                             sock=reply_sock)
        for group, port, handler in (
            (ssdp.SSDP_GROUP, ssdp.SSDP_PORT, self.on_ssdp),
            (wsd.WSD_GROUP, wsd.WSD_PORT, self.on_wsd),
            (mdns.MDNS_GROUP, mdns.MDNS_PORT, self.on_mdns),
        ):
            sock = group_socket(group, port, [interface_address])
            transport, _ = await loop.create_datagram_endpoint(
                lambda h=handler: _SourcePortReceiver(h), sock=sock)
            self._transports.append(transport)
        return self

    def close(self) -> None:
        for transport in self._transports:
            transport.close()
        if self._reply is not None:
            self._reply.close()
        self._transports.clear()


class _SourcePortReceiver(_Receiver):
    def __init__(self, handle) -> None:  # handle(data, host, port)
        super().__init__(lambda data, host: None)
        self._handle3 = handle

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:  # type: ignore[override]
        try:
            self._handle3(data, addr[0], addr[1])
        except ProtocolError as exc:
            log.debug("responder ignored datagram from %s: %s", addr[0], exc)


async def start_responders(desc: DeviceDescription, interface_address: str) -> Responders:
    """Answer SSDP, WS-Discovery and mDNS for ``desc`` on the interface with that address."""
    responders = Responders(desc)
    try:
        return await responders.start(interface_address)
    except BaseException:
        responders.close()
        raise


async def announce_sip_pnp(desc: DeviceDescription, interface_address: str,
                           *, times: int = 2, interval: float = 0.1) -> None:
    """Send the boot-time SIP-PnP SUBSCRIBE (twice by default: UDP may be lost)."""
    payload = sippnp.build_subscribe(address=desc.address, mac=desc.mac, vendor=desc.vendor,
                                     model=desc.model, firmware=desc.firmware)
    sock = multicast_socket(interface_address, bind_address=desc.address)
    try:
        for attempt in range(times):
            with contextlib.suppress(OSError):
                sock.sendto(payload, (sippnp.SIP_PNP_GROUP, sippnp.SIP_PORT))
            if attempt + 1 < times:
                await asyncio.sleep(interval)
    finally:
        sock.close()
