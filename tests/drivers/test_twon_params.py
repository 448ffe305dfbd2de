"""Every documented request parameter and error of both 2N documents, over real sockets.

Each case goes through :class:`TwoNClient` (so the parameter travels the way the client
encodes it: query, JSON body or multipart ``blob-*``) to the simulator, which must answer the
document's error naming the parameter: 11 missing, 12 invalid, 13 too big, 17 collision,
14/15 processing / no data. Seed 001 = manual v2.38, seed 002 = Helios IP v2.11.
"""

from __future__ import annotations

import base64
import contextlib
from dataclasses import dataclass, field
from typing import Any

import pytest

from configurator.core.errors import Rejected
from configurator.drivers.twon.client import TwoNClient

from .test_twon_sim import simulator, transport_for

NO_USER = "09EBFD7D-24E4-4D58-AD02-804AD69938A6"  # the doc's lift example uuid (not in dir)
LPR = "bc4baad9-d2cd-4706-986f-b942963bfa9f"  # the doc's lpr/licenseplate example


@contextlib.asynccontextmanager
async def client_for(sim):
    transport = transport_for(sim)
    try:
        yield TwoNClient(transport)
    finally:
        await transport.aclose()


@dataclass(frozen=True)
class Case:
    fn: str
    params: dict[str, Any] = field(default_factory=dict)
    code: int = 12
    param: str | None = None
    json: Any = None
    files: dict[str, Any] | None = None
    model: str = "verso"


def _blob(name: str, data: bytes, ctype: str = "application/octet-stream"
          ) -> dict[str, Any]:
    return {name: ("file", data, ctype)}


_PLATE = {"lprUuid": LPR, "accessPoint": 0, "plateText": "ABC123456"}

