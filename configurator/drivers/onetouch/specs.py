"""Settings pages and tables of the Onetouch HTTP API v1.0, as data.

Labels, ranges, choices and help come from the document's parameter tables ("Api relay",
"Api input", "Api sip", "Api log", "Api rfkey", "Api dialreplace", "Api calllog", "Api doorlog").
Keys are the device's own keys exactly as the examples show them (``Config.DoorSetting.RELAY.
HoldDelayA``, ``Config.Account1.SIP.Server``). Repeated blocks (relay/input A-C, SIP account 1-2,
weekdays, Replace1-5) are templates expanded by :func:`configurator.core.params.repeat`.

The device sends and takes every value as a string; :func:`decode` and :func:`encode` convert
between the wire text and the typed values of :class:`ParamSpec`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from ...core.errors import InvalidValue
from ...core.params import (
    Category,
    Choice,
    Kind,
    ParamSpec,
    SettingsPage,
    TableOp,
    TableSpec,
    repeat,
)

ALL_DOORS = ("A", "B", "C")
DOOR_DIGIT = {"A": "1", "B": "2", "C": "3"}  # DoorNum "123" = doors A, B and C
DOOR_CHOICES = tuple(Choice(d, f"Door {d}") for d in ALL_DOORS)
ADV = Category.ADVANCED
_TEXTUAL = {Kind.STRING, Kind.SECRET, Kind.HEX, Kind.URL, Kind.HOST, Kind.IP}


def _b(key: str, label: str, help: str = "", **kw: Any) -> ParamSpec:
    return ParamSpec(key, label, Kind.BOOL, help=help or "0 - Disable, 1 - Enable", **kw)


# -- relay ----------------------------------------------------------------------------------
RELAY_TEMPLATE = (
    ParamSpec("Config.DoorSetting.RELAY.Type{n}", "Open type", Kind.ENUM,
              choices=(Choice(0, "NC - COM open"), Choice(1, "NO - COM open")),
              help="Relay Open Type: 0 - NC-COM Open, 1 - NO-COM Open", group="{label}"),
    ParamSpec("Config.DoorSetting.RELAY.HoldDelay{n}", "Hold delay", Kind.INT, 0, 60,
              unit="s", help="Relay Hold Delay 0 ~ 60 second", group="{label}"),
    ParamSpec("Config.DoorSetting.RELAY.TriggerDelay{n}", "Trigger delay", Kind.INT, 0, 60,
              unit="s", help="Relay Trigger Delay 0 ~ 60 second: delay X second to trigger "
              "relay", group="{label}"),
    # Assumption: the document gives no length limit for relay names; 32 characters.
    ParamSpec("Config.DoorSetting.RELAY.Name{n}", "Name", max_length=32,
              help="Name of {label}", group="{label}"),
)
RELAY_COMMON = (
    _b("Config.DoorSetting.RELAY.HttpTrig", "HTTP trigger",
       "Allow opening the relays by HTTP request with the user and password below",
       group="HTTP trigger"),
    ParamSpec("Config.DoorSetting.RELAY.UserName", "HTTP trigger user", max_length=32,
              group="HTTP trigger"),
    ParamSpec("Config.DoorSetting.RELAY.Password", "HTTP trigger password", Kind.SECRET,
              max_length=32, group="HTTP trigger"),
    _b("Config.DoorSetting.DTMF.Enable", "DTMF open", "Open the door by DTMF during a call",
       group="DTMF"),
    # Assumption: the example value is "0", so 0 is accepted and behaves like 1.
    ParamSpec("Config.DoorSetting.DTMF.Option", "DTMF digits", Kind.INT, 0, 4, group="DTMF",
              help="n=1: 1 digit dtmf, refer to Config.DoorSetting.DTMF.CodeX; "
              "n=2~4: 2~4 digits dtmf, refer to Config.DoorSetting.DTMF.MultiCodeX"),
)
DTMF_TEMPLATE = (
    ParamSpec("Config.DoorSetting.DTMF.Code{n}", "DTMF code {n}", pattern=r"[0-9*#]",
              help="one dtmf code (opens {label})", group="DTMF"),
    ParamSpec("Config.DoorSetting.DTMF.MultiCode{n}", "DTMF multi-digit code {n}",
              pattern=r"[0-9*#]{2,4}", help="2 ~ 4 digits dtmf code (opens {label})",
              group="DTMF"),
)

# -- input ----------------------------------------------------------------------------------
INPUT_TEMPLATE = (
    _b("Config.DoorSetting.INPUT.Enable{n}", "Enabled", "Input Enable", group="{label}"),
    ParamSpec("Config.DoorSetting.INPUT.Option{n}", "Trigger on", Kind.ENUM,
              choices=(Choice(0, "Low level"), Choice(1, "High level")),
              help="Trig Option: 0 Low Trig, 1 High Trig", group="{label}"),
    # The table says 0 ~ 65536; the field is 16 bits wide, so 65535.
    ParamSpec("Config.DoorSetting.INPUT.Delay{n}", "Trigger delay", Kind.INT, 0, 65535,
              unit="s", help="Trig Delay: 0 trig now, 1 ~ 65535 trig after X second",
              group="{label}"),
    ParamSpec("Config.DoorSetting.INPUT.ActionUrl{n}", "Action URL", Kind.URL,
              help="Action URL (more Action URL parameters: see the Action URL document)",
              group="{label}", category=ADV),
    _b("Config.DoorSetting.INPUT.FtpEnable{n}", "Send capture by FTP",
       "When input trig, send capture files to ftp server", group="{label}", category=ADV),
    _b("Config.DoorSetting.INPUT.HttpEnable{n}", "HTTP request",
       "When input trig, send a http get request with url", group="{label}", category=ADV),
    _b("Config.DoorSetting.INPUT.SmtpEnable{n}", "Send capture by e-mail",
       "When input trig, send capture files with smtp", group="{label}", category=ADV),
    _b("Config.DoorSetting.INPUT.SipEnable{n}", "SIP call",
       "When input trig, start a sip call", group="{label}", category=ADV),
)
INPUT_COMMON = (
    ParamSpec("Config.DoorSetting.Action.CallNum", "Call number", group="Input action",
              help="sip call num (used when an input starts a SIP call)"),
    ParamSpec("Config.DoorSetting.Action.CallName", "Call display name", group="Input action",
              help="sip call remote display name"),
)


def _relay_id_spec(doors: Sequence[str]) -> ParamSpec:
    return ParamSpec("Config.DoorSetting.INPUT.RelayId{n}", "Opens relay", Kind.ENUM,
                     choices=tuple(Choice(i + 1, f"Relay {d}") for i, d in enumerate(doors)),
                     help="Trig which relay id: 1 - Relay A, 2 - Relay B, 3 - Relay C",
                     group="{label}")


# -- SIP ------------------------------------------------------------------------------------
def _port(key: str, label: str, help: str = "", **kw: Any) -> ParamSpec:
    return ParamSpec(key, label, Kind.PORT, help=help, group="{label}", **kw)


_A = "Config.Account{n}."
SIP_TEMPLATE = (
    _b(_A + "GENERAL.Enable", "Enabled", "0 Disable, 1 Enable", group="{label}"),
    ParamSpec(_A + "SIP.Server", "SIP server", Kind.HOST, help="SIP Server, Ex: 192.168.1.115",
              group="{label}"),
    _port(_A + "SIP.Port", "SIP server port", "SIP Server Port, Ex: 5060"),
    ParamSpec(_A + "GENERAL.AuthName", "Auth name", help="Sip Server Auth Name",
              group="{label}"),
    ParamSpec(_A + "GENERAL.UserName", "User name", help="Sip Server Register Name",
              group="{label}"),
    ParamSpec(_A + "GENERAL.Pwd", "Password", Kind.SECRET, help="Sip Server Password",
              group="{label}"),
    ParamSpec(_A + "GENERAL.DisplayName", "Display name", help="Remote Display Name",
              group="{label}"),
    ParamSpec(_A + "GENERAL.Label", "Label", help="Account label", group="{label}"),
    ParamSpec(_A + "SIP.Server2", "Backup SIP server", Kind.HOST, group="{label}",
              category=ADV),
    _port(_A + "SIP.Port2", "Backup SIP server port", category=ADV),
    # Assumption: the document shows TransType "0" only; 0 UDP, 1 TCP, 2 TLS as on most devices.
    ParamSpec(_A + "SIP.TransType", "Transport", Kind.ENUM, group="{label}", category=ADV,
              choices=(Choice(0, "UDP"), Choice(1, "TCP"), Choice(2, "TLS"))),
    _port(_A + "SIP.ListenPortMin", "Local SIP port (min)", category=ADV),
    _port(_A + "SIP.ListenPortMax", "Local SIP port (max)", category=ADV),
    _b(_A + "NAT.Rport", "NAT rport", "Add rport to requests (RFC 3581)", group="{label}",
       category=ADV),
    _b(_A + "NAT.UdpKeepEnable", "UDP keep-alive", group="{label}", category=ADV),
    ParamSpec(_A + "NAT.UdpKeepInterval", "UDP keep-alive interval", Kind.INT, 1, 3600,
              unit="s", group="{label}", category=ADV),
    _b(_A + "OUTPROXY.Enable", "Outbound proxy", group="{label}", category=ADV),
    ParamSpec(_A + "OUTPROXY.Server", "Outbound proxy server", Kind.HOST, group="{label}",
              category=ADV),
    _port(_A + "OUTPROXY.Port", "Outbound proxy port", category=ADV),
    ParamSpec(_A + "OUTPROXY.BakServer", "Backup outbound proxy", Kind.HOST, group="{label}",
              category=ADV),
    _port(_A + "OUTPROXY.BakPort", "Backup outbound proxy port", category=ADV),
    _b(_A + "OUTPROXY.DHCPOption", "Outbound proxy from DHCP", group="{label}", category=ADV),
    _b(_A + "STUN.Enable", "STUN", group="{label}", category=ADV),
    ParamSpec(_A + "STUN.Server", "STUN server", Kind.HOST, group="{label}", category=ADV),
    _port(_A + "STUN.Port", "STUN port", category=ADV),
    _b(_A + "ANONYMOUS_CALL.Enable", "Anonymous call", group="{label}", category=ADV),
    ParamSpec(_A + "ANONYMOUS_CALL.OnCode", "Anonymous call on code", group="{label}",
              category=ADV),
    ParamSpec(_A + "ANONYMOUS_CALL.OffCode", "Anonymous call off code", group="{label}",
              category=ADV),
    ParamSpec(_A + "ANONYMOUS_CALL.PrivacyHeaderValue", "Privacy header value",
              group="{label}", category=ADV, help='e.g. "id"'),
    _b(_A + "REJECT_ANONYMOUSCALL.Enable", "Reject anonymous calls", group="{label}",
       category=ADV),
    ParamSpec(_A + "REJECT_ANONYMOUSCALL.OnCode", "Reject anonymous on code", group="{label}",
              category=ADV),
    ParamSpec(_A + "REJECT_ANONYMOUSCALL.OffCode", "Reject anonymous off code",
              group="{label}", category=ADV),
    _b(_A + "AUTO_ANSWER.Enable", "Auto answer", group="{label}", category=ADV),
    ParamSpec(_A + "GENERAL.UserAgent", "User agent", group="{label}", category=ADV),
    # Assumption: only the config/get example shows ADVANCED.ShowMissedCall ("1"); a switch.
    _b(_A + "ADVANCED.ShowMissedCall", "Show missed calls",
       "Keep missed calls of this account in the call log (key from the config/get example)",
       group="{label}", category=ADV),
    # Assumption: GENERAL.EditEnable appears in the sip/get example with an empty value and is
    # described nowhere; shown read-only so it is never changed blindly.
    ParamSpec(_A + "GENERAL.EditEnable", "Edit enable", group="{label}", category=ADV,
              read_only=True, help="Not described in the document (example value empty)"),
)
ACCOUNTS = (("1", "Account 1"), ("2", "Account 2"))

LOG_LEVELS = ("EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG")
LOG_PARAMS = (
    ParamSpec("Config.Settings.LOGLEVEL.Level", "Log level", Kind.ENUM,
              choices=tuple(Choice(i, f"{i} {name}") for i, name in enumerate(LOG_LEVELS)),
              help="log debug level: 0 LOG_LEVEL_EMERG ... 7 LOG_LEVEL_DEBUG"),
)

# Assumption: the document lists publiccode get/set without parameters; a public door code
# (door log type 3 "Public") with an enable switch and the doors it opens.
PUBLICCODE_PARAMS = (
    _b("Config.DoorSetting.PUBLICCODE.Enable", "Public code enabled",
       "Open the door with one code shared by everyone (assumed keys)"),
    ParamSpec("Config.DoorSetting.PUBLICCODE.Code", "Public code", Kind.SECRET,
              pattern=r"\d{3,8}", help="3-8 digits (assumed)"),
    ParamSpec("Config.DoorSetting.PUBLICCODE.DoorNum", "Opens doors", Kind.FLAGS,
              choices=DOOR_CHOICES, help="1 : Door A, 2 : Door B, 3 : Door C (assumed)"),
)


# log/export and log/clear take the log ``type`` ("Api log export" / "Api log clear").
LOG_TYPE = ParamSpec("type", "Log type", Kind.ENUM, default="log",
                     choices=(Choice("log", "Application log"), Choice("kmsg", "Kernel log"),
                              Choice("log_debug", "Debug log (Android only)")),
                     help="log: default, application log (Android logcat or Linux syslog); "
                     "kmsg: kernel log; log_debug: support android only")

# pcap/start parameters ("Api pcap start"), all optional on the wire.
PCAP_START_PARAMS = (
    ParamSpec("type", "Capture type", Kind.ENUM, default="auto",
              choices=(Choice("auto", "Auto stop"), Choice("manual", "Manual")),
              help="auto: auto stop (capture 60 second, or the capture time); manual: until "
              "pcap stop"),
    ParamSpec("filter", "Filter", default="ip", help='pcap filter, more info see libpcap; '
              'default: "ip"'),
    ParamSpec("time", "Capture time", Kind.INT, 1, 180, unit="s", default=60,
              help="capture time 1-180, default 60 second; only works on type auto"),
    # Assumption: the document gives only the default; a limit below the 24-byte pcap file
    # header could never hold a packet, so 24 is the minimum.
    ParamSpec("size", "Size limit", Kind.INT, 24, unit="bytes", default=1048576,
              help="capture limit size, when reached the capture stops; default: 1048576"),
)


@functools.cache  # pages() asks for them on every read and write
def relay_page(doors: Sequence[str]) -> SettingsPage:
    """The relay settings of these doors."""
    instances = [(d, f"Relay {d}") for d in doors]
    dtmf = [(str(i + 1), f"Relay {d}") for i, d in enumerate(doors)]
    params = (*repeat(RELAY_TEMPLATE, instances), *RELAY_COMMON, *repeat(DTMF_TEMPLATE, dtmf))
    return SettingsPage("relay", "Relays", tuple(params), capability="relays",
                        help="Door relays, their delays, the HTTP trigger and DTMF codes")


@functools.cache  # pages() asks for them on every read and write
def input_page(doors: Sequence[str]) -> SettingsPage:
    """The input settings of these doors."""
    template = (*INPUT_TEMPLATE[:3], _relay_id_spec(doors), *INPUT_TEMPLATE[3:])
    params = (*repeat(template, [(d, f"Input {d}") for d in doors]), *INPUT_COMMON)
    return SettingsPage("input", "Inputs", tuple(params), capability="inputs",
                        help="Door inputs (GPIO) and what they trigger")


@functools.cache  # pages() asks for them on every read and write
def sip_page() -> SettingsPage:
    """The SIP account settings."""
    return SettingsPage("sip", "SIP accounts", tuple(repeat(SIP_TEMPLATE, ACCOUNTS)),
                        capability="sip")


def log_page() -> SettingsPage:
    """The log settings."""
    return SettingsPage("log", "Log level", LOG_PARAMS, capability="maintenance")


def publiccode_page() -> SettingsPage:
    """The public (door) code settings."""
    return SettingsPage("publiccode", "Public code", PUBLICCODE_PARAMS, capability="access",
                        help="Assumed shape: the document gives no parameters for publiccode")


# -- tables ---------------------------------------------------------------------------------
WEEKDAYS = (("Mon", "Monday"), ("Tue", "Tuesday"), ("Wed", "Wednesday"), ("Thur", "Thursday"),
            ("Fri", "Friday"), ("Sat", "Saturday"), ("Sun", "Sunday"))
TAGS = (Choice(0, "Allowed"), Choice(1, "Frequency"), Choice(2, "Forbidden"),
        Choice(3, "Schedule"))
_ITEM_OPS = frozenset({TableOp.ADD, TableOp.SET, TableOp.DEL, TableOp.CLEAR, TableOp.EXPORT,
                       TableOp.IMPORT})
_LOG_OPS = frozenset({TableOp.DEL, TableOp.CLEAR, TableOp.EXPORT})


def _id(key: str = "ID") -> ParamSpec:
    return ParamSpec(key, "ID", Kind.INT, 0, help="Index assigned by the device",
                     read_only=True)


def _access_key_columns(code: ParamSpec) -> tuple[ParamSpec, ...]:
    day = ParamSpec("{n}", "{label}", Kind.BOOL, default=True, group="Days",
                    help="{label}: 0 - Disable, 1 - Enable")
    return (
        _id(),
        ParamSpec("Name", "Name", max_length=32),
        code,
        ParamSpec("DoorNum", "Doors", Kind.FLAGS, choices=DOOR_CHOICES,
                  help='1 : Door A, 2 : Door B, 3 : Door C, e.g. "DoorNum": "123"'),
        *repeat((day,), WEEKDAYS),
        ParamSpec("TimeStart", "From", Kind.TIME, default="00:00",
                  help='"00:00" - "23:59"; "00:00" - "00:00": key will always work'),
        ParamSpec("TimeEnd", "Until", Kind.TIME, default="00:00", help='"00:00" - "23:59"'),
        ParamSpec("Tags", "Rule", Kind.ENUM, choices=TAGS, default=0,
                  help="0: ALLOWED, 1: FREQUENCY, 2: FORBIDDEN, 3: SCHEDULE"),
        ParamSpec("Frequency", "Uses left", Kind.INT, 0, 65535, default=0,
                  help="0 ~ 65535 (rule FREQUENCY: how many more times the key opens)"),
    )


RFKEY_TABLE = TableSpec(
    "rfkey", "RF cards",
    _access_key_columns(ParamSpec("Code", "Card code", Kind.HEX, max_length=16, required=True,
                                  help='RF SN, e.g. "Code":"12345678"')),
    row_key="ID", operations=_ITEM_OPS, capability="rfkeys", export_format="xml",
    help="RF cards (exported as ICKey.xml)")

# Assumption: private keys are PIN codes with the same rule columns as RF cards.
PRIVATEKEY_TABLE = TableSpec(
    "privatekey", "Private PIN codes",
    _access_key_columns(ParamSpec("Code", "PIN", Kind.SECRET, pattern=r"\d{3,8}",
                                  required=True, help="3-8 digits (assumed)")),
    row_key="ID", operations=_ITEM_OPS, capability="access", export_format="xml",
    help="Assumed shape: the document gives no parameters for privatekey")

DIALREPLACE_TABLE = TableSpec(
    "dialreplace", "Dial replace rules",
    (
        _id(),
        ParamSpec("Prefix", "Prefix", pattern=r"[0-9*#+]{1,32}", required=True,
                  help="number dialled"),
        ParamSpec("Line", "Line", Kind.ENUM, default=0,
                  choices=(Choice(0, "Auto"), Choice(1, "Account 1"), Choice(2, "Account 2"))),
        *repeat((ParamSpec("Replace{n}", "Replace {n}", max_length=64,
                           help="number (or address) called instead, option {n}"),),
                [(str(i), str(i)) for i in range(1, 6)]),
    ),
    row_key="ID", operations=_ITEM_OPS, capability="dialreplace", export_format="xml",
    help="Replace a dialled prefix by up to five numbers or addresses")

# Assumption: contacts use the lower-case keys of the document's GET/POST example (id, name,
# phone), added one at a time; the export is a CSV file.
CONTACT_TABLE = TableSpec(
    "contacts", "Contacts",
    (_id("id"), ParamSpec("name", "Name", required=True, max_length=64),
     ParamSpec("phone", "Number", required=True, max_length=64,
               help="number, IP address or SIP URI")),
    row_key="id", operations=_ITEM_OPS, capability="contacts", export_format="csv")

# Assumption: groups have an ID and a name and use the item-list shape of rfkey.
GROUP_TABLE = TableSpec(
    "groups", "Contact groups", (_id(), ParamSpec("Name", "Name", required=True, max_length=32)),
    row_key="ID", operations=_ITEM_OPS - {TableOp.EXPORT, TableOp.IMPORT}, capability="contacts")

CALL_TYPES = ("All", "Dialed", "Received", "Missed", "Forwarded", "Unknow")
CALLLOG_TABLE = TableSpec(
    "calllog", "Call log",
    (_id(), *(ParamSpec(k, label, read_only=True) for k, label in (
        ("Type", "Type"), ("Date", "Date"), ("Time", "Time"),
        ("LocalIdentity", "Local identity"), ("Name", "Remote name"), ("Num", "Number")))),
    row_key="ID", operations=_LOG_OPS, capability="calllog", export_format="csv",
    help="Type: 1 Dialed, 2 Received, 3 Missed, 4 Forwarded, 5 Unknow")

DOOR_TYPES = ("Unknow", "Card", "Password", "Public", "Face")
DOORLOG_TABLE = TableSpec(
    "doorlog", "Door log",
    (_id(), *(ParamSpec(k, label, read_only=True) for k, label in (
        ("Type", "Type"), ("Name", "Name"), ("Status", "Result"), ("Code", "Code"),
        ("Date", "Date"), ("Time", "Time")))),
    row_key="ID", operations=_LOG_OPS, capability="doorlog", export_format="xml",
    help='Type: 0 "Unknow", 1 "Card", 2 "Password", 3 "Public", 4 "Face"; '
    "Status: 0 Success, 1 Failed")

TABLE_TARGETS = {"rfkey": "rfkey", "privatekey": "privatekey", "dialreplace": "dialreplace",
                 "contacts": "contact", "groups": "group", "calllog": "calllog",
                 "doorlog": "doorlog"}
ALL_TABLES = (RFKEY_TABLE, PRIVATEKEY_TABLE, DIALREPLACE_TABLE, CONTACT_TABLE, GROUP_TABLE,
              CALLLOG_TABLE, DOORLOG_TABLE)


# -- wire values ----------------------------------------------------------------------------
def decode(spec: ParamSpec, raw: Any) -> Any:
    """Typed value of the device's text; text the spec cannot read is kept as it is."""
    text = "" if raw is None else str(raw)
    if spec.kind is Kind.FLAGS:
        digit_to_door = {v: k for k, v in DOOR_DIGIT.items()}
        # Assumption: "0" (as in the rfkey get example) means no door.
        return frozenset(digit_to_door[ch] for ch in text if ch in digit_to_door)
    if text == "" and spec.kind not in _TEXTUAL:
        return None
    try:
        return spec.validate(text)
    except InvalidValue:
        return text


def encode(spec: ParamSpec, value: Any) -> str:
    """Wire text of a typed (validated) value."""
    if value is None:
        return ""
    if spec.kind is Kind.BOOL:
        return "1" if value else "0"
    if spec.kind is Kind.FLAGS:
        digits = "".join(sorted(DOOR_DIGIT[d] for d in value))
        return digits or "0"
    return str(value)


def decode_row(table: TableSpec, row: dict[str, str]) -> dict[str, Any]:
    """Typed values of one device row of a table."""
    known = {c.key: c for c in table.columns}
    return {key: decode(known[key], value) for key, value in row.items() if key in known}


def encode_row(table: TableSpec, row: dict[str, Any]) -> dict[str, str]:
    """Device text of one typed row of a table."""
    clean = table.validate_row(row)
    return {key: encode(table.column(key), value) for key, value in clean.items()}


def find_spec(specs: Iterable[ParamSpec], key: str) -> ParamSpec | None:
    """The spec with this key, or None."""
    return next((s for s in specs if s.key == key), None)
