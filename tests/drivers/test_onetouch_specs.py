"""The Onetouch SIP, log and pcap parameter tables checked against the document ("Api sip",
"Api log", "Api pcap start"): every key of the sip/get example reply (verbatim, typos and all,
read through the client) has a ParamSpec that accepts the example's value; labels, help,
ranges, choices and defaults follow the document's tables."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from configurator.core.errors import InvalidValue
from configurator.core.params import Kind
from configurator.core.transport import Endpoint, Transport
from configurator.drivers.onetouch.client import OnetouchClient
from configurator.drivers.onetouch.specs import (
    LOG_PARAMS,
    LOG_TYPE,
    PCAP_START_PARAMS,
    decode,
    encode,
    log_page,
    sip_page,
)

# "Api sip get" example return, both of its code blocks (split by a page break), verbatim.
SIP_GET = """{
    "retcode": 0,
   "action": "get",
   "message": "OK",
   "data": {
       "Config.Account1.ANONYMOUS CALL.Enable": "0",
       "Config.Account1.ANONYMOUS_CALL.OffCode": "",
       "Config.Account1.ANONYMOUS CALL.OnCode": "",
       "Config.Account1.ANONYMOUS_CALL.PrivacyHeaderValue": "id",
       "Config.Account1.AUTO ANSWER.Enable": "1",
       "Config.Account1.GENERAL.AuthName": "",
       "Config.Account1.GENERAL.DisplayName": "",
       "Config.Account1.GENERAL.EditEnable": "",
       "Config.Account1.GENERAL.Enable": "0",
       "Config.Account1.GENERAL.Label": "",
       "Config.Account1.GENERAL.Pwd": "",
       "Config.Account1.GENERAL.UserAgent": "",
       "Config.Account1.GENERAL.UserName": "",
       "Config.Account1.NAT.Rport": "0",
       "Config.Account1.NAT.UdpKeepEnable": "1",
       "Config.Account1.NAT.UdpKeepInterval": "30",
       "Config.Account1.OUTPROXY.BakPort": "5060",
       "Config.Account1.OUTPROXY.BakServer": "",
       "Config.Account1.OUTPROXY.DHCPOption": "0",
       "Config.Account1.OUTPROXY.Enable": "0",
       "Config.Account1.OUTPROXY.Port": "5060",
       "Config.Account1.OUTPROXY.Server": "",
       "Config.Account1.REJECT_ANONYMOUSCALL.Enable": "0",
       "Config.Account1.REJECT ANONYMOUSCALL.OffCode": "",
       "Config.Account1.REJECT_ANONYMOUSCALL.OnCode": "",
       "Config.Account1.SIP.ListenPortMax": "5062",
       "Config.Account1.SIP.ListenPortMin": "5062",
       "Config.Account1.SIP.Port": "5060",
       "Config.Account1.SIP.Port2": "5060",
       "Config.Account1.SIP.Server": "",
       "Config.Account1.SIP.Server2": "".
       "Config.Account1.SIP.TransType": "0",
       "Config.Account1.STUN.Enable": "0",
       "Config.Account1.STUN.Port": "3478",
       "Config.Account1.STUN.Server": "",
       "Config.Account2.ANONYMOUS CALL.Enable": "0",
       "Config.Account2.ANONYMOUS_ CALL.OffCode": "",
       "Config.Account2.ANONYMOUS CALL.OnCode": "",
"Config.Account2.ANONYMOUS_CALL.PrivacyHeaderValue": "id",
       "Config.Account2.AUTO ANSWER.Enable": "1".
       "Config.Account2.GENERAL.AuthName": "".
       "Config.Account2.GENERAL.DisplayName": "",
       "Config.Account2.GENERAL.EditEnable": "",
       "Config.Account2.GENERAL.Enable": "0",
       "Config.Account2.GENERAL.Label": "".
       "Config.Account2.GENERAL.Pwd": "",
       "Config.Account2.GENERAL.UserAgent": "".
       "Config.Account2.GENERAL.UserName": "",
       "Config.Account2.NAT.Rport": "0",
       "Config.Account2.NAT.UdpKeepEnable": "1",
       "Config.Account2.NAT.UdpKeepInterval": "30",
       "Config.Account2.OUTPROXY.BakPort": "5060",
       "Config.Account2.OUTPROXY.BakServer": "",
       "Config.Account2.OUTPROXY.DHCPOption": "0",
       "Config.Account2.OUTPROXY.Enable": "0",
       "Config.Account2.OUTPROXY.Port": "5060",
       "Config.Account2.OUTPROXY.Server": "",
       "Config.Account2.REJECT_ANONYMOUSCALL.Enable": "0",
       "Config.Account2.REJECT ANONYMOUSCALL.OffCode": ""
       "Config.Account2.REJECT_ANONYMOUSCALL.OnCode": "",
       "Config.Account2.SIP.ListenPortMax": "5063",
       "Config.Account2.SIP.ListenPortMin": "5063",
       "Config.Account2.SIP.Port": "5060",
       "Config.Account2.SIP.Port2": "5060",
       "Config.Account2.SIP.Server": ""
       "Config.Account2.SIP.Server2": ""
       "Config.Account2.SIP.TransType": "0",
       "Config.Account2.STUN.Enable": "0".
       "Config.Account2.STUN.Port": "3478",
       "Config.Account2.STUN.Server": ""
   }
}"""

# "Api sip set" example request data.
SIP_SET_DATA = {
    "Config.Account1.GENERAL.AuthName": "130",
    "Config.Account1.GENERAL.DisplayName": "130",
    "Config.Account1.GENERAL.Enable": "1",
    "Config.Account1.GENERAL.Label": "130",
    "Config.Account1.GENERAL.Pwd": "130",
    "Config.Account1.GENERAL.UserName": "130",
    "Config.Account1.SIP.Port": "5060",
    "Config.Account1.SIP.Server": "192.168.1.115",
}

# "Api sip" parameter table: key suffix -> description (both accounts).
SIP_TABLE = {
    "GENERAL.Enable": "0 Disable",
    "SIP.Server": "SIP Server",
    "SIP.Port": "SIP Server Port",
    "GENERAL.AuthName": "Sip Server Auth Name",
    "GENERAL.UserName": "Sip Server Register Name",
    "GENERAL.Pwd": "Sip Server Password",
    "GENERAL.DisplayName": "Remote Display Name",
}


@pytest.fixture
async def sip_client() -> AsyncIterator[OnetouchClient]:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=SIP_GET, headers={"Content-Type": "application/json"})

    transport = Transport(Endpoint("127.0.0.1"), transport=httpx.MockTransport(answer))
    yield OnetouchClient(transport)
    await transport.aclose()


async def test_every_key_of_the_sip_get_example_has_a_spec_accepting_its_value(
        sip_client) -> None:
    data = await sip_client.sip_get()
    page = sip_page()
    specs = {s.key: s for s in page.params}
    assert len(data) == 70  # 35 keys per account, spaces in keys normalised to "_"
    for key, value in data.items():
        assert key in specs, key
        specs[key].validate(value)  # raises InvalidValue if the spec disagrees with the example
    # The page holds exactly the example's keys plus ShowMissedCall (config/get example).
    extra = set(specs) - set(data)
    assert extra == {"Config.Account1.ADVANCED.ShowMissedCall",
                     "Config.Account2.ADVANCED.ShowMissedCall"}
    typed = {k: decode(specs[k], v) for k, v in data.items()}
    assert typed["Config.Account1.SIP.Port"] == 5060
    assert typed["Config.Account1.STUN.Port"] == 3478
    assert typed["Config.Account2.SIP.ListenPortMin"] == 5063
    assert typed["Config.Account1.NAT.UdpKeepInterval"] == 30
    assert typed["Config.Account1.AUTO_ANSWER.Enable"] is True
    assert typed["Config.Account2.ANONYMOUS_CALL.OffCode"] == ""
    assert typed["Config.Account1.ANONYMOUS_CALL.PrivacyHeaderValue"] == "id"
    trans = specs["Config.Account2.SIP.TransType"]
    assert trans.format(typed["Config.Account2.SIP.TransType"]) == "UDP"
    assert specs["Config.Account1.GENERAL.EditEnable"].read_only


def test_sip_set_example_request_parses_and_encodes_back_unchanged() -> None:
    page = sip_page()
    for key, text in SIP_SET_DATA.items():
        spec = page.spec(key)
        assert encode(spec, spec.parse(text)) == text
    with pytest.raises(InvalidValue, match="not a host name"):
        page.spec("Config.Account1.SIP.Server").parse("192.168.1.115 x")
    with pytest.raises(InvalidValue, match="above the maximum 3600 s"):
        page.spec("Config.Account1.NAT.UdpKeepInterval").parse("3601")
    with pytest.raises(InvalidValue, match="not one of"):
        page.spec("Config.Account1.SIP.TransType").parse("3")


def test_sip_specs_carry_the_documents_descriptions() -> None:
    page = sip_page()
    for n in ("1", "2"):
        for suffix, description in SIP_TABLE.items():
            spec = page.spec(f"Config.Account{n}.{suffix}")
            assert description.lower() in spec.help.lower(), spec.key
            assert spec.group == f"Account {n}"
    assert page.spec("Config.Account1.GENERAL.Pwd").kind is Kind.SECRET
    assert page.spec("Config.Account1.SIP.Port").kind is Kind.PORT
    assert "Ex: 192.168.1.115" in page.spec("Config.Account2.SIP.Server").help


def test_log_level_spec_follows_the_log_table_and_examples() -> None:
    (level,) = LOG_PARAMS
    assert level.key == "Config.Settings.LOGLEVEL.Level"
    assert [c.value for c in level.choices] == list(range(8))
    assert [c.label.split()[1] for c in level.choices] == [
        "EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG"]
    assert level.format(decode(level, "3")) == "3 ERR"  # log/get example
    assert encode(level, level.parse("7")) == "7"  # log/set example
    with pytest.raises(InvalidValue, match="not one of"):
        level.parse("8")
    assert log_page().params == LOG_PARAMS


def test_log_type_spec_lists_the_three_documented_types() -> None:
    assert [c.value for c in LOG_TYPE.choices] == ["log", "kmsg", "log_debug"]
    assert LOG_TYPE.default == "log"
    assert "android only" in LOG_TYPE.help
    with pytest.raises(InvalidValue):
        LOG_TYPE.validate("syslog")


def test_pcap_start_specs_take_the_example_request_and_the_documented_defaults() -> None:
    specs = {s.key: s for s in PCAP_START_PARAMS}
    example = {"type": "auto", "filter": "ip", "time": "180", "size": "1048576"}
    assert {k: encode(specs[k], specs[k].parse(v)) for k, v in example.items()} == example
    assert {k: s.default for k, s in specs.items()} == {
        "type": "auto", "filter": "ip", "time": 60, "size": 1048576}
    time = specs["time"]
    assert (time.minimum, time.maximum, time.unit) == (1, 180, "s")
    assert "only works on type auto" in time.help
    assert [c.value for c in specs["type"].choices] == ["auto", "manual"]
    with pytest.raises(InvalidValue, match="above the maximum 180 s"):
        time.parse("181")
    with pytest.raises(InvalidValue, match="below the minimum 24 bytes"):
        specs["size"].parse("10")
