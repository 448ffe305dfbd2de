"""A site: the devices of one building, saved as a JSON file without any secrets."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ..core import safejson
from ..core.errors import ConfiguratorError
from ..core.identity import DeviceIdentity
from ..core.transport import Endpoint
from .paths import atomic_write_text, config_dir

FORMAT_VERSION = 1
MAX_RECENT = 8


class SiteFileError(ConfiguratorError):
    """A site file cannot be read or written."""


@dataclass
class SiteDevice(DeviceIdentity):
    """A device of the site: the identity record plus how to reach it and what the site
    keeps for it (``name`` is the user's name for it)."""

    address: str
    port: int | None = None
    scheme: str = "http"
    driver: str = ""
    notes: str = ""
    user: str = ""  # the user name is not a secret; the password lives in the keyring
    # What this program keeps for the device, not on it (``Device.program_settings``).
    settings: dict[str, Any] = field(default_factory=dict)
    # Saved selections this device belongs to ("floor 2", "entrances"): site-scale work picks
    # devices by tag (``--devices tag:entrances``).
    tags: list[str] = field(default_factory=list)
    # Per-device values a template fills in (``{sip_user}``, ``{door}``...); never secrets.
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(self.address, self.port, "https" if self.scheme == "https" else "http")

    @property
    def key(self) -> str:
        return self.endpoint.key

    @property
    def title(self) -> str:
        return self.name or self.product or self.address

    @classmethod
    def from_json(cls, data: Any) -> SiteDevice:
        if not isinstance(data, dict) or not isinstance(data.get("address"), str):
            raise SiteFileError("a device entry has no address")
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        port = values.get("port")
        if port is not None and (not isinstance(port, int) or not 0 < port < 65536):
            raise SiteFileError(f"device {data['address']}: invalid port {port!r}")
        settings = values.pop("settings", {})
        if not isinstance(settings, dict):
            raise SiteFileError(f"device {data['address']}: settings must be an object")
        tags = values.pop("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise SiteFileError(f"device {data['address']}: tags must be a list of text")
        extra = values.pop("fields", {})
        if not isinstance(extra, dict) or not all(
                isinstance(k, str) and isinstance(v, str | int) for k, v in extra.items()):
            raise SiteFileError(f"device {data['address']}: fields must map names to text")
        for key, value in values.items():
            if key != "port" and not isinstance(value, str):
                raise SiteFileError(f"device {data['address']}: {key} must be text")
        return cls(**values, settings=settings, tags=list(tags),
                   fields={k: str(v) for k, v in extra.items()})


@dataclass
class Site:
    name: str = "Untitled site"
    devices: list[SiteDevice] = field(default_factory=list)
    notes: str = ""
    path: Path | None = None

    def find(self, key: str) -> SiteDevice | None:
        for device in self.devices:
            if device.key == key:
                return device
        return None

    def add(self, device: SiteDevice) -> SiteDevice:
        existing = self.find(device.key)
        if existing is not None:
            return existing
        self.devices.append(device)
        return device

    def remove(self, key: str) -> None:
        self.devices = [d for d in self.devices if d.key != key]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "configurator-site",
            "version": FORMAT_VERSION,
            "name": self.name,
            "notes": self.notes,
            "devices": [asdict(d) for d in self.devices],
        }

    def save(self, path: Path | None = None) -> Path:
        target = path or self.path
        if target is None:
            raise SiteFileError("the site has no file name yet")
        try:
            atomic_write_text(Path(target), json.dumps(self.to_json(), indent=2))
        except OSError as exc:
            raise SiteFileError(f"cannot save site {target}: {exc.strerror or exc}") from exc
        self.path = Path(target)
        return self.path

    @classmethod
    def load(cls, path: Path) -> Site:
        try:
            data = safejson.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise SiteFileError(f"cannot open site {path}: {exc.strerror or exc}") from exc
        except ValueError as exc:
            raise SiteFileError(f"{path} is not a site file (invalid JSON: {exc})") from exc
        if not isinstance(data, dict) or not isinstance(data.get("devices", []), list):
            raise SiteFileError(f"{path} is not a site file")
        site = cls(
            name=str(data.get("name") or Path(path).stem),
            notes=str(data.get("notes") or ""),
            devices=[SiteDevice.from_json(d) for d in data.get("devices", [])],
            path=Path(path),
        )
        return site


class RecentSites:
    """The most recently used site files (newest first), kept in the config dir."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "recent-sites.json"

    def list(self) -> list[Path]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(data, list):
            return []
        return [Path(p) for p in data if isinstance(p, str)]

    def add(self, site_path: Path) -> None:
        entries = [p for p in self.list() if p != Path(site_path)]
        entries.insert(0, Path(site_path))
        atomic_write_text(self.path, json.dumps([str(p) for p in entries[:MAX_RECENT]]))
