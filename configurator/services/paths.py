"""Where the program keeps its per-user files (config dir), overridable for tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_CONFIG_DIR = "CONFIGURATOR_CONFIG_DIR"


def config_dir() -> Path:
    """The user's configuration directory (created on demand).

    ``$CONFIGURATOR_CONFIG_DIR`` overrides it (tests, portable installs).
    """
    override = os.environ.get(ENV_CONFIG_DIR)
    if override:
        base = Path(override)
    elif sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home())) / "configurator"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support" / "configurator"
    else:
        xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        base = Path(xdg) / "configurator"
    base.mkdir(parents=True, exist_ok=True)
    return base


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file so a crash leaves either the old or the new content, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
