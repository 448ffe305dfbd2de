"""Simulators are a second, independent reading of the vendor documents: no simulator module
may import driver code (else the tests would check a driver against itself)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import configurator.simulators

ROOT = Path(configurator.simulators.__file__).parent
PACKAGE = "configurator.simulators"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def _imported(path: Path, module: str = "") -> list[tuple[int, str]]:
    """Absolute names of every module a file imports (relative imports resolved)."""
    package = module or _module_name(path)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names.append((node.lineno, module))
            names += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return names


def test_resolving_relative_imports_finds_a_driver_import(tmp_path: Path) -> None:
    tree = _imported(ROOT / "fcm5600" / "state.py")
    assert any(name.startswith("configurator.simulators.fcm5600.document")
               for _, name in tree)  # ``from .document import ...`` resolved
    probe = tmp_path / "probe.py"
    probe.write_text("import json\nfrom ...drivers.fcm5600 import protocol\n", encoding="utf-8")
    names = _imported(probe, "configurator.simulators.fcm5600.probe")
    assert (2, "configurator.drivers.fcm5600") in names


def test_no_simulator_module_imports_a_driver() -> None:
    offending = [f"{path.relative_to(ROOT.parent.parent)}:{line} imports {name}"
                 for path in sorted(ROOT.rglob("*.py"))
                 for line, name in _imported(path)
                 if name == "configurator.drivers" or name.startswith("configurator.drivers.")]
    assert offending == []


def test_loading_every_simulator_loads_no_driver() -> None:
    """The same at run time, transitive imports included (a fresh interpreter)."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import configurator.simulators as s\n"
        "for m in pkgutil.walk_packages(s.__path__, s.__name__ + '.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.startswith('configurator.drivers')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]"


def test_driver_and_simulator_read_the_same_fcm_functions() -> None:
    """Two independent readings of seeds/004: the same URLs with the same HTTP methods."""
    from configurator.drivers.fcm5600.protocol import FUNCTIONS
    from configurator.simulators.fcm5600.document import DOCUMENTED

    driver = {(f.method, f.path) for f in FUNCTIONS.values()}
    simulator = {(f.method, f.url) for f in DOCUMENTED}
    assert driver == simulator
