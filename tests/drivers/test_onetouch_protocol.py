"""Unit tests of the Onetouch reply parsing and specs, on the document's own example payloads
(copied verbatim, typos included)."""

from __future__ import annotations

import httpx
import pytest

from configurator.core.errors import (
    AuthError,
    InvalidValue,
    PermissionDenied,
    ProtocolError,
    Rejected,
    ServiceDisabled,
)
from configurator.drivers.onetouch.client import FUNCTIONS
from configurator.drivers.onetouch.protocol import (
    WrongMd5,
    as_text_map,
    loads_lenient,
    parse_item_results,
    parse_items,
    parse_reply,
)
from configurator.drivers.onetouch.specs import (
    RFKEY_TABLE,
    decode,
    decode_row,
    encode,
    encode_row,
    input_page,
    relay_page,
    sip_page,
)

RELAY_GET = """{
    "retcode": 0,
    "action": "get",
    "message": "OK",
    "data": {
        "Config.DoorSetting.RELAY.TypeA": "0",
        "Config.DoorSetting.RELAY.TypeB": "0",
        "Config.DoorSetting.RELAY.TypeC": "0",
        "Config.DoorSetting.RELAY.HoldDelayA": "5",
        "Config.DoorSetting.RELAY.HoldDelayB": "5",
        "Config.DoorSetting.RELAY.HoldDelayC": "5",
        "Config.DoorSetting.RELAY.TriggerDelayA": "0",
        "Config.DoorSetting.RELAY.TriggerDelayB": "0",
        "Config.DoorSetting.RELAY.TriggerDelayC": "0",
        "Config.DoorSetting.RELAY.NameA": "RelayA",
        "Config.DoorSetting.RELAY.NameB": "RelayB",
        "Config.DoorSetting.RELAY.NameC": "RelayC",
        "Config.DoorSetting.RELAY.HttpTrig": "0",
        "Config.DoorSetting.RELAY.UserName": "".
        "Config.DoorSetting.RELAY.Password": "",
        "Config.DoorSetting.DTMF.Enable": "1",
        "Config.DoorSetting.DTMF.Option": "0",
        "Config.DoorSetting.DTMF.Code1": "0",
        "Config.DoorSetting.DTMF.Code2": "1",
        "Config.DoorSetting.DTMF.Code3": "2",
        "Config.DoorSetting.DTMF.MultiCode1": "010",
        "Config.DoorSetting.DTMF.MultiCode2": "012",
        "Config.DoorSetting.DTMF.MultiCode3": "013"
    }
}"""

INPUT_GET_TAIL = """{
    "retcode": 0,
    "action": "get",
    "message": "OK",
    "data": {
        "Config.DoorSetting.INPUT.EnableA": "1",
        "Config.DoorSetting.INPUT.EnableB": "1".
        "Config.DoorSetting.INPUT.SmtpEnableC": "0",
        "Config.DoorSetting.INPUT.ActionUrlA": ""
        "Config.DoorSetting.INPUT.ActionUrlB": "".
        "Config.DoorSetting.INPUT.ActionUrlC": ""
    }
}"""

SIP_GET_PART = """{
    "retcode": 0,
   "action": "get",
   "message": "OK",
   "data": {
       "Config.Account1.ANONYMOUS CALL.Enable": "0",
       "Config.Account1.AUTO ANSWER.Enable": "1",
       "Config.Account2.ANONYMOUS_ CALL.OffCode": "",
       "Config.Account1.SIP.Server2": "".
       "Config.Account2.SIP.Server": ""
       "Config.Account2.STUN.Enable": "0".
       "Config.Account2.STUN.Server": ""
   }
}"""

RFKEY_GET_ROW = {"Code": "00B4161D", "DoorNum": "0", "Frequency": "0", "Fri": "1", "ID": "1",
                 "Mon": "1", "Name": "Test", "Sat": "1", "Sun": "1", "Tags": "0", "Thur": "1",
                 "TimeEnd": "00:00", "TimeStart": "00:00", "Tue": "1", "Wed": "1"}

