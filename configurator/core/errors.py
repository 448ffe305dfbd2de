"""The typed error hierarchy shared by drivers, services, the CLI and the UI.

Every error carries a one-line, user-facing message (``str(err)``). Device-reported errors also
carry the device's own ``code``, ``param`` and ``description`` so nothing the device said is lost.
Transport errors are raised ``from`` the underlying httpx/ssl exception.
"""

from __future__ import annotations


class ConfiguratorError(Exception):
    """Base of every error this program raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        host: str | None = None,
        code: int | str | None = None,
        param: str | None = None,
        description: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.host = host
        self.code = code
        self.param = param
        self.description = description

    def __str__(self) -> str:
        prefix = f"{self.host}: " if self.host else ""
        return prefix + self.message


class InvalidValue(ConfiguratorError, ValueError):
    """A value does not satisfy its ParamSpec (raised before anything is sent)."""


class DeviceError(ConfiguratorError):
    """Something went wrong talking to a device."""


class Unreachable(DeviceError):
    """No connection: refused, unknown host, timeout, network down."""


class DeviceTimeout(Unreachable):
    """The device accepted the connection but did not answer in time."""


class ProtocolError(DeviceError):
    """The device answered something we cannot understand."""


class MalformedReply(ProtocolError):
    """A complete answer (HTTP fine) whose content is not what the protocol says: not JSON,
    wrong types, missing fields. Unlike a lost answer, asking again may well get the same."""


class AuthError(DeviceError):
    """Authentication failed or is required (never retried)."""


class PermissionDenied(AuthError):
    """Authenticated, but the account lacks the privilege for this function."""


class InsecureConnectionRequired(DeviceError):
    """The service requires HTTPS (2N error 7)."""


class CertificateMismatch(DeviceError):
    """The device presented a certificate other than the one pinned on first use."""

    def __init__(self, host: str, pinned: str, presented: str) -> None:
        super().__init__(
            "TLS certificate changed since first use "
            f"(pinned {short_fingerprint(pinned)}, now {short_fingerprint(presented)}); "
            "refusing to talk to it until you accept the new certificate",
            host=host,
        )
        self.pinned = pinned
        self.presented = presented


class CertificateRejected(DeviceError):
    """The user declined to trust the certificate presented on first use."""


class NotSupported(DeviceError):
    """The device (model, firmware or licence) does not offer this function."""


class ServiceDisabled(DeviceError):
    """The function exists but its service is switched off on the device."""


class Rejected(DeviceError):
    """The device refused the request (bad parameter, busy, processing error...)."""


class Busy(Rejected):
    """The device cannot process the request now."""


def short_fingerprint(fingerprint: str) -> str:
    """First bytes of a colon-separated SHA-256 fingerprint, for messages."""
    return fingerprint[:23] + ("…" if len(fingerprint) > 23 else "")
