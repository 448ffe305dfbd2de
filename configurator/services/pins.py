"""Certificate pins (trust on first use) in a JSON file next to the user's configuration.

Fingerprints are not secrets, so a plain file is fine; it implements ``core.transport.PinStore``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ..core.errors import ConfiguratorError
from .paths import atomic_write_text, config_dir

log = logging.getLogger("configurator.pins")


class JsonPinStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "pins.json"
        self._pins: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._pins is None:
            self._pins = {}
            if self.path.exists():
                try:
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                except (OSError, ValueError) as exc:
                    raise ConfiguratorError(
                        f"certificate pin file {self.path} is unreadable: {exc}") from exc
                if not isinstance(data, dict):
                    raise ConfiguratorError(f"certificate pin file {self.path} is not an object")
                self._pins = {str(k): str(v) for k, v in data.items()}
        return self._pins

    def get(self, key: str) -> str | None:
        return self._load().get(key)

    def put(self, key: str, fingerprint: str) -> None:
        pins = self._load()
        pins[key] = fingerprint
        atomic_write_text(self.path, json.dumps(pins, indent=2, sort_keys=True))

    def forget(self, key: str) -> None:
        pins = self._load()
        if pins.pop(key, None) is not None:
            atomic_write_text(self.path, json.dumps(pins, indent=2, sort_keys=True))
