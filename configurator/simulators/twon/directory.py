"""The device directory (users) behind /api/dir/*: template, validation, series, timestamps."""

from __future__ import annotations

import copy
import random
import re
import uuid as uuidlib
from typing import Any

UUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[A-Za-z]{2,}$")
_VIRT = re.compile(r"^[A-Z0-9](?:[0-9]{0,5}[A-Z0-9])?$")
_PIN = re.compile(r"^[0-9]{2,15}$")  # Assumption: PIN = 2..15 digits ("hello" is invalid)
_HEXCARD = re.compile(r"^[0-9A-Fa-f]{6,16}$")
_PATH = re.compile(r"^([A-Za-z]+)(?:\[(\d+)\])?$")


def template(*, photo: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "uuid": "", "deleted": False, "owner": "", "name": "",
    }
    if photo:
        entry["photo"] = ""
    entry.update({
        "email": "", "treepath": "/", "virtNumber": "", "deputy": "", "buttons": "",
        "callPos": [{"peer": "", "profiles": "", "grouped": False, "ipEye": ""}
                    for _ in range(3)],
        "access": {
            "validFrom": "0", "validTo": "0",
            "accessPoints": [{"enabled": True, "profiles": ""} for _ in range(2)],
            "pairingExpired": False, "virtCard": "", "card": ["", ""], "mobkey": "",
            "fpt": "", "pin": "", "apbException": False, "code": ["", "", "", ""],
            "licensePlates": "", "liftFloors": "",
        },
        "timestamp": 0,
    })
    return entry


def _check_scalar(path: str, value: Any) -> bool:
    """Field-specific validation of a scalar that already has the template's type."""
    if value == "":
        return True
    checks = {
        "name": lambda v: len(v) <= 63,
        "email": lambda v: all(_EMAIL.match(a.strip()) for a in v.split(",")),
        "photo": lambda v: v.startswith("data:image/jpeg;base64,"),
        "virtNumber": lambda v: bool(_VIRT.match(v)),
        "deputy": lambda v: bool(UUID.match(v)),
        "access.pin": lambda v: bool(_PIN.match(v)),
        "access.code": lambda v: bool(_PIN.match(v)),
        "access.card": lambda v: bool(_HEXCARD.match(v)),
        "access.validFrom": lambda v: v.isdigit(),
        "access.validTo": lambda v: v.isdigit(),
        "access.licensePlates": _plates_ok,
    }
    check = checks.get(path)
    return check(value) if check else len(value) <= 255


def _plates_ok(text: str) -> bool:
    plates = [p for p in text.split(",") if p.strip()]
    return len(text) <= 255 and len(plates) <= 20 and all(
        len("".join(p.split())) <= 10 for p in plates)


