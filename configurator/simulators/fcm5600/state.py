"""The simulated FCM5600's state and rules (no HTTP here; :mod:`.device` serves it).

Every method either changes/reads state or raises :class:`SimError` whose message becomes the
documented HTTP 400 reply (parameter error / record does not exist).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import struct
import time
import wave
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from typing import Any

from .document import QUERY_NAMES, RECORDING_PATHS, trunk_info


class SimError(Exception):
    """A request the PBX refuses (HTTP 400 with this message)."""


# The add-extension example of the document: the defaults of a new extension (write keys).
EXTENSION_DEFAULTS: dict[str, Any] = {
    "addressExpiration": 1800, "audioCodec": "alaw,ulaw,g729", "callSpy": False,
    "dialPlanId": 1, "dnd": False, "dtmf": "rfc4733", "email": "", "enable": True,
    "exten": "", "iax": False, "language": "en", "mobileNumber": "", "musicOnHoldId": 1,
    "nat": True, "outboundCid1": "", "outboundCid2": "", "password": "", "permit": "",
    "qualify": 300, "qualifyTimeout": 30, "recording": "none", "registCount": 1,
    "remoteExten": False, "rtpTimeout": 60, "sendPai": True, "sendRpid": True, "srtp": False,
    "transport": "UDP", "username": "", "videoCall": False, "videoCallCodec": "h264",
    "voicemail": True, "voicemailPassword": "1234", "webRtc": False,
    # Query-only in the document, assumed writable too:
    "app": False, "webLogin": True, "groupNumber": "", "inbandProgress": False,
    "whiteListTagId": 0,
}
_READ_NAMES = dict(QUERY_NAMES)

TRANSPORTS = ("UDP", "TCP", "TLS")
DTMF_MODES = ("auto", "rfc4733", "inband", "info")
RECORDING_MODES = ("none", "in", "out", "both")
VIDEO_CODECS = ("vp8", "h264", "h263", "h261", "h263p")
AUDIO_CODECS = ("ulaw", "alaw", "g729", "gsm", "g722", "g726", "speex", "opus")
FORWARD_TYPES = ("busy", "noanswer", "noan_busy", "always")
CALL_TYPES = ("all", "incoming", "outgoing", "internal")
CALL_STATUSES = ("all", "ANSWERED", "BUSY", "FAILED", "NOANSWER", "NO ANSWER")

_PERMIT_ITEM = re.compile(r"^!?\d{1,3}(\.\d{1,3}){3}(/\d{1,2})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DIGITS = re.compile(r"^\d{1,16}$")
_NUMBER = re.compile(r"^[0-9*#+]{1,32}$")
_GROUPS = re.compile(r"^(([1-9]|[1-5]\d|6[0-4])(,([1-9]|[1-5]\d|6[0-4]))*)?$")
_BOOL_KEYS = {k for k, v in EXTENSION_DEFAULTS.items() if isinstance(v, bool)}
_INT_KEYS = {k for k, v in EXTENSION_DEFAULTS.items()
             if isinstance(v, int) and not isinstance(v, bool)}


def wav_bytes(seconds: float = 0.25, rate: int = 8000, tone: float = 440.0) -> bytes:
    """A real, small mono 16-bit PCM WAV file (a beep)."""
    frames = int(seconds * rate)
    samples = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * tone * i / rate)))
        for i in range(frames)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples)
    return buffer.getvalue()


@dataclass
class Call:
    src: str
    dest: str
    started: float  # monotonic
    start_wall: dt.datetime


@dataclass
class PbxState:
    model: str = "FIBERME-FCM5600"
    max_calls: int = 30
    clock: Callable[[], dt.datetime] = dt.datetime.now
    extensions: dict[str, dict[str, Any]] = field(default_factory=dict)
    registrations: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    call_log: list[dict[str, Any]] = field(default_factory=list)
    recordings: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {kind: [] for kind in RECORDING_PATHS})
    files: dict[str, bytes] = field(default_factory=dict)
    forwards: dict[int, dict[str, Any]] = field(default_factory=dict)
    wakeups: dict[int, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[int, dict[str, Any]] = field(default_factory=dict)
    trunks: list[dict[str, str]] = field(default_factory=list)
    ldap_syncs: int = 0
    booted: float = field(default_factory=time.time)
    _ids: dict[str, int] = field(default_factory=dict)

    moh_folders: list[dict[str, Any]] = field(default_factory=lambda: [
        {"id": 1, "name": "default", "sort": "random"},
        {"id": 2, "name": "tttt", "sort": "random"},
    ])
    dial_plans: list[dict[str, Any]] = field(default_factory=lambda: [
        {"id": 1, "name": "DialPlan1", "featureCode": True, "queue": True, "parkedCall": True,
         "pickupExten": True, "conference": True, "pagingIntercom": True, "extension": True,
         "ivr": True, "disa": True, "spy": True, "console": False, "department": True,
         "seizeAnalogLine": True},
    ])
    time_rules: list[dict[str, Any]] = field(default_factory=lambda: [
        {"id": 1, "name": "上班"}, {"id": 3, "name": "dghdfgh"},
    ])

    def next_id(self, table: str) -> int:
        self._ids[table] = self._ids.get(table, 0) + 1
        return self._ids[table]

    # -- extensions -----------------------------------------------------------------------
    def validate_extension(self, body: Mapping[str, Any], base: Mapping[str, Any]
                           ) -> dict[str, Any]:
        """Merge ``body`` (write keys) over ``base`` (write keys) and check every field."""
        unknown = set(body) - set(EXTENSION_DEFAULTS)
        if unknown:
            raise SimError(f"unknown field {sorted(unknown)[0]}")
        record = {**base, **body}
        for key in _BOOL_KEYS:
            if not isinstance(record[key], bool):
                raise SimError(f"{key} must be true or false")
        for key in _INT_KEYS:
            if isinstance(record[key], bool) or not isinstance(record[key], int):
                raise SimError(f"{key} must be a number")
        exten = record["exten"]
        if not isinstance(exten, str) or not _DIGITS.match(exten):
            raise SimError("extension number must be digits")
        checks = (
            (record["transport"] in TRANSPORTS, "transport must be UDP, TCP or TLS"),
            (record["dtmf"] in DTMF_MODES, "dtmf must be auto, rfc4733, inband or info"),
            (record["recording"] in RECORDING_MODES, "recording must be none, in, out or both"),
            (record["videoCallCodec"] in VIDEO_CODECS, "videoCallCodec is not supported"),
            (_codecs_ok(record["audioCodec"]), "audioCodec has an unknown codec"),
            (_permit_ok(record["permit"]), "permit is not an IP/network list"),
            (not record["email"] or bool(_EMAIL.match(str(record["email"]))),
             "email is not an email address"),
            (bool(record["password"]), "password is required"),
            (record["registCount"] >= 1, "registCount must be at least 1"),
            (record["qualify"] >= 0 and record["qualifyTimeout"] >= 0
             and record["addressExpiration"] > 0 and record["rtpTimeout"] >= 0,
             "timers must not be negative"),
            (any(p["id"] == record["dialPlanId"] for p in self.dial_plans),
             "dial permission does not exist"),
            (any(m["id"] == record["musicOnHoldId"] for m in self.moh_folders),
             "music on hold folder does not exist"),
            (bool(_GROUPS.match(str(record["groupNumber"]))), "groupNumber must be 1-64 list"),
        )
        for ok, message in checks:
            if not ok:
                raise SimError(message)
        return record

    def to_query(self, record: Mapping[str, Any], department: str = "") -> dict[str, Any]:
        """Stored (write-shaped) record -> the shape search-extension-page answers."""
        out = {_READ_NAMES.get(k, k): v for k, v in record.items()}
        plan = next(p for p in self.dial_plans if p["id"] == record["dialPlanId"])
        out["dialPlanName"] = plan["name"]
        out["departmentName"] = department
        return out

    def add_extension(self, body: Mapping[str, Any]) -> None:
        exten = body.get("exten")
        if exten in self.extensions:
            raise SimError(f"extension {exten} already exists")
        self.extensions[str(exten)] = self.validate_extension(body, EXTENSION_DEFAULTS)

    def update_extension(self, body: Mapping[str, Any]) -> None:
        exten = body.get("exten")
        if exten not in self.extensions:
            raise SimError(f"extension {exten} does not exist")
        self.extensions[str(exten)] = self.validate_extension(body, self.extensions[str(exten)])

    def delete_extensions(self, extens: Any) -> int:
        if not isinstance(extens, list) or not all(isinstance(e, str) for e in extens):
            raise SimError("extensions must be an array of strings")
        deleted = 0
        for exten in extens:
            if self.extensions.pop(exten, None) is not None:
                deleted += 1
                self.registrations.pop(exten, None)
                for fid in [i for i, f in self.forwards.items() if f["exten"] == exten]:
                    del self.forwards[fid]
        return deleted

    def is_available(self, exten: str) -> bool:
        return bool(_DIGITS.match(exten)) and exten not in self.extensions

    def gen_extension(self) -> str:
        number = 100
        while str(number) in self.extensions:
            number += 1
        return str(number)

    def search_extensions(self, keyword: str, order: str, column: str) -> list[dict[str, Any]]:
        rows = [self.to_query(r) for r in self.extensions.values()]
        if keyword:
            low = keyword.lower()
            rows = [r for r in rows if any(low in str(r[k]).lower()
                                           for k in ("exten", "username", "departmentName"))]
        descending = order.upper() in ("DESC", "DESCEND")
        key = column if order.upper() in ("ASC", "DESC", "ASCEND", "DESCEND", "") else order
        if rows and key not in rows[0]:
            raise SimError(f"cannot sort by {key}")
        return sorted(rows, key=lambda r: _sort_key(r.get(key)), reverse=descending)

    # -- registration status and calls ----------------------------------------------------
    def in_call(self, exten: str) -> bool:
        return any(exten in (c.src, c.dest) for c in self.calls)

    def extension_status(self) -> list[dict[str, Any]]:
        rows = []
        for exten, record in self.extensions.items():
            content = {"newMsg": "", "dnd": "yes" if record["dnd"] else "",
                       "wakeup": self._next_wakeup(exten)}
            endpoints = self.registrations.get(exten) or [{"addr": "", "uri": "",
                                                           "roundtripUsec": ""}]
            registered = bool(self.registrations.get(exten))
            status = ("InUse" if self.in_call(exten) else "Idle") if registered else "Unavailable"
            for endpoint in endpoints:
                rows.append({"exten": exten, "name": record["username"] or exten,
                             "content": content, **endpoint, "statusText": status})
        return rows

    def _next_wakeup(self, exten: str) -> str | None:
        times = sorted(w["callDateTime"] for w in self.wakeups.values() if w["exten"] == exten)
        return times[0] if times else None

    def dial(self, src: Any, dest: Any) -> None:
        if not isinstance(src, str) or src not in self.extensions:
            raise SimError("caller number does not exist")
        if not isinstance(dest, str) or not _NUMBER.match(dest):
            raise SimError("callee number is invalid")
        if len(self.calls) >= self.max_calls:
            raise SimError("maximum number of calls reached")
        self.calls.append(Call(src, dest, time.monotonic(), self.clock()))

    def hangup(self, extens: Any) -> list[dict[str, Any]]:
        if not isinstance(extens, list):
            raise SimError("extensions must be an array")
        ended = [c for c in self.calls if c.src in extens or c.dest in extens]
        self.calls = [c for c in self.calls if c not in ended]
        return [self._log_call(call) for call in ended]

    def _log_call(self, call: Call) -> dict[str, Any]:
        internal = call.dest in self.extensions
        trunk = "" if internal else next((t["name"] for t in self.trunks if t["kind"] == "sip"), "")
        duration = max(0, round(time.monotonic() - call.started))
        row = {
            "id": self.next_id("calllog"),
            "callFrom": self.extensions[call.src]["username"] if call.src in self.extensions
            else call.src,
            "callSrc": call.src, "callTo": call.dest, "destNum": call.dest,
            "startTime": call.start_wall.strftime("%Y-%m-%d %H:%M:%S"),
            "duration": duration, "callStatus": "ANSWERED",
            "callType": "internal" if internal else "outgoing",
            "pinCode": "", "trunkName": trunk, "recordingFile": "",
        }
        if any(self.extensions.get(e, {}).get("recording", "none") != "none"
               for e in (call.src, call.dest)):
            row["recordingFile"] = self.add_recording("general", row)["FileName"]
        self.call_log.append(row)
        return row

    def add_recording(self, kind: str, log_row: Mapping[str, Any]) -> dict[str, Any]:
        """Store a WAV recording for a call log row; returns the recording row."""
        stamp = str(log_row["startTime"]).replace("-", "").replace(":", "").replace(" ", "-")
        day = stamp[:8]
        name = f"{int(time.time())}.{log_row['id']}-{log_row['callSrc']}-{log_row['callTo']}" \
               f"-{stamp}.wav"
        play = f"{RECORDING_PATHS[kind]}/{day}/{log_row['callSrc']}/{name}"
        self.files[play] = wav_bytes()
        recording = {
            **{k: v for k, v in log_row.items() if k != "recordingFile"},
            "id": self.next_id(f"rec-{kind}"),
            "FileName": f"/var/spool/asterisk/monitor/recording/{day}/{log_row['callSrc']}/{name}",
            "timeLength": str(log_row["duration"]),
            "playUrl": play,
        }
        self.recordings[kind].append(recording)
        return recording

    # -- call log search ------------------------------------------------------------------
    def search_log(self, rows: list[dict[str, Any]], f: Mapping[str, Any]) -> list[dict[str, Any]]:
        start, end = _date(f.get("from"), "from"), _date(f.get("to"), "to")
        ctype, status = f.get("type") or "all", f.get("status") or "all"
        if ctype not in CALL_TYPES:
            raise SimError("type must be all, incoming, outgoing or internal")
        if status not in CALL_STATUSES:
            raise SimError("status must be all, ANSWERED, BUSY, FAILED or NOANSWER")
        out = []
        for row in rows:
            day = dt.date.fromisoformat(str(row["startTime"])[:10])
            if (start and day < start) or (end and day > end):
                continue
            if ctype != "all" and row["callType"] != ctype:
                continue
            if status != "all" and row["callStatus"] != status.replace(" ", ""):
                continue
            if not all(str(f.get(k) or "") in str(row.get(col) or "") for k, col in
                       (("src", "callSrc"), ("dest", "callTo"), ("pinCode", "pinCode"),
                        ("trunkName", "trunkName"))):
                continue
            out.append(row)
        return sorted(out, key=lambda r: (r["startTime"], r["id"]), reverse=True)

    # -- call forward ---------------------------------------------------------------------
    def save_forward(self, body: Mapping[str, Any], *, update: bool) -> None:
        rid = body.get("id")
        if update and rid not in self.forwards:
            raise SimError(f"call forward record {rid} does not exist")
        exten, ftype, dest = body.get("exten"), body.get("type"), body.get("dest")
        if exten not in self.extensions:
            raise SimError(f"extension {exten} does not exist")
        if ftype not in FORWARD_TYPES:
            raise SimError("type must be busy, noanswer, noan_busy or always")
        if not isinstance(dest, str) or not _NUMBER.match(dest):
            raise SimError("dest must be a number")
        timeout = body.get("timeout", 0)
        if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 0:
            raise SimError("timeout must be a number of seconds")
        enable = body.get("enable", 0)
        if enable not in (0, 1, True, False):
            raise SimError("enable must be 0/1 or true/false")
        rid = rid if update else self.next_id("forward")
        self.forwards[int(rid)] = {"id": rid, "exten": exten, "type": ftype, "dest": dest,
                                   "timeout": timeout, "enable": bool(enable)}

    def delete_ids(self, table: dict[int, dict[str, Any]], ids: Any, what: str) -> None:
        if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
            raise SimError("ids must be an array of record IDs")
        missing = [i for i in ids if i not in table]
        if missing:
            raise SimError(f"{what} record {missing[0]} does not exist")
        for i in ids:
            del table[i]

    # -- wake-up calls --------------------------------------------------------------------
    def _wakeup_time(self, value: Any) -> str:
        try:
            when = dt.datetime.strptime(str(value), "%Y-%m-%d %H:%M")
        except ValueError:
            raise SimError("callDateTime must be yyyy-MM-dd HH:mm") from None
        if when < self.clock().replace(second=0, microsecond=0):
            raise SimError("callDateTime is earlier than the current system time")
        return when.strftime("%Y-%m-%d %H:%M")

    def add_wakeups(self, body: Mapping[str, Any]) -> None:
        when = self._wakeup_time(body.get("callDateTime"))
        extens = _known_items(body, "extens", self.extensions, "extension")
        music = _music(body)
        for exten in extens:
            rid = self.next_id("wakeup")
            self.wakeups[rid] = {"callDateTime": when, "exten": exten, "musicID": music,
                                 "id": rid}

    def update_wakeups(self, body: Mapping[str, Any]) -> None:
        when = self._wakeup_time(body.get("callDateTime"))
        ids = _known_items(body, "ids", self.wakeups, "wake-up call record")
        music = _music(body)
        for rid in ids:
            self.wakeups[rid].update(callDateTime=when, musicID=music)

    # -- phonebook ------------------------------------------------------------------------
    def save_contact(self, body: Mapping[str, Any], *, update: bool) -> None:
        allowed = {"addByRole", "addUser", "id", "phoneNumber", "name", "company", "email",
                   "dialCode"}
        unknown = set(body) - allowed
        if unknown:
            raise SimError(f"unknown field {sorted(unknown)[0]}")
        rid = body.get("id")
        if update and rid not in self.contacts:
            raise SimError(f"contact {rid} does not exist")
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise SimError("name is required")
        email = body.get("email") or ""
        if email and not _EMAIL.match(str(email)):
            raise SimError("email is not an email address")
        if update:
            old = self.contacts[int(rid)]
            self.contacts[int(rid)] = {**old, **{k: v for k, v in body.items()
                                                 if k not in ("addByRole", "addUser")}}
            return
        rid = self.next_id("contact")
        self.contacts[rid] = {"id": rid, "name": name,
                              "phoneNumber": str(body.get("phoneNumber") or ""),
                              "email": email, "company": str(body.get("company") or ""),
                              "addByRole": "admin", "addUser": "",
                              "dialCode": str(body.get("dialCode") or "")}

    def search_contacts(self, keyword: str) -> list[dict[str, Any]]:
        rows = list(self.contacts.values())
        if keyword:
            low = keyword.lower()
            rows = [r for r in rows if any(low in str(r[k]).lower()
                                           for k in ("name", "phoneNumber", "email", "company"))]
        return rows

    # -- system ---------------------------------------------------------------------------
    def trunk_info(self) -> dict[str, str]:
        return trunk_info(self.trunks)

    def trunk_status(self) -> list[dict[str, str]]:
        return [{"delay": t.get("delay") or "na", "name": t["name"], "server": t.get("ip", ""),
                 "status": t.get("status", ""), "trunkType": t["kind"],
                 "model": t.get("type", "")} for t in self.trunks if t["kind"] in ("sip", "iax")]

    def uptime(self) -> str:
        seconds = int(time.time() - self.booted)
        days, rest = divmod(seconds, 86400)
        booted = dt.datetime.fromtimestamp(self.booted).strftime("%Y-%m-%d %H:%M")
        return f"{booted} / {days} days, {rest // 3600:02d}:{rest % 3600 // 60:02d}"


def _codecs_ok(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and all(
        c in AUDIO_CODECS for c in value.split(","))


def _permit_ok(value: Any) -> bool:
    return isinstance(value, str) and (not value or all(
        _PERMIT_ITEM.match(item.strip()) for item in value.split(",")))


def _sort_key(value: Any) -> tuple[int, float, str]:
    text = str(value)
    return (0, float(text), "") if text.isdigit() else (1, 0.0, text)


def _date(value: Any, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise SimError(f"{name} must be a date yyyy-MM-dd") from None


def _known_items(body: Mapping[str, Any], field: str, known: Container[Any],
                 what: str) -> list[Any]:
    """``body[field]``: a non-empty array of things ``known`` holds (``what`` names them)."""
    items = body.get(field)
    if not isinstance(items, list) or not items:
        raise SimError(f"{field} must be a non-empty array")
    for item in items:
        if item not in known:
            raise SimError(f"{what} {item} does not exist")
    return items


def _music(body: Mapping[str, Any]) -> int:
    """``musicID``, "Voice file number": a whole number (0, the default prompt, if absent)."""
    music = body.get("musicID", 0)
    if isinstance(music, bool) or not isinstance(music, int) or music < 0:
        raise SimError("musicID must be a number")
    return music
