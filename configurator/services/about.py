"""What Help > About shows: the version, the licence and the versions of the libraries in use.

No Qt here: the Qt version comes from PySide6 only when it is already loaded (the window).
Versions come from each distribution's metadata, else the module's own ``__version__`` (a
bundle may carry a library without its metadata); a library that is absent reads "not installed".
"""

from __future__ import annotations

import sys
from importlib import metadata

from .. import __version__

LICENCE = "MIT"

# distribution name -> importable module carrying a fallback version attribute
LIBRARIES: dict[str, str] = {
    "PySide6-Essentials": "PySide6",
    "qasync": "qasync",
    "httpx": "httpx",
    "lxml": "lxml",
    "keyring": "keyring",
    "platformdirs": "platformdirs",
    "ifaddr": "ifaddr",
    "aiohttp": "aiohttp",
    "cryptography": "cryptography",
    "Pillow": "PIL",
}


def library_version(distribution: str, module: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        pass
    loaded = sys.modules.get(module)
    if loaded is None:
        try:
            loaded = __import__(module)
        except ImportError:
            return "not installed"
    return str(getattr(loaded, "__version__", "unknown"))


def library_versions() -> dict[str, str]:
    """{library: version} of Python, Qt (when loaded) and every runtime dependency."""
    versions = {"Python": sys.version.split()[0]}
    qt_core = sys.modules.get("PySide6.QtCore")
    if qt_core is not None:
        versions["Qt"] = qt_core.qVersion()
    for distribution, module in LIBRARIES.items():
        name = "PySide6" if distribution == "PySide6-Essentials" else distribution
        versions[name] = library_version(distribution, module)
    return versions


def about_text() -> str:
    """Plain text for the About box."""
    bundled = " (bundled)" if getattr(sys, "frozen", False) else ""
    lines = [f"configurator {__version__}{bundled}",
             "Commission and watch IP door intercoms, IP phones and IP-PBXs of several vendors "
             "from one window.",
             f"Licence: {LICENCE}.", ""]
    lines += [f"{name} {version}" for name, version in library_versions().items()]
    return "\n".join(lines)
