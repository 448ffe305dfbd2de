"""FCM5600 IP-PBX driver (HTTPS JSON REST API with token login).

``probe`` recognises the PBX by its reply envelope ``{"code","message","data"}`` on
``/pbx/systeminfo/version`` (HTTP 401 without a token); with credentials it logs in and reads
the model. ``create`` returns an :class:`FcmDevice`.
"""

from __future__ import annotations

import json

import httpx

from ...core.device import DeviceInfo
from ...core.errors import AuthError, NotSupported, ProtocolError, Rejected
from ...core.transport import Transport
from ..registry import DocumentedFunction, Fingerprint
from .client import FcmClient
from .device import VENDOR, FcmDevice
from .protocol import FUNCTIONS, LOGIN

DRIVER_ID = "fcm5600"
_PROBE_PATH = FUNCTIONS["systeminfo/version"].path


async def probe(transport: Transport) -> Fingerprint | None:
    """Identify an FCM5600 (``Unreachable`` propagates; "not mine" returns None).

    Without credentials: ``/pbx/systeminfo/version`` must answer the FCM reply envelope
    (HTTP 401, not logged in). With credentials: the login must answer the envelope
    (HTTP 200 with a token, or HTTP 400 for wrong credentials), then the model is read.
    """
    if transport.credentials is None:
        response = await transport.request("GET", _PROBE_PATH)
        if response.status_code in (200, 401) and _is_envelope(response):
            return Fingerprint(DRIVER_ID, DeviceInfo(VENDOR, "FCM5600"), auth_required=True)
        return None
    creds = transport.credentials
    body = {LOGIN.user_field: creds.user, LOGIN.password_field: creds.password}
    try:
        response = await transport.request("POST", LOGIN.path, json=body, idempotent=False)
    except AuthError:
        return None  # a 401 challenge on our login path: some other device
    if not _is_envelope(response):
        return None
    if response.status_code != 200:
        return Fingerprint(DRIVER_ID, DeviceInfo(VENDOR, "FCM5600"), auth_required=True)
    client = FcmClient(transport)
    try:
        client.use_login_reply(response)
        version = await client.version()
    except (ProtocolError, NotSupported, Rejected, AuthError):
        return None
    info = DeviceInfo(VENDOR, version.get("model", "FCM5600"), mac=version.get("wan_mac", ""),
                      firmware=version.get("firmware", ""), hardware=version.get("hardware", ""),
                      name=version.get("device_name", ""))
    return Fingerprint(DRIVER_ID, info, auth_required=True)


def _is_envelope(response: httpx.Response) -> bool:
    try:
        payload = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(payload, dict) and "code" in payload and "message" in payload


def create(transport: Transport, fingerprint: Fingerprint) -> FcmDevice:
    device = FcmDevice(transport)
    device.info = fingerprint.info
    return device


__all__ = ["DRIVER_ID", "FcmClient", "FcmDevice", "create", "probe"]


def documented_functions() -> list[DocumentedFunction]:
    """Every function of the FCM5600 REST API document, plus ``play`` (recording download)."""
    return [*(DocumentedFunction(f.name, f.method, f.path) for f in FUNCTIONS.values()),
            DocumentedFunction("play", "GET", "download a recording: url=<playUrl> --out FILE")]
