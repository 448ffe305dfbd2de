"""State and behaviour of a simulated Onetouch intercom, independent of HTTP.

Each documented function is a method ``fn_<target>_<action>(data, upload)`` returning the reply's
``data`` (``None`` for a positive reply without parameters) or an :class:`ExportFile`, or raising
:class:`SimError` for a negative reply; the plain get/set of a flat section (``SECTIONS``) and
the table functions (``tables.py``) are made from their tables instead. Timers (relay auto
close, call answer, pcap auto stop) are deadlines evaluated lazily against ``clock()`` and
scaled by ``time_scale``, so tests run fast and no background task is needed.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import files
from .access import key_allows
from .files import ExportFile, FileFormatError, Upload
from .stores import (
    BOOL,
    ContactStore,
    ItemStore,
    Rule,
    SimError,
    access_store,
    dialreplace_store,
    group_store,
    int_range,
    matches,
    one_of,
)
from .tables import TABLE_TARGETS, Handler, table_function

DOORS = ("A", "B", "C")
CALL_TYPES = ("All", "Dialed", "Received", "Missed", "Forwarded", "Unknow")
DOOR_TYPES = ("Unknow", "Card", "Password", "Public", "Face")


def default_config(doors: tuple[str, ...]) -> dict[str, str]:
    """Factory configuration, values as in the document's get examples."""
    cfg: dict[str, str] = {}
    r, i = "Config.DoorSetting.RELAY.", "Config.DoorSetting.INPUT."
    for n, door in enumerate(doors, 1):
        cfg |= {f"{r}Type{door}": "0", f"{r}HoldDelay{door}": "5",
                f"{r}TriggerDelay{door}": "0", f"{r}Name{door}": f"Relay{door}"}
        cfg |= {f"{i}Enable{door}": "1", f"{i}Option{door}": "0", f"{i}Delay{door}": "0",
                f"{i}RelayId{door}": str(n), f"{i}ActionUrl{door}": ""}
        cfg |= {f"{i}{what}Enable{door}": "0" for what in ("Ftp", "Http", "Sip", "Smtp")}
        cfg |= {f"Config.DoorSetting.DTMF.Code{n}": str(n - 1),
                f"Config.DoorSetting.DTMF.MultiCode{n}": ("010", "012", "013")[n - 1]}
    cfg |= {f"{r}HttpTrig": "0", f"{r}UserName": "", f"{r}Password": "",
            "Config.DoorSetting.DTMF.Enable": "1", "Config.DoorSetting.DTMF.Option": "0",
            "Config.DoorSetting.Action.CallNum": "", "Config.DoorSetting.Action.CallName": "",
            "Config.Settings.LOGLEVEL.Level": "3",
            "Config.DoorSetting.PUBLICCODE.Enable": "0",
            "Config.DoorSetting.PUBLICCODE.Code": "", "Config.DoorSetting.PUBLICCODE.DoorNum": "1"}
    for n in (1, 2):
        a = f"Config.Account{n}."
        cfg |= {
            a + "ADVANCED.ShowMissedCall": "1", a + "ANONYMOUS_CALL.Enable": "0",
            a + "ANONYMOUS_CALL.OffCode": "", a + "ANONYMOUS_CALL.OnCode": "",
            a + "ANONYMOUS_CALL.PrivacyHeaderValue": "id", a + "AUTO_ANSWER.Enable": "1",
            a + "GENERAL.AuthName": "", a + "GENERAL.DisplayName": "",
            a + "GENERAL.EditEnable": "", a + "GENERAL.Enable": "0", a + "GENERAL.Label": "",
            a + "GENERAL.Pwd": "", a + "GENERAL.UserAgent": "", a + "GENERAL.UserName": "",
            a + "NAT.Rport": "0", a + "NAT.UdpKeepEnable": "1", a + "NAT.UdpKeepInterval": "30",
            a + "OUTPROXY.BakPort": "5060", a + "OUTPROXY.BakServer": "",
            a + "OUTPROXY.DHCPOption": "0", a + "OUTPROXY.Enable": "0",
            a + "OUTPROXY.Port": "5060", a + "OUTPROXY.Server": "",
            a + "REJECT_ANONYMOUSCALL.Enable": "0", a + "REJECT_ANONYMOUSCALL.OffCode": "",
            a + "REJECT_ANONYMOUSCALL.OnCode": "", a + "SIP.ListenPortMax": str(5061 + n),
            a + "SIP.ListenPortMin": str(5061 + n), a + "SIP.Port": "5060",
            a + "SIP.Port2": "5060", a + "SIP.Server": "", a + "SIP.Server2": "",
            a + "SIP.TransType": "0", a + "STUN.Enable": "0", a + "STUN.Port": "3478",
            a + "STUN.Server": "",
        }
    return cfg


