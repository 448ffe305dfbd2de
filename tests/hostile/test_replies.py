"""Hostile replies (finding 8): whatever a device answers, the CLI ends with one typed line
(exit 1), never "internal error" (exit 70) or a traceback."""

from __future__ import annotations

import pytest

from configurator.cli import main

from .rawserver import http_answer, threaded_server

DEEP = b"[" * 100_000 + b"]" * 100_000
HUGE_INT = b"9" * 5000

HOSTILE_BODIES: dict[str, list[bytes]] = {
    "2n": [
        DEEP,
        b'{"success": false, "error": {"code": 1e999}}',
        b'{"success": false, "error": {"code": ' + HUGE_INT + b"}}",
        b'{"success": true, "result": {"variant": "x", "serialNumber": 1e999, "swVersion": 1}}',
        b'{"success": true, "result": {"variant": "x", "serialNumber": "1", "swVersion": NaN}}',
        b'{"success": true, "result": ' + b'{"a":' * 1000 + b"1" + b"}" * 1000 + b"}",
    ],
    "onetouch": [
        DEEP,
        b'{"retcode": 1e999, "message": "x", "data": {}}',
        b'{"retcode": ' + HUGE_INT + b', "message": "x", "data": {}}',
        b'{"retcode": 0, "data": {"Status": {"Model": 1e999}}}',
    ],
    "fcm5600": [
        DEEP,
        b'{"code": 1e999, "message": "x", "data": {}}',
        b'{"code": ' + HUGE_INT + b', "message": "x", "data": {}}',
        b'{"code": 0, "message": "ok", "data": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    ],
}
CASES = [(vendor, i) for vendor, bodies in HOSTILE_BODIES.items() for i in range(len(bodies))]


def _assert_one_typed_line(code: int, err: str) -> None:
    assert code == 1, err
    assert "internal error" not in err and "Traceback" not in err
    assert err.count("\n") == 1, err


@pytest.mark.parametrize(("vendor", "index"), CASES)
def test_a_hostile_json_reply_is_one_typed_line(capsys, loopback, vendor: str,
                                                index: int) -> None:
    answer = http_answer(HOSTILE_BODIES[vendor][index])
    with threaded_server(loopback(), lambda request: answer) as server:
        port = server.server_address[1]
        code = main(["info", f"{server.server_address[0]}:{port}", "--vendor", vendor,
                     "--user", "admin", "--password", "x"])
    _assert_one_typed_line(code, capsys.readouterr().err)


@pytest.mark.parametrize("body", [b"<html>denied</html>", DEEP, b"{\"success\": false"])
def test_a_2n_401_with_a_body_that_is_not_json_is_an_auth_error(capsys, loopback,
                                                                body: bytes) -> None:
    """The 401's body went to ``explain_auth_failure``, whose JSONDecodeError escaped."""
    challenge = b'WWW-Authenticate: Digest realm="2N", nonce="abc", qop="auth"\r\n'
    answer = http_answer(body, "401 Unauthorized", extra=challenge)
    with threaded_server(loopback(), lambda request: answer) as server:
        host, port = server.server_address[:2]
        code = main(["info", f"{host}:{port}", "--vendor", "2n", "--user", "admin",
                     "--password", "x"])
    err = capsys.readouterr().err
    _assert_one_typed_line(code, err)
    assert "authentication" in err or "not a 2N" in err or "no supported device" in err


@pytest.mark.parametrize("challenge", [
    b"WWW-Authenticate: Digest realm\r\n",  # no "=": ValueError inside httpx
    b'WWW-Authenticate: Digest realm="x", nonce="n", algorithm="ROT13"\r\n',  # KeyError
    b'WWW-Authenticate: Digest realm="x", nonce="n", qop="auth-int"\r\n',  # NotImplemented
    b"WWW-Authenticate: Digest\r\n",
])
def test_a_malformed_digest_challenge_is_one_typed_line(capsys, loopback,
                                                       challenge: bytes) -> None:
    answer = http_answer(b"{}", "401 Unauthorized", extra=challenge)
    with threaded_server(loopback(), lambda request: answer) as server:
        host, port = server.server_address[:2]
        code = main(["info", f"{host}:{port}", "--vendor", "2n", "--user", "admin",
                     "--password", "x"])
    _assert_one_typed_line(code, capsys.readouterr().err)
