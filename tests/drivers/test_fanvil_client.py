"""FanvilClient against the simulated phone over real loopback sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from configurator.core.errors import (
    AuthError,
    InvalidValue,
    NotSupported,
    PermissionDenied,
    Unreachable,
)
from configurator.core.transport import Credentials, Endpoint, Transport
from configurator.drivers.fanvil.client import FanvilClient, FanvilError, ShellNotAllowed
from configurator.simulators.fanvil.device import FanvilSimulator, create

FAST = {"http_port": 0, "register_delay": 0, "answer_delay": None, "reboot_time": 0.2}


async def _open(sim: FanvilSimulator, credentials: Credentials | None = None,
                local_address: str | None = None, **kw) -> FanvilClient:
    http = httpx.AsyncHTTPTransport(local_address=local_address) if local_address else None
    transport = Transport(Endpoint(sim.host, sim.port), credentials, transport=http)
    return FanvilClient(transport, **kw)


@pytest.fixture
async def sim(loopback) -> AsyncIterator[FanvilSimulator]:
    device = create(loopback(), **FAST)
    await device.start()
    yield device
    await device.stop()


@pytest.fixture
async def client(sim: FanvilSimulator) -> AsyncIterator[FanvilClient]:
    c = await _open(sim)
    yield c
    await c.transport.aclose()


async def test_set_register_addr_is_read_back_by_get(client: FanvilClient,
                                                    sim: FanvilSimulator) -> None:
    await client.set({"sip.line.1.RegisterAddr": "172.16.1.3"})
    assert await client.get("sip.line.1.RegisterAddr") == {"sip.line.1.RegisterAddr": "172.16.1.3"}
    assert sim.state.config["sip.line.1.RegisterAddr"] == "172.16.1.3"


async def test_doc_set_example(client: FanvilClient, sim: FanvilSimulator) -> None:
    await client.set({"sip.line.1.EnableReg": True, "sip.line.1.RegisterAddr": "172.16.1.3",
                      "sip.line.1.RegisterUser": 8218, "sip.line.1.RegisterPswd": "8218",
                      "sip.PNPIP": "224.0.1.75", "call.port.1.EnableDND": 1}, beep=True)
    values = await client.get("sip.line.1.", "call.port.1.EnableDND")
    assert values["sip.line.1.RegisterUser"] == "8218"
    assert values["sip.line.1.RegisterPswd"] == "8218"
    assert values["call.port.1.EnableDND"] == "1"
    assert sim.state.beeps == 1


async def test_get_prefix_returns_the_whole_node(client: FanvilClient) -> None:
    values = await client.get("sip.line.1.", "tr069.Enabled", "tr069.ACSURL")
    assert values["sip.line.1.RegisterAddr"] == "172.16.1.2"  # the document's example values
    assert values["tr069.ACSURL"] == "http://fdms.fanvil.com"
    assert all(k.startswith(("sip.line.1.", "tr069.")) for k in values)
    assert len([k for k in values if k.startswith("sip.line.1.")]) >= 4


async def test_get_everything_has_config_and_lists_but_no_status(client: FanvilClient) -> None:
    await client.insert_records("mmifilter", [{"StartIP": "10.0.0.1", "EndIP": "10.0.0.9"}])
    values = await client.get_all()
    assert values["sip.line.6.EnableReg"] == "0"
    assert values["mmifilter.1.EndIP"] == "10.0.0.9"
    assert not any(k.startswith("info.") for k in values)


async def test_unknown_key_comes_back_empty(client: FanvilClient) -> None:
    assert await client.get("nope.key", "tr069.Enabled") == {"nope.key": "", "tr069.Enabled": "1"}


async def test_set_stops_at_first_bad_item(client: FanvilClient, sim: FanvilSimulator) -> None:
    with pytest.raises(FanvilError) as err:
        await client.set({"tr069.Enabled": "0", "tr069.Bogus": "1", "sip.PNPIP": "224.0.1.76"})
    assert (err.value.code, err.value.param) == (2, "tr069.Bogus")
    assert "unknown parameter" in str(err.value)
    assert sim.state.config["tr069.Enabled"] == "0"  # before the bad item: applied
    assert sim.state.config["sip.PNPIP"] == "224.0.1.75"  # after it: not handled


async def test_invalid_value_rejected(client: FanvilClient, sim: FanvilSimulator) -> None:
    with pytest.raises(FanvilError) as err:
        await client.set({"sip.line.1.RegisterPort": "99999"})
    assert err.value.code == 3 and err.value.param == "sip.line.1.RegisterPort"
    assert sim.state.config["sip.line.1.RegisterPort"] == "5060"


async def test_info_is_read_only(client: FanvilClient) -> None:
    with pytest.raises(InvalidValue):
        await client.set({"info.dev.Model": "X7"})
    with pytest.raises(InvalidValue):
        await client.info("sip.line.1.RegisterAddr")


async def test_info_items(client: FanvilClient, sim: FanvilSimulator) -> None:
    values = await client.info("info.dev.Model", "info.dev.Mac", "info.sys.MemFree")
    assert values == {"info.dev.Model": "X6", "info.dev.Mac": sim.state.mac,
                      "info.sys.MemFree": "1.6M"}
    everything = await client.info()
    assert everything["info.sip.line.1.registerCode"] == "200"
    assert everything["info.sip.line.2.registerCode"] == "0"
    assert everything["info.call.State"] == "idle"


async def test_registration_follows_config(client: FanvilClient, sim: FanvilSimulator) -> None:
    await client.set({"sip.line.1.EnableReg": 0})
    assert (await client.info("info.sip.line.1.registerCode"))[
        "info.sip.line.1.registerCode"] == "0"
    sim.set_registrar("10.9.9.9", 403)
    await client.set({"sip.line.1.RegisterAddr": "10.9.9.9", "sip.line.1.EnableReg": 1})
    assert sim.state.reg_codes[1] == 403
    await client.set({"sip.line.1.RegisterAddr": "172.16.1.3"})
    assert sim.state.reg_codes[1] == 200


async def test_registration_passes_through_trying(loopback) -> None:
    async with create(loopback(), http_port=0, register_delay=0.1) as sim:
        c = await _open(sim)
        await c.set({"sip.line.2.RegisterAddr": "pbx", "sip.line.2.RegisterUser": "22",
                     "sip.line.2.EnableReg": "1"})
        assert (await c.get("info.sip.line.2.registerCode")) == {
            "info.sip.line.2.registerCode": "100"}
        await asyncio.sleep(0.2)
        assert (await c.get("info.sip.line.2.registerCode")) == {
            "info.sip.line.2.registerCode": "200"}
        await c.transport.aclose()


async def test_list_insert_by_index_delete_and_clear(client: FanvilClient,
                                                    sim: FanvilSimulator) -> None:
    # doc 2.1.4 example: two records in one set
    await client.set({"mmifilter.1.StartIP": "172.16.7.1", "mmifilter.1.EndIP": "172.16.7.255",
                      "mmifilter.2.StartIP": "172.16.6.1", "mmifilter.2.EndIP": "172.16.6.255"})
    await client.insert_records("mmifilter", [{"StartIP": "10.0.0.1", "EndIP": "10.0.0.2"}], 1)
    await client.insert_records("mmifilter", [{"StartIP": "10.1.0.1", "EndIP": "10.1.0.2"}])
    rows = await client.get_list("mmifilter")
    assert [r["StartIP"] for r in rows] == ["10.0.0.1", "172.16.7.1", "172.16.6.1", "10.1.0.1"]
    assert [r["index"] for r in rows] == ["1", "2", "3", "4"]
    await client.delete("mmifilter.1")  # doc 2.1.3
    assert [r["StartIP"] for r in await client.get_list("mmifilter")] == [
        "172.16.7.1", "172.16.6.1", "10.1.0.1"]
    with pytest.raises(FanvilError) as err:
        await client.delete("mmifilter.9")
    assert err.value.code == 3
    await client.clear_list("mmifilter")
    assert await client.get_list("mmifilter") == []
    assert sim.state.lists["mmifilter"] == []


async def test_list_record_with_unknown_field_rejected(client: FanvilClient) -> None:
    with pytest.raises(FanvilError) as err:
        await client.set({"dialplan.1.Colour": "red"})
    assert err.value.param == "dialplan.1.Colour"
    with pytest.raises(FanvilError):
        await client.delete("sip.line.1.RegisterAddr")  # not a dynamic list


async def test_dial_answer_and_hangup(loopback) -> None:
    async with create(loopback(), http_port=0, register_delay=0, answer_delay=0.05) as sim:
        c = await _open(sim)
        await c.dial("1001")
        assert (sim.state.call_state, sim.state.call_number) == ("calling", "1001")
        await asyncio.sleep(0.15)
        assert (await c.info("info.call.State"))["info.call.State"] == "talking"
        await c.key("ONHOOK")
        assert sim.state.call_state == "idle" and sim.state.pressed == ["ONHOOK"]
        with pytest.raises(InvalidValue):
            await c.dial("10 01")
        with pytest.raises(FanvilError):
            await c.key("NOSUCHKEY")
        await c.transport.aclose()


async def test_incoming_call_answered_by_key_and_refused_in_dnd(client: FanvilClient,
                                                               sim: FanvilSimulator) -> None:
    sim.incoming_call("200")
    assert sim.state.call_state == "ringing"
    await client.key("OFFHOOK")
    assert sim.state.call_state == "talking"
    sim.remote_hangup()
    await client.set({"call.port.1.EnableDND": True})
    sim.incoming_call("201")
    assert sim.state.call_state == "idle" and sim.state.missed == ["201"]


async def test_led_on_desk_phone_not_on_door_phone(client: FanvilClient, sim: FanvilSimulator,
                                                   loopback) -> None:
    await client.led("LINE1_GREEN=on")
    assert sim.state.leds == {"LINE1_GREEN": "on"}
    async with create(loopback(), model="i30", **FAST) as door:
        c = await _open(door)
        with pytest.raises(FanvilError) as err:
            await c.led("LINE1_GREEN=on")
        assert err.value.code == 5
        await c.transport.aclose()


async def test_shell_refused_without_opt_in(client: FanvilClient, sim: FanvilSimulator) -> None:
    before = len(sim.requests)
    with pytest.raises(ShellNotAllowed, match="allow_shell=True"):
        await client.shell("echo hi")
    with pytest.raises(ShellNotAllowed):
        await client.execute(("Key", "OK"), ("Shell", "reboot"))
    assert len(sim.requests) == before  # nothing was sent


async def test_shell_with_opt_in(sim: FanvilSimulator) -> None:
    c = await _open(sim, allow_shell=True)
    assert await c.shell("echo hello world") == "hello world"
    assert await c.shell("rm -rf /") == "sh: rm: not found"
    await c.transport.aclose()


async def test_reboot_takes_the_phone_away_and_resets_uptime(client: FanvilClient,
                                                            sim: FanvilSimulator) -> None:
    sim.reboot_time = 0.6
    sim.state.boot -= 3600
    assert (await client.info("info.sys.UpTime"))["info.sys.UpTime"] == "0d 01:00:00"
    await client.reboot()
    await asyncio.sleep(0.1)
    assert sim.rebooting
    with pytest.raises(Unreachable):
        await client.info("info.sys.UpTime")
    await asyncio.sleep(0.6)
    assert not sim.rebooting
    assert (await client.info("info.sys.UpTime"))["info.sys.UpTime"].startswith("0d 00:00:0")


async def test_factory_reset_restores_defaults(client: FanvilClient, sim: FanvilSimulator) -> None:
    await client.set({"sip.line.1.RegisterAddr": "10.1.1.1", "mmifilter.1.StartIP": "1.1.1.1",
                      "mmifilter.1.EndIP": "1.1.1.2"})
    await client.factory_reset()
    await asyncio.sleep(0.4)
    assert (await client.get("sip.line.1.RegisterAddr"))["sip.line.1.RegisterAddr"] == "172.16.1.2"
    assert await client.get_list("mmifilter") == []


@pytest.mark.parametrize("scheme", ["basic", "digest"])
async def test_push_xml_auth(loopback, scheme: str) -> None:
    async with create(loopback(), push_xml_auth=True, auth_scheme=scheme, password="s3cret",
                      **FAST) as sim:
        anonymous = await _open(sim)
        with pytest.raises(AuthError, match="Enable Push XML Auth"):
            await anonymous.get("tr069.Enabled")
        wrong = await _open(sim, Credentials("admin", "nope"))
        with pytest.raises(AuthError):
            await wrong.get("tr069.Enabled")
        right = await _open(sim, Credentials("admin", "s3cret"))
        assert await right.get("tr069.Enabled") == {"tr069.Enabled": "1"}
        for c in (anonymous, wrong, right):
            await c.transport.aclose()


async def test_auth_can_be_switched_on_through_the_api(client: FanvilClient,
                                                      sim: FanvilSimulator) -> None:
    await client.set({"xml.EnablePushXmlAuth": "1"})
    with pytest.raises(AuthError):
        await client.get("tr069.Enabled")


async def test_push_xml_server_ip_restriction(loopback) -> None:
    allowed = loopback()
    async with create(loopback(), push_xml_server_ip=allowed, **FAST) as sim:
        other = await _open(sim, local_address=loopback())
        with pytest.raises(PermissionDenied, match="PUSH XML Server IP"):
            await other.get("tr069.Enabled")
        mine = await _open(sim, local_address=allowed)
        assert await mine.get("tr069.Enabled") == {"tr069.Enabled": "1"}
        await other.transport.aclose()
        await mine.transport.aclose()


async def test_nc_config_page_on_door_phone_only(client: FanvilClient, loopback) -> None:
    with pytest.raises(NotSupported):
        await client.nc_config()
    async with create(loopback(), model="i30", **FAST) as door:
        anonymous = await _open(door)
        with pytest.raises(AuthError):
            await anonymous.nc_config()
        c = await _open(door, Credentials("admin", "admin"))
        values = await c.nc_config()
        assert values["sip.line.1.RegisterAddr"] == "172.16.1.2"
        assert "sip.line.3.EnableReg" not in values  # the door phone has 2 lines
        for x in (anonymous, c):
            await x.transport.aclose()


async def test_simulator_accepts_the_documents_requests_verbatim(sim: FanvilSimulator) -> None:
    doc_set = """<?xml version="1.0" encoding="UTF-8" ?>