def _expand_dotted(data: dict[str, Any]) -> dict[str, Any]:
    """``{"access.pin": "1"}`` -> ``{"access": {"pin": "1"}}`` (the doc's update example)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        target = out
        parts = key.split(".")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                break
        else:
            target[parts[-1]] = value
    return out


def merge(base: Any, given: Any, path: str, errors: list[dict[str, str]]) -> Any:
    """Overlay ``given`` on ``base`` (template-shaped), collecting EDIR_* errors."""
    if isinstance(base, dict):
        if not isinstance(given, dict):
            errors.append({"code": "EDIR_FIELD_VALUE_ERROR", "field": path})
            return base
        result = dict(base)
        for key, value in given.items():
            sub = f"{path}.{key}" if path else key
            if key not in base or key in ("timestamp",):
                errors.append({"code": "EDIR_FIELD_NAME_UNKNOWN", "field": sub})
                continue
            result[key] = merge(base[key], value, sub, errors)
        return result
    if isinstance(base, list):
        if not isinstance(given, list) or len(given) > len(base):
            errors.append({"code": "EDIR_FIELD_VALUE_ERROR", "field": path})
            return base
        return [merge(base[i], given[i], path, errors) if i < len(given) else base[i]
                for i in range(len(base))]
    if isinstance(base, bool):
        if not isinstance(given, bool):
            errors.append({"code": "EDIR_FIELD_VALUE_ERROR", "field": path})
            return base
        return given
    if isinstance(given, int) and not isinstance(given, bool) and path.startswith("access.valid"):
        given = str(given)
    if not isinstance(given, str) or not _check_scalar(path, given):
        errors.append({"code": "EDIR_FIELD_VALUE_ERROR", "field": path})
        return base
    return given


def _diff(value: Any, default: Any) -> Any:
    if isinstance(value, dict) and isinstance(default, dict):
        out = {}
        for key, item in value.items():
            if key in default and item != default[key]:
                out[key] = _diff(item, default[key])
        return out
    return copy.deepcopy(value)


def _pick(src: dict[str, Any], segs: list[tuple[str, int | None]], dst: dict[str, Any]) -> None:
    (name, idx), rest = segs[0], segs[1:]
    if name not in src:
        return
    value = src[name]
    if isinstance(value, list):
        indices = range(len(value)) if idx is None else ([idx] if idx < len(value) else [])
        if not rest:
            out = dst.setdefault(name, [{} if isinstance(v, dict) else "" for v in value])
            for i in indices:
                out[i] = copy.deepcopy(value[i])
            return
        out = dst.setdefault(name, [{} for _ in value])
        for i in indices:
            if isinstance(value[i], dict):
                _pick(value[i], rest, out[i])
    elif isinstance(value, dict):
        if rest:
            _pick(value, rest, dst.setdefault(name, {}))
        else:
            dst[name] = copy.deepcopy(value)
    elif not rest:
        dst[name] = value


def parse_fields(fields: list[str]) -> list[list[tuple[str, int | None]]]:
    paths = []
    for field in fields:
        segs: list[tuple[str, int | None]] = []
        for part in field.split("."):
            match = _PATH.match(part)
            if not match:
                segs = []
                break  # unknown/garbled field names are ignored (doc)
            segs.append((match.group(1), int(match.group(2)) if match.group(2) else None))
        if segs:
            paths.append(segs)
    return paths


class Directory:
    def __init__(self, *, photo: bool, capacity: int = 10_000) -> None:
        self.template = template(photo=photo)
        self.capacity = capacity
        self.entries: dict[str, dict[str, Any]] = {}  # canonical (upper-case) uuid -> entry
        self.series = str(random.randrange(10**18, 10**19))
        self.timestamp = 0
        self.invalid = 0  # highest timestamp of a forgotten (purged) deleted entry

    # -- helpers used by other functions ------------------------------------------------
    def get(self, uuid: str) -> dict[str, Any] | None:
        entry = self.entries.get(uuid.upper())
        return entry if entry is not None and not entry["deleted"] else None

    def exists(self, uuid: str) -> bool:
        return self.get(uuid) is not None

    def peer_of(self, uuid: str) -> str:
        entry = self.get(uuid)
        peer = entry["callPos"][0]["peer"] if entry else ""
        return peer or f"uuid:{uuid.upper()}"

    def find_by_plate(self, plate: str) -> dict[str, Any] | None:
        wanted = "".join(plate.split()).upper()
        for entry in self.entries.values():
            plates = entry["access"]["licensePlates"].split(",")
            if not entry["deleted"] and wanted in {"".join(p.split()).upper() for p in plates}:
                return entry
        return None

    def _stamp(self, entry: dict[str, Any]) -> int:
        self.timestamp += 1
        entry["timestamp"] = self.timestamp
        return self.timestamp

    def _make_room(self) -> bool:
        if len(self.entries) < self.capacity:
            return True
        deleted = [e for e in self.entries.values() if e["deleted"]]
        if not deleted:
            return False
        oldest = min(deleted, key=lambda e: e["timestamp"])
        self.invalid = max(self.invalid, oldest["timestamp"])
        del self.entries[oldest["uuid"]]
        return True

    # -- operations (one result object per requested user) --------------------------------
    def create(self, item: Any, force: bool) -> dict[str, Any]:
        if not isinstance(item, dict):
            return {"errors": [{"code": "EDIR_FIELD_VALUE_ERROR", "field": ""}]}
        data = _expand_dotted(item)
        given = data.pop("uuid", "") or ""
        if given and (not isinstance(given, str) or not UUID.match(given)
                      or set(given) <= {"0", "-"}):
            return {"errors": [{"code": "EDIR_UUID_INVALID_FORMAT"}]}
        key = given.upper() if given else str(uuidlib.uuid4()).upper()
        existing = self.entries.get(key)
        if existing is not None and not existing["deleted"] and not force:
            return {"errors": [{"code": "EDIR_UUID_ALREADY_EXISTS"}]}
        errors: list[dict[str, str]] = []
        entry = merge(self.template, data, "", errors)
        if not errors and _inconsistent(entry):
            errors.append({"code": "EINCONSISTENT"})
        if errors:
            return {"errors": errors}
        if existing is None and not self._make_room():
            return {"errors": [{"code": "EDIRLIM_USER"}]}
        entry["uuid"] = key
        self.entries[key] = entry
        return {"uuid": key, "timestamp": self._stamp(entry)}

    def update(self, item: Any) -> dict[str, Any]:
        if not isinstance(item, dict):
            return {"errors": [{"code": "EDIR_UUID_IS_MISSING"}]}
        data = _expand_dotted(item)
        given = data.pop("uuid", None)
        if not given:
            return {"errors": [{"code": "EDIR_UUID_IS_MISSING"}]}
        if not isinstance(given, str) or not UUID.match(given):
            return {"uuid": given, "errors": [{"code": "EDIR_UUID_INVALID_FORMAT"}]}
        entry = self.get(given)
        if entry is None:
            return {"uuid": given, "errors": [{"code": "EDIR_UUID_DOES_NOT_EXIST"}]}
        errors: list[dict[str, str]] = []
        updated = merge(entry, data, "", errors)
        if not errors and _inconsistent(updated):
            errors.append({"code": "EINCONSISTENT"})
        if errors:
            return {"uuid": given, "errors": errors}
        entry.clear()
        entry.update(updated)
        return {"uuid": given, "timestamp": self._stamp(entry)}

    def delete(self, given: Any) -> dict[str, Any]:
        if not isinstance(given, str) or not UUID.match(given):
            return {"uuid": given, "errors": [{"code": "EDIR_UUID_INVALID_FORMAT"}]}
        entry = self.get(given)
        if entry is None:
            return {"uuid": given, "errors": [{"code": "EDIR_UUID_DOES_NOT_EXIST"}]}
        return {"uuid": given, "timestamp": self._delete(entry)}

    def delete_owner(self, owner: str) -> list[dict[str, Any]]:
        victims = [e for e in self.entries.values() if not e["deleted"] and e["owner"] == owner]
        return [{"uuid": e["uuid"], "timestamp": self._delete(e)} for e in victims]

    def _delete(self, entry: dict[str, Any]) -> int:
        # Deleted entries keep only their uuid (and owner) "for logging reasons" (doc).
        kept = {"uuid": entry["uuid"], "owner": entry["owner"]}
        entry.clear()
        entry.update(copy.deepcopy(self.template))
        entry.update(kept)
        entry["deleted"] = True
        return self._stamp(entry)

    def view(self, entry: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
        if fields is None:
            out = _diff(entry, self.template)
        elif not fields:
            out = copy.deepcopy(entry)
        else:
            out = {}
            for segs in parse_fields(fields):
                _pick(entry, segs, out)
        out.pop("uuid", None)
        out.pop("timestamp", None)
        if entry["deleted"]:
            out["deleted"] = True
        return {"uuid": entry["uuid"], **out, "timestamp": entry["timestamp"]}

    def clear(self) -> None:
        self.entries.clear()
        self.series = str(random.randrange(10**18, 10**19))
        self.timestamp = self.invalid = 0


def _inconsistent(entry: dict[str, Any]) -> bool:
    start, end = int(entry["access"]["validFrom"]), int(entry["access"]["validTo"])
    return start != 0 and end != 0 and start >= end
