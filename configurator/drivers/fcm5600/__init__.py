"""FCM5600 IP-PBX driver (HTTPS JSON REST API with token login).

``probe`` recognises the PBX by its reply envelope ``{"code","message","data"}`` on
``/pbx/systeminfo/version`` (HTTP 401 without a token); with credentials it logs in and reads
the model. ``create`` returns an :class:`FcmDevice`.
"""

from __future__ import annotations

import asyncio
import json

import httpx

from ...core import safejson
from ...core.device import DeviceInfo
from ...core.errors import AuthError, DeviceError, NotSupported, ProtocolError, Rejected
from ...core.transport import Transport
from ..registry import DocumentedFunction, Fingerprint
from .client import LOGOUT_DEADLINE, FcmClient
from .device import VENDOR, FcmDevice
from .protocol import FUNCTIONS

DRIVER_ID = "fcm5600"
_PROBE_PATH = FUNCTIONS["systeminfo/version"].path


async def probe(transport: Transport) -> Fingerprint | None:
    """Identify an FCM5600 (``Unreachable`` propagates; "not mine" returns None).

    ``/pbx/systeminfo/version`` is asked without credentials first and must answer the FCM
    reply envelope (HTTP 401, not logged in): only then, with credentials, does the login
    (which carries the password in its body) go out, and the model is read.
    """
    response = await transport.request("GET", _PROBE_PATH, anonymous=True)
    if response.status_code not in (200, 401) or not _is_envelope(response):
        return None  # not an FCM5600: it never sees the login (the password is in the body)
    locked = Fingerprint(DRIVER_ID, DeviceInfo(vendor=VENDOR, model="FCM5600"), auth_required=True)
    if transport.credentials is None:
        return locked
    client = FcmClient(transport)
    try:
        await client.login()
    except AuthError:
        return locked  # wrong credentials: still an FCM5600
    try:
        version = await client.version()
    except (ProtocolError, NotSupported, Rejected, AuthError):
        return None
    finally:
        # The device logs in with a client of its own: the probe's token would otherwise stay
        # valid on the PBX for a month (the transport stays open for the device).
        await _logout_quietly(client)
    info = DeviceInfo(vendor=VENDOR, model=version.get("model", "FCM5600"),
                      mac=version.get("wan_mac", ""),
                      firmware=version.get("firmware", ""), hardware=version.get("hardware", ""),
                      name=version.get("device_name", ""))
    return Fingerprint(DRIVER_ID, info, auth_required=True)


async def _logout_quietly(client: FcmClient) -> None:
    try:
        async with asyncio.timeout(LOGOUT_DEADLINE):
            await client.logout()
    except (DeviceError, TimeoutError):
        pass  # a PBX that went away holds no token worth a failed probe


def _is_envelope(response: httpx.Response) -> bool:
    try:
        payload = safejson.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return isinstance(payload, dict) and "code" in payload and "message" in payload


def create(transport: Transport, fingerprint: Fingerprint) -> FcmDevice:
    """The Device for a PBX recognised by :func:`probe`."""
    device = FcmDevice(transport)
    device.info = fingerprint.info
    return device


__all__ = ["DRIVER_ID", "FcmClient", "FcmDevice", "create", "probe"]


def documented_functions() -> list[DocumentedFunction]:
    """Every function of the FCM5600 REST API document, plus ``play`` (recording download)."""
    return [*(DocumentedFunction(f.name, f.method, f.path) for f in FUNCTIONS.values()),
            DocumentedFunction("play", "GET", "download a recording: url=<playUrl> --out FILE")]
