"""Credentials for unattended site work, never from the site file and never logged.

For each device, the first of: the OS keyring entry of its address (when there is a keyring),
the credentials file's entry for the device, ``--password`` / ``$CONFIGURATOR_PASSWORD``, the
credentials file's entry for the device's driver, the file's ``default``.

The credentials file (default: ``<site>.credentials.json`` next to the site file) must be
readable by its owner only (mode 0600 on POSIX); anything looser is refused::

    {"default": {"user": "admin", "password": "..."},
     "drivers": {"2n": {"user": "admin", "password": "..."}},
     "devices": {"192.168.1.50:80": {"user": "admin", "password": "..."}}}
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...core.errors import InvalidValue
from ...core.transport import Credentials
from ..credentials import CredentialStore
from ..site import Site, SiteDevice

FILE_SUFFIX = ".credentials.json"


def default_file(site: Site) -> Path | None:
    if site.path is None:
        return None
    return site.path.with_name(site.path.stem + FILE_SUFFIX)


class SiteCredentials:
    def __init__(self, *, store: CredentialStore | None = None, file: Path | None = None,
                 user: str | None = None, password: str | None = None,
                 known: Callable[[SiteDevice], Credentials | None] | None = None) -> None:
        self.known = known  # the window: what its connected sessions log in with
        self.store = store
        self.file = file
        self.user = user
        self.password = password
        self._data = _read_file(file) if file is not None and file.exists() else {}

    @classmethod
    def for_site(cls, site: Site, *, file: str | Path | None = None, user: str | None = None,
                 password: str | None = None, keyring: bool = True) -> SiteCredentials:
        """The usual sources: the keyring (if any), ``file`` or the site's default file,
        and the command-line / environment password."""
        if password is None:
            password = os.environ.get("CONFIGURATOR_PASSWORD") or None
        store = CredentialStore() if keyring else None
        if store is not None and not store.persistent:
            store = None
        path = Path(file) if file is not None else default_file(site)
        if file is not None and not Path(file).exists():
            raise InvalidValue(f"credentials file {file} does not exist")
        return cls(store=store, file=path, user=user, password=password)

    def for_device(self, entry: SiteDevice) -> Credentials | None:
        if self.known is not None:
            found = self.known(entry)
            if found is not None:
                return found
        if self.store is not None:
            found = self.store.get(entry.key)
            if found is not None:
                return found
        user = self.user or entry.user or "admin"
        for section, name in (("devices", entry.key), ("devices", entry.serial),
                              ("devices", entry.name)):
            if name and name in self._data.get(section, {}):
                return _creds(self._data[section][name], user)
        if self.password is not None:
            return Credentials(user, self.password)
        drivers = self._data.get("drivers", {})
        if entry.driver and entry.driver in drivers:
            return _creds(drivers[entry.driver], user)
        if "default" in self._data:
            return _creds(self._data["default"], user)
        return None

    def remember(self, entry: SiteDevice, credentials: Credentials) -> str:
        """Keep credentials for later runs: the keyring when there is one, else the
        credentials file (mode 0600). Returns where they went."""
        if self.store is not None:
            self.store.put(entry.key, credentials)
            return "the system keyring"
        if self.file is None:
            raise InvalidValue("save the site first: the credentials file lives next to it")
        self._data.setdefault("devices", {})[entry.key] = {
            "user": credentials.user, "password": credentials.password}
        write_private(self.file, json.dumps(self._data, indent=2))
        return str(self.file)


def _creds(data: Any, user: str) -> Credentials:
    return Credentials(str(data.get("user") or user), str(data.get("password") or ""))


def _read_file(path: Path) -> dict[str, Any]:
    check_private(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidValue(f"cannot read credentials file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise InvalidValue(f"credentials file {path} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise InvalidValue(f"credentials file {path} must hold a JSON object")
    for section in ("devices", "drivers"):
        entries = data.get(section, {})
        if not isinstance(entries, dict) or not all(isinstance(v, dict)
                                                    for v in entries.values()):
            raise InvalidValue(f"credentials file {path}: {section!r} must map names to "
                               "{\"user\": ..., \"password\": ...}")
    if "default" in data and not isinstance(data["default"], dict):
        raise InvalidValue(f"credentials file {path}: 'default' must be an object")
    return data


def check_private(path: Path) -> None:
    """Refuse a credentials file that other users can read or write (POSIX)."""
    if sys.platform == "win32":
        return
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InvalidValue(f"cannot read credentials file {path}: {exc.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidValue(f"credentials file {path} is readable by other users: "
                           f"run `chmod 600 {path}` first")


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
