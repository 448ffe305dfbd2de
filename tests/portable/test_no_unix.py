"""The program must import and discover on systems without Unix-only modules (Windows).

A fresh interpreter blocks ``fcntl``, ``resource``, ``termios``... ``select.poll``,
``os.geteuid``, the signals Windows lacks, and reports ``sys.platform`` as "win32" while
discovery runs (see ``no_unix_probe.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("no_unix_probe.py")


@pytest.fixture(scope="module")
def report() -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(PROBE)], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_module_imports_without_unix_modules(report: dict) -> None:
    assert report["import_failures"] == {}


def test_discovery_runs_on_the_fallback_path(report: dict) -> None:
    assert "discovery_error" not in report, report.get("discovery_error")
    interfaces = {tuple(i[:2]) for i in report["interfaces"]}
    assert any(address == "127.0.0.1" for _name, address in interfaces)
    loopback = next(i for i in report["interfaces"] if i[1] == "127.0.0.1")
    assert loopback[3:] == [True, True]  # up, loopback (judged by the address)
    assert all(not n.startswith("127.") for n in report["defaults"])
    assert "127.0.0.1" in report["multicast_from"]
    assert report["fd_budget"] == 1024 - 256  # no resource module: the assumed limit
    assert report["found"] == [["127.0.0.1", [report["open_port"]]]]
    assert report["refused_attempt"] is False
    assert report["immediate_attempt"] in (None, True)
    assert isinstance(report["neighbours"], dict)
    assert report["default_ports"] == [8080, 8443]
    assert report["private_write"] == "config{}"  # no os.fchmod on Windows
