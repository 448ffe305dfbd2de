"""WS-Discovery (2005/04, as used by ONVIF devices): Probe and ProbeMatches.

What a Probe asks for: a Probe lists the types a target must implement, all of them (the
specification: a Probe without Types matches every target). Real responders do not all follow
that: the WS-Discovery daemon Linux file servers run so that they appear in Windows' network view
ignores a Probe without Types ("Probe message lacks wsd:Types element") and answers one asking
for ``wsdp:Device``. So the discovery sends one Probe per type it looks for (a Probe with several
types would only match targets implementing all of them): ``wsdp:Device`` (Devices Profile:
printers, NAS, Windows hosts, some phones), ``dn:NetworkVideoTransmitter`` (ONVIF cameras and
video door stations) and ``tds:Device`` (any ONVIF device). Answers are merged by address.
"""

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
# The types probed for, as (prefix, namespace, local name).
DEVICES_PROFILE = ("wsdp", "http://schemas.xmlsoap.org/ws/2006/02/devprof", "Device")
ONVIF_VIDEO = ("dn", "http://www.onvif.org/ver10/network/wsdl", "NetworkVideoTransmitter")
ONVIF_DEVICE = ("tds", "http://www.onvif.org/ver10/device/wsdl", "Device")
PROBED_TYPES = (DEVICES_PROFILE, ONVIF_VIDEO, ONVIF_DEVICE)
QName = tuple[str, str]  # (namespace, local name)

PROBE_ACTION = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe"
MATCHES_ACTION = "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches"


def build_probe(message_id: str | None = None,
                probe_type: tuple[str, str, str] | None = None) -> bytes:
    """A Probe for targets of ``probe_type`` (prefix, namespace, local name); without a type,
    a Probe every conforming target answers (not every real responder does)."""
    message_id = message_id or f"urn:uuid:{uuid.uuid4()}"
    type_ns, body = "", "<d:Probe/>"
    if probe_type is not None:
        prefix, namespace, local = probe_type
        type_ns = f' xmlns:{prefix}="{namespace}"'
        body = f"<d:Probe><d:Types>{prefix}:{local}</d:Types></d:Probe>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<s:Envelope xmlns:s="{NS["s"]}" xmlns:a="{NS["a"]}" xmlns:d="{NS["d"]}"{type_ns}>'
        "<s:Header>"
        f"<a:Action>{PROBE_ACTION}</a:Action>"
        f"<a:MessageID>{message_id}</a:MessageID>"
        "<a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>"
        f"</s:Header><s:Body>{body}</s:Body></s:Envelope>"
    ).encode()


def build_probes() -> list[bytes]:
    """One Probe per type in :data:`PROBED_TYPES` (see the module docstring for why)."""
    return [build_probe(probe_type=t) for t in PROBED_TYPES]


def probe_types(packet: bytes) -> set[QName]:
    """The types a Probe asks for, as (namespace, local name); empty: any target."""
    prefixes: dict[str, str] = {}
    parser = ET.XMLPullParser(events=("start-ns",))
    if b"<!DOCTYPE" in packet or b"<!ENTITY" in packet:
        raise ProtocolError("WS-Discovery message with a DTD refused")
    try:
        parser.feed(packet)
        for _event, (prefix, uri) in parser.read_events():
            prefixes.setdefault(prefix, uri)
        parser.close()
    except ET.ParseError as exc:
        raise ProtocolError(f"malformed WS-Discovery XML: {exc}") from None
    text = _parse_xml(packet).findtext("s:Body/d:Probe/d:Types", "", NS) or ""
    found: set[QName] = set()
    for item in text.split():
        prefix, _, local = item.rpartition(":")
        if prefix not in prefixes:
            raise ProtocolError(f"WS-Discovery type {item!r} has an undeclared prefix")
        found.add((prefixes[prefix], local))
    return found


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