_PORT = int_range(1, 65535)
_HOST = matches(r"[A-Za-z0-9.\-:]{0,253}")
_TEXT = matches(r"[^\x00-\x1f]{0,128}")
# Value rules the simulated firmware enforces (first match wins; keys not listed: any text).
VALUE_RULES: tuple[tuple[re.Pattern[str], Rule], ...] = tuple(
    (re.compile(pattern), rule) for pattern, rule in (
        (r".*\.RELAY\.Type[A-C]", one_of("0", "1")),
        (r".*\.RELAY\.(Hold|Trigger)Delay[A-C]", int_range(0, 60)),
        (r".*\.RELAY\.HttpTrig", BOOL),
        (r".*\.DTMF\.Option", int_range(0, 4)),
        (r".*\.DTMF\.Code\d", matches(r"[0-9*#]")),
        (r".*\.DTMF\.MultiCode\d", matches(r"[0-9*#]{2,4}")),
        (r".*\.INPUT\.Option[A-C]", one_of("0", "1")),
        (r".*\.INPUT\.Delay[A-C]", int_range(0, 65535)),
        (r".*\.INPUT\.RelayId[A-C]", one_of("1", "2", "3")),
        (r".*\.INPUT\.\w*Enable[A-C]", BOOL),
        (r".*\.LOGLEVEL\.Level", int_range(0, 7)),
        (r".*\.PUBLICCODE\.Code", matches(r"(\d{3,8})?")),
        (r".*\.PUBLICCODE\.DoorNum", matches(r"0|[123]{1,3}")),
        (r".*\.SIP\.TransType", one_of("0", "1", "2")),
        (r".*\.(Port2?|BakPort|ListenPortM(in|ax))", _PORT),
        (r".*\.NAT\.UdpKeepInterval", int_range(1, 3600)),
        (r".*\.(Server2?|BakServer)", _HOST),
        (r".*\.(Enable|Rport|UdpKeepEnable|DHCPOption|ShowMissedCall)", BOOL),
        (r".*", _TEXT),
    ))

# Which config keys each flat get/set function covers.
SECTIONS: dict[str, tuple[str, ...]] = {
    "relay": ("Config.DoorSetting.RELAY.", "Config.DoorSetting.DTMF."),
    "input": ("Config.DoorSetting.INPUT.", "Config.DoorSetting.Action."),
    "sip": ("Config.Account",),
    "log": ("Config.Settings.LOGLEVEL.",),
    "publiccode": ("Config.DoorSetting.PUBLICCODE.",),
}
# config/get leaves out what has its own functions ("CardSetting, PrivateKey, DialReplace,
# Contact, Group are not included"); PUBLICCODE is among them by assumption.
CONFIG_EXCLUDED = ("Config.DoorSetting.PUBLICCODE.",)


@dataclass(frozen=True)
class RelayPlan:
    """What a relay does over time: ``before`` until ``start``, then ``level`` until ``end``
    (None: for good), then released (0)."""

    before: int
    start: float
    level: int
    end: float | None

    def level_at(self, now: float) -> int:
        if now < self.start:
            return self.before
        if self.end is None or now < self.end:
            return self.level
        return 0


