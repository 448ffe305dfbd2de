"""2N driver unit tests on the manuals' own example replies (no network)."""

from __future__ import annotations

import httpx
import pytest

from configurator.core.errors import (
    AuthError,
    Busy,
    InsecureConnectionRequired,
    InvalidValue,
    NotSupported,
    PermissionDenied,
    ProtocolError,
    Rejected,
    ServiceDisabled,
)
from configurator.core.events import Severity
from configurator.core.transport import Endpoint, Transport
from configurator.drivers.twon import probe
from configurator.drivers.twon.caps import detect, option_active
from configurator.drivers.twon.client import TwoNClient
from configurator.drivers.twon.device import info_from_result
from configurator.drivers.twon.events import TwoNEventSource, to_device_event
from configurator.drivers.twon.functions import FUNCTIONS
from configurator.drivers.twon.reply import error_from_body, parse_json_reply
from configurator.drivers.twon.specs import directory_table, flatten, unflatten

from .twon_examples import EXAMPLES, LOG_PULL_238, SYSTEM_CAPS_238


def _response(body: str, status: int = 200, ctype: str = "application/json") -> httpx.Response:
    return httpx.Response(status, content=body.encode(), headers={"content-type": ctype})


def _client(routes: dict[str, str], seen: list[httpx.Request] | None = None) -> TwoNClient:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        body = routes.get(request.url.path)
        if body is None:
            return _response('{"success": false, "error": {"code": 2}}')
        return _response(body)

    transport = Transport(Endpoint("127.0.0.1"), transport=httpx.MockTransport(handler))
    return TwoNClient(transport)


# -- reply parsing ---------------------------------------------------------------------------
def test_positive_reply_without_result_tolerates_the_manuals_trailing_comma():
    assert parse_json_reply(_response('{\n  "success" : true,\n}'), function="x") == {}


def test_manual_error_example_maps_to_rejected_with_param():
    body = ('{"success" : false, "error" : {"code" : 12, "param" : "port", '
            '"description" : "invalid parameter value"}}')
    with pytest.raises(Rejected) as info:
        parse_json_reply(_response(body), function="io/ctrl")
    err = info.value
    assert (err.code, err.param, err.description) == (12, "port", "invalid parameter value")
    assert "'port'" in str(err) and "io/ctrl" in str(err)


@pytest.mark.parametrize(("code", "cls"), [
    (1, NotSupported), (2, NotSupported), (3, ProtocolError), (4, ServiceDisabled),
    (5, NotSupported), (7, InsecureConnectionRequired), (8, AuthError), (9, AuthError),
    (10, PermissionDenied), (11, Rejected), (12, Rejected), (13, Rejected), (14, Rejected),
    (15, Rejected), (17, Rejected), (18, Busy), (19, Rejected), (99, Rejected),
])
def test_every_error_code_has_its_typed_error(code, cls):
    err = error_from_body({"success": False, "error": {"code": code, "param": "p",
                                                       "description": "d"}}, function="f")
    assert type(err) is cls
    assert err.code == code and err.param == "p" and err.description == "d"


def test_error_wording_for_licence_and_https():
    lic = error_from_body({"success": False, "error": {"code": 5}}, function="switch/ctrl")
    assert "licence required" in str(lic)
    tls = error_from_body({"success": False, "error": {"code": 7}}, function="switch/ctrl")
    assert "switch to HTTPS" in str(tls)


@pytest.mark.parametrize("body", ["<html>oops</html>", "{\"result\": {}}", "[1, 2]",
                                  '{"success": true, "result": [1]}'])
def test_malformed_replies_are_protocol_errors(body):
    with pytest.raises(ProtocolError):
        parse_json_reply(_response(body, ctype="text/html"), function="system/info")


def test_401_with_2n_body_is_auth_error():
    body = '{"success": false, "error": {"code": 9, "description": "authorisation required"}}'
    with pytest.raises(AuthError) as info:
        parse_json_reply(_response(body, 401), function="system/status")
    assert info.value.code == 9


# -- every example reply of both manuals parses through the client ---------------------------
@pytest.mark.parametrize("name", sorted(EXAMPLES))
async def test_client_parses_manual_example(name):
    path, body, call, check = EXAMPLES[name]
    client = _client({path: body})
    result = await call(client)
    check(result)
    await client.transport.aclose()


def test_function_table_covers_both_manuals():
    names = {n.split(":")[0] for n in FUNCTIONS}
    assert len(names) == 54  # every path of the v2.38 overview table but the /api/holidays alias
    assert {"system/caps", "pcap/live/stats", "lift/grantaccess", "automation/trigger",
            "accesspoint/grantaccess", "mobilekey/config", "dir/query"} <= names


