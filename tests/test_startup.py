"""What ``configurator --version`` / ``--help`` load: argparse and the parser, nothing heavy.

Start-up time itself is measured by tests/bench/bench_startup.py; this checks the behaviour
that makes it fast - a command's modules (asyncio, httpx, drivers, simulators, Qt) are
imported only when that command runs.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("asyncio", "ssl", "httpx", "lxml", "numpy", "PySide6", "qasync", "aiohttp", "keyring",
         "cryptography", "PIL", "platformdirs", "configurator.core.transport",
         "configurator.core.device", "configurator.drivers", "configurator.simulators",
         "configurator.discovery", "configurator.cli.device_commands",
         "configurator.cli.fleet_commands", "configurator.app", "configurator.ui")

PROBE = """
import json, sys
from configurator.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_modules(*argv: str) -> tuple[str, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True,
                          text=True, timeout=60)
    return done.stdout, set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["info", "--help"]])
def test_version_and_help_load_nothing_heavy(argv: list[str]) -> None:
    out, modules = loaded_modules(*argv)
    assert out.strip()  # it did print the version / the help
    heavy = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == []


def test_version_is_the_package_version() -> None:
    from configurator import __version__

    out, _modules = loaded_modules("--version")
    assert out.strip() == f"configurator {__version__}"


def test_a_command_loads_its_module_but_not_the_window() -> None:
    # An unreachable port: the command fails fast, after importing what it needs.
    _out, modules = loaded_modules("info", "127.0.0.1:9", "--vendor", "2n", "--json")
    assert "configurator.cli.device_commands" in modules
    assert "httpx" in modules
    assert not any(m == "PySide6" or m.startswith("PySide6.") for m in modules)
    assert "configurator.simulators" not in modules


def test_the_cli_helpers_stay_importable_from_the_package() -> None:
    from configurator.cli import parse_assignments, parse_endpoint

    assert callable(parse_assignments) and callable(parse_endpoint)
