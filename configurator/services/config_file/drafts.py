"""Unsaved edits of a configuration file, kept as a draft so a crash or a quit loses nothing.

They go through the program's draft store (:mod:`configurator.services.drafts`), keyed by
path under the page id ``configfile``; secret values (by their names) are never written, and
a value no longer in the device's file, or one a draft cannot hold (a line break), is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ...core.params import Kind, ParamSpec, SettingsPage
from ..drafts import DraftStore
from .diff import ValueChange
from .document import ConfigDocument
from .secrets import is_secret_path

DRAFT_PAGE_ID = "configfile"


def draft_page(paths: Iterable[str]) -> SettingsPage:
    """A page whose settings are these paths (text; secrets as secrets, never kept)."""
    return SettingsPage(DRAFT_PAGE_ID, "Configuration file", tuple(
        ParamSpec(path, path, Kind.SECRET if is_secret_path(path) else Kind.STRING)
        for path in paths))


def save_draft(store: DraftStore, device_key: str, changes: Sequence[ValueChange]) -> None:
    """Keep the edited values of ``changes`` (none: the draft is dropped)."""
    edited = {c.path: c.new for c in changes if c.new is not None}
    store.save(device_key, draft_page(edited), edited)


def load_draft(store: DraftStore, device_key: str, document: ConfigDocument
               ) -> dict[str, str]:
    """The kept values that still name a value of ``document`` and differ from it."""
    if DRAFT_PAGE_ID not in store.pages_with_drafts(device_key):
        return {}
    current = document.values()
    kept = store.load(device_key, draft_page(current))
    return {path: str(value) for path, value in kept.items()
            if path in current and current[path] != value}