RFKEY_ADD_REPLY = """{
    "retcode": 0,
    "action": "add",
    "message": "OK",
    "data": {
        "num": 2,
        "item": [
            {
                 "Ret": 1,
                "Code": "00B4161D",
                "ID": "1",
                "Name": "Test"
            },
            {
                "Ret": 2,
                 "Code": "00B4161E",
                "ID": "2",
                "Name": "Test2"
            }
        ]
    }
}"""

RFKEY_DEL_REPLY = """{
    "retcode": 0, "action": "del", "message": "OK",
    "data": {"num": 3, "item": [
        {"Ret": 0, "Code": "00B4161D", "ID": "1", "Name": "Test"},
        {"Ret": 0, "Code": "00B4161E", "ID": "2", "Name": "Test2"},
        {"Ret": -1, "Code": "88888888", "ID": "5", "Name": "Test"}]}
}"""

WRONG_MD5 = """{
    "retcode": -1,
    "action": "upgrade",
    "message": "Wrong MD5",
    "data": {
        "md5": "25e317773f308e446cc84c503a6d1f83",
        "md5_calc": "25e317773f308e446cc84c503a6d1f85"
    }
}"""

NEGATIVE = """{
    "retcode": -1,
    "action": "unknow",
    "message": "unsupport action"
}"""


def _response(text: str, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, text=text, headers=headers)


def test_lenient_json_reads_the_relay_example_with_its_period_typo() -> None:
    data = parse_reply(_response(RELAY_GET), "h", "relay/get")
    assert data["Config.DoorSetting.RELAY.UserName"] == ""
    assert data["Config.DoorSetting.DTMF.MultiCode3"] == "013"
    assert len(data) == 23


def test_lenient_json_repairs_missing_commas_of_the_input_example() -> None:
    data = loads_lenient(INPUT_GET_TAIL)["data"]
    assert data["Config.DoorSetting.INPUT.EnableB"] == "1"
    assert data["Config.DoorSetting.INPUT.ActionUrlC"] == ""
    assert len(data) == 6


def test_sip_example_keys_with_spaces_are_normalised() -> None:
    data = as_text_map(loads_lenient(SIP_GET_PART)["data"])
    assert "Config.Account1.ANONYMOUS_CALL.Enable" in data
    assert "Config.Account1.AUTO_ANSWER.Enable" in data
    assert "Config.Account2.ANONYMOUS_CALL.OffCode" in data
    assert all(" " not in key for key in data)


def test_garbage_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        loads_lenient("{not json at all")
    with pytest.raises(ProtocolError, match="did not answer JSON"):
        parse_reply(_response("<html>hello</html>"), "h", "system/info")


def test_negative_reply_of_the_document_is_rejected_with_the_device_message() -> None:
    with pytest.raises(Rejected) as info:
        parse_reply(_response(NEGATIVE), "10.0.0.5", "foo/bar")
    assert info.value.description == "unsupport action"
    assert info.value.code == -1
    assert "unsupport action" in str(info.value)


def test_wrong_md5_reply_of_the_document() -> None:
    with pytest.raises(WrongMd5) as info:
        parse_reply(_response(WRONG_MD5), "h", "firmware/upgrade")
    assert info.value.md5 == "25e317773f308e446cc84c503a6d1f83"
    assert info.value.md5_calc == "25e317773f308e446cc84c503a6d1f85"


def test_http_refusals_map_to_typed_errors() -> None:
    with pytest.raises(AuthError):
        parse_reply(_response(NEGATIVE, 401), "h", "x")
    with pytest.raises(ServiceDisabled, match="disabled"):
        parse_reply(_response("403 Forbidden", 403), "h", "x")
    with pytest.raises(PermissionDenied, match="white list"):
        parse_reply(_response(NEGATIVE, 403), "h", "x")


def test_batch_results_of_the_add_and_del_examples() -> None:
    added = parse_item_results(parse_reply(_response(RFKEY_ADD_REPLY), "h", "a"), "h", "a")
    assert [(r.ret, r.ok, r.row["Code"]) for r in added] == [
        (1, True, "00B4161D"), (2, True, "00B4161E")]
    deleted = parse_item_results(parse_reply(_response(RFKEY_DEL_REPLY), "h", "d"), "h", "d")
    assert [r.ok for r in deleted] == [True, True, False]
    assert deleted[2].row["Code"] == "88888888"


