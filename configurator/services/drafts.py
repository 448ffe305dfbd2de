"""Autosave of unsaved form edits, so a crash loses nothing.

Drafts are kept per device (endpoint key) and page as *text* (``ParamSpec.format``) and are
restored through ``ParamSpec.parse`` - the single validator. Secret values are never written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.errors import InvalidValue
from ..core.params import Kind, SettingsPage
from .paths import atomic_write_text, config_dir

log = logging.getLogger("configurator.drafts")


class DraftStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "drafts.json"
        self._data: dict[str, dict[str, dict[str, str]]] | None = None

    def _load(self) -> dict[str, dict[str, dict[str, str]]]:
        if self._data is None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self._data = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self._data = {}
        return self._data

    def save(self, device_key: str, page: SettingsPage, changes: Mapping[str, Any]) -> None:
        """Remember the unsaved typed values of one page (replacing what was there)."""
        texts = {}
        for key, value in changes.items():
            spec = next((p for p in page.params if p.key == key), None)
            if spec is None or spec.kind is Kind.SECRET:
                continue
            texts[key] = spec.to_text(value)
        data = self._load()
        pages = data.setdefault(device_key, {})
        if texts:
            pages[page.id] = texts
        else:
            pages.pop(page.id, None)
            if not pages:
                data.pop(device_key, None)
        self._flush()

    def load(self, device_key: str, page: SettingsPage) -> dict[str, Any]:
        """Typed draft values of a page; entries that no longer validate are dropped."""
        texts = self._load().get(device_key, {}).get(page.id, {})
        values: dict[str, Any] = {}
        for key, text in texts.items():
            try:
                values[key] = page.spec(key).parse(str(text))
            except InvalidValue as exc:
                log.info("dropping draft %s: %s", key, exc)
        return values

    def pages_with_drafts(self, device_key: str) -> list[str]:
        return list(self._load().get(device_key, {}))

    def discard_device(self, device_key: str) -> None:
        if self._load().pop(device_key, None) is not None:
            self._flush()

    def _flush(self) -> None:
        try:
            atomic_write_text(self.path, json.dumps(self._load(), indent=1, sort_keys=True))
        except OSError as exc:
            log.warning("cannot autosave drafts to %s: %s", self.path, exc)
