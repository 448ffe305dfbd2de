"""Minimal mDNS (RFC 6762/6763): build PTR queries, parse answers - stdlib only.

python-zeroconf is not a dependency; this covers what discovery needs: a one-shot query for
a few service types and the PTR/SRV/TXT/A records of the answers (name compression included).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ..core.errors import ProtocolError

MDNS_GROUP = "224.0.0.251"
MDNS_PORT = 5353
TYPE_A, TYPE_PTR, TYPE_TXT, TYPE_SRV, TYPE_ANY = 1, 12, 16, 33, 255
CLASS_IN = 1
QU_BIT = 0x8000  # "unicast response requested"

# Assumption: intercoms and phones advertise their web UI as _http._tcp; some also _sip._udp.
SERVICE_TYPES: tuple[str, ...] = ("_http._tcp.local", "_https._tcp.local", "_sip._udp.local")


@dataclass
class Record:
    name: str
    rtype: int
    ttl: int
    data: object  # str (PTR target / A address), dict (TXT), tuple (SRV: port, target)


@dataclass
class Message:
    ident: int
    is_response: bool
    questions: list[tuple[str, int]] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)


def encode_name(name: str) -> bytes:
    out = b""
    for label in name.rstrip(".").split("."):
        raw = label.encode("utf-8")
        if not 0 < len(raw) < 64:
            raise ProtocolError(f"bad DNS label in {name!r}")
        out += bytes([len(raw)]) + raw
    return out + b"\x00"


def build_query(services: tuple[str, ...] = SERVICE_TYPES, *, ident: int = 0,
                unicast: bool = True) -> bytes:
    header = struct.pack("!HHHHHH", ident, 0, len(services), 0, 0, 0)
    qclass = CLASS_IN | (QU_BIT if unicast else 0)
    return header + b"".join(encode_name(s) + struct.pack("!HH", TYPE_PTR, qclass)
                             for s in services)


def build_response(records: list[Record], *, ident: int = 0) -> bytes:
    body = b""
    for record in records:
        rdata = _encode_rdata(record)
        body += encode_name(record.name) + struct.pack("!HHIH", record.rtype, CLASS_IN,
                                                       record.ttl, len(rdata)) + rdata
    return struct.pack("!HHHHHH", ident, 0x8400, 0, len(records), 0, 0) + body


def _encode_rdata(record: Record) -> bytes:
    if record.rtype == TYPE_PTR:
        return encode_name(str(record.data))
    if record.rtype == TYPE_A:
        return bytes(int(x) for x in str(record.data).split("."))
    if record.rtype == TYPE_SRV:
        port, target = record.data  # type: ignore[misc]
        return struct.pack("!HHH", 0, 0, port) + encode_name(target)
    if record.rtype == TYPE_TXT:
        items = [f"{k}={v}".encode()[:255] for k, v in dict(record.data).items()]  # type: ignore[call-overload]
        return b"".join(bytes([len(i)]) + i for i in items) or b"\x00"
    raise ProtocolError(f"cannot encode DNS record type {record.rtype}")


def _read_name(packet: bytes, offset: int) -> tuple[str, int]:
    labels: list[str] = []
    end = None
    for _hop in range(64):  # bounded: a compression loop is an error, not a hang
        if offset >= len(packet):
            raise ProtocolError("truncated DNS name")
        length = packet[offset]
        if length & 0xC0 == 0xC0:
            if offset + 1 >= len(packet):
                raise ProtocolError("truncated DNS pointer")
            if end is None:
                end = offset + 2
            offset = ((length & 0x3F) << 8) | packet[offset + 1]
            continue
        if length == 0:
            return ".".join(labels), (end if end is not None else offset + 1)
        labels.append(packet[offset + 1:offset + 1 + length].decode("utf-8", "replace"))
        offset += 1 + length
    raise ProtocolError("DNS name compression loop")


def parse(packet: bytes) -> Message:
    """Parse a DNS message; :class:`ProtocolError` for anything malformed."""
    if len(packet) < 12:
        raise ProtocolError("DNS message shorter than its header")
    ident, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", packet[:12])
    message = Message(ident, bool(flags & 0x8000))
    offset = 12
    for _ in range(qd):
        name, offset = _read_name(packet, offset)
        if offset + 4 > len(packet):
            raise ProtocolError("truncated DNS question")
        qtype, _qclass = struct.unpack("!HH", packet[offset:offset + 4])
        message.questions.append((name, qtype))
        offset += 4
    for _ in range(an + ns + ar):
        name, offset = _read_name(packet, offset)
        if offset + 10 > len(packet):
            raise ProtocolError("truncated DNS record")
        rtype, _rclass, ttl, length = struct.unpack("!HHIH", packet[offset:offset + 10])
        offset += 10
        rdata_end = offset + length
        if rdata_end > len(packet):
            raise ProtocolError("truncated DNS record data")
        message.records.append(Record(name, rtype, ttl, _decode_rdata(packet, rtype, offset,
                                                                      rdata_end)))
        offset = rdata_end
    return message


def _decode_rdata(packet: bytes, rtype: int, start: int, end: int) -> object:
    if rtype == TYPE_PTR:
        return _read_name(packet, start)[0]
    if rtype == TYPE_A and end - start == 4:
        return ".".join(str(b) for b in packet[start:end])
    if rtype == TYPE_SRV and end - start >= 7:
        port = struct.unpack("!H", packet[start + 4:start + 6])[0]
        return (port, _read_name(packet, start + 6)[0])
    if rtype == TYPE_TXT:
        items: dict[str, str] = {}
        offset = start
        while offset < end:
            length = packet[offset]
            text = packet[offset + 1:offset + 1 + length].decode("utf-8", "replace")
            key, _, value = text.partition("=")
            if key:
                items[key.lower()] = value
            offset += 1 + length
        return items
    return packet[start:end]


@dataclass
class ServiceInstance:
    instance: str
    service: str
    address: str = ""
    port: int = 0
    host: str = ""
    txt: dict[str, str] = field(default_factory=dict)


def services_in(message: Message) -> list[ServiceInstance]:
    """Service instances announced in a response, with their SRV/TXT/A data resolved."""
    addresses = {r.name.lower(): str(r.data) for r in message.records if r.rtype == TYPE_A}
    srv = {r.name.lower(): r.data for r in message.records if r.rtype == TYPE_SRV}
    txt = {r.name.lower(): r.data for r in message.records if r.rtype == TYPE_TXT}
    found = []
    for record in message.records:
        if record.rtype != TYPE_PTR or not record.name.startswith("_"):
            continue
        instance = str(record.data)
        item = ServiceInstance(instance, record.name)
        target = srv.get(instance.lower())
        if isinstance(target, tuple):  # a short SRV record decodes as raw bytes: no target
            item.port, item.host = target
            item.address = addresses.get(item.host.lower(), "")
        text = txt.get(instance.lower())
        item.txt = dict(text) if isinstance(text, dict) else {}
        found.append(item)
    return found
