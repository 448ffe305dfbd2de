"""Item tables of the simulated Onetouch device (rfkey, privatekey, dialreplace, group, contact)
and the value rules the device enforces on writes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Rule = Callable[[str], bool]


class SimError(Exception):
    """A negative reply: ``{"retcode": -1, "message": message, "data": data}``."""

    def __init__(self, message: str, data: dict[str, Any] | None = None,
                 retcode: int = -1) -> None:
        super().__init__(message)
        self.message = message
        self.data = data
        self.retcode = retcode


def one_of(*values: str) -> Rule:
    return lambda text: text in values


def int_range(low: int, high: int) -> Rule:
    def rule(text: str) -> bool:
        return bool(re.fullmatch(r"\d{1,10}", text)) and low <= int(text) <= high
    return rule


def matches(pattern: str) -> Rule:
    return lambda text: re.fullmatch(pattern, text) is not None


BOOL = one_of("0", "1")
HHMM = matches(r"([01]\d|2[0-3]):[0-5]\d")
DAYS = ("Mon", "Tue", "Wed", "Thur", "Fri", "Sat", "Sun")

ACCESS_RULES: dict[str, Rule] = {
    "Name": matches(r"[^\x00-\x1f]{0,32}"),
    "DoorNum": matches(r"0|[123]{1,3}"),
    "TimeStart": HHMM,
    "TimeEnd": HHMM,
    "Tags": one_of("0", "1", "2", "3"),
    "Frequency": int_range(0, 65535),
    "DoorWebRelay": matches(r".{0,64}"),
    **dict.fromkeys(DAYS, BOOL),
}
ACCESS_DEFAULTS = {"Name": "", "DoorNum": "1", "TimeStart": "00:00", "TimeEnd": "00:00",
                   "Tags": "0", "Frequency": "0", **dict.fromkeys(DAYS, "1")}


@dataclass
class ItemStore:
    """A table addressed with ``{"item": [...]}`` batches; every reply item carries ``Ret``."""

    rules: dict[str, Rule]
    defaults: dict[str, str]
    required: tuple[str, ...] = ()
    unique: str | None = None  # a column that must be unique (card code)
    echo: tuple[str, ...] = ("Code", "ID", "Name")
    max_rows: int = 1000
    rows: list[dict[str, str]] = field(default_factory=list)

    def _next_id(self) -> int:
        return max((int(r["ID"]) for r in self.rows), default=0) + 1

    def _check(self, item: Mapping[str, Any], *, partial: bool) -> dict[str, str]:
        row = {k: str(v) for k, v in item.items()}
        for key, value in row.items():
            if key == "ID":
                continue
            rule = self.rules.get(key)
            if rule is None or not rule(value):
                raise SimError(f"invalid param {key}")
        if not partial:
            for key in self.required:
                if not row.get(key):
                    raise SimError(f"missing param {key}")
        return row

    def _echo(self, row: Mapping[str, str], ret: int) -> dict[str, Any]:
        return {"Ret": ret, **{k: row.get(k, "") for k in self.echo if k in row}}

    def add(self, items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        results = []
        for item in items:
            try:
                row = {**self.defaults, **self._check(item, partial=False)}
                wanted = row.get("ID", "0") or "0"
                if not wanted.isdigit():
                    raise SimError("invalid param ID")
                if wanted != "0" and any(r["ID"] == wanted for r in self.rows):
                    raise SimError("ID exists")
                if self.unique and any(r.get(self.unique) == row.get(self.unique)
                                       for r in self.rows):
                    raise SimError(f"{self.unique} exists")
                if len(self.rows) >= self.max_rows:
                    raise SimError("table full")
            except SimError:
                results.append(self._echo({k: str(v) for k, v in item.items()}, -1))
                continue
            row["ID"] = wanted if wanted != "0" else str(self._next_id())
            self.rows.append(row)
            results.append(self._echo(row, int(row["ID"])))
        return results

    def set(self, items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        results = []
        for item in items:
            target = next((r for r in self.rows if r["ID"] == str(item.get("ID", ""))), None)
            try:
                if target is None:
                    raise SimError("no such ID")
                changes = self._check(item, partial=True)
                if self.unique and self.unique in changes and any(
                        r is not target and r.get(self.unique) == changes[self.unique]
                        for r in self.rows):
                    raise SimError(f"{self.unique} exists")
            except SimError:
                results.append(self._echo({k: str(v) for k, v in item.items()}, -1))
                continue
            target.update(changes)
            results.append(self._echo(target, 0))
        return results

    def delete(self, items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        results = []
        for item in items:
            wanted = {k: str(v) for k, v in item.items() if k in ("ID", "Code", "Name", "Prefix")}
            found = next((r for r in self.rows if wanted and all(
                r.get(k) == v for k, v in wanted.items())), None)
            if found is None:
                results.append(self._echo(wanted, -1))
                continue
            self.rows.remove(found)
            results.append(self._echo(found, 0))
        return results

    def replace_all(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Import: validate every row first, then replace the table (all or nothing)."""
        checked = []
        for row in rows:
            clean = {**self.defaults, **self._check(row, partial=False)}
            clean["ID"] = str(row.get("ID") or len(checked) + 1)
            checked.append(clean)
        self.rows = checked


