"""SSDP (UPnP 1.1): the ``M-SEARCH`` request and the parsing of its unicast answers."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from ..core.errors import ProtocolError
from .headerlines import header_lines

SSDP_GROUP = "239.255.255.250"
SSDP_PORT = 1900


def build_msearch(search_target: str = "ssdp:all", mx: int = 1) -> bytes:
    return (
        "M-SEARCH * HTTP/1.1\r\n"
        f"HOST: {SSDP_GROUP}:{SSDP_PORT}\r\n"
        'MAN: "ssdp:discover"\r\n'
        f"MX: {mx}\r\n"
        f"ST: {search_target}\r\n"
        "USER-AGENT: configurator/0.1 UPnP/1.1\r\n\r\n"
    ).encode()


def parse_headers(packet: bytes) -> tuple[str, dict[str, str]]:
    """(start line, upper-case headers) of an SSDP datagram; ProtocolError if not HTTP-like."""
    try:
        text = packet.decode("utf-8", "replace")
    except Exception as exc:  # pragma: no cover - decode with "replace" does not raise
        raise ProtocolError("undecodable SSDP datagram") from exc
    lines = text.split("\r\n") if "\r\n" in text else text.split("\n")
    start = lines[0].strip()
    if not (start.startswith("HTTP/1.") or start.startswith("M-SEARCH")
            or start.startswith("NOTIFY")):
        raise ProtocolError("not an SSDP message")
    return start, header_lines(lines[1:], str.upper, first_wins=False)


_UUID = re.compile(r"uuid:([0-9A-Za-z-]+)")


def parse_response(packet: bytes) -> dict[str, str]:
    """Useful fields of an M-SEARCH answer: location host/port, server, usn, uuid, st."""
    start, headers = parse_headers(packet)
    if not start.startswith("HTTP/1.") or " 200" not in start:
        raise ProtocolError(f"not an M-SEARCH answer: {start[:40]!r}")
    location = headers.get("LOCATION", "")
    host, port = _host_port(location)
    uuid = _UUID.search(headers.get("USN", ""))
    return {
        "location": location,
        "host": host,
        "port": port,
        "server": headers.get("SERVER", ""),
        "st": headers.get("ST", ""),
        "usn": headers.get("USN", ""),
        "uuid": uuid.group(1) if uuid else "",
    }


def _host_port(location: str) -> tuple[str, str]:
    """Host and port of a LOCATION URL; a port that is no port (``:99999``, ``:abc``) or a
    URL that is no URL leaves that part empty (the answer still counts as a sighting)."""
    try:
        parsed = urlparse(location)
        host = parsed.hostname or ""
    except ValueError:
        return "", ""
    try:
        port = str(parsed.port or "")
    except ValueError:
        port = ""
    return host, port
