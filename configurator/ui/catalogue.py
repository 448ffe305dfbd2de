"""Write the translation catalogue ``resources/i18n/configurator_en.ts`` with Qt's ``lupdate``.

    python -m configurator.ui.catalogue [TS_FILE]      (or: python3 -m configurator.bootstrap i18n)

Sources: every module of ``configurator/ui`` and ``configurator/app.py`` (``self.tr``,
``translate(context, text)``, ``QT_TRANSLATE_NOOP``), plus the texts of the drivers' parameter
tables in the context ``"params"`` - labels, groups, help, choice labels, page/table/action
titles - which the window translates where it shows them (``i18n.param_text``). Those are data
found in the driver modules; they are written to a temporary source of ``QT_TRANSLATE_NOOP``
lines for ``lupdate`` to read. Texts made from a template at run time ("Account {n}" expanded)
are in the catalogue as their template only.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..core.device import ActionSpec
from ..core.params import Choice, ParamSpec, SettingsPage, TableSpec
from .i18n import PARAMS_CONTEXT

PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parent
DEFAULT_TS = ROOT / "resources" / "i18n" / "configurator_en.ts"
SPEC_TYPES = (ParamSpec, TableSpec, SettingsPage, ActionSpec, Choice)
TEXT_FIELDS = ("label", "title", "help", "group", "unit", "confirm_text")


def lupdate_path() -> Path:
    """PySide6's ``lupdate`` (next to the PySide6 package), else one on PATH."""
    import PySide6

    for name in ("lupdate", "lupdate.exe"):
        candidate = Path(PySide6.__file__).parent / name
        if candidate.exists():
            return candidate
    found = shutil.which("pyside6-lupdate") or shutil.which("lupdate")
    if found is None:
        raise FileNotFoundError("lupdate not found (it comes with PySide6)")
    return Path(found)


def _specs_in(value: Any, seen: set[int]) -> Iterator[Any]:
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, SPEC_TYPES):
        yield value
        for field in dataclasses.fields(value):
            yield from _specs_in(getattr(value, field.name), seen)
    elif isinstance(value, list | tuple | frozenset | set):
        for item in value:
            yield from _specs_in(item, seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _specs_in(item, seen)


def driver_texts() -> list[str]:
    """Every text of the parameter tables defined in the driver modules, sorted."""
    import configurator.drivers as drivers

    seen: set[int] = set()
    texts: set[str] = set()
    for info in pkgutil.walk_packages(drivers.__path__, drivers.__name__ + "."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            for spec in _specs_in(value, seen):
                for name in TEXT_FIELDS:
                    text = getattr(spec, name, "")
                    if isinstance(text, str) and text.strip():
                        texts.add(text)
    return sorted(texts)


def params_source(texts: list[str]) -> str:
    lines = ["from PySide6.QtCore import QT_TRANSLATE_NOOP", ""]
    lines += [f"QT_TRANSLATE_NOOP({PARAMS_CONTEXT!r}, {text!r})" for text in texts]
    return "\n".join(lines) + "\n"


def write_catalogue(target: Path = DEFAULT_TS) -> str:
    """Run lupdate; returns its summary output. The target's folder is created."""
    target.parent.mkdir(parents=True, exist_ok=True)
    sources = sorted(str(p) for folder in ("ui", "screenshots")
                     for p in (PACKAGE / folder).rglob("*.py"))
    sources.append(str(PACKAGE / "app.py"))
    with tempfile.TemporaryDirectory() as folder:
        params = Path(folder) / "params_texts.py"
        params.write_text(params_source(driver_texts()), encoding="utf-8")
        result = subprocess.run(
            [str(lupdate_path()), "-no-obsolete", "-locations", "relative",
             "-source-language", "en", "-target-language", "en", *sources, str(params),
             "-ts", str(target)],
            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"lupdate failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else DEFAULT_TS
    print(write_catalogue(target))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
