"""Where the program keeps its per-user files, through ``platformdirs``, overridable for tests.

- config (sites, pins, drafts, window): Linux ``$XDG_CONFIG_HOME/configurator``
  (``~/.config/configurator``), Windows ``%APPDATA%\\configurator`` (roaming: it follows the
  user), macOS ``~/Library/Application Support/configurator``;
- data: ``~/.local/share/configurator``, ``%LOCALAPPDATA%\\configurator``, macOS as config;
- cache: ``~/.cache/configurator``, ``%LOCALAPPDATA%\\configurator\\Cache``,
  ``~/Library/Caches/configurator``;
- logs: ``~/.local/state/configurator/log``, ``%LOCALAPPDATA%\\configurator\\Logs``,
  ``~/Library/Logs/configurator``.

``$CONFIGURATOR_CONFIG_DIR`` overrides all of them (tests, portable installs): config is that
directory, the others are sub-directories of it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

ENV_CONFIG_DIR = "CONFIGURATOR_CONFIG_DIR"
APP_NAME = "configurator"


def _directory(kind: str) -> Path:
    override = os.environ.get(ENV_CONFIG_DIR)
    if override:
        base = Path(override) if kind == "config" else Path(override) / kind
    else:
        import platformdirs

        if kind == "config":  # roaming on Windows: sites and pins follow the user
            base = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False, roaming=True))
        elif kind == "data":
            base = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        elif kind == "cache":
            base = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
        else:
            base = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    existed = base.is_dir()
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not override or not existed:
        # Sites, pins, drafts, the event journal and window.ini hold configuration and
        # history: readable by the user only, whatever the umask made of the directory.
        with contextlib.suppress(OSError):
            os.chmod(base, 0o700)
    return base


def config_dir() -> Path:
    """The user's configuration directory (created on demand): sites, pins, drafts, window."""
    return _directory("config")


def data_dir() -> Path:
    """The user's data directory (created on demand), for bulky files that need not roam."""
    return _directory("data")


def cache_dir() -> Path:
    """The user's cache directory (created on demand): anything that may be deleted."""
    return _directory("cache")


def log_dir() -> Path:
    """The user's log directory (created on demand)."""
    return _directory("logs")


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file so a crash leaves either the old or the new content, never half."""
    from .private_files import write_private

    path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, text.encode("utf-8"))  # the user's only; portable (no fchmod on Windows)
