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
from .i18n import translate


def user_message(exc: BaseException, address: str = "") -> str:
    where = address or getattr(exc, "host", "") or translate("messages", "the device")
    if isinstance(exc, PermissionDenied):
        return translate("messages", "{where}: the account has no permission for this "
                         "({reason}).").format(where=where, reason=exc.message)
    if isinstance(exc, AuthError):
        return translate("messages", "{where}: wrong user name or password ({reason}).").format(
            where=where, reason=exc.message)
    if isinstance(exc, DeviceTimeout):
        return translate("messages", "{where} accepted the connection but did not answer in "
                         "time.").format(where=where)
    if isinstance(exc, Unreachable):
        return translate("messages", "Cannot reach {where}: {reason}. Check the address, the "
                         "port and http/https, and that the device is powered and on this "
                         "network.").format(where=where, reason=exc.message)
    if isinstance(exc, CertificateMismatch):
        return str(exc)
    if isinstance(exc, CertificateRejected):
        return translate("messages", "{where}: the TLS certificate was not trusted, so nothing "
                         "was sent.").format(where=where)
    if isinstance(exc, InsecureConnectionRequired):
        return translate("messages", "{where} requires HTTPS: choose https and try "
                         "again.").format(where=where)
    if isinstance(exc, NotSupported):
        return f"{where}: {exc.message}"
    if isinstance(exc, ProtocolError):
        return translate("messages", "{where} answered something unexpected: {reason}").format(
            where=where, reason=exc.message)
    if isinstance(exc, ConfiguratorError):
        return str(exc) if exc.host else f"{where}: {exc.message}"
    return translate("messages", "{where}: internal error ({error})").format(
        where=where, error=f"{type(exc).__name__}: {exc}")


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
