"""The `configurator` command as a user runs it, against `configurator simulate` in another process.

These are the "done when" checks of the foundation and driver issues, end to end over loopback.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from configurator.cli import main

# Per process: the suites of other checkouts on the same machine run their own fleets.
FIRST = f"127.{100 + os.getpid() % 50}.90.1"


@pytest.fixture(scope="module")
def fleet() -> Iterator[dict[str, dict[str, Any]]]:
    """The demo fleet in a child process; {driver id: [described devices]}."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "configurator.cli", "simulate", "--first-address", FIRST],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    devices: dict[str, list[dict[str, Any]]] = {}
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            info = json.loads(line)
            devices.setdefault(info["driver"], []).append(info)
            if sum(len(v) for v in devices.values()) == 8:
                break
        assert sum(len(v) for v in devices.values()) == 8, proc.stderr.read() if proc.stderr else ""
        yield devices  # type: ignore[misc]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    assert proc.returncode == 0  # SIGTERM stops the fleet cleanly


def target(info: dict[str, Any]) -> list[str]:
    address = f"{info['scheme']}://{info['address']}:{info['port']}"
    return [address, "--user", info["user"], "--password", info["password"]]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_info_prints_identity(fleet, capsys) -> None:
    verso = fleet["2n"][0]
    code, out, _ = run(capsys, "info", *target(verso), "--json")
    assert code == 0
    info = json.loads(out)
    assert info["model"] == "2N IP Verso"
    assert info["serial"] and info["mac"] and info["firmware"].startswith("2.38")
    assert "switches" in info["capabilities"]


def _until_pulling(events: subprocess.Popen[str], timeout: float = 30.0) -> str:
    """Read the ``--debug`` log until the event stream's first ``log/pull`` goes out (its
    subscription is done); the lines read so far."""
    assert events.stderr is not None
    lines: list[str] = []
    done = threading.Event()

    def read() -> None:
        assert events.stderr is not None
        for line in events.stderr:
            lines.append(line)
            if "log/pull" in line:
                done.set()
                return

    threading.Thread(target=read, daemon=True).start()
    assert done.wait(timeout), "".join(lines)
    return "".join(lines)


