"""Nothing outside a driver reaches into a device's protocol client (issue 11).

The UI, services, live sources, the CLI and the screenshot scripts ask a device through its
public interface (``core.device.Device`` and the abilities of ``core.abilities``); only the
driver that owns ``device.client`` may use it. The check reads the source (no import needed),
so it also covers modules a test run never imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import configurator

PACKAGE = Path(configurator.__file__).parent


def client_reaches(source: str) -> list[int]:
    """Line numbers of ``<something>.device.client`` or ``device.client`` in ``source``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Attribute) and node.attr == "client"):
            continue
        owner = node.value
        named = (owner.id if isinstance(owner, ast.Name)
                 else owner.attr if isinstance(owner, ast.Attribute) else "")
        if named in ("device", "dev", "_device"):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_detector_finds_a_reach_into_the_client() -> None:
    sample = ("async def f(row):\n"
              "    await row.device.client.dir_create([])\n"
              "    device.client.call('x')\n"
              "    transport.client.build_request('GET', '/')\n")
    assert client_reaches(sample) == [2, 3]


def test_no_module_outside_the_drivers_uses_a_device_client() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "drivers":
            continue
        for line in client_reaches(path.read_text(encoding="utf-8")):
            offenders.append(f"{relative}:{line}")
    assert offenders == []