async def test_control_functions_are_not_retried_and_reads_are():
    attempts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request.url.path)
        raise httpx.RemoteProtocolError("stale keep-alive", request=request)

    client = TwoNClient(Transport(Endpoint("127.0.0.1"),
                                  transport=httpx.MockTransport(handler)))
    with pytest.raises(ProtocolError):
        await client.switch_ctrl(1, "trigger")
    assert attempts == ["/api/switch/ctrl"]
    attempts.clear()
    with pytest.raises(ProtocolError):
        await client.switch_status()
    assert attempts == ["/api/switch/status"] * 2
    await client.transport.aclose()


async def test_dial_refuses_number_and_users_together_without_sending():
    seen: list[httpx.Request] = []
    client = _client({}, seen)
    with pytest.raises(InvalidValue):
        await client.call_dial("1234", ["a"])
    with pytest.raises(InvalidValue):
        await client.call_dial()
    assert seen == []
    await client.transport.aclose()


async def test_switch_ctrl_sends_documented_parameters_and_returns_custom_text():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="TEST", headers={"content-type": "text/plain"})

    client = TwoNClient(Transport(Endpoint("127.0.0.1"),
                                  transport=httpx.MockTransport(handler)))
    text = await client.switch_ctrl(4, "trigger", timeout=10, response="TEST")
    assert text == "TEST"
    assert dict(seen[0].url.params) == {"switch": "4", "action": "trigger", "timeout": "10",
                                        "response": "TEST"}
    with pytest.raises(InvalidValue):
        await client.switch_ctrl(1, "open")
    await client.transport.aclose()


async def test_log_pull_uses_a_read_timeout_longer_than_the_poll():
    seen: list[httpx.Request] = []
    client = _client({"/api/log/pull": LOG_PULL_238}, seen)
    await client.log_pull(7, timeout=20)
    assert seen[0].extensions["timeout"]["read"] == 25
    await client.transport.aclose()


def test_mjpeg_request_carries_fps_source_and_size():
    path, params = TwoNClient.mjpeg_request(640, 480, fps=5, source="internal", time=-5)
    assert path == "/api/camera/snapshot"
    assert params == {"width": "640", "height": "480", "source": "internal", "fps": "5",
                      "time": "-5"}
    assert TwoNClient.mjpeg_request(640, 480, fps=25)[1]["fps"] == "25"  # no 15 cap
    with pytest.raises(InvalidValue):
        TwoNClient.mjpeg_request(640, 480, fps=0)


# -- info, probe, caps -----------------------------------------------------------------------
def test_info_from_v238_example():
    import json

    from .twon_examples import SYSTEM_INFO_238
    info = info_from_result(json.loads(SYSTEM_INFO_238)["result"])
    assert (info.vendor, info.model, info.serial) == ("2N", "2N IP Verso", "00-0000-0005")
    assert info.mac == "FC:1E:B3:00:00:05" and info.firmware == "2.35.0.45.0"
    assert info.extra["firmwarePackage"] == "verso"


async def test_probe_recognises_2n_and_auth_required_and_ignores_others():
    from .twon_examples import SYSTEM_INFO_211

    async def run(body: str, status: int = 200, ctype: str = "application/json"):
        transport = Transport(Endpoint("127.0.0.1"), transport=httpx.MockTransport(
            lambda r: _response(body, status, ctype)))
        try:
            return await probe(transport)
        finally:
            await transport.aclose()

    found = await run(SYSTEM_INFO_211)
    assert found is not None and found.info.model == "2N Helios IP Vario"
    assert not found.auth_required
    locked = await run('{"success": false, "error": {"code": 9}}', 401)
    assert locked is not None and locked.auth_required
    assert await run('{"retcode": 0, "data": {}}') is None
    assert await run("<html></html>", ctype="text/html") is None
    assert await run('{"success": true, "result": {"model": "x"}}') is None


def test_option_active():
    assert option_active("active,licensed") and option_active("active")
    assert not option_active("licensed") and not option_active("")


async def test_detect_with_system_caps_example_lists_what_it_says():
    from .twon_examples import (
        CAMERA_CAPS,
        DISPLAY_CAPS,
        IO_CAPS,
        LOG_CAPS,
        PHONE_STATUS_238,
        SWITCH_CAPS,
    )
    client = _client({
        "/api/system/caps": SYSTEM_CAPS_238, "/api/switch/caps": SWITCH_CAPS,
        "/api/io/caps": IO_CAPS, "/api/phone/status": PHONE_STATUS_238,
        "/api/camera/caps": CAMERA_CAPS, "/api/display/caps": DISPLAY_CAPS,
        "/api/log/caps": LOG_CAPS,
    })
    found = await detect(client)
    assert {"switches", "relays", "io", "sip", "calls", "camera", "display", "events",
            "directory", "access", "audio", "email"} <= found.capabilities
    assert "calllog" not in found.capabilities  # answered error 2 here
    assert len(found.switches) == 4
    await client.transport.aclose()


