"""Secret hygiene (findings 3 and 4): a known password appears in no output, log or file the
CLI writes, ``--debug`` included; secret values are masked unless ``--reveal``."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from configurator.cli import main
from configurator.simulators.base import SimulatedDevice
from configurator.simulators.fleet import demo_fleet

from .fleet_thread import fleet_in_thread, target

PASSWORD = "Kn0wn-Secret-77"
FIRST = f"127.{150 + os.getpid() % 50}.212.1"  # per process: suites of other worktrees


@pytest.fixture(scope="module")
def fleet() -> Iterator[dict[str, SimulatedDevice]]:
    with fleet_in_thread(demo_fleet(), FIRST, password=PASSWORD) as (_, devices):
        by_driver: dict[str, SimulatedDevice] = {}
        for device in devices:
            by_driver.setdefault(device.describe()["driver"], device)
        yield by_driver


def run(capsys, argv: list[str]) -> tuple[int, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_the_password_never_reaches_argparse_warnings(capsys, loopback) -> None:
    """``call`` without K=V and ``action`` without arguments printed argparse's
    "Do not expect assignments in Namespace(... password='...')" on stderr."""
    host = f"{loopback()}:9"
    for argv in (["call", host, "system/info"], ["action", host]):
        # A real process: under pytest, warnings are collected instead of printed.
        result = subprocess.run(
            [sys.executable, "-m", "configurator.cli", *argv, "--user", "admin",
             "--password", PASSWORD], capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        text = result.stdout + result.stderr
        assert PASSWORD not in text and "Namespace" not in text
        assert text.count("\n") == 1


def test_simulate_count_is_the_count(capsys) -> None:
    """The same double parse appended ``--vendor`` twice: ``--count 1`` started 2 devices."""
    code, text = run(capsys, ["simulate", "--vendor", "onetouch", "--count", "1",
                              "--first-address", f"127.{150 + os.getpid() % 50}.213.1",
                              "--seconds", "0.01"])
    assert code == 0
    assert len([line for line in text.splitlines() if line.startswith("{")]) == 1


@pytest.mark.parametrize("driver", ["2n", "onetouch", "fanvil", "fcm5600"])
def test_no_command_shows_the_password_even_with_debug(capsys, tmp_path: Path, fleet,
                                                       driver: str) -> None:
    device = fleet[driver]
    base = target(device)
    seen: list[str] = []
    code, text = run(capsys, ["info", *base, "--debug", "--json"])
    assert code == 0, text
    seen.append(text)
    groups = json.loads(run(capsys, ["get", *base, "--json"])[1].splitlines()[0])
    for group in [*groups["settings"], *groups["tables"]]:
        code, text = run(capsys, ["get", *base, group, "--json", "--debug"])
        seen.append(text)
        code, text = run(capsys, ["get", *base, group, "--all-columns"])
        seen.append(text)
    code, text = run(capsys, ["events", *base, "--seconds", "1", "--debug"])
    seen.append(text)
    for text in seen:
        assert PASSWORD not in text


def test_get_json_masks_secret_columns_unless_revealed(capsys, fleet) -> None:
    """Finding 4: FCM ``extensions`` (password, voicemailPassword) came out in clear."""
    base = target(fleet["fcm5600"])
    code, text = run(capsys, ["get", *base, "extensions", "--json"])
    assert code == 0, text
    rows = json.loads(text.splitlines()[0])
    assert rows and all(row["password"] in ("***", "") for row in rows)
    assert any(row["password"] == "***" for row in rows)
    code, text = run(capsys, ["get", *base, "extensions", "--json", "--reveal"])
    revealed = json.loads(text.splitlines()[0])
    assert any(row["password"] not in ("***", "") for row in revealed)


def test_files_with_configuration_are_private(capsys, tmp_path: Path, fleet) -> None:
    out = tmp_path / "backup.bin"
    code, text = run(capsys, ["backup", *target(fleet["fanvil"]), "--out", str(out)])
    assert code == 0, text
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert not list(tmp_path.glob("*.partial"))


def test_a_failed_backup_leaves_no_partial_file(capsys, tmp_path: Path, fleet) -> None:
    out = tmp_path / "taken"
    out.mkdir()  # the final rename fails: the name is a directory
    code, text = run(capsys, ["backup", *target(fleet["fanvil"]), "--out", str(out)])
    assert code == 1 and "cannot write" in text and text.count("\n") == 1
    assert not list(tmp_path.glob("*.partial"))
