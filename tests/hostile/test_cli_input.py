"""Bad command-line input (Low findings): a usage error (exit 2) or one typed line (exit 1),
never "internal error" (exit 70) or a traceback - and never a connection attempt."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from configurator.cli import main
from configurator.cli.common import parse_endpoint
from configurator.core.errors import InvalidValue


def run(capsys, argv: list[str]) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: usage error
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


BAD_ADDRESSES = ["127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:0", "127.0.0.1:²", "http://h:abc/",
                 "http://[::1", "http://h:99999/", "[::1", "[zz::1]:80", "[::1]x", "h:80:90x",
                 "a b", "\x00"]


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_bad_addresses_are_one_line(capsys, address: str) -> None:
    code, err = run(capsys, ["info", address])
    assert code == 1 and err.count("\n") == 1, err
    assert "not a device address" in err or "is not 1-65535" in err


@pytest.mark.parametrize(("text", "expected"), [
    ("[::1]:8080", ("::1", 8080)), ("[fe80::1]", ("fe80::1", None)), ("::1", ("::1", None)),
    ("http://[::1]:81/", ("::1", 81)), ("door.local:443", ("door.local", 443)),
])
def test_ipv6_and_ports_that_are_fine(text: str, expected: tuple[str, int | None]) -> None:
    endpoint = parse_endpoint(text, None, None)
    assert (endpoint.host, endpoint.port) == expected


@pytest.mark.parametrize("argv", [
    ["info", "h", "--port", "70000"], ["info", "h", "--port", "-5"], ["info", "h", "--port", "0"],
    ["events", "h", "--seconds", "-1"], ["events", "h", "--seconds", "nan"],
    ["events", "h", "--seconds", "inf"], ["events", "h", "--count", "0"],
    ["camera", "h", "--seconds", "0"], ["camera", "h", "--width", "-3"],
    ["simulate", "--count", "-1"], ["discover", "--timeout", "nan"],
])
def test_bad_numbers_are_usage_errors(capsys, argv: list[str]) -> None:
    code, err = run(capsys, argv)
    assert code == 2 and "error:" in err and "Traceback" not in err


def test_a_non_ascii_user_is_one_line_before_connecting(capsys, loopback) -> None:
    code, err = run(capsys, ["info", f"{loopback()}:9", "--user", "Jürgen", "--password", "x"])
    assert code == 1 and "user name" in err and err.count("\n") == 1


def test_a_400_digit_number_is_an_invalid_value(capsys, loopback) -> None:
    spec_error = None
    from configurator.core.params import Kind, ParamSpec
    try:
        ParamSpec("HoldDelayA", "Hold", Kind.INT, minimum=1, maximum=10).parse("9" * 400)
    except InvalidValue as exc:
        spec_error = str(exc)
    assert spec_error and "\n" not in spec_error


@pytest.mark.parametrize("command", ["restore", "firmware", "import"])
def test_a_file_without_end_is_refused_before_reading_it_all(capsys, loopback,
                                                            command: str) -> None:
    argv = [command, f"{loopback()}:9", "/dev/zero", "--yes"]
    if command == "import":
        argv = ["import", f"{loopback()}:9", "rfkey", "/dev/zero", "--yes"]
    code, err = run(capsys, argv)
    assert code == 1 and "does not end" in err and err.count("\n") == 1


def test_call_out_to_a_missing_directory_is_one_line(capsys, tmp_path: Path) -> None:
    from configurator.cli.common import write_output

    with pytest.raises(InvalidValue, match="cannot write"):
        write_output(str(tmp_path / "missing" / "x.jpg"), b"\xff\xd8")


@pytest.mark.parametrize("address", ["abc", "10.0.0.1", "127.255.256.1", "::1", "localhost"])
def test_simulate_binds_loopback_addresses_only(capsys, address: str) -> None:
    code, err = run(capsys, ["simulate", "--first-address", address, "--seconds", "0.01"])
    assert code == 1 and "--first-address" in err and err.count("\n") == 1


def test_simulator_address_arithmetic_never_makes_a_name() -> None:
    from configurator.simulators.fleet import loopback_addresses

    addresses = loopback_addresses("127.255.255.253")
    assert [next(addresses), next(addresses)] == ["127.255.255.253", "127.255.255.254"]
    with pytest.raises(ValueError, match="no loopback addresses left"):
        next(addresses)
    start = loopback_addresses("127.0.0.254")
    assert [next(start), next(start)] == ["127.0.0.254", "127.0.1.1"]


def test_an_address_in_use_is_one_line(capsys) -> None:
    import socket

    host = f"127.{150 + os.getpid() % 50}.214.1"  # per process: other worktrees' suites
    taken = socket.socket()
    taken.bind((host, 8080 if os.geteuid() else 80))
    taken.listen()
    try:
        code, err = run(capsys, ["simulate", "--vendor", "fanvil", "--first-address", host,
                                 "--seconds", "0.01"])
    finally:
        taken.close()
    assert code == 1 and "already in use" in err and host in err and err.count("\n") == 1


def test_backups_are_private_files(tmp_path: Path) -> None:
    from configurator.cli.common import write_output

    target = tmp_path / "b.xml"
    write_output(str(target), b"<config/>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
