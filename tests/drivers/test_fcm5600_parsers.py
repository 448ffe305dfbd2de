"""Unit tests of the FCM5600 parsers, specs and event diffing on the document's examples."""

from __future__ import annotations

import pytest

from configurator.core.errors import InvalidValue, ProtocolError
from configurator.drivers.fcm5600 import parsers, specs
from configurator.drivers.fcm5600.events import Snapshot, diff, extension_states
from configurator.drivers.fcm5600.protocol import FUNCTIONS, LOGIN
from configurator.simulators.fcm5600.document import trunk_info

# Payloads copied from the document (typos such as "usbtotall" kept).
VERSION = {"1model": "FIBERME-FCM5600", "2DeviceName": "System", "3WAN-IP": "192.168.11.150",
           "4WAN-Mac": "00:E0:70:2F:47:A7", "5LAN-IP": "192.168.10.100",
           "6LAN-Mac": "00:E0:70:33:24:A3", "7hardwareVersion": "V4", "8version": "v4.0.0",
           "9Uptime": "2022-11-23 16:21 / 13 days, 23:43"}
TRUNK_INFO = {"analogOut": "1:1:FXS::\n2:2:FXS::\n3:3:none::\n4:4:none::\n5:5:none"
                           "::\n6:6:none::\n7:7:none::\n8:8:none::",
              "digitalOut": "", "iaxOut": "iaxto10:client:192.168.17.30:2:Registered",
              "sipOut": "eeee:server::0.00:Unregistered"}
DISK = {"rcdtotal": "0", "rcdused": "", "systotal": "5403", "sysused": "2354",
        "usbtotall": "0", "usbused": "0"}
CPU = [26.666666665373164, 27.835051547613567, 17.85714285703679, 24.873096445841846]


def test_unwrap_envelope_and_bad_replies() -> None:
    assert parsers.unwrap({"code": 0, "message": "OK", "data": "2022-11-12 16:50"}) == (
        0, "OK", "2022-11-12 16:50")
    with pytest.raises(ProtocolError, match="no 'code'"):
        parsers.unwrap({"success": True})
    with pytest.raises(ProtocolError, match="not a number"):
        parsers.unwrap({"code": "x"})


def test_parse_page_of_the_extension_query_example() -> None:
    data = {"items": [{"exten": "100", "enable": True, "username": "测试 1"}], "count": 2,
            "page": 1, "pageSize": 20}
    page = parsers.parse_page(data)
    assert page.items[0]["username"] == "测试 1"
    assert (page.count, page.page, page.page_size) == (2, 1, 20)


def test_parse_page_accepts_the_wakeup_bare_array() -> None:
    rows = [{"callDateTime": "2022-07-25 12:00", "exten": "501", "musicID": 4, "id": 8},
            {"callDateTime": "2022-07-25 12:00", "exten": "888", "musicID": 4, "id": 13}]
    page = parsers.parse_page(rows)
    assert [r["id"] for r in page.items] == [8, 13] and page.count == 2


def test_parse_page_rejects_garbage() -> None:
    with pytest.raises(ProtocolError):
        parsers.parse_page({"items": "nope"})
    with pytest.raises(ProtocolError):
        parsers.parse_page({"items": [1, 2]})


def test_parse_version_strips_ordering_digits() -> None:
    version = parsers.parse_version(VERSION)
    assert version["model"] == "FIBERME-FCM5600"
    assert version["wan_mac"] == "00:E0:70:2F:47:A7"
    assert version["firmware"] == "v4.0.0" and version["hardware"] == "V4"
    assert version["uptime"].endswith("13 days, 23:43")


def test_cpu_mem_disk_calls() -> None:
    assert parsers.parse_cpu(CPU)[2] == pytest.approx(17.857, rel=1e-3)
    mem = parsers.parse_mem({"swap": {"total": 1}, "virtual": {
        "total": 4017598464, "available": 2547400704, "used": 1192071168,
        "usedPercent": 29.671237150293774}})
    assert mem["total"] == 4017598464 and mem["used_percent"] == pytest.approx(29.67, 0.01)
    disk = parsers.parse_disk(DISK)
    assert disk == {"rcdtotal": 0, "rcdused": 0, "systotal": 5403, "sysused": 2354,
                    "usbtotal": 0, "usbused": 0}
    assert parsers.parse_calls({"calls": "3", "maxcalls": "30"}) == {"calls": 3, "maxcalls": 30}
    assert parsers.parse_calls([{"calls": "", "maxcalls": ""}]) == {"calls": 0, "maxcalls": 0}
    with pytest.raises(ProtocolError):
        parsers.parse_cpu(["a"])
    with pytest.raises(ProtocolError):
        parsers.parse_mem({"swap": {}})