def test_switch_on_reaches_the_event_stream_within_a_second(fleet, capsys) -> None:
    verso = fleet["2n"][0]
    env = {**os.environ, "CONFIGURATOR_PASSWORD": verso["password"]}
    address = f"{verso['address']}:{verso['port']}"
    events = subprocess.Popen(
        [sys.executable, "-m", "configurator.cli", "events", address, "--user", verso["user"],
         "--count", "1", "--seconds", "30", "--debug"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        stderr = _until_pulling(events)  # subscribed: on a loaded machine that takes a while
        sent = time.monotonic()
        code, _out, _ = run(capsys, "call", *target(verso), "switch/ctrl", "switch=1", "action=on")
        assert code == 0
        stdout, rest = events.communicate(timeout=15)
        stderr += rest
        arrived = time.monotonic()
    finally:
        events.kill()
    event = json.loads(stdout.splitlines()[0])
    assert event["type"] == "SwitchStateChanged", stderr
    assert event["params"]["switch"] == 1 and event["params"]["state"] is True
    assert arrived - sent < 3.0  # includes process exit; the event itself takes far less


def test_onetouch_relay_keys_and_range_check(fleet, capsys) -> None:
    door = fleet["onetouch"][0]
    code, out, _ = run(capsys, "get", *target(door), "relay", "--json")
    assert code == 0
    keys = json.loads(out)
    assert {"Config.DoorSetting.RELAY.HoldDelayA", "Config.DoorSetting.RELAY.TypeA",
            "Config.DoorSetting.DTMF.Code1"} <= set(keys)
    code, out, err = run(capsys, "set", *target(door), "relay",
                         "Config.DoorSetting.RELAY.HoldDelayA=61")
    assert code == 1 and "above the maximum 60 s" in err and err.count("\n") == 1
    code, out, err = run(capsys, "set", *target(door), "relay", "HoldDelayA=7")
    assert code == 0 and "applied 7" in out
    code, out, _ = run(capsys, "get", *target(door), "relay", "--json")
    assert json.loads(out)["Config.DoorSetting.RELAY.HoldDelayA"] == 7


def test_onetouch_rfkey_add_and_delete_round_trip(fleet, capsys) -> None:
    door = fleet["onetouch"][1]
    code, out, _ = run(capsys, "add", *target(door), "rfkey", "Name=Courier", "Code=cafe0001",
                       "DoorNum=A,B")
    assert code == 0 and out.startswith("add ")
    row_id = out.split()[1].rstrip(":")
    code, out, _ = run(capsys, "get", *target(door), "rfkey", "--json")
    rows = json.loads(out)
    assert [(str(r["ID"]), r["Name"], r["Code"]) for r in rows] == [(row_id, "Courier", "CAFE0001")]
    code, out, _ = run(capsys, "delete", *target(door), "rfkey", row_id)
    assert code == 0
    code, out, _ = run(capsys, "get", *target(door), "rfkey", "--json")
    assert json.loads(out) == []


def test_fanvil_register_addr_is_read_back(fleet, capsys) -> None:
    phone = fleet["fanvil"][0]
    code, out, _ = run(capsys, "set", *target(phone), "sip",
                       "sip.line.1.RegisterAddr=pbx.example.com")
    assert code == 0
    code, out, _ = run(capsys, "get", *target(phone), "sip", "--json")
    assert json.loads(out)["sip.line.1.RegisterAddr"] == "pbx.example.com"


def test_pbx_extension_added_by_cli_is_listed(fleet, capsys) -> None:
    pbx = fleet["fcm5600"][0]
    code, out, _ = run(capsys, "add", *target(pbx), "extensions", "exten=150",
                       "username=Door 1", "password=Secret123")
    assert code == 0, out
    code, out, _ = run(capsys, "get", *target(pbx), "extensions", "--json")
    assert "150" in {str(r["exten"]) for r in json.loads(out)}


def test_backup_writes_the_configuration(fleet, capsys, tmp_path) -> None:
    style = fleet["2n"][1]
    path = tmp_path / "style.xml"
    code, _out, _ = run(capsys, "backup", *target(style), "--out", str(path))
    assert code == 0
    assert path.read_bytes().startswith(b"<?xml") and b"2N IP Style" in path.read_bytes()


def test_wrong_password_is_one_line(fleet, capsys) -> None:
    verso = dict(fleet["2n"][0], password="wrong")
    code, _, err = run(capsys, "info", *target(verso))
    assert code == 1 and "check user and password" in err and err.count("\n") == 1


def test_unlicensed_function_on_v211_is_one_line(fleet, capsys) -> None:
    vario = fleet["2n"][2]
    code, _, err = run(capsys, "call", *target(vario), "switch/ctrl", "switch=1", "action=on")
    assert code == 1 and "licen" in err.lower() and err.count("\n") == 1


def test_device_file_export_import_and_confirmations(fleet, capsys, tmp_path) -> None:
    door = fleet["onetouch"][0]
    code, out, _ = run(capsys, "add", *target(door), "rfkey", "Name=Ann", "Code=11223344",
                       "DoorNum=A")
    assert code == 0
    exported = tmp_path / "ICKey.xml"
    code, out, _ = run(capsys, "export", *target(door), "rfkey", "--out", str(exported))
    assert code == 0 and b"11223344" in exported.read_bytes()
    code, _, err = run(capsys, "import", *target(door), "rfkey", str(exported))
    assert code == 1 and "--yes" in err  # replacing a table needs confirmation
    code, out, _ = run(capsys, "import", *target(door), "rfkey", str(exported), "--yes")
    assert code == 0
    code, out, _ = run(capsys, "get", *target(door), "rfkey", "--json")
    assert "11223344" in {r["Code"] for r in json.loads(out)}
    code, _, err = run(capsys, "restore", *target(door), str(exported), "--yes")
    assert code == 1 and "not a Config.tgz" in err  # refused before anything is sent


def test_backup_restore_round_trip_on_2n(fleet, capsys, tmp_path) -> None:
    style = fleet["2n"][1]
    backup = tmp_path / "style.xml"
    assert run(capsys, "backup", *target(style), "--out", str(backup))[0] == 0
    code, _, err = run(capsys, "restore", *target(style), str(backup))
    assert code == 1 and "--yes" in err
    code, out, _ = run(capsys, "restore", *target(style), str(backup), "--yes")
    assert code == 0 and "restored" in out


def _listed(out: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in out.splitlines()]


def test_call_list_without_a_host_lists_every_driver(capsys) -> None:
    code, out, err = run(capsys, "call", "--list", "--json")
    assert code == 0 and not err
    rows = _listed(out)
    by_driver = {d: {r["function"]: r["methods"] for r in rows if r["driver"] == d}
                 for d in ("2n", "onetouch", "fanvil", "fcm5600")}
    assert by_driver["2n"]["system/info"] == "GET" and by_driver["2n"]["config:put"] == "PUT"
    assert by_driver["onetouch"]["relay/trig"] == "GET/POST"
    assert by_driver["onetouch"]["relay/set"] == "POST"
    assert by_driver["fanvil"]["set"] == "POST"
    assert by_driver["fcm5600"]["call-dial/dial"] == "POST"
    assert len(by_driver["2n"]) >= 59 and len(by_driver["onetouch"]) >= 76


def test_call_list_of_a_host_lists_its_driver_only(fleet, capsys) -> None:
    code, out, _ = run(capsys, "call", *target(fleet["onetouch"][0]), "--list", "--json")
    assert code == 0
    rows = _listed(out)
    assert {r["driver"] for r in rows} == {"onetouch"} and len(rows) >= 76


def test_call_without_function_says_how_to_list(capsys) -> None:
    code, _, err = run(capsys, "call", "127.0.0.1")
    assert code == 1 and "--list" in err and err.count("\n") == 1


def test_recordings_listed_and_downloaded_user_only(fleet, capsys, tmp_path) -> None:
    pbx = fleet["fcm5600"][0]
    code, out, err = run(capsys, "recordings", *target(pbx), "--kind", "conference",
                         "--out", str(tmp_path), "--json")
    assert code == 0, err
    (row,) = _listed(out)
    saved = tmp_path / row["file"].rsplit("/", 1)[-1]
    assert saved.read_bytes()[:4] == b"RIFF"
    assert saved.stat().st_mode & 0o777 == 0o600  # a call is personal data


def test_recordings_narrowed_by_call_type(fleet, capsys) -> None:
    pbx = fleet["fcm5600"][0]  # its seeded conference recording is of an outgoing call
    code, out, err = run(capsys, "recordings", *target(pbx), "--kind", "conference",
                         "--type", "outgoing", "--json")
    assert code == 0, err
    assert [row["callType"] for row in _listed(out)] == ["outgoing"]
    code, out, err = run(capsys, "recordings", *target(pbx), "--kind", "conference",
                         "--type", "internal")
    assert code == 0, err
    assert "no recordings match" in out


def test_plates_listed_and_a_picture_saved(fleet, capsys, tmp_path) -> None:
    import base64
    import io
    import uuid

    from PIL import Image

    style = next(d for d in fleet["2n"] if "Style" in d["model"])
    picture = io.BytesIO()
    Image.new("RGB", (120, 60), "teal").save(picture, "JPEG")
    plate = f"CLI{uuid.uuid4().hex[:5].upper()}"  # the fleet is shared: a plate of its own
    code, _, err = run(capsys, "call", *target(style), "lpr/licenseplate",
                       f"lprUuid={uuid.uuid4()}", "accessPoint=1", f"plateText={plate}",
                       f"plateImage={base64.b64encode(picture.getvalue()).decode()}")
    assert code == 0, err
    code, out, err = run(capsys, "plates", *target(style), "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["plate"] == plate and rows[0]["direction"] == "leaving"
    out_file = tmp_path / "plate.jpg"
    code, out, err = run(capsys, "plates", *target(style), plate, "--out", str(out_file))
    assert code == 0, err
    assert out_file.read_bytes() == picture.getvalue()
    assert out_file.stat().st_mode & 0o777 == 0o600 and f"picture of {plate}" in out
    code, _, err = run(capsys, "plates", *target(style), "NOSUCH1", "--out",
                       str(tmp_path / "none.jpg"))
    assert code == 1 and "no picture of plate NOSUCH1" in err and err.count("\n") == 1
    assert not (tmp_path / "none.jpg").exists()
    code, _, err = run(capsys, "plates", *target(style), plate)
    assert code == 1 and "--out" in err and err.count("\n") == 1


def test_plates_refused_on_a_device_without_them(fleet, capsys) -> None:
    code, _, err = run(capsys, "plates", *target(fleet["fcm5600"][0]))
    assert code == 1 and "no licence plate" in err and err.count("\n") == 1


def test_recordings_refused_on_a_device_without_them(fleet, capsys) -> None:
    code, _, err = run(capsys, "recordings", *target(fleet["2n"][0]))
    assert code == 1 and "no call recordings" in err and err.count("\n") == 1


def test_recordings_bad_date_is_one_line(capsys) -> None:
    code, _, err = run(capsys, "recordings", "127.0.0.1", "--from", "1.12.2022")
    assert code == 1 and "YYYY-MM-DD" in err and err.count("\n") == 1


def test_recording_file_names_cannot_leave_the_folder() -> None:
    from configurator.cli.file_commands import safe_file_name

    assert safe_file_name("/pbx/play/general-recording/../../etc/passwd") == "passwd"
    assert safe_file_name("/pbx/play/x/..") == "recording"
    assert safe_file_name("/pbx/play/a/b c;rm.wav") == "b_c_rm.wav"


def test_delete_all_needs_yes_then_empties_the_table(fleet, capsys) -> None:
    door = target(fleet["onetouch"][0])
    code, _, err = run(capsys, "delete", *door, "dialreplace", "--all")
    assert code == 1 and "--yes" in err and err.count("\n") == 1
    code, out, err = run(capsys, "delete", *door, "dialreplace", "--all", "--yes", "--json")
    assert code == 0, err
    assert json.loads(out) == {"op": "clear", "key": "all rows", "ok": True, "message": ""}
    code, out, _ = run(capsys, "get", *door, "dialreplace", "--json")
    assert code == 0 and json.loads(out) == []
    code, _, err = run(capsys, "delete", *door, "dialreplace", "1", "--all", "--yes")
    assert code == 1 and "not both" in err


def test_download_lists_then_saves_a_device_file_user_only(fleet, capsys, tmp_path) -> None:
    door = target(fleet["onetouch"][0])
    code, out, err = run(capsys, "download", *door, "--json")
    assert code == 0, err
    assert [r["file"] for r in _listed(out)] == ["log-log", "log-kmsg", "log-log_debug",
                                                 "capture"]
    saved = tmp_path / "kmsg.txt"
    code, out, err = run(capsys, "download", *door, "log-kmsg", "--out", str(saved))
    assert code == 0, err
    assert b"Booting Linux" in saved.read_bytes() and saved.stat().st_mode & 0o777 == 0o600
    code, _, err = run(capsys, "download", *door, "nothing", "--out", str(saved))
    assert code == 1 and "available: log-log" in err and err.count("\n") == 1


def test_download_2n_capture_after_starting_it(fleet, capsys, tmp_path) -> None:
    verso = target(fleet["2n"][0])
    assert run(capsys, "action", *verso, "pcap_restart")[0] == 0
    assert run(capsys, "action", *verso, "pcap_stop")[0] == 0
    saved = tmp_path / "door.pcap"
    code, _, err = run(capsys, "download", *verso, "capture", "--out", str(saved))
    assert code == 0, err
    assert saved.read_bytes()[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4")  # libpcap


def test_download_on_a_device_without_files_is_one_line(fleet, capsys) -> None:
    code, _, err = run(capsys, "download", *target(fleet["fanvil"][0]))
    assert code == 1 and "no files" in err and err.count("\n") == 1


def test_update_changes_some_columns_of_one_row(fleet, capsys) -> None:
    door = target(fleet["onetouch"][0])
    code, out, err = run(capsys, "add", *door, "rfkey", "Name=Janitor", "Code=00C0FFEE",
                         "DoorNum=A", "--json")
    assert code == 0, err
    key = json.loads(out)["key"]
    code, out, err = run(capsys, "update", *door, "rfkey", str(key), "Name=Caretaker",
                         "--json")
    assert code == 0, err
    assert json.loads(out)["op"] == "set" and json.loads(out)["ok"] is True
    code, out, _ = run(capsys, "get", *door, "rfkey", "--json")
    row = next(r for r in json.loads(out) if r["Code"] == "00C0FFEE")
    assert row["Name"] == "Caretaker" and row["DoorNum"] == ["A"]  # other columns kept
    code, _, err = run(capsys, "update", *door, "rfkey", str(key), "Colour=red")
    assert code == 1 and "no column Colour" in err and err.count("\n") == 1
    code, _, err = run(capsys, "update", *door, "calllog", "1", "Name=x")
    assert code == 1 and "cannot be changed" in err