class OnetouchState:
    def __init__(self, host: str, *, model: str = "OT-IP-LP-C9", relays: int = 3,
                 time_scale: float = 1.0, answer_delay: float = 2.0,
                 clock: Callable[[], float] = time.time) -> None:
        if not 1 <= relays <= 3:
            raise ValueError("relays must be 1-3")
        self.host = host
        # sip/status Status forced by a test (set_registration), per account number
        self.forced_sip_status: dict[int, str | None] = {}
        self.model = model
        self.doors = DOORS[:relays]
        self.time_scale = time_scale
        self.answer_delay = answer_delay
        self.clock = clock
        self.mac = "0C:11:05:" + ":".join(f"{int(x) % 256:02X}" for x in host.split(".")[1:])
        self.firmware_version = "29.31.1.617"
        # Firmware faults for tests of the write contract: keys a set answers OK for but
        # does not store, and keys it refuses as an invalid value.
        self.kept_keys: set[str] = set()
        self.refused_keys: set[str] = set()
        self._factory()

    def _factory(self) -> None:
        self.config = default_config(self.doors)
        self.tables: dict[str, ItemStore] = {
            "rfkey": access_store(matches(r"[0-9A-Fa-f]{1,16}")),
            "privatekey": access_store(matches(r"\d{3,8}")),
            "dialreplace": dialreplace_store(),
            "group": group_store(),
        }
        self.contacts = ContactStore()
        self.calllog: list[dict[str, str]] = []
        self.doorlog: list[dict[str, str]] = []
        self._next_log_id = {"calllog": 1, "doorlog": 1}
        self.logs = {"log": [], "kmsg": ["[    0.000000] Booting Linux"]}
        self._boot()

    def _boot(self) -> None:
        self.boot_time = self.clock()
        # Per relay: (level before, start, level, end); level_at() evaluates it lazily.
        self.relay_plan: dict[str, RelayPlan] = {d: RelayPlan(0, 0.0, 0, None)
                                                 for d in self.doors}
        self.input_level = dict.fromkeys(self.doors, 1)
        self.call: dict[str, Any] = {"status": "READY"}
        self.firmware: dict[str, Any] = {"prepared": False, "image": None}
        self.pcap: dict[str, Any] = {"running": False, "packets": 0, "file": None}
        self.reboots = getattr(self, "reboots", -1) + 1

    # -- helpers --------------------------------------------------------------------------
    def _now_text(self) -> tuple[str, str]:
        local = datetime.fromtimestamp(self.clock())
        return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")

    def _append_log(self, which: str, row: dict[str, str]) -> dict[str, str]:
        date, clock_time = self._now_text()
        entry = {"ID": str(self._next_log_id[which]), "Date": date, "Time": clock_time, **row}
        self._next_log_id[which] += 1
        getattr(self, which).append(entry)
        self.logs["log"].append(f"{date} {clock_time} {which} {row}")
        return entry

    def log_door(self, kind: str, name: str, code: str, ok: bool) -> dict[str, str]:
        return self._append_log("doorlog", {"Type": kind, "Name": name,
                                            "Status": "0" if ok else "1", "Code": code})

    def _validate(self, key: str, value: str) -> None:
        if key not in self.config:
            raise SimError(f"invalid param {key}")
        if key in self.refused_keys:
            raise SimError(f"invalid value {value!r} for {key}")
        for pattern, rule in VALUE_RULES:
            if pattern.fullmatch(key):
                if not rule(value):
                    raise SimError(f"invalid value {value!r} for {key}")
                return

    def _set_keys(self, data: Mapping[str, Any] | None, prefixes: tuple[str, ...]) -> None:
        if not data:
            raise SimError("missing param")
        values = {str(k): str(v) for k, v in data.items()}
        for key, value in values.items():
            if not key.startswith(prefixes):
                raise SimError(f"invalid param {key}")
            self._validate(key, value)
        self.config.update({k: v for k, v in values.items()  # all or nothing: validated first
                            if k not in self.kept_keys})

    def _section(self, prefixes: tuple[str, ...]) -> dict[str, str]:
        return {k: v for k, v in sorted(self.config.items()) if k.startswith(prefixes)}

    def _door(self, num: Any) -> str:
        text = str(num)
        if not text.isdigit() or not 1 <= int(text) <= len(self.doors):
            raise SimError(f"invalid param num {text}")
        return self.doors[int(text) - 1]

    # -- relays and inputs ----------------------------------------------------------------
    def relay_level(self, door: str) -> int:
        return self.relay_plan[door].level_at(self.clock())

    def open_relay(self, door: str, level: int = 1, seconds: float | None = None,
                   after: float | None = None) -> None:
        """Drive a relay ``after`` s from now (None: the relay's TriggerDelay); ``seconds``
        None = the level stays (manual), else it is released after that many seconds."""
        now = self.clock()
        if after is None:
            after = self.trigger_delay(door)
        start = now + after * self.time_scale
        end = None if seconds is None else start + seconds * self.time_scale
        self.relay_plan[door] = RelayPlan(self.relay_level(door), start, level, end)
        self.logs["log"].append(f"relay {door} -> {level} in {after} s")

    def trigger_delay(self, door: str) -> int:
        # Assumption: "Delay X second to trigger relay" applies to every opening of the relay
        # (HTTP trig, card, code, input), counted from the moment it is asked for.
        return int(self.config[f"Config.DoorSetting.RELAY.TriggerDelay{door}"])

    def hold_delay(self, door: str) -> int:
        return int(self.config[f"Config.DoorSetting.RELAY.HoldDelay{door}"])

    def relay_levels(self) -> dict[str, int]:
        return {f"Relay{d}": self.relay_level(d) for d in self.doors}

    def set_input(self, door: str, level: int) -> None:
        self.input_level[door] = level
        prefix = "Config.DoorSetting.INPUT."
        if (self.config[f"{prefix}Enable{door}"] == "1"
                and int(self.config[f"{prefix}Option{door}"]) == level):
            target = self.doors[int(self.config[f"{prefix}RelayId{door}"]) - 1]
            # Input Delay ("1 ~ 65536: trig after X second") comes first, then the relay's
            # own TriggerDelay. Assumption: the two add up.
            after = int(self.config[f"{prefix}Delay{door}"]) + self.trigger_delay(target)
            self.open_relay(target, 1, self.hold_delay(target), after=after)

    # -- access: cards and codes ----------------------------------------------------------
    def present(self, table: str, kind: str, code: str, door: str,
                at: datetime | None = None) -> bool:
        """A card or code at a door: opens it when a key allows it, logs either way."""
        at = at or datetime.fromtimestamp(self.clock())
        rows = self.tables[table].rows
        row = next((r for r in rows if r["Code"].upper() == code.upper()), None)
        ok = row is not None and key_allows(row, door, at)
        if ok and row is not None and row["Tags"] == "1":
            row["Frequency"] = str(int(row["Frequency"]) - 1)
        if ok:
            self.open_relay(door, 1, self.hold_delay(door))
        self.log_door(kind, row["Name"] if row else "", code, ok)
        return ok

    def public_code(self, code: str, door: str) -> bool:
        p = "Config.DoorSetting.PUBLICCODE."
        ok = (self.config[p + "Enable"] == "1" and code == self.config[p + "Code"]
              and str(self.doors.index(door) + 1) in self.config[p + "DoorNum"])
        if ok:
            self.open_relay(door, 1, self.hold_delay(door))
        self.log_door("Public", "", "", ok)
        return ok

    # -- calls ----------------------------------------------------------------------------
    def call_state(self) -> str:
        call = self.call
        if call["status"] == "CALLING" and self.clock() >= call["answer_at"]:
            call["status"] = "TALKING"
        return call["status"]

    def _account_identity(self) -> str:
        for n in (1, 2):
            a = f"Config.Account{n}."
            if self.config[a + "GENERAL.Enable"] == "1" and self.config[a + "SIP.Server"]:
                return f"{self.config[a + 'GENERAL.UserName']}@{self.config[a + 'SIP.Server']}"
        return f"{self.host}@{self.host}"

    def _log_call(self, kind: str, number: str, name: str) -> None:
        self._append_log("calllog", {"LocalIdentity": self._account_identity(),
                                     "Name": name or number, "Num": number, "Type": kind})

    def incoming_call(self, number: str, name: str = "") -> None:
        if self.call_state() != "READY":
            raise SimError("busy")
        self.call = {"status": "RINGING", "number": number, "name": name}

    def answer(self) -> None:
        if self.call_state() != "RINGING":
            raise SimError("no ringing call")
        self.call["status"] = "TALKING"
        self._log_call("Received", self.call["number"], self.call["name"])

    def end_call(self) -> None:
        state = self.call_state()
        if state == "READY":
            raise SimError("no call")
        if state == "RINGING":
            self._log_call("Missed", self.call["number"], self.call["name"])
        self.call = {"status": "READY"}

    # -- SIP ------------------------------------------------------------------------------
    def account_status(self) -> dict[str, dict[str, str]]:
        out = {}
        for n in (1, 2):
            a = f"Config.Account{n}."
            enabled = self.config[a + "GENERAL.Enable"] == "1"
            server, user = self.config[a + "SIP.Server"], self.config[a + "GENERAL.UserName"]
            status = "0" if not enabled else ("2" if server and user else "3")
            status = self.forced_sip_status.get(n) or status
            out[f"Account{n}"] = {"UserName": user, "SipServer": server, "Status": status}
        return out

    # -- pcap -----------------------------------------------------------------------------
    def _pcap_tick(self) -> None:
        cap = self.pcap
        if not cap["running"]:
            return
        now = self.clock()
        end = cap["started"] + cap["time"] * self.time_scale
        if cap["type"] == "auto" and now >= end:
            self._pcap_finish(end)

    def _pcap_finish(self, at: float) -> None:
        cap = self.pcap
        elapsed = max(0.0, (at - cap["started"]) / self.time_scale)
        packets = max(1, int(elapsed * 10))
        content = files.pcap_file(packets)[: cap["size"]]
        cap.update(running=False, file=content, seconds=round(elapsed))

    # -- dispatch -------------------------------------------------------------------------
    def handle(self, name: str, data: Mapping[str, Any] | None, upload: Upload | None) -> Any:
        target, _, action = name.partition("/")
        if target in TABLE_TARGETS:
            method = table_function(self, target, action)
        else:
            method = (getattr(self, "fn_" + name.replace("/", "_"), None)
                      or self._section_function(target, action))
        if method is None:
            raise SimError("unsupport action")
        return method(dict(data or {}), upload)

    # system
    def fn_system_info(self, data: dict, upload: Upload | None) -> dict:
        return {"Status": self._fw(), "Lan": {
            "PortType": "1", "LinkStatus": "1", "IPAddress": self.host,
            "SubnetMask": "255.0.0.0", "Gateway": "127.0.0.1", "DNS1": "127.0.0.1",
            "DNS2": "127.0.0.1"}, **self.account_status()}

    def _fw(self) -> dict[str, str]:
        return {"Model": self.model, "MAC": self.mac, "FirmwareVersion": self.firmware_version,
                "HardwareVersion": "29.3.0"}

    def fn_system_status(self, data: dict, upload: Upload | None) -> dict:
        now = self.clock()
        return {"SystemTime": int(now), "UpTime": int(now - self.boot_time)}

    def fn_system_reboot(self, data: dict, upload: Upload | None) -> None:
        self._boot()

    # firmware
    def fn_firmware_status(self, data: dict, upload: Upload | None) -> dict:
        return self._fw()

    def fn_firmware_prepare(self, data: dict, upload: Upload | None) -> None:
        self.firmware["prepared"] = True

    def fn_firmware_upload(self, data: dict, upload: Upload | None) -> None:
        if not self.firmware["prepared"]:
            raise SimError("not in upgrade mode, call prepare first")
        if upload is None or not upload.content:
            raise SimError("no file")
        if str(data.get("silent", "0")) not in ("0", "1"):
            raise SimError("invalid param silent")
        self.firmware["image"] = upload.content

    def fn_firmware_upgrade(self, data: dict, upload: Upload | None) -> None:
        image = self.firmware["image"]
        if not self.firmware["prepared"] or image is None:
            raise SimError("no firmware uploaded")
        calc = hashlib.md5(image).hexdigest()
        given = str(data.get("md5", "")).lower()
        if given and given != calc:
            raise SimError("Wrong MD5", {"md5": given, "md5_calc": calc})
        self._boot()

    # config
    def fn_config_get(self, data: dict, upload: Upload | None) -> dict:
        return {k: v for k, v in sorted(self.config.items())
                if not k.startswith(CONFIG_EXCLUDED)}

    def fn_config_set(self, data: dict, upload: Upload | None) -> None:
        self._set_keys(data, ("Config.",))

    def fn_config_export(self, data: dict, upload: Upload | None) -> ExportFile:
        return ExportFile(files.config_tgz(self.config), "Config.tgz", "application/x-gzip")

    def fn_config_import(self, data: dict, upload: Upload | None) -> None:
        if upload is None or not upload.filename.endswith(".tgz"):
            raise SimError("only tgz file can be accepted")
        try:
            values = files.read_config_tgz(upload.content)
        except FileFormatError as exc:
            raise SimError(f"invalid file: {exc}") from None
        self._set_keys(values, ("Config.",))
        self._boot()  # "Device will reboot after import the configuration successfully."

    def fn_config_reset_factory(self, data: dict, upload: Upload | None) -> None:
        self._factory()

    # flat sections
    def _section_function(self, target: str, action: str) -> Handler | None:
        """``<section>/get`` and ``<section>/set`` of a flat section: its keys as they are."""
        prefixes = SECTIONS.get(target)
        if prefixes is None:
            return None
        if action == "get":
            return lambda data, upload: self._section(prefixes)
        if action == "set":
            return lambda data, upload: self._set_keys(data, prefixes)
        return None

    def fn_relay_status(self, data: dict, upload: Upload | None) -> dict:
        return self.relay_levels()

    def fn_relay_trig(self, data: dict, upload: Upload | None) -> None:
        door = self._door(data.get("num", ""))
        values = {}
        for key, rule in (("mode", one_of("0", "1")), ("level", one_of("0", "1")),
                          ("delay", int_range(0, 65535))):
            value = str(data.get(key, "0"))
            if not rule(value):
                raise SimError(f"invalid param {key} {value}")
            values[key] = int(value)
        # Assumption: mode 0 (auto close) holds `level` for `delay` s (0: the relay's
        # HoldDelay) and then releases; mode 1 (manual) keeps `level` until the next trig.
        seconds = None if values["mode"] == 1 else (values["delay"] or self.hold_delay(door))
        self.open_relay(door, values["level"], seconds)
        if values["level"] == 1:
            self.log_door("Unknow", "HTTP API", "", True)

    def fn_input_status(self, data: dict, upload: Upload | None) -> dict:
        return {f"Input{d}": level for d, level in self.input_level.items()}

    def fn_sip_status(self, data: dict, upload: Upload | None) -> dict:
        return self.account_status()

    def fn_log_set(self, data: dict, upload: Upload | None) -> dict:
        self._set_keys(data, SECTIONS["log"])
        return self._section(SECTIONS["log"])  # the document's log/set reply: the new level

    def _log_type(self, data: dict) -> str:
        kind = str(data.get("type", "log"))
        if kind == "log_debug":
            raise SimError("unsupport type log_debug (android only)")
        if kind not in self.logs:
            raise SimError(f"invalid param type {kind}")
        return kind

    def fn_log_export(self, data: dict, upload: Upload | None) -> ExportFile:
        kind = self._log_type(data)
        text = "".join(line + "\n" for line in self.logs[kind]).encode()
        return ExportFile(text, f"{kind}.txt", "text/plain")

    def fn_log_clear(self, data: dict, upload: Upload | None) -> None:
        self.logs[self._log_type(data)].clear()

    # calls
    def fn_call_status(self, data: dict, upload: Upload | None) -> dict:
        return {"Status": self.call_state()}

    def fn_call_dial(self, data: dict, upload: Upload | None) -> None:
        phone = str(data.get("Phone", ""))
        if not phone:
            raise SimError("missing param Phone")
        if self.call_state() != "READY":
            raise SimError("busy")
        name = str(data.get("DisplayName", ""))
        self.call = {"status": "CALLING", "number": phone, "name": name,
                     "answer_at": self.clock() + self.answer_delay * self.time_scale}
        self._log_call("Dialed", phone, name)

    def fn_call_hangup(self, data: dict, upload: Upload | None) -> None:
        self.end_call()

    # logs
    def _call_type(self, data: dict) -> str:
        raw = str(data.get("Type", data.get("type", "All")))
        if raw.isdigit() and int(raw) < len(CALL_TYPES):
            return CALL_TYPES[int(raw)]
        if raw not in CALL_TYPES:
            raise SimError(f"invalid param Type {raw}")
        return raw

    def _items(self, rows: list[dict[str, str]]) -> dict:
        return {"num": len(rows), "item": [dict(r) for r in rows]}

    def _del_log(self, which: str, data: dict) -> None:
        rows = getattr(self, which)
        entry_id = str(data.get("ID", ""))
        row = next((r for r in rows if r["ID"] == entry_id), None)
        if row is None:
            raise SimError(f"no such ID {entry_id}")
        rows.remove(row)

    def fn_calllog_get(self, data: dict, upload: Upload | None) -> dict:
        kind = self._call_type(data)
        return self._items([r for r in self.calllog if kind in ("All", r["Type"])])

    def fn_calllog_del(self, data: dict, upload: Upload | None) -> None:
        self._del_log("calllog", data)

    def fn_calllog_clear(self, data: dict, upload: Upload | None) -> None:
        kind = self._call_type(data)
        self.calllog = [r for r in self.calllog if kind not in ("All", r["Type"])]

    def fn_calllog_export(self, data: dict, upload: Upload | None) -> ExportFile:
        columns = ("ID", "Type", "Date", "Time", "LocalIdentity", "Name", "Num")
        return ExportFile(files.items_csv(columns, self.calllog), "History.csv", "text/csv")

    def fn_doorlog_get(self, data: dict, upload: Upload | None) -> dict:
        return self._items(self.doorlog)

    def fn_doorlog_del(self, data: dict, upload: Upload | None) -> None:
        self._del_log("doorlog", data)

    def fn_doorlog_clear(self, data: dict, upload: Upload | None) -> None:
        self.doorlog = []

    def fn_doorlog_export(self, data: dict, upload: Upload | None) -> ExportFile:
        return ExportFile(files.items_xml("DoorLog", self.doorlog), "DoorLog.xml",
                          "application/xml")

    # pcap
    def fn_pcap_status(self, data: dict, upload: Upload | None) -> dict:
        self._pcap_tick()
        cap = self.pcap
        size = len(cap["file"]) if cap["file"] else 0
        return {"FileSize": size, "Status": "running" if cap["running"] else "stop"}

    def fn_pcap_start(self, data: dict, upload: Upload | None) -> dict:
        self._pcap_tick()
        if self.pcap["running"]:
            raise SimError("capture already running")
        values = {"type": str(data.get("type", "auto")), "filter": str(data.get("filter", "ip")),
                  "time": str(data.get("time", "60")), "size": str(data.get("size", "1048576"))}
        checks: dict[str, Rule] = {"type": one_of("auto", "manual"), "filter": _TEXT,
                                   "time": int_range(1, 180), "size": int_range(24, 104857600)}
        for key, rule in checks.items():
            if not rule(values[key]):
                raise SimError(f"invalid param {key} {values[key]}")
        self.pcap = {"running": True, "started": self.clock(), "type": values["type"],
                     "time": int(values["time"]), "size": int(values["size"]), "file": None}
        return {**values, "interface": "eth0"}

    def fn_pcap_stop(self, data: dict, upload: Upload | None) -> dict:
        self._pcap_tick()
        if self.pcap["running"]:
            self._pcap_finish(self.clock())
        if self.pcap["file"] is None:
            raise SimError("capture not running")
        return {"FileSize": str(len(self.pcap["file"])), "Time": str(self.pcap["seconds"])}

    def fn_pcap_export(self, data: dict, upload: Upload | None) -> ExportFile:
        self._pcap_tick()
        if self.pcap["running"] or self.pcap["file"] is None:
            raise SimError("no capture file (stop the capture first)")
        return ExportFile(self.pcap["file"], "phone.pcap",  # the document's example name
                          "application/vnd.tcpdump.pcap")
