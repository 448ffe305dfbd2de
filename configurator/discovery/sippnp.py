"""SIP-PnP: phones announce themselves at boot with a multicast SUBSCRIBE (Event: ua-profile).

Format (draft-ietf-sipping-config-framework, as Fanvil, Yealink, Snom... send it)::

    SUBSCRIBE sip:MAC0c383e0a0b0c@224.0.1.75 SIP/2.0
    Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK...
    From: <sip:MAC0c383e0a0b0c@224.0.1.75>;tag=...
    Event: ua-profile;profile-type="device";vendor="Fanvil";model="X3SG";version="2.4.1"
    User-Agent: Fanvil X3SG 2.4.1 0c383e0a0b0c

Assumptions: the MAC is the 12 hex digits of the Request-URI / From user (with or without a
``MAC`` / ``MAC%3a`` prefix); the device address is the Via sent-by host, else the packet's
source. We only listen; we do not answer (a provisioning server would).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.errors import ProtocolError
from .headerlines import header_lines
from .oui import safe_mac

SIP_PNP_GROUP = "224.0.1.75"
SIP_PORT = 5060

_PARAM = re.compile(r';\s*([\w-]+)\s*=\s*("([^"]*)"|[^;\s]+)')
_MAC_USER = re.compile(r"sips?:(?:MAC(?:%3a|:)?)?([0-9A-Fa-f]{12})@", re.IGNORECASE)
_VIA_HOST = re.compile(r"SIP/2\.0/\w+\s+([0-9.]+)")


@dataclass(frozen=True)
class PnpAnnouncement:
    address: str
    mac: str
    vendor: str
    model: str
    firmware: str
    user_agent: str


def parse_subscribe(packet: bytes, source: str) -> PnpAnnouncement:
    """Parse a SIP-PnP SUBSCRIBE; ProtocolError for anything else."""
    text = packet.decode("utf-8", "replace")
    lines = text.replace("\r\n", "\n").split("\n")
    request = lines[0].split()
    if len(request) != 3 or request[0] != "SUBSCRIBE" or not request[2].startswith("SIP/2.0"):
        raise ProtocolError("not a SIP SUBSCRIBE")
    headers = header_lines(lines[1:], lambda name: _compact(name.lower()))
    event = headers.get("event", "")
    if not event.lower().startswith("ua-profile"):
        raise ProtocolError("SUBSCRIBE is not for ua-profile")
    params = {m.group(1).lower(): (m.group(3) if m.group(3) is not None else m.group(2))
              for m in _PARAM.finditer(event)}
    mac_match = _MAC_USER.search(request[1]) or _MAC_USER.search(headers.get("from", ""))
    via = _VIA_HOST.search(headers.get("via", ""))
    return PnpAnnouncement(
        address=via.group(1) if via else source,
        mac=safe_mac(mac_match.group(1)) if mac_match else "",
        vendor=params.get("vendor", ""),
        model=params.get("model", ""),
        firmware=params.get("version", ""),
        user_agent=headers.get("user-agent", ""),
    )


def _compact(name: str) -> str:
    """SIP compact header names: v=via, f=from, o=event."""
    return {"v": "via", "f": "from", "o": "event"}.get(name, name)


def build_subscribe(*, address: str, mac: str, vendor: str, model: str, firmware: str,
                    call_id: str = "pnp-1") -> bytes:
    """A boot-time SIP-PnP SUBSCRIBE as a phone sends it (used by the responders)."""
    user = "MAC" + mac.replace(":", "").lower()
    return (
        f"SUBSCRIBE sip:{user}@{SIP_PNP_GROUP} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {address}:{SIP_PORT};branch=z9hG4bK{call_id}\r\n"
        f"From: <sip:{user}@{SIP_PNP_GROUP}>;tag={call_id}\r\n"
        f"To: <sip:{user}@{SIP_PNP_GROUP}>\r\n"
        f"Call-ID: {call_id}@{address}\r\n"
        "CSeq: 1 SUBSCRIBE\r\n"
        f'Event: ua-profile;profile-type="device";vendor="{vendor}";model="{model}";'
        f'version="{firmware}"\r\n'
        "Expires: 0\r\n"
        f"User-Agent: {vendor} {model} {firmware}\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode()
