"""Example replies copied from the 2N manuals (v2.38 = seed 001, v2.11 = seed 002).

Kept verbatim, including the manuals' trailing commas, except DIR_TEMPLATE_USER whose text
extraction is split in two pieces in the seed; it is reassembled into one object here.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

SYSTEM_INFO_238 = """{
  "success" : true,
  "result" : {
    "devType" : "2-14-0-0",
    "variant" : "2N IP Verso",
    "variantId" : 14,
    "customerId" : 0,
    "serialNumber" : "00-0000-0005",
    "macAddr" : "FC-1E-B3-00-00-05",
    "hwVersion" : "570v1",
    "swVersion" : "2.35.0.45.0",
    "buildType" : "dev",
    "firmwarePackage" : "verso",
    "deviceName" : "2N IP Verso"
  }
}"""

SYSTEM_INFO_211 = """{
  "success" : true,
  "result" : {
    "variant" : "2N Helios IP Vario",
    "serialNumber" : "08-1860-0035",
    "hwVersion" : "535v1",
    "swVersion" : "2.10.0.19.2",
    "buildType" : "beta",
    "deviceName" : "2N Helios IP Vario"
  }
}"""

SYSTEM_STATUS = """{
  "success" : true,
  "result" : {
    "systemTime" : 1418225091,
    "upTime" : 190524
  }
}"""

SYSTEM_CAPS_238 = json.dumps({"success": True, "result": {"options": {
    "codecG722": "active,licensed", "audioLoopTest": "active,licensed", "camera": "active",
    "phone": "active", "smtpClient": "active,licensed", "switches": "active",
    "advancedSwitches": "active,licensed", "dir": "active", "accessControl": "active",
    "display": "active", "httpApi": "active,licensed", "liftControl": "active,licensed"}}})

SYSTEM_TIME = """{
  "success" : true,
  "result" : {
    "utcTime" : 1639472172,
    "source" : "My2N",
    "automatic" : true,
  }
}"""

FIRMWARE_PUT_238 = (
    r"""{ "success" : true, "result" : { "fileId" : "7d6adf16", "version" : "2.32.4.41.2","""
    r""" "downgrade" : false, "note" : "EN:\r\nVER=2.20.0\r\nSome changes associated with"""
    r""" the downgrade to a lower version result in a loss of original settings.\r\n" } }""")

FIRMWARE_PUT_211 = """{
  "success" : true,
  "result" : {
    "version" : "2.10.0.19.2",
    "downgrade" : false
  }
}"""

HOLIDAYS = r'{ "success" : true, "result" : { "dates": [ "01\\01", "24\\12", "01\\04\\2018" ] } }'

SWITCH_CAPS = """{
  "success" : true,
  "result" : {
    "switches" : [
      {"switch" : 1, "enabled" : true, "mode" : "monostable", "switchOnDuration" : 5,
       "type" : "normal"},
      {"switch" : 2, "enabled" : true, "mode" : "monostable", "switchOnDuration" : 5,
       "type" : "normal"},
      {"switch" : 3, "enabled" : false},
      {"switch" : 4, "enabled" : false}
    ]
  }
}"""

SWITCH_STATUS_238 = ('{ "success": true, "result": { "switches": [ { "switch": 1, "active": '
                     'true, "locked": false, "held": true }, { "switch": 2, "active": true, '
                     '"locked": false, "held": false }, { "switch": 3, "active": false, '
                     '"locked": true, "held": true }, { "switch": 4, "active": false, '
                     '"locked": true, "held": false } ] } }')

IO_CAPS = """{
  "success" : true,
  "result" : {
    "ports" : [
      {"port" : "relay1", "type" : "output"},
      {"port" : "relay2", "type" : "output"}
    ]
  }
}"""

IO_STATUS = """{
  "success" : true,
  "result" : {
    "ports" : [
      {"port" : "relay1", "state" : 0},
      {"port" : "relay2", "state" : 0}
    ]
  }
}"""

PHONE_STATUS_238 = """{
  "success" : true,
  "result" : {
    "accounts" : [
      {"account" : 1, "enabled" : true, "sipNumber" : "5207", "registrationEnabled" : true,
       "registered" : true, "registerTime" : 1663585547},
      {"account" : 2, "enabled" : false, "sipNumber" : "", "registrationEnabled" : true,
       "registered" : false}
    ]
  }
}"""

CALLLOG = """{
  "success" : true,
  "result" : {
    "callLog" : [
      {"id" : 1, "callType" : "incoming", "devType" : "2-14-0-0",
       "name" : "Franta Vomáčka", "date" : "2027-11-06T12:23:52Z", "duration": 1514},
      {"id" : 2, "callType" : "doorbell", "date" : "2027-11-06T12:23:52Z"}
    ]
  }
}"""

CALL_STATUS = """{
  "success" : true,
  "result" : {
    "sessions" : [
      {"session" : 1, "direction" : "outgoing", "state" : "ringing"}
    ]
  }
}"""

CALL_DIAL = """{
  "success" : true,
  "result" : {
    "session" : 2
  }
}"""

CAMERA_CAPS = """{
  "success" : true,
  "result" : {
    "jpegResolution" : [
      {"width" : 160, "height" : 120}, {"width" : 176, "height" : 144},
      {"width" : 320, "height" : 240}, {"width" : 352, "height" : 272},
      {"width" : 352, "height" : 288}, {"width" : 640, "height" : 480}
    ],
    "sources" : [{"source" : "internal"}, {"source" : "external"}]
  }
}"""

DISPLAY_CAPS = """{
  "success" : true,
  "result" : {
    "displays" : [
      {"display" : "internal", "resolution" : {"width" : 320, "height" : 240}}
    ]
  }
}"""

LOG_CAPS = """{
  "success" : true,
  "result" : {
    "events" : ["KeyPressed", "KeyReleased", "InputChanged", "OutputChanged", "CardEntered",
                "CallStateChanged", "AudioLoopTest", "CodeEntered", "DeviceState",
                "RegistrationStateChanged"]
  }
}"""

LOG_SUBSCRIBE = '{"success" : true, "result" : {"id" : 2121013117}}'
LOG_UNSUBSCRIBE = '{\n  "success" : true,\n}'

LOG_PULL_238 = """{
  "success" : true,
  "result" : {
    "events" : [
      {"id" : 1, "tzShift" : 0, "utcTime" : 1437987102, "upTime" : 8, "event" : "DeviceState",
       "params" : {"state" : "startup"}},
      {"id" : 3, "tzShift" : 0, "utcTime" : 1437987105, "upTime" : 11,
       "event" : "RegistrationStateChanged", "params" : {"sipAccount" : 1,
       "state" : "registered"}}
    ]
  }
}"""

PCAP_STATS = ('{ "success": true, "result": { "running": true, "bytesSent": 11261, '
              '"packetsSent": 90 } }')

DIR_TEMPLATE_USER = r"""{
  "uuid": "", "deleted": false, "owner": "", "name": "", "photo": "", "email": "",
  "treepath": "\/", "virtNumber": "", "deputy": "", "buttons": "",
  "callPos": [
    {"peer": "", "profiles": "", "grouped": false, "ipEye": ""},
    {"peer": "", "profiles": "", "grouped": false, "ipEye": ""},
    {"peer": "", "profiles": "", "grouped": false, "ipEye": ""}
  ],
  "access": {
    "validFrom": "0", "validTo": "0",
    "accessPoints": [{"enabled": true, "profiles": ""}, {"enabled": true, "profiles": ""}],
    "pairingExpired": false, "virtCard": "", "card": ["", ""], "mobkey": "", "fpt": "",
    "pin": "", "apbException": false, "code": ["", "", "", ""], "licensePlates": "",
    "liftFloors": ""
  },
  "timestamp": 0
}"""

DIR_TEMPLATE = ('{"success": true, "result": {"series": "5247939846841727056", "users": ['
                + DIR_TEMPLATE_USER + "]}}")

DIR_CREATE = """{ "success": true, "result": { "series": "6423407687606431951", "users": [ { "uuid":
"01234567-89AB-CDEF-0123-456789ABCDEF", "timestamp": 34 }, { "uuid":
"044197A7-54AD-7577-6EEA-787A6097263E", "timestamp": 35 }, { "errors": [ { "code":
"EDIR_FIELD_VALUE_ERROR", "field": "email" }, { "code": "EDIR_FIELD_NAME_UNKNOWN",
"field": "test" }, { "code": "EDIR_FIELD_NAME_UNKNOWN", "field": "albert" } ] }, {
"uuid": "41970B83-21C8-45DD-8FFC-787A6097263E", "timestamp": 36 }, { "uuid":
"0447BBA7-6E7c-420C-A654-466D43D6A067", "timestamp": 37 } ] } }"""

DIR_QUERY = ('{ "success": true, "result": { "series": "2229480630597592840", "users": [ '
             '{ "uuid": "01234567-89AB-CDEF-0123-456789ABCDEF", "name": "ABCD", "email": '
             '"abcd@abcd.cz", "callPos": [ { "peer": "" }, { "peer": "", "grouped": "false" },'
             ' { "peer": "" } ], "timestamp": 6 } ] } }')

MOBILEKEY_GET = ('{ "success": true, "result": { "location": "54-1046-0745", "keys": [ '
                 '{ "type": "rsa", "key": "MIICXAIBAAKBgQCXmIX1U7wGFW3FiDdhq7BIktIc4lg7X2IM",'
                 ' "ctime": 1608047754 }, { } ] } }')

BLOCKING_STATUS = ('{ "success": true, "result": { "accessPoints": [ { "id": 0, "blocked": '
                   'true }, { "id": 1, "blocked": false } ] } }')

GRANTACCESS = """{
  "success" : true,
  "result" : {
    "accessGranted" : false,
    "reason" : "invalidAp"
  }
}"""

OK = '{\n  "success" : true\n}'

Call = Callable[[Any], Awaitable[Any]]
Check = Callable[[Any], None]


def _eq(expected: Any) -> Check:
    def check(value: Any) -> None:
        assert value == expected, value
    return check


# name -> (path, reply body, client call, check of the typed result)
EXAMPLES: dict[str, tuple[str, str, Call, Check]] = {
    "system_info_238": ("/api/system/info", SYSTEM_INFO_238, lambda c: c.system_info(),
                        lambda r: r["macAddr"] == "FC-1E-B3-00-00-05" or _fail(r)),
    "system_info_211": ("/api/system/info", SYSTEM_INFO_211, lambda c: c.system_info(),
                        lambda r: r["variant"] == "2N Helios IP Vario" or _fail(r)),
    "system_status": ("/api/system/status", SYSTEM_STATUS, lambda c: c.system_status(),
                      _eq({"systemTime": 1418225091, "upTime": 190524})),
    "system_caps": ("/api/system/caps", SYSTEM_CAPS_238, lambda c: c.system_caps(),
                    lambda r: r["liftControl"] == "active,licensed" or _fail(r)),
    "system_time": ("/api/system/time", SYSTEM_TIME, lambda c: c.system_time(),
                    _eq({"utcTime": 1639472172, "source": "My2N", "automatic": True})),
    "system_restart": ("/api/system/restart", OK, lambda c: c.system_restart(), _eq(None)),
    "firmware_238": ("/api/firmware", FIRMWARE_PUT_238, lambda c: c.firmware_upload(b"fw"),
                     lambda r: (r["fileId"], r["downgrade"]) == ("7d6adf16", False) or _fail(r)),
    "firmware_211": ("/api/firmware", FIRMWARE_PUT_211, lambda c: c.firmware_upload(b"fw"),
                     _eq({"version": "2.10.0.19.2", "downgrade": False})),
    "holidays": ("/api/config/holidays", HOLIDAYS, lambda c: c.holidays_get(),
                 _eq(["01\\01", "24\\12", "01\\04\\2018"])),
    "switch_caps": ("/api/switch/caps", SWITCH_CAPS, lambda c: c.switch_caps(),
                    lambda r: (len(r), r[2]) == (4, {"switch": 3, "enabled": False})
                    or _fail(r)),
    "switch_status": ("/api/switch/status", SWITCH_STATUS_238, lambda c: c.switch_status(),
                      lambda r: r[0] == {"switch": 1, "active": True, "locked": False,
                                         "held": True} or _fail(r)),
    "io_caps": ("/api/io/caps", IO_CAPS, lambda c: c.io_caps(),
                _eq([{"port": "relay1", "type": "output"}, {"port": "relay2",
                                                             "type": "output"}])),
    "io_status": ("/api/io/status", IO_STATUS, lambda c: c.io_status(),
                  lambda r: r[1] == {"port": "relay2", "state": 0} or _fail(r)),
    "io_ctrl": ("/api/io/ctrl", OK, lambda c: c.io_ctrl("relay1", "on"), _eq(None)),
    "phone_status": ("/api/phone/status", PHONE_STATUS_238, lambda c: c.phone_status(),
                     lambda r: r[0]["registerTime"] == 1663585547 or _fail(r)),
    "calllog": ("/api/phone/calllog", CALLLOG, lambda c: c.calllog_get(),
                lambda r: [x["callType"] for x in r] == ["incoming", "doorbell"] or _fail(r)),
    "call_status": ("/api/call/status", CALL_STATUS, lambda c: c.call_status(),
                    _eq([{"session": 1, "direction": "outgoing", "state": "ringing"}])),
    "call_dial": ("/api/call/dial", CALL_DIAL, lambda c: c.call_dial("sip:1234@10.0.23.194"),
                  _eq(2)),
    "call_answer": ("/api/call/answer", OK, lambda c: c.call_answer(3), _eq(None)),
    "call_hangup": ("/api/call/hangup", OK, lambda c: c.call_hangup(4), _eq(None)),
    "camera_caps": ("/api/camera/caps", CAMERA_CAPS, lambda c: c.camera_caps(),
                    lambda r: len(r["jpegResolution"]) == 6 or _fail(r)),
    "display_caps": ("/api/display/caps", DISPLAY_CAPS, lambda c: c.display_caps(),
                     lambda r: r[0]["resolution"] == {"width": 320, "height": 240}
                     or _fail(r)),
    "log_caps": ("/api/log/caps", LOG_CAPS, lambda c: c.log_caps(),
                 lambda r: (r[0] == "KeyPressed" and len(r) == 10) or _fail(r)),
    "log_subscribe": ("/api/log/subscribe", LOG_SUBSCRIBE,
                      lambda c: c.log_subscribe(filter=["KeyPressed", "InputChanged"]),
                      _eq(2121013117)),
    "log_unsubscribe": ("/api/log/unsubscribe", LOG_UNSUBSCRIBE,
                        lambda c: c.log_unsubscribe(21458715), _eq(None)),
    "log_pull": ("/api/log/pull", LOG_PULL_238, lambda c: c.log_pull(1),
                 lambda r: [e["id"] for e in r] == [1, 3] or _fail(r)),
    "pcap_stats": ("/api/pcap/live/stats", PCAP_STATS, lambda c: c.pcap_live_stats(),
                   _eq({"running": True, "bytesSent": 11261, "packetsSent": 90})),
    "dir_template": ("/api/dir/template", DIR_TEMPLATE, lambda c: c.dir_template(),
                     lambda r: r["users"][0]["treepath"] == "/" or _fail(r)),
    "dir_create": ("/api/dir/create", DIR_CREATE, lambda c: c.dir_create([{}], force=True),
                   lambda r: r["users"][2]["errors"][0]["field"] == "email" or _fail(r)),
    "dir_query": ("/api/dir/query", DIR_QUERY, lambda c: c.dir_query(timestamp=6),
                  lambda r: r["users"][0]["name"] == "ABCD" or _fail(r)),
    "mobilekey_get": ("/api/mobilekey/config", MOBILEKEY_GET,
                      lambda c: c.mobilekey_config_get(),
                      lambda r: r["location"] == "54-1046-0745" or _fail(r)),
    "blocking_status": ("/api/accesspoint/blocking/status", BLOCKING_STATUS,
                        lambda c: c.accesspoint_blocking_status(),
                        _eq([{"id": 0, "blocked": True}, {"id": 1, "blocked": False}])),
    "grantaccess": ("/api/accesspoint/grantaccess", GRANTACCESS,
                    lambda c: c.accesspoint_grantaccess(0, "u"),
                    _eq({"accessGranted": False, "reason": "invalidAp"})),
}


def _fail(value: Any) -> None:
    raise AssertionError(f"unexpected result {value!r}")
