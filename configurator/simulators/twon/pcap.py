"""Network capture of the simulated device: pcap files built from the API requests it sees.

Every API request becomes one synthetic Ethernet/IPv4/TCP packet carrying the request line
and headers (``Authorization`` is removed: secrets never leave the simulator).
"""

from __future__ import annotations

import asyncio
import ipaddress
import struct
import time
from collections import deque

from aiohttp import web

LINKTYPE_ETHERNET = 1
GLOBAL_HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET)
MAX_PACKETS = 10_000


def _checksum(header: bytes) -> int:
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _ip(text: str) -> bytes:
    try:
        return ipaddress.IPv4Address(text).packed
    except ValueError:
        return bytes(4)


def packet(src: str, sport: int, dst: str, dport: int, payload: bytes) -> bytes:
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 1, 5 << 4, 0x18, 65535, 0, 0)
    total = 20 + len(tcp) + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 6, 0, _ip(src), _ip(dst))
    ip = ip[:10] + struct.pack("!H", _checksum(ip)) + ip[12:]
    eth = bytes.fromhex("7c1eb3000001") + bytes.fromhex("020000000001") + b"\x08\x00"
    return eth + ip + tcp + payload


def record(data: bytes, when: float) -> bytes:
    seconds = int(when)
    return struct.pack("<IIII", seconds, int((when - seconds) * 1e6), len(data),
                       len(data)) + data


class Capture:
    def __init__(self, host: str) -> None:
        self.host = host
        self.running = True  # Assumption: the device records from start-up
        self.records: deque[bytes] = deque(maxlen=MAX_PACKETS)
        self.live: asyncio.Queue[bytes | None] | None = None
        self.live_bytes = 0
        self.live_packets = 0

    def observe(self, request: web.Request) -> None:
        if not self.running and self.live is None:
            return
        peer = request.transport.get_extra_info("peername") if request.transport else None
        src, sport = (peer[0], peer[1]) if peer else ("0.0.0.0", 0)
        sock = request.transport.get_extra_info("sockname") if request.transport else None
        dport = sock[1] if sock else 80
        lines = [f"{request.method} {request.path_qs} HTTP/1.1"]
        lines += [f"{k}: {v}" for k, v in request.headers.items() if k.lower() != "authorization"]
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "replace")
        rec = record(packet(src, sport, self.host, dport, payload), time.time())
        if self.running:
            self.records.append(rec)
        if self.live is not None:
            self.live.put_nowait(rec)

    def pcap_file(self) -> bytes:
        return GLOBAL_HEADER + b"".join(self.records)

    def restart(self) -> None:
        self.records.clear()
        self.running = True

    def stop_live(self) -> None:
        if self.live is not None:
            self.live.put_nowait(None)

    def stop(self) -> None:
        self.stop_live()
