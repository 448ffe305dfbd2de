"""Every XML example of the Fanvil / OpenVox document (003), verbatim: curly quotes, glued
attributes (``Beep=“yes”cmd=”set”``), ``</ FanvilConfiguration >``, ``< FanvilPhoneExecute >``,
the ``……`` ellipses and the request of 1.2 that lacks its closing tag.

Replies are parsed by the driver (``protocol.parse_reply``) and by the client (answered by an
``httpx.MockTransport``), checking the values returned. Requests are posted as raw bytes to the
simulator over a loopback socket, checking the phone's state and the reply."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from configurator.core.transport import Endpoint, Transport
from configurator.drivers.fanvil import protocol
from configurator.drivers.fanvil.client import FanvilClient
from configurator.simulators.fanvil.device import FanvilSimulator, create

HEAD = '<?xml version="1.0" encoding="UTF-8" ?>\n'

# -- requests (client -> phone) ---------------------------------------------------------------
REQ_1_2_SET = HEAD + """<FanvilConfiguration Beep=“yes” cmd=”set” >
<Item> sip.line.1.EnableReg = 1</Item>
<Item> sip.line.1.RegisterAddr = 172.16.1.3</Item>
<Item> sip.line.1.RegisterUser = 8218</Item>
<Item> sip.line.1.RegisterPswd = 8218</Item>
"""
REQ_2_FORMAT = HEAD + """<FanvilConfiguration Beep=“yes”cmd=”set” > ……
</FanvilConfiguration>"""
REQ_2_1_1_GET = HEAD + """<FanvilConfiguration cmd=”get” >
<Item> sip.line.1. </Item>
<Item> tr069.Enabled </Item>
<Item> tr069.ACSURL </Item>
</FanvilConfiguration>"""
REQ_2_1_2_SET = HEAD + """<FanvilConfiguration Beep=“yes” cmd=”set” >
<Item> sip.line.1.EnableReg = 1</Item>
<Item> sip.line.1.RegisterAddr = 172.16.1.3</Item>
<Item> sip.line.1.RegisterUser = 8218</Item>
<Item> sip.line.1.RegisterPswd = 8218</Item>
<Item> sip.PNPIP = 224.0.1.75</Item>
<Item> call.port.1.EnableDND = 1</Item>
</FanvilConfiguration>"""
REQ_2_1_3_DEL = HEAD + """<FanvilConfiguration Beep=“yes” cmd=”del” >
<Item> mmifilter.1 </Item>
</FanvilConfiguration>"""
REQ_2_1_4_LIST = HEAD + """<FanvilConfiguration Beep=“yes” cmd=”set” >
<Item> mmifilter.1.StartIP = 172.16.7.1</Item>
<Item> mmifilter.1.EndIP = 172.16.7.255</Item>
<Item> mmifilter.2.StartIP = 172.16.6.1</Item>
<Item> mmifilter.2.EndIP = 172.16.6.255</Item>
</FanvilConfiguration>"""
REQ_2_2_INFO = HEAD + """<FanvilConfiguration cmd=”get” >
<Item> info.dev.Model </Item>
<Item> info.dev.Mac </Item>
<Item> info.sys.MemFree </Item>
</FanvilConfiguration>"""
REQ_2_3_EXECUTE = HEAD + """<FanvilPhoneExecute beep=”yes” >
<ExecuteItem>URI="Type:Param"</ExecuteItem> ……
</ FanvilPhoneExecute >"""
REQ_2_3_1_SHELL = HEAD + """<FanvilPhoneExecute beep=”yes” >
<ExecuteItem>URI="Shell:Param"</ExecuteItem>
</FanvilPhoneExecute>"""
REQ_4_1_SET = HEAD + """<FanvilConfiguration Beep=“yes” cmd=”set” >
<Item> sip.line.1.EnableReg = 1</Item>
<Item> sip.line.1.RegisterAddr = 172.16.1.3</Item>
<Item> sip.line.1.RegisterUser = 8218</Item>
<Item> sip.line.1.RegisterPswd = 8218</Item>
</FanvilConfiguration>"""

# -- replies (phone -> client) ----------------------------------------------------------------
REP_1_2_SET = HEAD + """<FanvilConfiguration cmd=”set”>
<RetCode>0</RetCode>
</ FanvilConfiguration>"""
REP_2_FORMAT = HEAD + """<FanvilConfiguration cmd=”set”>
<RetCode>0</RetCode>
<Info> ……
</Info>
</ FanvilConfiguration >"""
REP_2_1_1_GET = HEAD + """<FanvilConfiguration cmd=”get” >
<RetCode>0</RetCode>
<info>
<Item> sip.line.1.RegisterAddr = 172.16.1.2 </Item>
<Item> sip.line.1.RegisterUser = 2190 </Item>
<Item> sip.line.1.RegisterPswd = 2190 </Item> ……
<Item> tr069.Enabled = 1 </Item>
<Item> tr069.ACSURL = http://fdms.fanvil.com </Item>
</info>
</FanvilConfiguration>"""
# 2.1.2, 2.1.4 and 4.1 answer a set with this text; 2.1.3 the same with cmd=”del”.
REP_2_1_2_SET = HEAD + """<FanvilConfiguration cmd=”set”>
<RetCode>0</RetCode>
</ FanvilConfiguration >"""
REP_2_1_3_DEL = HEAD + """<FanvilConfiguration cmd=”del”>
<RetCode>0</RetCode>
</ FanvilConfiguration >"""
REP_2_2_INFO = HEAD + """<FanvilConfiguration cmd=”get” >
<RetCode>0</RetCode>
<info>
<Item> info. dev.Model = X6 </Item>
<Item> info. dev.Mac = 00a859c60102 </Item>
<Item> info.sys.MemFree = 1.6M </Item>
</info>
</FanvilConfiguration>"""
REP_2_3_1_SHELL = HEAD + """< FanvilPhoneExecute >
<RetCode>0</RetCode>
<info>
<len> 100 </len>
<![CDATA[file content,file format]]>
</info>
</ FanvilPhoneExecute>"""

DOC_GET_VALUES = {"sip.line.1.RegisterAddr": "172.16.1.2", "sip.line.1.RegisterUser": "2190",
                  "sip.line.1.RegisterPswd": "2190", "tr069.Enabled": "1",
                  "tr069.ACSURL": "http://fdms.fanvil.com"}


# -- replies through the parser and the client ------------------------------------------------
@pytest.mark.parametrize(("text", "root"), [
    (REP_1_2_SET, "FanvilConfiguration"), (REP_2_FORMAT, "FanvilConfiguration"),
    (REP_2_1_2_SET, "FanvilConfiguration"), (REP_2_1_3_DEL, "FanvilConfiguration"),
])
def test_doc_result_only_replies_parse_to_retcode_zero(text: str, root: str) -> None:
    reply = protocol.parse_reply(text)
    assert (reply.root, reply.ret_code, reply.items) == (root, 0, [])


def test_doc_reply_format_keeps_the_info_placeholder_as_text() -> None:
    assert protocol.parse_reply(REP_2_FORMAT).text == "……"


def test_doc_get_and_info_replies_give_the_documented_values() -> None:
    assert protocol.parse_reply(REP_2_1_1_GET).values() == DOC_GET_VALUES
    assert protocol.parse_reply(REP_2_2_INFO).values() == {
        "info.dev.Model": "X6", "info.dev.Mac": "00a859c60102", "info.sys.MemFree": "1.6M"}
    shell = protocol.parse_reply(REP_2_3_1_SHELL)
    assert (shell.root, shell.ret_code, shell.length, shell.text) == (
        "FanvilPhoneExecute", 0, 100, "file content,file format")


class DocumentPhone:
    """Answers every request with one of the document's replies, chosen by ``pick``."""

    def __init__(self, pick: Callable[[bytes], str]) -> None:
        self.pick = pick
        self.bodies: list[bytes] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(request.content)
        return httpx.Response(200, text=self.pick(request.content),
                              headers={"Content-Type": "text/xml"})


