"""Device credentials in the operating system keyring, or in memory for this session.

Passwords are never written to a plain file. When no keyring backend exists the store says
so once (``warning``) and keeps credentials in memory until the program ends.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from ..core.transport import Credentials

log = logging.getLogger("configurator.credentials")

SERVICE = "configurator"


def _default_backend() -> Any | None:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken backend configuration is "no backend"
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    return keyring


class CredentialStore:
    """``get``/``put``/``delete`` by endpoint key (``host:port``)."""

    def __init__(self, backend: Any | None = "default", *, persistent: bool = True) -> None:
        self._backend = _default_backend() if backend == "default" else backend
        if not persistent:
            self._backend = None
        self._memory: dict[str, Credentials] = {}
        self.warning: str | None = None
        self._warned = False
        if self._backend is None and persistent:
            self.warning = ("No system keyring is available: passwords are kept in memory for "
                            "this session only and must be entered again next time.")

    @property
    def persistent(self) -> bool:
        return self._backend is not None

    def take_warning(self) -> str | None:
        """The no-keyring warning, returned once (the UI shows it once)."""
        if self._warned or self.warning is None:
            return None
        self._warned = True
        return self.warning

    def get(self, key: str) -> Credentials | None:
        if key in self._memory:
            return self._memory[key]
        if self._backend is None:
            return None
        try:
            raw = self._backend.get_password(SERVICE, key)
        except Exception as exc:
            self._fall_back(exc)
            return None
        if not raw:
            return None
        try:
            data = json.loads(raw)
            creds = Credentials(str(data["user"]), str(data["password"]))
        except (ValueError, KeyError, TypeError):
            log.warning("%s: stored credentials are unreadable, ignoring them", key)
            return None
        self._memory[key] = creds
        return creds

    def put(self, key: str, credentials: Credentials, *, remember: bool = True) -> None:
        self._memory[key] = credentials
        if self._backend is None or not remember:
            return
        payload = json.dumps({"user": credentials.user, "password": credentials.password})
        try:
            self._backend.set_password(SERVICE, key, payload)
        except Exception as exc:
            self._fall_back(exc)

    def delete(self, key: str) -> None:
        self._memory.pop(key, None)
        if self._backend is None:
            return
        try:
            self._backend.delete_password(SERVICE, key)
        except Exception:  # not stored, or backend error: nothing left to delete
            pass

    def _fall_back(self, exc: BaseException) -> None:
        log.warning("keyring failed (%s); keeping credentials in memory", type(exc).__name__)
        self._backend = None
        self.warning = ("The system keyring failed: passwords are kept in memory for this "
                        "session only.")
