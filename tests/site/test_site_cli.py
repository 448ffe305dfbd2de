"""`configurator site ...` as a user runs it, against `configurator simulate` in a child
process: exit codes, one JSON line per device, credentials kept out of files and output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from configurator.cli import main

# Per test process: five worktrees on this machine run their suites at the same time on one
# loopback interface, and a fixed address was seen taken by another run's simulators.
FIRST = f"127.{200 + os.getpid() % 50}.92.1"
SECRET_2N = "2n-Demo-1"


@pytest.fixture(scope="module")
def fleet() -> Iterator[list[dict[str, Any]]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "configurator.cli", "simulate", "--vendor", "onetouch",
         "--vendor", "fanvil", "--vendor", "2n", "--count", "1", "--first-address", FIRST],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    devices: list[dict[str, Any]] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(devices) < 3:
            line = proc.stdout.readline()
            if not line:
                break
            devices.append(json.loads(line))
        assert len(devices) == 3, proc.stderr.read() if proc.stderr else ""
        yield devices
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def workdir(tmp_path: Path, fleet: list[dict[str, Any]]) -> Path:
    creds = {"drivers": {d["driver"]: {"user": d["user"], "password": d["password"]}
                         for d in fleet}}
    path = tmp_path / "site.credentials.json"
    path.write_text(json.dumps(creds))
    path.chmod(0o600)
    return tmp_path


def hosts(fleet: list[dict[str, Any]]) -> list[str]:
    return [f"{d['address']}:{d['port']}" for d in fleet]


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_add_list_apply_backup_restore(capsys, workdir, fleet) -> None:
    site = str(workdir / "site.json")
    assert main(["site", "add", site, *hosts(fleet), "--json", "--tag", "lobby"]) == 0
    added = json_lines(capsys.readouterr().out)
    assert sorted(d["driver"] for d in added) == ["2n", "fanvil", "onetouch"]
    assert all(d["status"] == "succeeded" and d["model"] for d in added)
    saved = (workdir / "site.json").read_text()
    assert SECRET_2N not in saved and "httpapi" not in saved
    assert json.loads(saved)["devices"][0]["tags"] == ["lobby"]

    assert main(["site", "list", site, "--json", "--devices", "vendor:2n"]) == 0
    listed = json_lines(capsys.readouterr().out)
    assert [d["driver"] for d in listed] == ["2n"]

    template = workdir / "relay.json"
    template.write_text(json.dumps({"drivers": {
        "onetouch": {"relay": {"HoldDelayA": 11}}, "fanvil": {"phone/EnableDND": True}}}))
    assert main(["site", "apply", site, str(template), "--dry-run", "--json"]) == 0
    planned = {d["device"]: d for d in json_lines(capsys.readouterr().out)}
    onetouch = next(d for d in planned.values() if d["title"].startswith("Onetouch"))
    assert onetouch["keys"][0]["old"] == 5 and "outcome" not in onetouch["keys"][0]

    assert main(["site", "apply", site, str(template), "--json"]) == 0
    out = capsys.readouterr()
    applied = json_lines(out.out)
    assert len(applied) == 3  # one line per device
    assert {d["status"] for d in applied} == {"succeeded", "skipped"}
    assert "3 device(s)" in out.err
    journal = workdir / "site.events.sqlite"
    assert journal.exists()
    assert main(["site", "apply", site, str(template), "--dry-run"]) == 0
    assert "5 -> 11" not in capsys.readouterr().out  # already applied: 11 -> 11

    bad = workdir / "bad.json"
    bad.write_text(json.dumps({"drivers": {"onetouch": {"sip": {
        "Config.Account1.GENERAL.DisplayName": "x" * 150}}}}))
    assert main(["site", "apply", site, str(bad), "--json"]) == 1
    refused = [d for d in json_lines(capsys.readouterr().out) if d["status"] == "failed"]
    assert refused and refused[0]["keys"][0]["outcome"] == "rejected"

    assert main(["site", "backup", site, "--out", str(workdir / "backups"), "--json"]) == 0
    capsys.readouterr()
    folder = next((workdir / "backups").iterdir())
    assert (folder / "manifest.json").exists()
    # Nothing changed since the backup: nothing to restore, and that is a success.
    assert main(["site", "restore", site, str(folder), "vendor:2n"]) == 0
    out = capsys.readouterr()
    assert "identical to the device's current configuration" in out.out
    for text in (out.out, out.err):
        assert SECRET_2N not in text


def test_failures_give_a_non_zero_exit_and_one_line_each(capsys, workdir, fleet) -> None:
    site = str(workdir / "site.json")
    dead = FIRST.rsplit(".", 1)[0] + ".250:9"
    assert main(["site", "add", site, hosts(fleet)[0], dead, "--json"]) == 1
    lines = json_lines(capsys.readouterr().out)
    assert {d["status"] for d in lines} == {"succeeded", "unreachable"}
    assert len(json.loads((workdir / "site.json").read_text())["devices"]) == 1

    (workdir / "site.credentials.json").chmod(0o644)
    assert main(["site", "apply", site, str(workdir / "none.json")]) == 1
    err = capsys.readouterr().err
    assert "cannot read" in err and err.count("\n") == 1
    template = workdir / "t.json"
    template.write_text(json.dumps({"drivers": {"onetouch": {"relay": {"HoldDelayA": 6}}}}))
    assert main(["site", "apply", site, str(template)]) == 1
    err = capsys.readouterr().err
    assert "chmod 600" in err and "Traceback" not in err

    (workdir / "site.credentials.json").chmod(0o600)
    assert main(["site", "apply", site, str(template), "--devices", "nosuchdoor"]) == 1
    assert "no device of the site matches 'nosuchdoor'" in capsys.readouterr().err
    assert main(["site", "apply", site]) == 1
    assert "usage: configurator site apply" in capsys.readouterr().err


def test_wrong_password_is_auth_failed_and_never_echoed(capsys, workdir, fleet) -> None:
    site = str(workdir / "site.json")
    (workdir / "site.credentials.json").unlink()
    os.environ.pop("CONFIGURATOR_PASSWORD", None)
    twon = next(d for d in fleet if d["driver"] == "2n")
    assert main(["site", "add", site, f"{twon['address']}:{twon['port']}", "--json",
                 "--password", "not-the-password"]) == 1
    out = capsys.readouterr()
    (line,) = json_lines(out.out)
    assert line["status"] == "auth failed" and line["model"]  # detected, then refused
    assert "not-the-password" not in out.out + out.err
    assert "not-the-password" not in (workdir / "site.json").read_text()


def test_doortest_then_report_html_and_pdf(capsys, workdir, fleet, qapp) -> None:
    site = str(workdir / "site.json")
    assert main(["site", "add", site, *hosts(fleet), "--name", "Block D"]) == 0
    assert main(["site", "doortest", site, "--devices", "vendor:2n", "--wait", "3"]) == 0
    out = capsys.readouterr().out
    assert "Switch 1: event SwitchStateChanged after" in out and "+ snapshot" in out

    assert main(["site", "report", site, "--out", str(workdir / "r.html")]) == 0
    page = (workdir / "r.html").read_text()
    assert "Block D" in page and page.count("data:image/jpeg;base64,") >= 2
    assert main(["site", "report", site, "--out", str(workdir / "r.pdf")]) == 0
    assert (workdir / "r.pdf").read_bytes().startswith(b"%PDF")
    assert main(["site", "report", site, "--out", str(workdir / "r.txt")]) == 1
    assert "FILE.html or FILE.pdf" in capsys.readouterr().err


def test_firmware_plan_from_the_cli(capsys, workdir, fleet) -> None:
    from configurator.simulators.twon.firmware import make_firmware

    site = str(workdir / "site.json")
    assert main(["site", "add", site, *hosts(fleet)]) == 0
    capsys.readouterr()
    image = workdir / "verso-2.39.fw"
    image.write_bytes(make_firmware("verso", "2.39.0.10.1"))
    assert main(["site", "firmware", site, str(image), "--json"]) == 0
    plan = {d["title"]: d for d in json_lines(capsys.readouterr().out)}
    twon = next(d for t, d in plan.items() if t.startswith("2N"))
    assert twon["status"] == "succeeded" and twon["version"] == "2.39.0.10.1"
    assert twon["plan"] == "install" and twon["current"] == "2.38.0.52.4"
    others = [d for t, d in plan.items() if not t.startswith("2N")]
    assert {d["status"] for d in others} == {"skipped"}
    assert main(["site", "firmware", site, str(image), "--apply"]) == 1
    assert "add --yes" in capsys.readouterr().err
