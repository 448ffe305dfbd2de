"""MAC address normalisation and a vendor hint from the OUI (first three bytes).

A small table of the vendors an installer meets in door-entry and telephony (checked against
the IEEE registry as shipped in nmap's ``nmap-mac-prefixes``). Onetouch and the FCM5600 PBX
have no OUI of their own that we know of: they are marked unknown (Assumption: they ship
third-party network modules, so their OUI tells nothing).
"""

from __future__ import annotations

import re

from ..core.errors import InvalidValue

OUI_VENDORS: dict[str, str] = {
    "7C1EB3": "2N",
    "0C383E": "Fanvil",
    # Assumption: 00:A8:59 is Fanvil (seen on Fanvil phones, used by our simulator); it is
    # not in nmap's prefix list we checked against.
    "00A859": "Fanvil",
    "A09805": "OpenVox",
    "0C1105": "Akuvox",
    "000413": "Snom",
    "000B82": "Grandstream",
    "C074AD": "Grandstream",
    "EC74D7": "Grandstream",
    "001565": "Yealink",
    "805EC0": "Yealink",
    "805E0C": "Yealink",
    "249AD8": "Yealink",
    "0004F2": "Polycom",
    "64167F": "Polycom",
    "00408C": "Axis",
    "002104": "Gigaset",
    "7C2F80": "Gigaset",
    "4419B6": "Hikvision",
    "08EDED": "Dahua",
}

# Vendors we have drivers for whose OUI is not known (see module docstring).
UNKNOWN_OUI_VENDORS: tuple[str, ...] = ("Onetouch", "FCM")

_HEX12 = re.compile(r"^[0-9A-F]{12}$")


def normalize_mac(text: str) -> str:
    """``7c1eb3-00-11-22`` / ``7C1E.B300.1122`` / ``7c1eb3001122`` -> ``7C:1E:B3:00:11:22``."""
    digits = re.sub(r"[^0-9A-Fa-f]", "", text or "").upper()
    if not _HEX12.match(digits) or re.sub(r"[0-9A-Fa-f:.\- ]", "", text):
        raise InvalidValue(f"{text!r} is not a MAC address", param="mac")
    return ":".join(digits[i:i + 2] for i in range(0, 12, 2))


def safe_mac(text: str) -> str:
    """Normalised MAC, or "" for anything that is not one (device replies are untrusted)."""
    try:
        mac = normalize_mac(text)
    except InvalidValue:
        return ""
    return "" if mac in ("00:00:00:00:00:00", "FF:FF:FF:FF:FF:FF") else mac


def vendor_hint(mac: str) -> str:
    """Vendor name for the MAC's OUI; "" when unknown or locally administered."""
    mac = safe_mac(mac)
    if not mac:
        return ""
    if int(mac[:2], 16) & 0x02:
        return ""  # locally administered (random / virtual) address
    return OUI_VENDORS.get(mac.replace(":", "")[:6], "")