def _doc_reply(body: bytes) -> str:
    if b"FanvilPhoneExecute" in body:
        return REP_2_3_1_SHELL
    if b'cmd="del"' in body:
        return REP_2_1_3_DEL
    if b'cmd="set"' in body:
        return REP_2_1_2_SET
    return REP_2_2_INFO if b"info." in body else REP_2_1_1_GET


@pytest.fixture
async def doc_client() -> AsyncIterator[tuple[FanvilClient, DocumentPhone]]:
    phone = DocumentPhone(_doc_reply)
    transport = Transport(Endpoint("127.0.0.1"), transport=httpx.MockTransport(phone))
    yield FanvilClient(transport, allow_shell=True), phone
    await transport.aclose()


async def test_client_reads_the_documents_replies(doc_client) -> None:
    client, phone = doc_client
    assert await client.get("sip.line.1.", "tr069.Enabled", "tr069.ACSURL") == DOC_GET_VALUES
    assert await client.info("info.dev.Model", "info.dev.Mac", "info.sys.MemFree") == {
        "info.dev.Model": "X6", "info.dev.Mac": "00a859c60102", "info.sys.MemFree": "1.6M"}
    await client.set({"sip.line.1.EnableReg": 1, "sip.line.1.RegisterAddr": "172.16.1.3",
                      "sip.line.1.RegisterUser": "8218", "sip.line.1.RegisterPswd": "8218"},
                     beep=True)
    await client.delete("mmifilter.1", beep=True)
    assert await client.shell("Param") == "file content,file format"
    # What the client sent has the documented shape (straight quotes, same items).
    sent_set = etree_items(phone.bodies[2])
    assert sent_set == ("set", "yes", ["sip.line.1.EnableReg = 1",
                                       "sip.line.1.RegisterAddr = 172.16.1.3",
                                       "sip.line.1.RegisterUser = 8218",
                                       "sip.line.1.RegisterPswd = 8218"])
    assert etree_items(phone.bodies[3]) == ("del", "yes", ["mmifilter.1"])
    assert etree_items(phone.bodies[0])[2] == ["sip.line.1.", "tr069.Enabled", "tr069.ACSURL"]