CASES: dict[str, Case] = {
    # 5.1.6 system/time/set: time, number 0..2147483647, mandatory
    "time-set missing time": Case("system/time/set", code=11, param="time"),
    "time-set time<0": Case("system/time/set", {"time": -1}, param="time"),
    "time-set time>max": Case("system/time/set", {"time": 2147483648}, param="time"),
    "time-set time text": Case("system/time/set", {"time": "noon"}, param="time"),
    # 5.2.1 firmware: blob-fw mandatory, 12 wrong file, 19 version below minimum
    "firmware missing blob-fw": Case("firmware", code=11, param="blob-fw"),
    "firmware foreign file": Case("firmware", files=_blob("blob-fw", b"not firmware"),
                                  param="blob-fw"),
    "firmware below minimum": Case("firmware", code=19, files=_blob(
        "blob-fw", b"2N-FIRMWARE package=verso version=2.20.0.0.0\n")),
    # 5.2.2 / 5.2.3 apply / reject: fileId mandatory, 12 non-hex, 14 not found
    "apply missing fileId": Case("firmware/apply", code=11, param="fileId"),
    "apply non-hex fileId": Case("firmware/apply", {"fileId": "7d6adf1x"}, param="fileId"),
    "apply unknown fileId": Case("firmware/apply", {"fileId": "7d6adf16"}, code=14),
    "reject missing fileId": Case("firmware/reject", code=11, param="fileId"),
    "reject non-hex fileId": Case("firmware/reject", {"fileId": "zz"}, param="fileId"),
    "reject unknown fileId": Case("firmware/reject", {"fileId": "7d6adf16"}, code=14),
    # 5.3.1 config PUT: blob-cfg mandatory (XML)
    "config missing blob-cfg": Case("config:put", code=11, param="blob-cfg"),
    "config not XML": Case("config:put", files=_blob("blob-cfg", b"<nope"), param="blob-cfg"),
    # 5.3.3 holidays PUT: blob-json mandatory (DD/MM[/YYYY])
    "holidays missing blob-json": Case("config/holidays:put", code=11, param="blob-json"),
    "holidays bad date": Case("config/holidays:put", files=_blob(
        "blob-json", b'{"dates": ["32/01"]}'), param="blob-json"),
    # 5.4 switch: switch optional on caps/status, switch+action mandatory on ctrl
    "switch caps unknown switch": Case("switch/caps", {"switch": 9}, param="switch"),
    "switch status bad switch": Case("switch/status", {"switch": "one"}, param="switch"),
    "switch ctrl missing switch": Case("switch/ctrl", {"action": "on"}, 11, "switch"),
    "switch ctrl missing action": Case("switch/ctrl", {"switch": 1}, 11, "action"),
    "switch ctrl bad action": Case("switch/ctrl", {"switch": 1, "action": "open"},
                                   param="action"),
    "switch ctrl timeout 0": Case("switch/ctrl", {"switch": 1, "action": "on", "timeout": 0},
                                  param="timeout"),
    "switch ctrl timeout 86401": Case("switch/ctrl", {"switch": 1, "action": "hold",
                                                      "timeout": 86401}, param="timeout"),
    "switch ctrl disabled switch": Case("switch/ctrl", {"switch": 3, "action": "lock"}, 14),
    # 5.5 io: port optional on caps/status, port+action mandatory on ctrl
    "io caps unknown port": Case("io/caps", {"port": "relay9"}, param="port"),
    "io status unknown port": Case("io/status", {"port": "relay9"}, param="port"),
    "io ctrl missing port": Case("io/ctrl", {"action": "on"}, 11, "port"),
    "io ctrl missing action": Case("io/ctrl", {"port": "relay1"}, 11, "action"),
    "io ctrl bad action": Case("io/ctrl", {"port": "relay1", "action": "toggle"},
                               param="action"),
    # 5.6 phone: account optional (1 or 2); calllog DELETE id -> 12 "record not found"
    "phone status bad account": Case("phone/status", {"account": 3}, param="account"),
    "calllog delete unknown id": Case("phone/calllog:delete", {"id": 999}, param="id"),
    # 5.7 call: session optional / mandatory, number xor users, reason values
    "call status unknown session": Case("call/status", {"session": 99}, param="session"),
    "dial neither": Case("call/dial", code=11, param="number"),
    "dial both": Case("call/dial", {"number": "sip:1234@10.0.23.194", "users": NO_USER},
                      17, "users"),
    "dial bad users": Case("call/dial", {"users": "not-a-uuid"}, param="users"),
    "dial empty number": Case("call/dial", {"number": ""}, param="number"),
    "answer missing session": Case("call/answer", code=11, param="session"),
    "answer unknown session": Case("call/answer", {"session": 3}, param="session"),
    "hangup missing session": Case("call/hangup", code=11, param="session"),
    "hangup unknown session": Case("call/hangup", {"session": 4}, param="session"),
    # 5.8.2 snapshot: width/height mandatory and in caps, source, fps, time -30..0
    "snapshot missing width": Case("camera/snapshot", {"height": 240}, 11, "width"),
    "snapshot missing height": Case("camera/snapshot", {"width": 320}, 11, "height"),
    "snapshot size not in caps": Case("camera/snapshot", {"width": 123, "height": 45},
                                      param="width"),
    "snapshot bad source": Case("camera/snapshot", {"width": 320, "height": 240,
                                                    "source": "garage"}, param="source"),
    "snapshot fps -1": Case("camera/snapshot", {"width": 320, "height": 240, "fps": -1},
                            param="fps"),
    "snapshot time -31": Case("camera/snapshot", {"width": 320, "height": 240, "time": -31},
                              param="time"),
    "snapshot time +1": Case("camera/snapshot", {"width": 320, "height": 240, "time": 1},
                             param="time"),
    # 5.9.2 display image: display mandatory, blob-image xor blob-video
    "display put missing display": Case("display/image", code=11, param="display"),
    "display put unknown display": Case("display/image", {"display": "ext9"},
                                        param="display"),
    "display put no blob": Case("display/image", {"display": "ext1"}, 11, "blob-image"),
    "display put not an image": Case("display/image", {"display": "ext1"},
                                     files=_blob("blob-image", b"GIF? no"),
                                     param="blob-image"),
    "display delete missing display": Case("display/image:delete", code=11, param="display"),
    "display delete unknown display": Case("display/image:delete", {"display": "ext9"},
                                           param="display"),
    # 5.10 log: include new/all/-t, filter list, duration <= 3600; id mandatory
    "subscribe bad include": Case("log/subscribe", {"include": "some"}, param="include"),
    "subscribe unknown filter": Case("log/subscribe", {"filter": "KeyPressed,Nope"},
                                     param="filter"),
    "subscribe duration 3601": Case("log/subscribe", {"duration": 3601}, param="duration"),
    "subscribe duration text": Case("log/subscribe", {"duration": "long"}, param="duration"),
    "unsubscribe missing id": Case("log/unsubscribe", code=11, param="id"),
    "unsubscribe unknown id": Case("log/unsubscribe", {"id": 21458715}, param="id"),
    "pull missing id": Case("log/pull", code=11, param="id"),
    "pull unknown id": Case("log/pull", {"id": 21458715}, param="id"),
    "pull bad timeout": Case("log/pull", {"id": 1, "timeout": -1}, param="timeout"),
    # 5.12.1 email: to, subject mandatory; pictureCount 0..5; timeSpan; width/height in caps
    "email missing to": Case("email/send", {"subject": "Hello"}, 11, "to"),
    "email missing subject": Case("email/send", {"to": "somebody@email.com"}, 11, "subject"),
    "email bad to": Case("email/send", {"to": "somebody", "subject": "Hello"}, param="to"),
    "email pictureCount 6": Case("email/send", {"to": "a@b.cz", "subject": "s",
                                                "pictureCount": 6}, param="pictureCount"),
    "email timeSpan -1": Case("email/send", {"to": "a@b.cz", "subject": "s",
                                             "timeSpan": -1}, param="timeSpan"),
    "email size not in caps": Case("email/send", {"to": "a@b.cz", "subject": "s",
                                                  "width": 123, "height": 45}, param="width"),
    # 5.13.4 pcap/live: duration integer seconds (omitted/0 = indefinitely)
    "pcap live duration -1": Case("pcap/live", {"duration": -1}, param="duration"),
    "pcap live duration text": Case("pcap/live", {"duration": "ten"}, param="duration"),
    # 5.14 dir (JSON bodies)
    "dir create force not bool": Case("dir/create", json={"force": "yes", "users": []},
                                      param="force"),
    "dir create users not array": Case("dir/create", json={"users": {}}, param="users"),
    "dir create not an object": Case("dir/create", json=["users"], param="json"),
    "dir update missing users": Case("dir/update", json={}, code=11, param="users"),
    "dir delete neither": Case("dir/delete", json={}, code=11, param="users"),
    "dir delete owner not string": Case("dir/delete", json={"owner": 5}, param="owner"),
    "dir get fields not array": Case("dir/get", json={"fields": "name"}, param="fields"),
    "dir query bad iterator": Case("dir/query", json={"iterator": {"timestamp": "6"}},
                                   param="iterator"),
    # 5.15.1 mobilekey PUT: location <= 127 characters, up to four keys
    "mobilekey location 128": Case("mobilekey/config:put", json={"location": "L" * 128},
                                   param="location"),
    "mobilekey five keys": Case("mobilekey/config:put", json={"keys": [{}] * 5},
                                param="keys"),
    # 5.16.1 lpr/licenseplate: lprUuid, accessPoint 0/1, plateText mandatory, image 256 kB
    **{f"lpr missing {k}": Case("lpr/licenseplate", json={n: v for n, v in _PLATE.items()
                                                          if n != k}, code=11, param=k)
       for k in _PLATE},
    "lpr bad lprUuid": Case("lpr/licenseplate", json={**_PLATE, "lprUuid": "x"},
                            param="lprUuid"),
    "lpr accessPoint 2": Case("lpr/licenseplate", json={**_PLATE, "accessPoint": 2},
                              param="accessPoint"),
    "lpr image not base64": Case("lpr/licenseplate", json={**_PLATE, "plateImage": "@@@"},
                                 param="plateImage"),
    "lpr image over 256 kB": Case("lpr/licenseplate", json={
        **_PLATE, "plateImage": base64.b64encode(b"\xff" * (256 * 1024 + 3)).decode()},
        code=13, param="plateImage"),
    # 5.16.2 lpr/image: plateText mandatory; 15 when no image
    "lpr image missing plateText": Case("lpr/image", code=11, param="plateText"),
    "lpr image no data": Case("lpr/image", {"plateText": "ABC123456"}, code=15),
    # 5.17 access points: id 0/1, action on/off, user uuid
    "blocking ctrl missing id": Case("accesspoint/blocking/ctrl", {"action": "on"}, 11, "id"),
    "blocking ctrl id 2": Case("accesspoint/blocking/ctrl", {"id": 2, "action": "on"},
                               param="id"),
    "blocking ctrl missing action": Case("accesspoint/blocking/ctrl", {"id": 0}, 11,
                                         "action"),
    "blocking ctrl bad action": Case("accesspoint/blocking/ctrl", {"id": 0, "action": "yes"},
                                     param="action"),
    "blocking status id 5": Case("accesspoint/blocking/status", {"id": 5}, param="id"),
    "grant missing id": Case("accesspoint/grantaccess", {"user": NO_USER}, 11, "id"),
    "grant missing user": Case("accesspoint/grantaccess", {"id": 0}, 11, "user"),
    "grant bad user": Case("accesspoint/grantaccess", {"id": 0, "user": "x"}, param="user"),
    # 5.18.1 lift: user mandatory uuid (11 / 12 / 12 "User not found"), duration 1..600
    "lift missing user": Case("lift/grantaccess", code=11, param="user"),
    "lift bad user": Case("lift/grantaccess", {"user": "09ebfd7d"}, param="user"),
    "lift unknown user": Case("lift/grantaccess", {"user": NO_USER}, param="user"),
    "lift duration 601": Case("lift/grantaccess", {"user": NO_USER, "duration": 601},
                              param="duration"),
    "lift duration 0": Case("lift/grantaccess", {"user": NO_USER, "duration": 0},
                            param="duration"),
    # 5.19.1 automation/trigger: triggerId
    "automation missing triggerId": Case("automation/trigger", code=11, param="triggerId"),
    # seed 002 (v2.11, Vario with licence): fewer actions, number only
    "v2.11 switch ctrl lock": Case("switch/ctrl", {"switch": 1, "action": "lock"},
                                   param="action", model="vario"),
    "v2.11 dial users only": Case("call/dial", {"users": NO_USER}, 11, "number",
                                  model="vario"),
    "v2.11 display PNG": Case("display/image", {"display": "internal"}, files=_blob(
        "blob-image", b"\x89PNG\r\n\x1a\n"), param="blob-image", model="vario"),
    "v2.11 io ctrl missing port": Case("io/ctrl", {"action": "on"}, 11, "port",
                                       model="vario"),
    "v2.11 snapshot missing width": Case("camera/snapshot", {"height": 240}, 11, "width",
                                         model="vario"),
    "v2.11 apply without upload": Case("firmware/apply", code=14, model="vario"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
async def test_documented_parameter_errors(loopback, case: Case):
    options: dict[str, Any] = {"model": case.model}
    if case.model == "vario":
        options["licensed"] = True
    async with simulator(loopback(), **options) as sim, client_for(sim) as c:
        with pytest.raises(Rejected) as info:
            await c.call(case.fn, case.params, json_body=case.json, files=case.files)
    assert info.value.code == case.code, info.value
    assert info.value.param == case.param, info.value
