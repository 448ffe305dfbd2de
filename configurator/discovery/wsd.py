"""WS-Discovery (2005/04, as used by ONVIF devices): Probe and ProbeMatches."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlparse

from ..core.errors import ProtocolError

WSD_GROUP = "239.255.255.250"
WSD_PORT = 3702
NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "d": "http://schemas.xmlsoap.org/ws/2005/04/discovery",
}
PROBE_ACTION = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe"
MATCHES_ACTION = "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches"


def build_probe(message_id: str | None = None) -> bytes:
    """A Probe without Types: every target service answers (ONVIF cameras, door stations)."""
    message_id = message_id or f"urn:uuid:{uuid.uuid4()}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<s:Envelope xmlns:s="{NS["s"]}" xmlns:a="{NS["a"]}" xmlns:d="{NS["d"]}">'
        "<s:Header>"
        f"<a:Action>{PROBE_ACTION}</a:Action>"
        f"<a:MessageID>{message_id}</a:MessageID>"
        "<a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>"
        "</s:Header><s:Body><d:Probe/></s:Body></s:Envelope>"
    ).encode()


def _parse_xml(packet: bytes) -> ET.Element:
    if b"<!DOCTYPE" in packet or b"<!ENTITY" in packet:
        raise ProtocolError("WS-Discovery message with a DTD refused")
    try:
        return ET.fromstring(packet)
    except ET.ParseError as exc:
        raise ProtocolError(f"malformed WS-Discovery XML: {exc}") from None


def probe_message_id(packet: bytes) -> str:
    """MessageID of a Probe (responders answer with RelatesTo); ProtocolError if not a Probe."""
    root = _parse_xml(packet)
    if root.find("s:Body/d:Probe", NS) is None:
        raise ProtocolError("not a WS-Discovery Probe")
    return (root.findtext("s:Header/a:MessageID", "", NS) or "").strip()


def parse_probe_matches(packet: bytes) -> list[dict[str, object]]:
    """Each ProbeMatch: endpoint address, types, scopes, xaddrs, host and ONVIF scope values."""
    root = _parse_xml(packet)
    matches = root.findall("s:Body/d:ProbeMatches/d:ProbeMatch", NS)
    if root.find("s:Body/d:ProbeMatches", NS) is None:
        raise ProtocolError("not a WS-Discovery ProbeMatches")
    result = []
    for match in matches:
        scopes = (match.findtext("d:Scopes", "", NS) or "").split()
        xaddrs = (match.findtext("d:XAddrs", "", NS) or "").split()
        host = urlparse(xaddrs[0]).hostname or "" if xaddrs else ""
        result.append({
            "endpoint": (match.findtext("a:EndpointReference/a:Address", "", NS) or "").strip(),
            "types": (match.findtext("d:Types", "", NS) or "").split(),
            "scopes": scopes,
            "xaddrs": xaddrs,
            "host": host,
            **onvif_scopes(scopes),
        })
    return result


def onvif_scopes(scopes: list[str]) -> dict[str, str]:
    """``onvif://www.onvif.org/hardware/IP%20Verso`` -> {"hardware": "IP Verso"}, etc."""
    values: dict[str, str] = {}
    for scope in scopes:
        if not scope.startswith("onvif://www.onvif.org/"):
            continue
        parts = scope[len("onvif://www.onvif.org/"):].split("/", 1)
        if len(parts) == 2 and parts[0] in ("hardware", "name", "location", "mac", "serial",
                                            "manufacturer", "firmware"):
            values.setdefault(parts[0], unquote(parts[1]))
    return values
