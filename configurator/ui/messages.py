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


def _templates() -> tuple[tuple[type[BaseException], str], ...]:
    """Per kind of error, most specific first: its message ({where}: the device, {reason}:
    the error's own words). Translated when asked for (the language may change)."""
    return (
        (PermissionDenied, translate("messages", "{where}: the account has no permission for "
                                     "this ({reason}).")),
        (AuthError, translate("messages", "{where}: wrong user name or password ({reason}).")),
        (DeviceTimeout, translate("messages", "{where} accepted the connection but did not "
                                  "answer in time.")),
        (Unreachable, translate("messages", "Cannot reach {where}: {reason}. Check the address, "
                                "the port and http/https, and that the device is powered and "
                                "on this network.")),
        (CertificateMismatch, "{error}"),
        (CertificateRejected, translate("messages", "{where}: the TLS certificate was not "
                                        "trusted, so nothing was sent.")),
        (InsecureConnectionRequired, translate("messages", "{where} requires HTTPS: choose "
                                               "https and try again.")),
        (NotSupported, "{where}: {reason}"),
        (ProtocolError, translate("messages", "{where} answered something unexpected: "
                                  "{reason}")),
    )


def user_message(exc: BaseException, address: str = "") -> str:
    """One line in words for the person, whatever the error (never a traceback)."""
    where = address or getattr(exc, "host", "") or translate("messages", "the device")
    reason = exc.message if isinstance(exc, ConfiguratorError) else str(exc)
    for kind, template in _templates():
        if isinstance(exc, kind):
            return template.format(where=where, reason=reason, error=exc)
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