def test_trunk_info_example_parses_into_rows() -> None:
    rows = parsers.parse_trunk_info(TRUNK_INFO)
    analog = [r for r in rows if r["kind"] == "analog"]
    assert len(analog) == 8
    assert analog[0] == {"kind": "analog", "serial": "1", "channel": "1", "type": "FXS",
                         "status": "", "channel_status": "", "blf": ""}
    assert analog[4]["type"] == "none"  # "5:5:none\n::" split across the PDF line is rejoined
    iax = next(r for r in rows if r["kind"] == "iax")
    assert iax == {"kind": "iax", "name": "iaxto10", "type": "client", "ip": "192.168.17.30",
                   "delay": "2", "status": "Registered"}
    sip = next(r for r in rows if r["kind"] == "sip")
    assert (sip["name"], sip["type"], sip["ip"], sip["delay"], sip["status"]) == (
        "eeee", "server", "", "0.00", "Unregistered")


def test_trunk_info_keeps_an_ip_with_port_and_round_trips() -> None:
    rows = parsers.parse_trunk_info({"sipOut": "t1:client:10.0.0.1:5060:12:Registered"})
    assert rows[0]["ip"] == "10.0.0.1:5060" and rows[0]["status"] == "Registered"
    # the simulator's own reading of the document writes what the driver's reading parses
    again = parsers.parse_trunk_info(trunk_info(parsers.parse_trunk_info(TRUNK_INFO)))
    assert again == parsers.parse_trunk_info(TRUNK_INFO)
    with pytest.raises(ProtocolError):
        parsers.parse_trunk_info({"sipOut": 5})


def test_extension_spec_covers_every_field_of_the_query_example() -> None:
    example_keys = {
        "exten", "enable", "username", "password", "email", "outboundCid1", "outboundCid2",
        "mobileNumber", "dialPlanId", "language", "musicOnHoldId", "voicemail",
        "voicemailPassword", "remoteExten", "registCount", "videoCall", "videoCallCodec",
        "webRtc", "app", "webLogin", "dnd", "recording", "callSpy", "addressExpiration",
        "transport", "dtmf", "srtplib", "qualify", "qualifyTimeout", "nat", "iax",
        "audioCodec", "permit", "sendPai", "sendRpid", "rtptimeout", "groupNumber",
        "inbandProgress", "whiteListTagId", "dialPlanName", "departmentName"}
    assert {c.key for c in specs.EXTENSIONS.columns} == example_keys
    assert specs.EXTENSIONS.column("password").kind == "secret"


@pytest.mark.parametrize(("key", "good", "bad"), [
    ("transport", "TLS", "SCTP"),
    ("dtmf", "rfc4733", "rfc2833"),
    ("recording", "both", "all"),
    ("videoCallCodec", "vp8", "h265"),
    ("audioCodec", "alaw,ulaw,g729", "alaw,mp3"),
    ("permit", "192.168.2.0/24,!192.168.2.34", "192.168.2.0/24;x"),
    ("groupNumber", "1,42", "65"),
    ("email", "a@b.cz", "not-an-email"),
])
def test_extension_choices_and_syntax(key: str, good: str, bad: str) -> None:
    column = specs.EXTENSIONS.column(key)
    assert column.parse(good) == good
    with pytest.raises(InvalidValue):
        column.parse(bad)


def test_call_forward_wakeup_phonebook_specs() -> None:
    assert {c.value for c in specs.CALL_FORWARD.column("type").choices} == {
        "busy", "noanswer", "noan_busy", "always"}
    with pytest.raises(InvalidValue):
        specs.WAKEUP.validate_row({"exten": "100", "callDateTime": "2022/12/15 12:42"})
    row = specs.PHONEBOOK.validate_row({"name": "jj", "phoneNumber": "333444"})
    assert row == {"name": "jj", "phoneNumber": "333444"}
    with pytest.raises(InvalidValue, match="a value is required"):
        specs.PHONEBOOK.validate_row({"phoneNumber": "1"})


def test_every_function_is_routed_once_and_login_is_one_place() -> None:
    assert len(FUNCTIONS) == 41
    assert len({(f.method, f.path) for f in FUNCTIONS.values()}) == len(FUNCTIONS)
    assert LOGIN.token_from_header(LOGIN.header_value("abc")) == "abc"


def test_extension_states_busiest_registration_wins() -> None:
    rows = [{"exten": "100", "statusText": "Idle"}, {"exten": "100", "statusText": "InUse"},
            {"exten": "101", "statusText": "Unavailable"}]
    assert extension_states(rows) == {"100": "InUse", "101": "Unavailable"}


def test_diff_reports_only_changes() -> None:
    old = Snapshot({"100": "Idle", "101": "Unavailable"}, {"sip/eeee": "Unregistered"}, 0)
    same = Snapshot(dict(old.extensions), dict(old.trunks), 0)
    assert diff("pbx", old, same) == []
    new = Snapshot({"100": "InUse", "101": "Unavailable", "102": "Idle"},
                   {"sip/eeee": "Registered"}, 1)
    events = diff("pbx", old, new)
    assert [(e.type, e.params.get("exten") or e.params.get("trunk")) for e in events] == [
        ("extension.status", "100"), ("extension.status", "102"), ("trunk.status", "eeee"),
        ("calls.count", None)]
    assert events[0].params == {"exten": "100", "old": "Idle", "status": "InUse"}
