"""2N IP intercom driver (HTTP API v2.11 - v2.38): probe and factory for the registry."""

from __future__ import annotations

import httpx

from ...core.device import Device, DeviceInfo
from ...core.errors import AuthError, ProtocolError, Unreachable
from ...core.transport import Transport
from ..registry import DocumentedFunction, Fingerprint
from .client import TwoNClient
from .device import TwoNDevice, info_from_result
from .functions import FUNCTIONS, function
from .reply import json_body

DRIVER_ID = "2n"
_INFO_KEYS = ("variant", "serialNumber", "swVersion")


async def probe(transport: Transport) -> Fingerprint | None:
    """Recognise a 2N device by its ``/api/system/info`` reply shape.

    ``system/info`` is available regardless of access rights (manual 5.1.1); when a device
    still asks for authentication, a 401 with the 2N error body (codes 8/9) identifies it.
    """
    fn = function("system/info")
    try:
        response = await transport.request("GET", fn.path, idempotent=True)
    except AuthError:
        # Wrong credentials: the transport refuses the 401. Look at the reply once without
        # credentials to tell a 2N device (its JSON error body) from anything else.
        anonymous = await _anonymous_get(transport, fn.path)
        if anonymous is None:
            return None
        response = anonymous
    body = json_body(response)
    if not isinstance(body, dict) or not isinstance(body.get("success"), bool):
        return None
    if body["success"]:
        result = body.get("result")
        if isinstance(result, dict) and all(k in result for k in _INFO_KEYS):
            return Fingerprint(DRIVER_ID, info_from_result(result),
                               details={"server": response.headers.get("server", "")})
        return None
    error = body.get("error")
    if isinstance(error, dict) and str(error.get("code")) in ("8", "9", "10"):
        info = DeviceInfo(vendor="2N", model="2N IP intercom")
        return Fingerprint(DRIVER_ID, info, auth_required=True,
                           details={"server": response.headers.get("server", ""),
                                    "error": error.get("code")})
    return None


async def _anonymous_get(transport: Transport, path: str) -> httpx.Response | None:
    """The device's reply without credentials, through the transport's bounded path (size cap
    and whole-answer deadline); None when there is no usable reply."""
    try:
        return await transport.request("GET", path, idempotent=True, anonymous=True)
    except (Unreachable, ProtocolError):
        return None


def create(transport: Transport, fingerprint: Fingerprint) -> Device:
    """The Device for an intercom recognised by :func:`probe`."""
    return TwoNDevice(transport, None if fingerprint.auth_required else fingerprint.info)


__all__ = ["AuthError", "ProtocolError", "TwoNClient", "TwoNDevice", "create", "probe"]


def documented_functions() -> list[DocumentedFunction]:
    """Every function of the 2N HTTP API manual (v2.38, and v2.11 where it began)."""
    return [DocumentedFunction(f.name, f.method, f"since API v{f.since}")
            for f in FUNCTIONS.values()]
