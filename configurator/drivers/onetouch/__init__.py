"""Onetouch IP door intercoms, HTTP API v1.0 (``/api/<target>/<action>`` and ``POST /api/``).

``probe`` asks ``GET /api/system/info`` once: a JSON reply with ``retcode`` and
``data.Status.Model`` is an Onetouch device; a 401 challenge for realm ``HTTPAPI`` (Basic or
Digest) is one that needs credentials; a 403 carrying the API's JSON negative reply is one whose
white list refused us. Anything else is "not mine" (None).
"""

from __future__ import annotations

from ...core.device import DeviceInfo
from ...core.errors import ProtocolError
from ...core.transport import Transport
from ..registry import DocumentedFunction, Fingerprint
from .client import FUNCTIONS
from .device import OnetouchDevice
from .protocol import REALM, loads_lenient

DRIVER_ID = "onetouch"


def _unknown(details: dict[str, object]) -> Fingerprint:
    info = DeviceInfo(vendor="Onetouch", model="Onetouch intercom")
    return Fingerprint(DRIVER_ID, info, auth_required=True, details=details)


async def probe(transport: Transport) -> Fingerprint | None:
    """Recognise an Onetouch intercom by ``system/info``."""
    response = await transport.request("GET", "/api/system/info")
    challenges = " ".join(response.headers.get_list("www-authenticate"))
    if response.status_code == 401:
        if f'realm="{REALM}"' in challenges:
            return _unknown({"reason": "credentials required"})
        return None
    try:
        body = loads_lenient(response.text) if response.text.strip()[:1] == "{" else None
    except ProtocolError:
        return None
    if not isinstance(body, dict) or "retcode" not in body:
        return None
    if response.status_code == 403:
        return _unknown({"reason": "source address not in the HTTP API white list"})
    data = body.get("data")
    status = data.get("Status") if isinstance(data, dict) else None
    if response.status_code != 200 or not isinstance(status, dict) or not status.get("Model"):
        return None
    info = DeviceInfo(vendor="Onetouch", model=str(status["Model"]),
                      mac=str(status.get("MAC", "")),
                      firmware=str(status.get("FirmwareVersion", "")),
                      hardware=str(status.get("HardwareVersion", "")),
                      name=str(status["Model"]))
    return Fingerprint(DRIVER_ID, info)


def create(transport: Transport, fingerprint: Fingerprint) -> OnetouchDevice:
    """The Device for an intercom recognised by :func:`probe`."""
    device = OnetouchDevice(transport)
    if not fingerprint.auth_required:
        device.info = fingerprint.info
    return device


__all__ = ["OnetouchDevice", "create", "probe"]


_METHODS = {"GP": "GET/POST", "G": "GET", "P": "POST"}
_NOTES = {"file": "answers a file: use --out", "upload": "sends a file: file=PATH"}


def documented_functions() -> list[DocumentedFunction]:
    """Every function of the Onetouch HTTP API table (``target/action``)."""
    return [DocumentedFunction(f.name, _METHODS.get(f.methods, f.methods), _NOTES.get(f.kind, ""))
            for f in FUNCTIONS.values()]