<FanvilConfiguration Beep=“yes” cmd=”set” >
<Item> sip.line.1.EnableReg = 1</Item>
<Item> sip.line.1.RegisterAddr = 172.16.1.3</Item>
<Item> sip.line.1.RegisterUser = 8218</Item>
<Item> sip.line.1.RegisterPswd = 8218</Item>
"""
    doc_del = """<?xml version="1.0" encoding="UTF-8" ?>
<FanvilConfiguration Beep=“yes” cmd=”del” >
<Item> mmifilter.1 </Item>
</FanvilConfiguration>"""
    sim.state.lists["mmifilter"].append({"StartIP": "1.1.1.1", "EndIP": "1.1.1.2"})
    async with httpx.AsyncClient(base_url=sim.url()) as http:
        reply = await http.post("/xmlService", content=doc_set.encode())
        assert "<RetCode>0</RetCode>" in reply.text
        assert reply.text.rstrip().endswith("</ FanvilConfiguration>")  # as the document shows
        reply = await http.post("/xmlService", content=doc_del.encode())
        assert "<RetCode>0</RetCode>" in reply.text
        reply = await http.post("/xmlService", content=b"<Hello/>")
        assert "<RetCode>1</RetCode>" in reply.text
    assert sim.state.config["sip.line.1.RegisterUser"] == "8218"
    assert sim.state.lists["mmifilter"] == []
    assert sim.state.beeps == 2


async def test_https_listener(loopback) -> None:
    async with create(loopback(), https_port=0, **FAST) as sim:
        transport = Transport(Endpoint(sim.host, sim.ports["https"], "https"))
        c = FanvilClient(transport)
        assert await c.get("tr069.Enabled") == {"tr069.Enabled": "1"}
        assert transport.pinned_fingerprint is not None
        await transport.aclose()
