"""``configurator config-file HOST get|diff|put`` against a 2N simulator in a thread."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from configurator.cli import main
from configurator.services.paths import ENV_CONFIG_DIR
from configurator.simulators.base import SimulatedDevice
from configurator.simulators.fleet import FleetMember

from ..hostile.fleet_thread import fleet_in_thread, target

SIP = b"<SipNumber>5207</SipNumber>"


@pytest.fixture
def verso(loopback, tmp_path, monkeypatch) -> Iterator[SimulatedDevice]:
    monkeypatch.setenv(ENV_CONFIG_DIR, str(tmp_path / "home"))
    member = FleetMember("2n", {"model": "verso", "http_port": 0, "https_port": None,
                                "config_apply_delay": 0.3})
    with fleet_in_thread([member], loopback()) as (_, devices):
        yield devices[0]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_get_diff_put_with_confirmation_wait_and_verification(verso, capsys, tmp_path):
    path = tmp_path / "verso.xml"
    code, out, _ = run(capsys, "config-file", *target(verso), "get", "--out", str(path))
    assert code == 0 and f"to {path}" in out
    original = path.read_bytes()
    assert SIP in original
    path.write_bytes(original.replace(SIP, b"<SipNumber>4711</SipNumber>"))

    code, out, _ = run(capsys, "config-file", *target(verso), "diff", str(path), "--json")
    assert code == 0
    assert json.loads(out)["changes"] == [{"path": "DeviceDatabase/Phone/Account[1]/SipNumber",
                                           "old": "5207", "new": "4711", "kind": "changed"}]

    # Without --yes (and no terminal to ask on) nothing is sent.
    code, out, err = run(capsys, "config-file", *target(verso), "put", str(path))
    assert code == 1 and "--yes" in err and err.count("\n") == 1
    assert "DeviceDatabase/Phone/Account[1]/SipNumber  5207" in out
    assert verso.extensions["phone"].accounts[0]["sipNumber"] == "5207"

    code, out, err = run(capsys, "config-file", *target(verso), "put", str(path), "--yes",
                         "--wait", "0.5", "--unified")
    assert code == 0, err
    assert "+      <SipNumber>4711</SipNumber>" in out
    assert "1 of 1 change(s) applied" in out and "applied" in out
    assert verso.extensions["phone"].accounts[0]["sipNumber"] == "4711"
    kept = os.listdir(tmp_path / "home" / "data" / "config-backups")
    assert kept and all(verso.host in name for name in kept)  # the originals, before each put

    code, out, _ = run(capsys, "config-file", *target(verso), "put", str(path), "--yes")
    assert code == 0 and "nothing to upload" in out  # already on the device


def test_malformed_file_is_refused_before_any_request(capsys, tmp_path, loopback):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<DeviceDatabase><System></DeviceDatabase>")
    # nothing listens there: the file's error must come first
    code, _, err = run(capsys, "config-file", f"{loopback()}:9", "put", str(bad), "--yes")
    assert code == 1 and "not well-formed XML" in err and err.count("\n") == 1


def test_a_change_the_device_refuses_is_an_error_and_nothing_changes(verso, capsys, tmp_path):
    path = tmp_path / "verso.xml"
    assert run(capsys, "config-file", *target(verso), "get", "--out", str(path))[0] == 0
    path.write_bytes(path.read_bytes().replace(b"<Mode>monostable</Mode>",
                                               b"<Mode>sideways</Mode>", 1))
    code, _, err = run(capsys, "config-file", *target(verso), "put", str(path), "--yes",
                       "--wait", "0.5")
    assert code == 1 and "blob-cfg" in err and err.count("\n") == 1
    assert verso.switches.items[1].config.mode == "monostable"


def test_secrets_are_masked_in_the_output_unless_asked_for(verso, capsys, tmp_path):
    verso.extensions.setdefault("sip_passwords", {})[1] = "s3cret-sip"
    path = tmp_path / "verso.xml"
    assert run(capsys, "config-file", *target(verso), "get", "--out", str(path))[0] == 0
    path.write_bytes(path.read_bytes().replace(b"s3cret-sip", b"n3w-secret"))
    code, out, _ = run(capsys, "config-file", *target(verso), "diff", str(path), "--unified")
    assert code == 0 and "s3cret" not in out and "n3w-" not in out and "(changed)" in out
    code, out, _ = run(capsys, "config-file", *target(verso), "diff", str(path), "--json")
    assert "s3cret" not in out and "n3w-" not in out
    code, out, _ = run(capsys, "config-file", *target(verso), "diff", str(path),
                       "--show-secrets")
    assert "s3cret-sip" in out and "n3w-secret" in out
    code, out, err = run(capsys, "config-file", *target(verso), "put", str(path), "--yes",
                         "--wait", "0.5")
    assert code == 0, err
    assert "s3cret" not in out + err and "n3w-" not in out + err and "applied" in out
    assert verso.extensions["sip_passwords"][1] == "n3w-secret"
