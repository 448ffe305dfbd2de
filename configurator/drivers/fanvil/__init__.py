"""Fanvil / OpenVox IP phones and door phones: XML HTTP API (``POST /xmlService``).

``probe`` asks for ``info.dev.*`` in one request. A phone that wants its web administrator
account answers 401; it is recognised (``auth_required=True``) when its challenge realm or
``Server`` header names Fanvil or OpenVox (Assumption: the document does not show the 401).
A phone restricted by "PUSH XML Server IP" answers 403 and is recognised by that text.
"""

from __future__ import annotations

import re

from ...core.device import DeviceInfo
from ...core.errors import ProtocolError
from ...core.transport import Transport
from ..registry import DocumentedFunction, Fingerprint
from .client import XML_PATH, FanvilClient
from .device import RAW_FUNCTIONS, FanvilDevice, info_from_values
from .protocol import build_get, parse_reply

__all__ = ["FanvilClient", "FanvilDevice", "create", "probe"]

PROBE_KEYS = ("info.dev.Model", "info.dev.Vendor", "info.dev.Mac", "info.dev.SN",
              "info.sys.FwVersion", "info.sys.HwVersion")
_BRAND = re.compile(r"fanvil|openvox", re.IGNORECASE)


async def probe(transport: Transport) -> Fingerprint | None:
    """Recognise a Fanvil/OpenVox phone by its XML API (``get`` of its identity keys)."""
    response = await transport.request(
        "POST", XML_PATH, content=build_get(PROBE_KEYS), idempotent=True,
        headers={"Content-Type": "text/xml; charset=utf-8"})
    status = response.status_code
    if status in (401, 403):
        hints = " ".join([*response.headers.get_list("www-authenticate"),
                          response.headers.get("server", ""), response.text[:300]])
        if _BRAND.search(hints) or (status == 403 and "PUSH XML" in response.text):
            vendor = "OpenVox" if "openvox" in hints.lower() else "Fanvil"
            return Fingerprint("fanvil", DeviceInfo(vendor=vendor, model=""),
                               auth_required=status == 401,
                               details={"restricted": status == 403})
        return None
    if status != 200:
        return None
    try:
        reply = parse_reply(response.content)
    except ProtocolError:
        return None
    info = info_from_values(reply.values())
    return Fingerprint("fanvil", info, details={"retcode": reply.ret_code})


def create(transport: Transport, fingerprint: Fingerprint) -> FanvilDevice:
    """The Device for a phone recognised by :func:`probe`."""
    device = FanvilDevice(transport)
    device.info = fingerprint.info if fingerprint.info.model else None
    return device


_RAW_NOTES = {
    "get": "FanvilConfiguration cmd=get: keys=a,b (NC-config names)",
    "set": "FanvilConfiguration cmd=set: KEY=VALUE...",
    "del": "FanvilConfiguration cmd=del: items=a,b",
    "list": "read a list (name=...)",
    "info": "info.* status items: keys=a,b",
    "execute": "FanvilPhoneExecute: uri=KIND:PARAM",
    "reboot": "FanvilPhoneExecute reboot",
    "reset": "FanvilPhoneExecute factory reset",
    "dial": "FanvilPhoneExecute dial: number=...",
    "key": "FanvilPhoneExecute key press: name=...",
    "led": "FanvilPhoneExecute LED: param=...",
    "ncconfig": "the whole NC configuration",
    "shell": "Shell command (disabled unless the device opts in)",
}


def documented_functions() -> list[DocumentedFunction]:
    """The XML API's commands, all ``POST /xmlService``."""
    return [DocumentedFunction(name, "POST", _RAW_NOTES.get(name, "")) for name in RAW_FUNCTIONS]
