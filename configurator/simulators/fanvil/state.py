"""State of a simulated Fanvil / OpenVox phone: the NC tree, dynamic lists, ``info.*`` status,
SIP registration and call state. No HTTP here (see ``device.py``).

Seeded from every key the vendor document shows (sip.line.1.*, sip.PNPIP, call.port.1.EnableDND,
tr069.*, mmifilter, info.*); everything else is a plausible phone default and marked
``# Assumption``.
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

# Return codes (Assumption: the document's appendix is missing).
OK, BAD_REQUEST, UNKNOWN_PARAM, BAD_VALUE, READ_ONLY, UNSUPPORTED = 0, 1, 2, 3, 4, 5

CALL_IDLE, CALL_CALLING, CALL_RINGING, CALL_TALKING = "idle", "calling", "ringing", "talking"


@dataclass(frozen=True)
class Model:
    name: str
    kind: str
    lines: int
    lists: tuple[str, ...]
    leds: bool
    nc_config_page: bool  # /ncConfig.txt: door phones and entry-level phones (doc 4.1)
    hw: str
    fw: str


# Assumption: the document names the X6 desk phone (info.dev.Model = X6) and "door phones or
# intercoms" without a model; i30 is a Fanvil door phone. Line counts are plausible values.
MODELS: dict[str, Model] = {
    "x6": Model("X6", "desk phone", 6, ("dialplan", "mmifilter", "inaccess", "outaccess"),
                leds=True, nc_config_page=False, hw="X6 V1.0", fw="2.4.10.5938"),
    "i30": Model("i30", "door phone", 2, ("mmifilter", "inaccess", "outaccess"),
                 leds=False, nc_config_page=True, hw="i30 V2.0", fw="2.10.2.6987"),
}

LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "mmifilter": ("StartIP", "EndIP"),  # doc 2.1.4
    "dialplan": ("Rule", "Replace", "Line"),  # Assumption: field names
    "inaccess": ("IP", "Mask", "Port", "Protocol", "Action"),  # Assumption
    "outaccess": ("IP", "Mask", "Port", "Protocol", "Action"),  # Assumption
}

# Keys the phone knows but a key-press/led name list is needed for Execute (Assumption).
KEYS = frozenset({*"0123456789", "STAR", "POUND", "OK", "CANCEL", "ONHOOK", "OFFHOOK",
                  "SPEAKER", "UP", "DOWN", "LEFT", "RIGHT", "VOLUME_UP", "VOLUME_DOWN",
                  "MUTE", "HOLD", "TRANSFER", "REDIAL", "DSSKEY1", "DSSKEY2"})
LED_STATES = frozenset({"on", "off", "blink", "fastblink"})

SIP_REG_KEYS = ("EnableReg", "RegisterAddr", "RegisterUser", "RegisterPswd", "RegisterPort")


def default_config(model: Model) -> dict[str, str]:
    """The NC tree after a factory reset."""
    config: dict[str, str] = {}
    for n in range(1, model.lines + 1):
        # Line 1 carries the document's own GET example values (doc 2.1.1).
        first = n == 1
        config.update({
            f"sip.line.{n}.EnableReg": "1" if first else "0",
            f"sip.line.{n}.PhoneNumber": "2190" if first else "",  # Assumption
            f"sip.line.{n}.DisplayName": "2190" if first else "",  # Assumption
            f"sip.line.{n}.RegisterAddr": "172.16.1.2" if first else "",
            f"sip.line.{n}.RegisterPort": "5060",  # Assumption
            f"sip.line.{n}.RegisterUser": "2190" if first else "",
            f"sip.line.{n}.RegisterPswd": "2190" if first else "",
            f"sip.line.{n}.RegisterTTL": "3600",  # Assumption
            f"sip.line.{n}.ProxyAddr": "",  # Assumption
            f"sip.line.{n}.ProxyPort": "5060",  # Assumption
            f"sip.line.{n}.Transport": "0",  # Assumption
            f"sip.line.{n}.AutoAnswer": "1" if model.kind == "door phone" else "0",  # Assumption
        })
    config.update({
        "sip.PNPIP": "224.0.1.75",
        "call.port.1.EnableDND": "0",
        "call.port.1.EnableCallWaiting": "1",  # Assumption
        "tr069.Enabled": "1",
        "tr069.ACSURL": "http://fdms.fanvil.com",
        "net.IPv4.EnableDHCP": "1",  # Assumption
        "time.NtpServer1": "pool.ntp.org",  # Assumption
        "time.TimeZone": "8",  # Assumption
        "phone.Language": "en",  # Assumption
        "web.HttpPort": "80",  # Assumption
        "web.HttpsPort": "443",  # Assumption
        "xml.EnablePushXmlAuth": "0",  # Assumption: key name invented; doc 4.1: off by default
        "xml.PushXmlServerIP": "",  # Assumption: key name invented (doc 1.1 "PUSH XML Server IP")
    })
    if model.kind == "door phone":
        config.update({"door.1.DtmfCode": "*",  # Assumption
                       "door.1.RelayHoldTime": "5"})  # Assumption
    return config


# -- value checks (the device refuses values of the wrong shape) ----------------------------
def _is_bool(v: str) -> bool:
    return v in ("0", "1")


def _int_in(low: int, high: int) -> Callable[[str], bool]:
    return lambda v: v.isdigit() and low <= int(v) <= high


def _is_ip_or_empty(v: str) -> bool:
    if not v:
        return True
    try:
        ipaddress.ip_address(v)
    except ValueError:
        return False
    return True


def _is_token(v: str) -> bool:
    return " " not in v


_CHECKS: tuple[tuple[re.Pattern[str], Callable[[str], bool]], ...] = tuple(
    (re.compile(p), f) for p, f in (
        (r"\.(Enable\w*|Enabled|AutoAnswer)$", _is_bool),
        (r"\.(RegisterPort|ProxyPort|HttpPort|HttpsPort)$", _int_in(1, 65535)),
        (r"\.RegisterTTL$", _int_in(30, 7200)),
        (r"\.Transport$", lambda v: v in ("0", "1", "2")),
        (r"\.(RegisterAddr|ProxyAddr|ACSURL)$", _is_token),
        (r"^(sip\.PNPIP|xml\.PushXmlServerIP)$", _is_ip_or_empty),
        (r"\.(StartIP|EndIP|IP|Mask)$", lambda v: bool(v) and _is_ip_or_empty(v)),
        (r"\.Line$", _int_in(0, 20)),
        (r"\.Protocol$", lambda v: v in ("ALL", "TCP", "UDP")),
        (r"\.Action$", lambda v: v in ("Allow", "Deny")),
        (r"\.Port$", lambda v: v == "any" or bool(re.fullmatch(r"\d{1,5}(-\d{1,5})?", v))),
    )
)


def value_ok(key: str, value: str) -> bool:
    for pattern, check in _CHECKS:
        if pattern.search(key):
            return check(value)
    return True


def format_uptime(seconds: float) -> str:
    """Assumption: the document does not show the format of info.sys.UpTime."""
    s = int(seconds)
    return f"{s // 86400}d {s % 86400 // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


class PhoneState:
    """Configuration and live state; ``now`` is injectable for tests."""

    def __init__(self, model: Model, mac: str, serial: str, vendor: str = "Fanvil") -> None:
        self.model = model
        self.mac = mac
        self.serial = serial
        self.vendor = vendor
        self.config = default_config(model)
        self.lists: dict[str, list[dict[str, str]]] = {name: [] for name in model.lists}
        self.reg_codes: dict[int, int] = {}
        self.registrar_codes: dict[str, int] = {}  # registrar address -> REGISTER outcome
        self.call_state = CALL_IDLE
        self.call_number = ""
        self.leds: dict[str, str] = {}
        self.pressed: list[str] = []
        self.beeps = 0
        self.boot = time.monotonic()
        self.missed: list[str] = []
        # Firmware faults for tests of the write contract: keys a set answers OK for but
        # does not store, and keys it refuses as a bad value.
        self.kept_keys: set[str] = set()
        self.refused_keys: set[str] = set()

    # -- info.* ---------------------------------------------------------------------------
    def info(self) -> dict[str, str]:
        values = {
            "info.dev.Model": self.model.name,
            "info.dev.Vendor": self.vendor,
            "info.dev.Mac": self.mac,
            "info.dev.SN": self.serial,
            "info.sys.MemFree": "1.6M",
            "info.sys.FlashFree": "12.4M",
            "info.sys.UpTime": format_uptime(time.monotonic() - self.boot),
            "info.sys.FwVersion": self.model.fw,
            "info.sys.HwVersion": self.model.hw,
        }
        for n in range(1, self.model.lines + 1):
            values[f"info.sip.line.{n}.registerCode"] = str(self.reg_codes.get(n, 0))
        values["info.call.State"] = self.call_state  # Assumption: key names
        values["info.call.Number"] = self.call_number
        return values

    # -- registration -----------------------------------------------------------------------
    def line_wants_registration(self, n: int) -> bool:
        c = self.config
        return (c.get(f"sip.line.{n}.EnableReg") == "1"
                and bool(c.get(f"sip.line.{n}.RegisterAddr"))
                and bool(c.get(f"sip.line.{n}.RegisterUser")))

    def registration_outcome(self, n: int) -> int:
        """200, or the code the test set for this registrar (``set_registrar``)."""
        return self.registrar_codes.get(self.config[f"sip.line.{n}.RegisterAddr"], 200)

    # -- list records -----------------------------------------------------------------------
    def list_values(self, name: str) -> dict[str, str]:
        values: dict[str, str] = {}
        for i, record in enumerate(self.lists[name], start=1):
            for field in LIST_FIELDS[name]:
                values[f"{name}.{i}.{field}"] = record.get(field, "")
        return values

    def all_values(self) -> dict[str, str]:
        values = dict(self.config)
        for name in self.lists:
            values.update(self.list_values(name))
        return values

    def factory_reset(self) -> None:
        self.config = default_config(self.model)
        self.lists = {name: [] for name in self.model.lists}
