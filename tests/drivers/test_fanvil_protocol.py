"""Unit tests of the Fanvil XML wire format on the vendor document's own payloads."""

from __future__ import annotations

import pytest
from lxml import etree

from configurator.core.errors import InvalidValue, ProtocolError, Unreachable
from configurator.core.events import DeviceEvent, SourceState, now_utc
from configurator.drivers.fanvil import protocol
from configurator.drivers.fanvil.events import StatusTracker, parse_uptime
from configurator.drivers.polling import PolledEvents

# Verbatim from the document (curly quotes, "</ FanvilConfiguration>", "info. dev.Model").
DOC_GET_REPLY = """<?xml version="1.0" encoding="UTF-8" ?>
<FanvilConfiguration cmd=”get” >
<RetCode>0</RetCode>
<info>
<Item> sip.line.1.RegisterAddr = 172.16.1.2 </Item>
<Item> sip.line.1.RegisterUser = 2190 </Item>
<Item> sip.line.1.RegisterPswd = 2190 </Item> ……
<Item> tr069.Enabled = 1 </Item>
<Item> tr069.ACSURL = http://fdms.fanvil.com </Item>
</info>
</FanvilConfiguration>"""

DOC_INFO_REPLY = """<?xml version="1.0" encoding="UTF-8" ?>
<FanvilConfiguration cmd=”get” >
<RetCode>0</RetCode>
<info>
<Item> info. dev.Model = X6 </Item>
<Item> info. dev.Mac = 00a859c60102 </Item>
<Item> info.sys.MemFree = 1.6M </Item>
</info>
</FanvilConfiguration>"""

DOC_SET_REPLY = """<?xml version="1.0" encoding="UTF-8" ?>
<FanvilConfiguration cmd=”set”>
<RetCode>0</RetCode>
</ FanvilConfiguration >"""

DOC_SHELL_REPLY = """<?xml version="1.0" encoding="UTF-8" ?>
< FanvilPhoneExecute >
<RetCode>0</RetCode>
<info>
<len> 100 </len>
<![CDATA[file content,file format]]>
</info>
</ FanvilPhoneExecute>"""


def test_doc_get_reply_parses_every_item() -> None:
    reply = protocol.parse_reply(DOC_GET_REPLY.encode())
    assert reply.ret_code == 0
    assert reply.values() == {
        "sip.line.1.RegisterAddr": "172.16.1.2",
        "sip.line.1.RegisterUser": "2190",
        "sip.line.1.RegisterPswd": "2190",
        "tr069.Enabled": "1",
        "tr069.ACSURL": "http://fdms.fanvil.com",
    }


def test_doc_info_reply_keys_lose_the_stray_space() -> None:
    reply = protocol.parse_reply(DOC_INFO_REPLY)
    assert reply.values() == {"info.dev.Model": "X6", "info.dev.Mac": "00a859c60102",
                              "info.sys.MemFree": "1.6M"}


def test_doc_set_reply_with_broken_closing_tag() -> None:
    reply = protocol.parse_reply(DOC_SET_REPLY)
    assert (reply.root, reply.ret_code, reply.items) == ("FanvilConfiguration", 0, [])


def test_doc_shell_reply_length_and_cdata() -> None:
    reply = protocol.parse_reply(DOC_SHELL_REPLY)
    assert reply.root == "FanvilPhoneExecute"
    assert reply.length == 100
    assert reply.text == "file content,file format"


def test_nc_line_keeps_equals_and_inner_spaces() -> None:
    assert protocol.parse_nc_line(" phone.Note = a=b  c = d ") == ("phone.Note", "a=b  c = d")
    assert protocol.parse_nc_line("Info. dev.SN = 12") == ("info.dev.SN", "12")
    assert protocol.parse_nc_line(" sip.line.9. ") == ("sip.line.9.", "")


def test_nc_text_file() -> None:
    text = "# exported\n<SIP CONFIG MODULE>\nsip.line.1.RegisterAddr = 172.16.1.3\n\nx.y = 1=2\n"
    assert protocol.parse_nc_text(text) == {"sip.line.1.RegisterAddr": "172.16.1.3",
                                            "x.y": "1=2"}
    assert protocol.render_nc_text({"a.b": "c d"}) == "a.b = c d\n"


def test_set_request_escapes_values_and_matches_doc_shape() -> None:
    body = protocol.build_set({"sip.line.1.EnableReg": "1",
                               "sip.line.1.DisplayName": "<Lobby> & \"Door\""}, beep=True)
    root = etree.fromstring(body)
    assert root.tag == "FanvilConfiguration"
    assert root.get("cmd") == "set" and root.get("Beep") == "yes"
    items = [el.text for el in root.findall("Item")]
    assert items == ["sip.line.1.EnableReg = 1", 'sip.line.1.DisplayName = <Lobby> & "Door"']
    assert b"&lt;Lobby&gt; &amp;" in body