async def test_detect_on_v211_probes_and_drops_licensed_functions():
    from .twon_examples import CAMERA_CAPS

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/camera/caps":
            return _response(CAMERA_CAPS)
        if request.url.path in ("/api/system/caps", "/api/log/caps"):
            return _response('{"success": false, "error": {"code": 2}}')
        return _response('{"success": false, "error": {"code": 5, '
                         '"description": "function is licensed"}}')

    client = TwoNClient(Transport(Endpoint("127.0.0.1"),
                                  transport=httpx.MockTransport(handler)))
    found = await detect(client)
    assert found.capabilities == {"system", "maintenance", "camera"}
    await client.transport.aclose()


# -- events ----------------------------------------------------------------------------------
def test_event_examples_convert():
    import json
    raw = json.loads(LOG_PULL_238)["result"]["events"]
    first = to_device_event(raw[1], "door")
    assert first.type == "RegistrationStateChanged" and first.event_id == 3
    assert first.utc.timestamp() == 1437987105 and first.summary == (
        "SIP account 1 registered")
    alarm = to_device_event({"id": 200, "tzShift": 60, "utcTime": 1548079445, "upTime": 2053,
                             "event": "SilentAlarm", "params": {"name": "Joseph"}}, "door")
    assert alarm.severity is Severity.ERROR and alarm.tz_shift_min == 60
    assert alarm.device_local_time.hour == (alarm.utc.hour + 1) % 24


def test_dedup_and_restart_detection():
    source = TwoNEventSource(client=None, device="door")  # type: ignore[arg-type]
    def ev(i, up, utc):
        return {"id": i, "upTime": up, "utcTime": utc, "event": "KeyPressed",
                                 "params": {"key": "1"}}
    assert [e.event_id for e in source.accept(ev(5, 100, 1000))] == [5]
    assert source.accept(ev(5, 100, 1000)) == []  # duplicate after a resume
    assert source.accept(ev(4, 99, 999)) == []
    assert [e.event_id for e in source.accept(ev(6, 101, 1001))] == [6]
    # ids restart at 1 (the manual) and the boot time moved forward: a restart
    out = source.accept(ev(1, 3, 1200))
    assert [e.type for e in out] == ["DeviceRestarted", "KeyPressed"]
    # ids keep counting but upTime went back: also a restart
    source.accept(ev(2, 50, 1247))
    out = source.accept(ev(3, 2, 1300))
    assert [e.type for e in out] == ["DeviceRestarted", "KeyPressed"]
    assert source.restarts == 2


def test_resume_window_covers_time_since_last_event():
    now = [100.0]
    source = TwoNEventSource(client=None, device="d", clock=lambda: now[0])  # type: ignore
    assert source.include_for_resume() == "new"
    source.accept({"id": 1, "upTime": 1, "utcTime": 10, "event": "X"})
    now[0] = 130.4
    assert source.include_for_resume() == "-41"


# -- directory specs -------------------------------------------------------------------------
def test_directory_columns_from_template_example():
    import json

    from .twon_examples import DIR_TEMPLATE_USER
    user = json.loads(DIR_TEMPLATE_USER)
    table = directory_table(user)
    keys = [c.key for c in table.columns]
    assert keys[0] == "uuid" and table.row_key == "uuid"
    assert {"name", "email", "callPos[0].peer", "callPos[2].grouped", "access.pin",
            "access.card[1]", "access.accessPoints[1].enabled"} <= set(keys)
    assert "photo" not in keys and "access.fpt" not in keys
    assert table.column("uuid").read_only
    with pytest.raises(InvalidValue):
        table.validate_row({"name": "x" * 64})
    with pytest.raises(InvalidValue):
        table.validate_row({"access.pin": "12a"})
    flat = flatten(user)
    assert unflatten({"access.pin": "1234", "callPos[1].peer": "5"}, user) == {
        "access": {"pin": "1234"}, "callPos": [{}, {"peer": "5"}, {}]}
    assert flat["treepath"] == "/"


async def test_probe_recognises_a_device_that_asks_for_login_even_for_system_info():
    """Firmware that guards system/info too: the 2N error body in the 401 still identifies
    the device (model unknown until credentials work)."""
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, headers={"Content-Type": "application/json",
                                            "WWW-Authenticate": 'Digest realm="HTTP API", '
                                            'nonce="abc", qop="auth"'},
                              content=b'{"success": false, "error": {"code": 9, '
                                      b'"description": "authorization required"}}')

    from configurator.core.transport import Credentials

    transport = Transport(Endpoint("127.0.0.1"), Credentials("admin", "wrong"),
                          transport=httpx.MockTransport(handler))
    try:
        found = await probe(transport)
    finally:
        await transport.aclose()
    assert found is not None and found.driver == "2n" and found.auth_required
    assert found.info.vendor == "2N" and found.details["error"] == 9
