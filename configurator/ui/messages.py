"""Errors in user words (the UI boundary: never a traceback)."""

from __future__ import annotations

import re

from ..core.errors import (
    AuthError,
    CertificateMismatch,
    CertificateRejected,
    ConfiguratorError,
    DeviceTimeout,
    InsecureConnectionRequired,
    NotSupported,
    PermissionDenied,
    ProtocolError,
    Unreachable,
)


def user_message(exc: BaseException, address: str = "") -> str:
    where = address or getattr(exc, "host", "") or "the device"
    if isinstance(exc, PermissionDenied):
        return f"{where}: the account has no permission for this ({exc.message})."
    if isinstance(exc, AuthError):
        return f"{where}: wrong user name or password ({exc.message})."
    if isinstance(exc, DeviceTimeout):
        return f"{where} accepted the connection but did not answer in time."
    if isinstance(exc, Unreachable):
        return (f"Cannot reach {where}: {exc.message}. Check the address, the port and "
                "http/https, and that the device is powered and on this network.")
    if isinstance(exc, CertificateMismatch):
        return str(exc)
    if isinstance(exc, CertificateRejected):
        return f"{where}: the TLS certificate was not trusted, so nothing was sent."
    if isinstance(exc, InsecureConnectionRequired):
        return f"{where} requires HTTPS: choose https and try again."
    if isinstance(exc, NotSupported):
        return f"{where}: {exc.message}"
    if isinstance(exc, ProtocolError):
        return f"{where} answered something unexpected: {exc.message}"
    if isinstance(exc, ConfiguratorError):
        return str(exc) if exc.host else f"{where}: {exc.message}"
    return f"{where}: internal error ({type(exc).__name__}: {exc})"


# A device's own code at the end of a message: "[2N error 12]", "(Ret -1)".
_CODE = re.compile(r"\s*(\[[^\]]*error[^\]]*\]|\(Ret -?\d+\))\s*$")


def words_and_code(text: str) -> tuple[str, str]:
    """A message in words for the person, and the device's code apart for the details
    (a tooltip): ``"x: invalid value [2N error 12]"`` -> ``("x: invalid value",
    "2N error 12")``."""
    match = _CODE.search(text)
    if match is None:
        return text, ""
    return text[:match.start()].rstrip(), match.group(1).strip("[]() ")