def test_get_without_beep_and_del_request() -> None:
    root = etree.fromstring(protocol.build_get(["sip.line.1.", "."]))
    assert root.get("Beep") is None and root.get("cmd") == "get"
    assert [el.text for el in root] == ["sip.line.1.", "."]
    root = etree.fromstring(protocol.build_del(["mmifilter.1"]))
    assert root.get("cmd") == "del" and root[0].text == "mmifilter.1"


def test_execute_request() -> None:
    body = protocol.build_execute([protocol.execute_uri("Cmd", "reboot")], beep=True)
    root = etree.fromstring(body)
    assert root.tag == "FanvilPhoneExecute" and root.get("beep") == "yes"
    assert root[0].tag == "ExecuteItem" and root[0].text == 'URI="Cmd:reboot"'


@pytest.mark.parametrize("key", ["", "a;b", "x=y", "sip.line.1.<x>"])
def test_bad_keys_refused_before_sending(key: str) -> None:
    with pytest.raises(InvalidValue):
        protocol.build_get([key])


@pytest.mark.parametrize("value", ["a\nb", " padded", "x\x00"])
def test_bad_values_refused_before_sending(value: str) -> None:
    with pytest.raises(InvalidValue):
        protocol.build_set({"phone.Note": value})


def test_unknown_execute_type_refused() -> None:
    with pytest.raises(InvalidValue):
        protocol.execute_uri("Exec", "x")


def test_billion_laughs_not_expanded() -> None:
    payload = b"""<?xml version="1.0"?>
<!DOCTYPE l [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<FanvilConfiguration><RetCode>0</RetCode><info><Item>phone.Note = &d;</Item></info>
</FanvilConfiguration>"""
    value = protocol.parse_reply(payload).values()["phone.Note"]
    assert "lol" not in value and len(value) < 10


def test_xxe_file_not_read(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    payload = f"""<?xml version="1.0"?>
<!DOCTYPE l [<!ENTITY x SYSTEM "file://{secret}">]>
<FanvilConfiguration><RetCode>0</RetCode><info><Item>a.b = &x;</Item></info>
</FanvilConfiguration>""".encode()
    assert "TOPSECRET" not in protocol.parse_reply(payload).values()["a.b"]


@pytest.mark.parametrize("payload", [b"", b"not xml at all", b"<html><body>hi</body></html>",
                                     b"<FanvilConfiguration><info/></FanvilConfiguration>",
                                     b"<FanvilConfiguration><RetCode>x</RetCode>"
                                     b"</FanvilConfiguration>"])
def test_garbage_is_a_protocol_error(payload: bytes) -> None:
    with pytest.raises(ProtocolError):
        protocol.parse_reply(payload)


def test_nonzero_retcode_is_parsed_with_items() -> None:
    reply = protocol.parse_reply("<FanvilConfiguration cmd='set'><RetCode>2</RetCode><info>"
                                 "<Item> x.y = 1 </Item></info></ FanvilConfiguration>")
    assert reply.ret_code == 2 and reply.items == [("x.y", "1")]


@pytest.mark.parametrize(("text", "seconds"), [("0d 01:02:03", 3723), ("3 days 00:00:10", 259210),
                                               ("01:00:00", 3600), ("42", 42), ("soon", None)])
def test_parse_uptime(text: str, seconds: int | None) -> None:
    assert parse_uptime(text) == seconds


def test_status_tracker_reports_changes_only() -> None:
    tracker = StatusTracker("127.0.0.1")
    base = {"info.sip.line.1.registerCode": "0", "info.call.State": "idle",
            "info.call.Number": "", "info.sys.UpTime": "0d 00:01:00"}
    assert tracker.update(base) == []
    assert tracker.update({**base, "info.sys.UpTime": "0d 00:01:02"}) == []
    events = tracker.update({**base, "info.sip.line.1.registerCode": "403",
                             "info.sys.UpTime": "0d 00:01:04"})
    assert [(e.type, e.params["code"], e.severity) for e in events] == [
        ("sip.registration", 403, "warning")]
    events = tracker.update({**base, "info.sip.line.1.registerCode": "403",
                             "info.call.State": "ringing", "info.call.Number": "100",
                             "info.sys.UpTime": "0d 00:00:03"})
    assert [e.type for e in events] == ["device.restart", "call.state"]
    assert events[1].params == {"state": "ringing", "previous": "idle", "number": "100"}


async def test_polled_events_back_off_and_survive_unexpected_replies() -> None:
    """The shared poll loop (all three polled drivers): exact backoff, one report per streak,
    a parser surprise (ValueError) is a failed poll, not an exception out of the stream."""
    outcomes: list[object] = [ValueError("bad"), Unreachable("gone"), Unreachable("gone"),
                              [], ["event"]]
    slept: list[float] = []

    async def poll() -> list:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return [DeviceEvent("h", "x", now_utc())] if outcome else []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    stream = PolledEvents("h", poll, interval=1.0, max_backoff=4.0, sleep=sleep)
    types = [(await anext(stream)).type for _ in range(3)]
    await stream.aclose()
    assert types == ["poll.error", "poll.recovered", "x"]
    assert slept == [2.0, 4.0, 4.0, 1.0]
    assert stream.state is SourceState.STOPPED