def access_store(code_rule: Rule) -> ItemStore:
    return ItemStore({**ACCESS_RULES, "Code": code_rule}, dict(ACCESS_DEFAULTS),
                     required=("Code",), unique="Code")


def dialreplace_store() -> ItemStore:
    rules = {"Prefix": matches(r"[0-9*#+]{1,32}"), "Line": one_of("0", "1", "2"),
             **{f"Replace{i}": matches(r"[^\x00-\x1f]{0,64}") for i in range(1, 6)}}
    defaults = {"Line": "0", **{f"Replace{i}": "" for i in range(1, 6)}}
    return ItemStore(rules, defaults, required=("Prefix",), unique="Prefix",
                     echo=("ID", "Prefix"))


def group_store() -> ItemStore:
    return ItemStore({"Name": matches(r"[^\x00-\x1f]{1,32}")}, {}, required=("Name",),
                     unique="Name", echo=("ID", "Name"))


@dataclass
class ContactStore:
    """Contacts use the flat lower-case shape of the document's example (id, name, phone)."""

    rows: list[dict[str, str]] = field(default_factory=list)

    def _valid(self, data: Mapping[str, Any], *, partial: bool) -> dict[str, str]:
        row = {k: str(v) for k, v in data.items() if k != "id"}
        for key, value in row.items():
            if key not in ("name", "phone") or not re.fullmatch(r"[^\x00-\x1f]{1,64}", value):
                raise SimError(f"invalid param {key}")
        if not partial and not ("name" in row and "phone" in row):
            raise SimError("missing param name/phone")
        return row

    def add(self, data: Mapping[str, Any]) -> dict[str, str]:
        row = self._valid(data, partial=False)
        new_id = str(max((int(r["id"]) for r in self.rows), default=0) + 1)
        stored = {"id": new_id, **row}
        self.rows.append(stored)
        return dict(stored)

    def find(self, contact_id: Any) -> dict[str, str]:
        for row in self.rows:
            if row["id"] == str(contact_id):
                return row
        raise SimError("no such id")

    def set(self, data: Mapping[str, Any]) -> dict[str, str]:
        row = self.find(data.get("id"))
        row.update(self._valid(data, partial=True))
        return dict(row)

    def delete(self, contact_id: Any) -> None:
        self.rows.remove(self.find(contact_id))

    def replace_all(self, rows: Iterable[Mapping[str, Any]]) -> None:
        checked = [self._valid(r, partial=False) for r in rows]
        self.rows = [{"id": str(i), **r} for i, r in enumerate(checked, 1)]