def test_items_must_be_objects() -> None:
    with pytest.raises(ProtocolError):
        parse_items({"item": ["x"]}, "h", "rfkey/get")


def test_function_table_covers_the_documented_right_hand_column() -> None:
    assert len(FUNCTIONS) == 76
    assert FUNCTIONS["relay/set"].methods == "P"
    assert FUNCTIONS["rfkey/export"].kind == "file"
    assert FUNCTIONS["firmware/upload"].kind == "upload"
    assert FUNCTIONS["config/reset_factory"].methods == "GP"


def test_relay_page_has_exactly_the_documented_keys() -> None:
    documented = set(loads_lenient(RELAY_GET)["data"])
    assert {s.key for s in relay_page("ABC").params} == documented


def test_hold_delay_61_is_refused_with_the_allowed_range() -> None:
    spec = relay_page("ABC").spec("Config.DoorSetting.RELAY.HoldDelayA")
    with pytest.raises(InvalidValue, match=r"61 is above the maximum 60 s"):
        spec.parse("61")
    assert spec.parse("60") == 60
    assert spec.group == "Relay A"


def test_specs_carry_the_document_tables() -> None:
    page = input_page("AB")
    delay = page.spec("Config.DoorSetting.INPUT.DelayB")
    assert (delay.minimum, delay.maximum, delay.unit) == (0, 65535, "s")
    relay_id = page.spec("Config.DoorSetting.INPUT.RelayIdA")
    assert [c.label for c in relay_id.choices] == ["Relay A", "Relay B"]
    assert not any(s.key.endswith("C") for s in page.params if "INPUT" in s.key)
    sip = sip_page()
    assert sip.spec("Config.Account2.GENERAL.Pwd").kind == "secret"
    assert sip.spec("Config.Account1.SIP.Port").parse("5060") == 5060
    with pytest.raises(InvalidValue):
        sip.spec("Config.Account1.SIP.Port").parse("70000")


def test_sip_page_covers_the_sip_get_example_keys() -> None:
    keys = {s.key for s in sip_page().params}
    for n in (1, 2):
        for suffix in ("GENERAL.Enable", "SIP.Server", "SIP.Port", "GENERAL.AuthName",
                       "GENERAL.UserName", "GENERAL.Pwd", "GENERAL.DisplayName", "GENERAL.Label",
                       "NAT.Rport", "OUTPROXY.Server", "STUN.Server", "SIP.TransType",
                       "ANONYMOUS_CALL.Enable", "AUTO_ANSWER.Enable", "SIP.ListenPortMin"):
            assert f"Config.Account{n}.{suffix}" in keys


def test_rfkey_row_of_the_get_example_decodes_and_encodes() -> None:
    row = decode_row(RFKEY_TABLE, RFKEY_GET_ROW)
    assert row["ID"] == 1
    assert row["Code"] == "00B4161D"
    assert row["DoorNum"] == frozenset()
    assert row["Thur"] is True and row["Tags"] == 0 and row["TimeStart"] == "00:00"
    wire = encode_row(RFKEY_TABLE, {**row, "DoorNum": "A,C"} | {"DoorNum": {"A", "C"}})
    assert wire["DoorNum"] == "13"
    assert wire["Mon"] == "1"
    door = RFKEY_TABLE.column("DoorNum")
    assert decode(door, "123") == frozenset({"A", "B", "C"})
    assert encode(door, door.parse("B,A")) == "12"


def test_rfkey_columns_validate() -> None:
    with pytest.raises(InvalidValue, match="hexadecimal"):
        RFKEY_TABLE.parse_row({"Code": "XYZ"})
    with pytest.raises(InvalidValue, match="HH:MM"):
        RFKEY_TABLE.parse_row({"Code": "AB", "TimeStart": "25:00"})
    with pytest.raises(InvalidValue, match="above the maximum 65535"):
        RFKEY_TABLE.parse_row({"Code": "AB", "Frequency": "70000"})
    assert RFKEY_TABLE.parse_row({"Code": "ab12", "Tags": "Schedule"}) == {
        "Code": "AB12", "Tags": 3}
