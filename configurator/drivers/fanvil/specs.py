"""ParamSpecs, SettingsPages and TableSpecs of the Fanvil / OpenVox NC configuration tree.

Keys are the device's own NC names. The document shows only a few keys (section 1.2, 2.1,
2.2); the others below are marked ``assumed`` in their help text and listed in
``resources/docs/fanvil.md``. Repeated blocks (``sip.line.N``, list records) are templates
expanded with :func:`configurator.core.params.repeat`; any other key the device reports gets a
spec at run time from :func:`spec_for_key` (kind string unless a template knows better).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import replace

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

ASSUMED = " (key assumed: not shown in the vendor document)"

# -- SIP lines ---------------------------------------------------------------------------------
SIP_LINE_TEMPLATE: tuple[ParamSpec, ...] = (
    ParamSpec("sip.line.{n}.EnableReg", "Enable registration", Kind.BOOL, default=False,
              group="{label}", help="Register line {n} with the SIP server (doc 1.2)."),
    ParamSpec("sip.line.{n}.RegisterAddr", "Registrar address", Kind.HOST, group="{label}",
              help="SIP server (registrar) of line {n}, e.g. 172.16.1.3 (doc 1.2)."),
    ParamSpec("sip.line.{n}.RegisterUser", "User name", Kind.STRING, group="{label}",
              max_length=64, help="Registration user of line {n}, e.g. 8218 (doc 1.2)."),
    ParamSpec("sip.line.{n}.RegisterPswd", "Password", Kind.SECRET, group="{label}",
              max_length=64, help="Registration password of line {n} (doc 1.2)."),
    ParamSpec("sip.line.{n}.PhoneNumber", "Phone number", Kind.STRING, group="{label}",
              max_length=64, help="Number shown for line {n}." + ASSUMED),
    ParamSpec("sip.line.{n}.DisplayName", "Display name", Kind.STRING, group="{label}",
              max_length=64, help="Caller name sent by line {n}." + ASSUMED),
    ParamSpec("sip.line.{n}.RegisterPort", "Registrar port", Kind.PORT, default=5060,
              group="{label}", category=Category.ADVANCED,
              help="SIP port of the registrar of line {n}." + ASSUMED),
    ParamSpec("sip.line.{n}.RegisterTTL", "Registration expiry", Kind.INT, minimum=30,
              maximum=7200, unit="s", default=3600, group="{label}",
              category=Category.ADVANCED, help="REGISTER expiry of line {n}." + ASSUMED),
    ParamSpec("sip.line.{n}.ProxyAddr", "Outbound proxy", Kind.HOST, group="{label}",
              category=Category.ADVANCED, help="Outbound proxy of line {n}." + ASSUMED),
    ParamSpec("sip.line.{n}.ProxyPort", "Outbound proxy port", Kind.PORT, default=5060,
              group="{label}", category=Category.ADVANCED,
              help="Port of the outbound proxy of line {n}." + ASSUMED),
    ParamSpec("sip.line.{n}.Transport", "Transport", Kind.ENUM, default="0", group="{label}",
              choices=(Choice("0", "UDP"), Choice("1", "TCP"), Choice("2", "TLS")),
              category=Category.ADVANCED, help="SIP transport of line {n}." + ASSUMED),
    ParamSpec("sip.line.{n}.AutoAnswer", "Auto answer", Kind.BOOL, default=False,
              group="{label}", help="Answer incoming calls on line {n} automatically." + ASSUMED),
)

SIP_GLOBAL: tuple[ParamSpec, ...] = (
    ParamSpec("sip.PNPIP", "PnP multicast address", Kind.IP, default="224.0.1.75",
              group="SIP", category=Category.ADVANCED,
              help="SIP plug-and-play multicast address, e.g. 224.0.1.75 (doc 2.1.2)."),
)


def sip_line_specs(lines: Iterable[int]) -> list[ParamSpec]:
    """The settings of SIP lines ``sip.line.N.*`` for these lines."""
    return repeat(SIP_LINE_TEMPLATE, [(str(n), f"Line {n}") for n in lines])


# -- other pages -------------------------------------------------------------------------------
PHONE_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("call.port.1.EnableDND", "Do not disturb", Kind.BOOL, default=False,
              help="Reject incoming calls (doc 2.1.2)."),
)

TR069_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("tr069.Enabled", "Enable TR-069", Kind.BOOL, default=False,
              help="Remote management over TR-069 (doc 2.1.1)."),
    ParamSpec("tr069.ACSURL", "ACS URL", Kind.URL,
              help="Auto-configuration server, e.g. http://fdms.fanvil.com (doc 2.1.1)."),
)

# Assumption: the document names the settings "Enable Push XML Auth" and "PUSH XML Server IP"
# but not their NC keys; ``xml.EnablePushXmlAuth`` and ``xml.PushXmlServerIP`` are invented.
API_PARAMS: tuple[ParamSpec, ...] = (
    ParamSpec("xml.EnablePushXmlAuth", "Enable Push XML Auth", Kind.BOOL, default=False,
              help="Require the web administrator account for the XML API (doc 4.1; "
                   "off by default)." + ASSUMED),
    ParamSpec("xml.PushXmlServerIP", "PUSH XML Server IP", Kind.IP,
              help="Accept XML API requests only from this address; empty: from anyone "
                   "(doc 1.1). Setting an address other than this computer's locks you out."
                   + ASSUMED),
)

STATUS_DEVICE: tuple[ParamSpec, ...] = (
    ParamSpec("info.dev.Model", "Model", group="Device", help="Openvox Device Model (doc 2.2)."),
    ParamSpec("info.dev.Vendor", "Vendor", group="Device", help="Brand (doc 2.2)."),
    ParamSpec("info.dev.Mac", "MAC address", group="Device",
              help="Mac Address, e.g. 00a859c60102 (doc 2.2)."),
    ParamSpec("info.dev.SN", "Serial number", group="Device",
              help="Sequence Number: serial number (doc 2.2)."),
    ParamSpec("info.sys.FwVersion", "Firmware", group="System", help="Software version (doc 2.2)."),
    ParamSpec("info.sys.HwVersion", "Hardware", group="System", help="Hardware version (doc 2.2)."),
    ParamSpec("info.sys.UpTime", "Uptime", group="System", help="Running time (doc 2.2)."),
    ParamSpec("info.sys.MemFree", "Free memory", group="System",
              help="Remaining Memory, e.g. 1.6M (doc 2.2)."),
    ParamSpec("info.sys.FlashFree", "Free flash", group="System",
              help="Remaining Flash (doc 2.2)."),
    ParamSpec("info.call.State", "Call state", group="Call",
              help="idle, calling, ringing or talking." + ASSUMED),
    ParamSpec("info.call.Number", "Remote number", group="Call",
              help="Number of the current call." + ASSUMED),
)
STATUS_LINE_TEMPLATE: tuple[ParamSpec, ...] = (
    ParamSpec("info.sip.line.{n}.registerCode", "{label} registration", group="SIP",
              help="SIP line registration status (doc 2.2): 0 not registering, 100 trying, "
                   "200 registered, other SIP codes: failed (code values assumed)."),
)


def status_specs(lines: Iterable[int]) -> list[ParamSpec]:
    """The read-only status settings (device, then each line)."""
    specs = list(STATUS_DEVICE) + repeat(
        STATUS_LINE_TEMPLATE, [(str(n), f"Line {n}") for n in lines])
    return [replace(s, read_only=True, category=Category.STATUS) for s in specs]


def build_pages(lines: Iterable[int]) -> list[SettingsPage]:
    """The settings pages of a phone with these SIP lines."""
    return list(_pages(tuple(lines)))


@functools.cache  # pages() asks for them on every read and write
def _pages(lines: tuple[int, ...]) -> tuple[SettingsPage, ...]:
    return (
        SettingsPage("sip", "SIP lines", tuple(sip_line_specs(lines)) + SIP_GLOBAL,
                     help="SIP accounts, one group per line.", capability="sip"),
        SettingsPage("phone", "Phone", PHONE_PARAMS, capability="calls"),
        SettingsPage("tr069", "TR-069", TR069_PARAMS, capability="system"),
        SettingsPage("api", "XML API access", API_PARAMS, capability="access"),
        SettingsPage("status", "Status", tuple(status_specs(lines)), capability="system"),
    )


# -- dynamic lists (doc 3.1: Dial Plan, MMI Filter, Access List In/Out) -------------------------
# Assumption: the document sets no list size; 100 records per list. An index beyond the list
# end appends ("otherwise, data will be inserted after List", 2.1.4).
INDEX_COLUMN = ParamSpec("index", "Index", Kind.INT, minimum=1, maximum=100,
                         help="Position in the list (1 = first).")
_ACCESS_COLUMNS: tuple[ParamSpec, ...] = (
    ParamSpec("IP", "Address", Kind.IP, required=True),
    ParamSpec("Mask", "Mask", Kind.IP, default="255.255.255.255"),
    ParamSpec("Port", "Port", Kind.STRING, pattern=r"\d{1,5}(-\d{1,5})?|any", default="any",
              help="Port or range, e.g. 5060 or 10000-20000, or any."),
    ParamSpec("Protocol", "Protocol", Kind.ENUM, default="ALL",
              choices=(Choice("ALL", "All"), Choice("TCP", "TCP"), Choice("UDP", "UDP"))),
    ParamSpec("Action", "Action", Kind.ENUM, default="Deny",
              choices=(Choice("Allow", "Allow"), Choice("Deny", "Deny"))),
)
LIST_COLUMNS: dict[str, tuple[str, str, tuple[ParamSpec, ...], str]] = {
    # table id: (NC list name, title, record columns, capability)
    # Assumption: "MMI filter" is read as the web-access address filter; the document names
    # only the list and its StartIP/EndIP fields (2.1.4).
    "mmifilter": ("mmifilter", "MMI filter (web access)", (
        ParamSpec("StartIP", "Start address", Kind.IP, required=True,
                  help="First address allowed to use the web interface (doc 2.1.4)."),
        ParamSpec("EndIP", "End address", Kind.IP, required=True,
                  help="Last address of the range (doc 2.1.4)."),
    ), "access"),
    "dialplan": ("dialplan", "Dial plan", (
        ParamSpec("Rule", "Rule", Kind.STRING, required=True, max_length=64,
                  help="Dialled digits pattern, e.g. 9xxx or 0[1-9]x."),
        ParamSpec("Replace", "Replace with", Kind.STRING, max_length=64),
        ParamSpec("Line", "Line", Kind.INT, minimum=0, maximum=20, default=0,
                  help="Line used for matching numbers (0 = automatic)."),
    ), "dialreplace"),
    "inaccess": ("inaccess", "Access list (in)", _ACCESS_COLUMNS, "access"),
    "outaccess": ("outaccess", "Access list (out)", _ACCESS_COLUMNS, "access"),
}
ASSUMED_LIST_FIELDS = {"dialplan", "inaccess", "outaccess"}


def build_table(table_id: str) -> TableSpec:
    """The table of one dynamic list (columns from :data:`LIST_COLUMNS`)."""
    name, title, columns, capability = LIST_COLUMNS[table_id]
    note = (" Record field names assumed (the document names the list only)."
            if table_id in ASSUMED_LIST_FIELDS else "")
    return TableSpec(
        id=table_id,
        title=title,
        columns=(INDEX_COLUMN, *columns),
        row_key="index",
        operations=frozenset({TableOp.ADD, TableOp.SET, TableOp.DEL, TableOp.CLEAR}),
        help=f"NC dynamic list '{name}.N.*'; set inserts at an index, del removes.{note}",
        capability=capability,
    )


def list_name(table_id: str) -> str:
    """The NC list name of a table."""
    return LIST_COLUMNS[table_id][0]


# -- generic specs for keys the device reports ----------------------------------------------
_NUMBERED = re.compile(r"(?<=\.)\d+(?=\.)")
_TEMPLATES: dict[str, ParamSpec] = {
    s.key: s
    for s in (*SIP_LINE_TEMPLATE, *SIP_GLOBAL, *PHONE_PARAMS, *TR069_PARAMS, *API_PARAMS,
              *STATUS_LINE_TEMPLATE)
}
_STATUS = {s.key: s for s in STATUS_DEVICE}
_SECRET_SUFFIX = re.compile(r"(Pswd|Password|Passwd|Pwd|Secret)$", re.IGNORECASE)


def spec_for_key(key: str) -> ParamSpec:
    """The spec of any NC key: its template where one is known, else a string (or secret)."""
    templated = _NUMBERED.sub("{n}", key, count=1)
    if templated in _TEMPLATES:
        n = _NUMBERED.search(key)
        number = n.group(0) if n else ""
        spec = repeat([_TEMPLATES[templated]], [(number, f"Line {number}")])[0]
    elif key in _STATUS:
        spec = _STATUS[key]
    elif key in _TEMPLATES:
        spec = _TEMPLATES[key]
    else:
        kind = Kind.SECRET if _SECRET_SUFFIX.search(key) else Kind.STRING
        spec = ParamSpec(key, key, kind, help="Reported by the device (no description known).")
    group = key.split(".", 1)[0]
    if key.startswith("info."):
        return replace(spec, group=group, read_only=True, category=Category.STATUS)
    return replace(spec, group=group)


def all_page(keys: Iterable[str]) -> SettingsPage:
    """The page of every key the phone reported (the NC tree)."""
    return SettingsPage("all", "All settings (NC tree)",
                        tuple(spec_for_key(k) for k in keys),
                        help="Every key the device reports for 'get .'.", capability="system")


# -- values <-> NC text ----------------------------------------------------------------------

def to_nc(spec: ParamSpec, value: object) -> str:
    """Typed value -> NC text (bool as 1/0)."""
    if value is None:
        return ""
    if spec.kind is Kind.BOOL:
        return "1" if value else "0"
    return str(value)


def from_nc(spec: ParamSpec, text: str) -> object:
    """NC text -> typed value; text the spec cannot read is returned unchanged."""
    if text == "" and spec.kind not in (Kind.STRING, Kind.SECRET, Kind.HOST, Kind.IP, Kind.URL):
        return None
    try:
        return spec.parse(text)
    except ValueError:
        return text
