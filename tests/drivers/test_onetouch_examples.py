"""Every Onetouch function whose section in the document shows an example reply, fed that reply
verbatim (typos included: ``"Sat": "1".``, trailing commas, the call status reply without its
opening brace, the sip status reply without the brace closing ``Account1``) and checked for the
values the client returns. The device side is an ``httpx.MockTransport`` answering the document's
text; the same functions run against the simulator in ``test_onetouch_client.py``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from configurator.core.transport import Endpoint, Transport
from configurator.drivers.onetouch.client import OnetouchClient

OK = '{\n    "retcode": 0,\n    "action": "%s",\n    "message": "OK"\n}'

# target/action -> the document's example return, copied character for character.
EXAMPLES: dict[str, str] = {
    "system/info": """{
    "retcode": 0,
    "action": "info",
    "message": "OK",
    "data": {
        "Status": {
            "Model": "OT-IP-LP-C9",
            "MAC": "0C:11:05:08:93:C6",
            "FirmwareVersion": "29.31.1.617",
            "HardwareVersion": "29.3.0"
        },
        "Lan": {
            "PortType": "0",
            "LinkStatus": "1",
            "IPAddress": "192.168.35.29",
            "SubnetMask": "255.255.255.0",
            "Gateway": "192.168.35.1",
            "DNS1": "192.168.1.1",
            "DNS2": "192.168.1.1"
        },
        "Account1": {
            "UserName": "",
            "SipServer": "",
            "Status": "0"
        },
        "Account2": {
            "UserName": "",
            "SipServer": "",
            "Status": "0"
        }
    }
}""",
    "system/status": """{
    "retcode": 0,
    "action": "status",
    "message": "OK",
    "data": {
        "SystemTime": 1544336389,
        "UpTime": 137
    }
}""",
    "system/reboot": """{
    "retcode": 0,
    "action": "status",
    "message": "OK",
}""",
    "firmware/status": """{
    "retcode": 0,
    "action": "status",
    "message": "OK",
    "data": {
        "FirmwareVersion": "29.31.101.624",
        "HardwareVersion": "29.3.0",
        "MAC": "0C:11:05:07:8B:71",
        "Model": "OT-IP-LP-C9"
    }
}""",
    "relay/status": """{
    "retcode": 0,
    "action": "status",
    "message": "OK",
    "data": {
        "RelayA": 0,
        "RelayB": 0,
        "RelayC": 0
    }
}""",
    "input/status": """{
    "retcode": 0,
    "action": "status",
    "message": "OK",
    "data": {
        "InputA": 1,
        "InputB": 1,
        "InputC": 1
    }
}""",
    "rfkey/get": """{
    "retcode": 0,
    "action": "get",
    "message": "OK",
    "data": {
        "num": 2,
         "item": [
             {
                 "Code": "00B4161D",
                 "DoorNum": "0",
                 "Frequency": "0",
                 "Fri": "1",
                 "ID": "1",
                 "Mon": "1",
                 "Name": "Test",
                 "Sat": "1",
                 "Sun": "1",
                 "Tags": "0",
                 "Thur": "1",
                 "TimeEnd": "00:00",
                 "TimeStart": "00:00",
                 "Tue": "1",
                 "Wed": "1"
             },
             {
                 "Code": "00B4161E",
                 "DoorNum": "0",
                 "Frequency": "0",
                 "Fri": "1",
                 "ID": "2",
                 "Mon": "1",
                 "Name": "Test2",
                 "Sat": "1".
                 "Sun": "1",
                 "Tags": "0",
                 "Thur": "1",
                 "TimeEnd": "00:00",
                 "TimeStart": "00:00",
                 "Tue": "1",
                 "Wed": "1"
             }
        ]
    }
}""",
    "call/status": """"retcode": 0,
    "action": "status",
    "message": "OK",
    "data": {
        "Status": "READY"
    }
}""",
    "sip/status": """{
    "retcode": 0,
    "action": "status",
    "message": "OK",
    "data": {
        "Account1": {
            "UserName": "130",
            "SipServer": "192.168.1.115",
            "Status": "2"
        "Account2": {
            "UserName": "",
            "SipServer": "",
            "Status": "0"
        }
    }
}""",
    "dialreplace/get": """{
    "retcode": 0,
    "action": "get",
    "message": "OK",
    "data": {
        "num": 1,
        "item": [
            {
                 "ID": "1",
                 "Line": "0",
                 "Prefix": "110",
                 "Replace1": "192.168.2.1",
                 "Replace2": "192.168.2.4",
                 "Replace3": "192.168.2.2",
                 "Replace4": "192.168.2.5",
                 "Replace5": "192.168.2.3"
             }
        ]
    }
}""",
    "log/get": """{
    "retcode": 0,
    "action": "get",
    "message": "OK",
    "data": {
        "Config.Settings.LOGLEVEL.Level": "3"
    }
}""",
    "log/set": """{
    "retcode": 0,
    "action": "get",
    "message": "OK",
    "data": {
        "Config.Settings.LOGLEVEL.Level": "7"
    }
}""",
    "calllog/get": """{
    "retcode": 0,
    "action": "get",
    "message": "OK",
    "data": {
        "num": 1,
        "item": [
            {
                 "Date": "2018-12-13",
                 "ID": "23",
                 "LocalIdentity": "192.168.1.98@192.168.1.98",
                 "Name": "192.168.1.48",
                 "Num": "192.168.1.98@192.168.1.98",
                 "Time": "05:55:59",
                 "Type": "Received"
            }
        ]
    }
}""",
    "pcap/status": """{
    "retcode": 0,
    "action": "status",
    "message": "OK",
    "data": {
        "FileSize": 0,
        "Status": "stop"
    }
}""",
    "pcap/start": """{
    "retcode": 0,
    "action": "start",
    "message": "OK",
    "data": {
        "filter": "ip",
        "interface": "eth0",
        "size": "1048576",
        "time": "180",
        "type": "auto"
    }
}""",
    "pcap/stop": """{
    "retcode": 0,
    "action": "stop",
    "message": "OK",
    "data": {
        "FileSize": "314407",
        "Time": "9"
    }
}""",
}


class DocumentDevice:
    """Answers each function with the document's example reply and records what was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            body = json.loads(request.content)
            name, data = f"{body['target']}/{body['action']}", body.get("data") or {}
        else:
            name = request.url.path.removeprefix("/api/")
            data = dict(request.url.params)
        self.asked.append((name, data))
        text = EXAMPLES.get(name, OK % name.split("/")[1])
        return httpx.Response(200, text=text, headers={"Content-Type": "application/json"})


@pytest.fixture
def document() -> DocumentDevice:
    return DocumentDevice()


@pytest.fixture(params=["post", "get"])
async def client(request, document) -> AsyncIterator[OnetouchClient]:
    transport = Transport(Endpoint("127.0.0.1"), transport=httpx.MockTransport(document))
    yield OnetouchClient(transport, form=request.param)
    await transport.aclose()


async def test_system_examples(client) -> None:
    info = await client.system_info()
    assert info["Status"] == {"Model": "OT-IP-LP-C9", "MAC": "0C:11:05:08:93:C6",
                              "FirmwareVersion": "29.31.1.617", "HardwareVersion": "29.3.0"}
    assert info["Lan"]["IPAddress"] == "192.168.35.29"
    assert info["Account2"]["Status"] == "0"
    assert await client.system_status() == {"SystemTime": 1544336389, "UpTime": 137}
    assert await client.system_reboot() is None  # the example's trailing comma is tolerated


async def test_firmware_status_example(client) -> None:
    assert await client.firmware_status() == {
        "FirmwareVersion": "29.31.101.624", "HardwareVersion": "29.3.0",
        "MAC": "0C:11:05:07:8B:71", "Model": "OT-IP-LP-C9"}


async def test_relay_and_input_status_examples(client) -> None:
    assert await client.relay_status() == {"RelayA": 0, "RelayB": 0, "RelayC": 0}
    assert await client.input_status() == {"InputA": 1, "InputB": 1, "InputC": 1}


async def test_rfkey_get_example_with_its_period_typo(client) -> None:
    rows = await client.rows("rfkey").get()
    assert [(r["ID"], r["Name"], r["Code"]) for r in rows] == [
        ("1", "Test", "00B4161D"), ("2", "Test2", "00B4161E")]
    assert rows[1]["Sat"] == "1" and rows[1]["Sun"] == "1"


async def test_call_status_example_without_its_opening_brace(client) -> None:
    assert await client.call_status() == "READY"


async def test_sip_status_example_without_a_closing_brace(client) -> None:
    status = await client.sip_status()
    assert status["Account1"] == {"UserName": "130", "SipServer": "192.168.1.115",
                                  "Status": "2"}
    assert status["Account2"]["Status"] == "0"


async def test_dialreplace_get_example(client) -> None:
    rows = await client.rows("dialreplace").get()
    assert rows == [{"ID": "1", "Line": "0", "Prefix": "110", "Replace1": "192.168.2.1",
                     "Replace2": "192.168.2.4", "Replace3": "192.168.2.2",
                     "Replace4": "192.168.2.5", "Replace5": "192.168.2.3"}]


async def test_log_get_and_set_examples(client, document) -> None:
    assert await client.log_get() == {"Config.Settings.LOGLEVEL.Level": "3"}
    assert await client.log_set(7) == {"Config.Settings.LOGLEVEL.Level": "7"}
    assert document.asked[-1] == ("log/set", {"Config.Settings.LOGLEVEL.Level": "7"})


async def test_calllog_get_example(client) -> None:
    rows = await client.calllog_get()
    assert rows == [{"Date": "2018-12-13", "ID": "23",
                     "LocalIdentity": "192.168.1.98@192.168.1.98", "Name": "192.168.1.48",
                     "Num": "192.168.1.98@192.168.1.98", "Time": "05:55:59",
                     "Type": "Received"}]


async def test_pcap_examples(client, document) -> None:
    assert await client.pcap_status() == {"FileSize": "0", "Status": "stop"}
    started = await client.pcap_start("auto", "ip", 180, 1048576)
    assert started == {"filter": "ip", "interface": "eth0", "size": "1048576", "time": "180",
                       "type": "auto"}
    assert document.asked[-1] == ("pcap/start", {"type": "auto", "filter": "ip", "time": "180",
                                                 "size": "1048576"})
    assert await client.pcap_stop() == {"FileSize": "314407", "Time": "9"}


async def test_relay_trig_sends_the_example_request(client, document) -> None:
    await client.relay_trig(1, mode=1, level=1, delay=5)
    name, data = document.asked[-1]
    assert name == "relay/trig"
    assert {k: str(v) for k, v in data.items()} == {"mode": "1", "num": "1", "level": "1",
                                                    "delay": "5"}