def etree_items(body: bytes) -> tuple[str | None, str | None, list[str]]:
    root = protocol.parse_xml(body)
    return root.get("cmd"), root.get("Beep"), [el.text or "" for el in root]


# -- requests posted verbatim to the simulator ------------------------------------------------
@pytest.fixture
async def phone(loopback) -> AsyncIterator[FanvilSimulator]:
    sim = create(loopback(), http_port=0, register_delay=0, answer_delay=None,
                 reboot_time=0.2)
    await sim.start()
    yield sim
    await sim.stop()


async def _post(sim: FanvilSimulator, text: str) -> protocol.Reply:
    async with httpx.AsyncClient(base_url=sim.url()) as http:
        reply = await http.post("/xmlService", content=text.encode("utf-8"))
    assert reply.status_code == 200
    return protocol.parse_reply(reply.content)


@pytest.mark.parametrize("text", [REQ_1_2_SET, REQ_4_1_SET])
async def test_doc_sip_account_requests_set_line_1(phone: FanvilSimulator, text: str) -> None:
    assert phone.state.config["sip.line.1.RegisterAddr"] == "172.16.1.2"
    reply = await _post(phone, text)
    assert (reply.ret_code, reply.items) == (0, [])
    cfg = phone.state.config
    assert (cfg["sip.line.1.EnableReg"], cfg["sip.line.1.RegisterAddr"],
            cfg["sip.line.1.RegisterUser"], cfg["sip.line.1.RegisterPswd"]) == (
        "1", "172.16.1.3", "8218", "8218")
    assert phone.state.beeps == 1


async def test_doc_interface_format_request_is_a_set_with_beep(phone: FanvilSimulator) -> None:
    before = dict(phone.state.config)
    reply = await _post(phone, REQ_2_FORMAT)
    assert reply.ret_code == 0
    assert phone.requests[-1] == ("set", [])  # cmd read despite the glued attributes
    assert phone.state.beeps == 1
    assert phone.state.config == before


async def test_doc_get_request_answers_the_documented_keys(phone: FanvilSimulator) -> None:
    values = (await _post(phone, REQ_2_1_1_GET)).values()
    assert {k: values[k] for k in DOC_GET_VALUES} == DOC_GET_VALUES
    assert all(k.startswith(("sip.line.1.", "tr069.")) for k in values)
    assert "sip.line.1.EnableReg" in values  # the whole line-1 node, not only three keys


async def test_doc_set_request_applies_all_six_items(phone: FanvilSimulator) -> None:
    reply = await _post(phone, REQ_2_1_2_SET)
    assert reply.ret_code == 0
    cfg = phone.state.config
    assert cfg["sip.line.1.RegisterAddr"] == "172.16.1.3"
    assert cfg["sip.PNPIP"] == "224.0.1.75"
    assert cfg["call.port.1.EnableDND"] == "1"


async def test_doc_list_requests_insert_then_delete(phone: FanvilSimulator) -> None:
    assert (await _post(phone, REQ_2_1_4_LIST)).ret_code == 0
    assert phone.state.lists["mmifilter"] == [
        {"StartIP": "172.16.7.1", "EndIP": "172.16.7.255"},
        {"StartIP": "172.16.6.1", "EndIP": "172.16.6.255"}]
    assert (await _post(phone, REQ_2_1_3_DEL)).ret_code == 0
    assert phone.state.lists["mmifilter"] == [{"StartIP": "172.16.6.1", "EndIP": "172.16.6.255"}]


async def test_doc_info_request_answers_model_mac_and_memory(phone: FanvilSimulator) -> None:
    values = (await _post(phone, REQ_2_2_INFO)).values()
    assert list(values) == ["info.dev.Model", "info.dev.Mac", "info.sys.MemFree"]
    assert values["info.dev.Model"] == "X6"  # the default model is the document's X6
    assert values["info.dev.Mac"] == phone.state.mac and len(values["info.dev.Mac"]) == 12
    assert values["info.sys.MemFree"].endswith("M")


async def test_doc_execute_format_with_placeholder_type_is_refused(
        phone: FanvilSimulator) -> None:
    reply = await _post(phone, REQ_2_3_EXECUTE)
    assert reply.root == "FanvilPhoneExecute"
    assert reply.ret_code == 5  # "Type" is no supported sub function (Led/Key/Cmd/Dial/Shell)
    assert phone.requests[-1] == ("execute", ['URI="Type:Param"'])


async def test_doc_shell_request_gets_len_and_cdata(phone: FanvilSimulator) -> None:
    reply = await _post(phone, REQ_2_3_1_SHELL)
    assert (reply.root, reply.ret_code) == ("FanvilPhoneExecute", 0)
    assert reply.text == "sh: Param: not found"  # canned: the simulator never runs commands
    assert reply.length == len("sh: Param: not found\n")
