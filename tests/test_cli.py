"""CLI argument handling and error paths: one line on stderr, non-zero exit, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from configurator.cli import main, parse_assignments, parse_endpoint
from configurator.core.errors import InvalidValue


@pytest.mark.parametrize(("text", "scheme", "port", "expected"), [
    ("10.0.0.5", None, None, ("10.0.0.5", None, "http")),
    ("10.0.0.5:8080", None, None, ("10.0.0.5", 8080, "http")),
    ("https://door.local:8443", None, None, ("door.local", 8443, "https")),
    ("https://door.local", None, None, ("door.local", None, "https")),
    ("10.0.0.5", "https", 4443, ("10.0.0.5", 4443, "https")),
    ("[fe80::1]", None, None, ("fe80::1", None, "http")),
])
def test_parse_endpoint(text, scheme, port, expected) -> None:
    endpoint = parse_endpoint(text, scheme, port)
    assert (endpoint.host, endpoint.port, endpoint.scheme) == expected


@pytest.mark.parametrize("bad", ["ftp://x", "a b", "host/path", "user@host", ""])
def test_parse_endpoint_rejects(bad: str) -> None:
    with pytest.raises(InvalidValue):
        parse_endpoint(bad, None, None)


def test_parse_assignments() -> None:
    assert parse_assignments(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(InvalidValue, match="KEY=VALUE"):
        parse_assignments(["novalue"])


def test_bad_address_is_one_line(capsys) -> None:
    assert main(["info", "bad host"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a device address" in err


def test_refused_connection_is_one_line(capsys, loopback) -> None:
    assert main(["info", f"{loopback()}:9"]) == 1
    err = capsys.readouterr().err
    assert err.strip().endswith("connection refused")
    assert "Traceback" not in err and err.count("\n") == 1


def test_bad_assignment_fails_before_connecting(capsys, loopback) -> None:
    # nothing listens on the address: the assignment error must come first
    assert main(["set", loopback(), "relay", "HoldDelayA"]) == 1
    assert "expected KEY=VALUE" in capsys.readouterr().err


def test_usage_error_exit_code() -> None:
    with pytest.raises(SystemExit) as info:
        main(["info"])
    assert info.value.code == 2


def test_no_traceback_from_a_real_process(loopback) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "configurator.cli", "get", f"{loopback()}:9", "relay"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
