"""What a bulk change asks of each device: settings and table rows, from a template or a CSV.

A **template** is a JSON file of driver -> settings page -> key -> value (a key may also be
written ``"page/key"`` directly under the driver, and ``"*"`` applies to every driver)::

    {"name": "Entrances",
     "drivers": {
       "onetouch": {"relay": {"HoldDelayA": 5},
                    "sip": {"Config.Account1.GENERAL.DisplayName": "{name}"},
                    "tables": {"rfkey": {"add": [{"ID": "7", "Name": "Tenant 7", ...}],
                                         "remove": ["3"]}}},
       "fanvil": {"sip": {"sip.line.1.RegisterUser": "{sip_user}"}}}}

String values may hold placeholders filled per device: ``{name}``, ``{index}`` (1-based
position in the site file), ``{address}``, ``{serial}``, ``{model}`` and every per-device
field of the site file (``"fields": {"sip_user": "2001"}``); ``{{``/``}}`` are literal braces.
A device whose template value names a field it lacks gets that key skipped, with the reason.

A **CSV** has one row per device: an ``address`` (or ``host:port``), ``serial``, ``mac`` or
``name`` column picks the device (the first of them filled in on that row); every other
column is ``page/key`` or a key found on exactly one page of the device; an empty cell leaves
the key alone.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...core import safejson
from ...core.errors import InvalidValue
from ..site import Site, SiteDevice
from .targets import device_index, matches

TABLES = "tables"  # reserved name under a driver: table rows, not a settings page
ID_COLUMNS = ("address", "host", "serial", "mac", "name")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class SettingWanted:
    page: str | None  # None: find the key on whichever page has it
    key: str
    value: Any


@dataclass
class TableWanted:
    table: str
    add: list[dict[str, Any]] = field(default_factory=list)
    remove: list[Any] = field(default_factory=list)


@dataclass
class DeviceChanges:
    """Everything asked of one device, placeholders already filled."""

    settings: list[SettingWanted] = field(default_factory=list)
    tables: list[TableWanted] = field(default_factory=list)
    # Keys the source wanted but that cannot be filled for this device: (page/key, reason).
    unfillable: list[tuple[str, str, str]] = field(default_factory=list)
    reason: str = ""  # why nothing is asked of the device, when nothing is

    @property
    def empty(self) -> bool:
        return not (self.settings or self.tables or self.unfillable)


@dataclass
class ChangeSource:
    """A parsed template or CSV: ``for_device`` gives what one device should get."""

    name: str
    template: dict[str, dict[str, Any]] = field(default_factory=dict)  # driver -> entries
    rows: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (device id, cells)

    def for_device(self, site: Site, entry: SiteDevice) -> DeviceChanges:
        if self.rows:
            return self._from_rows(entry)
        entries = {**self.template.get("*", {}), **self.template.get(entry.driver, {})}
        if not entries:
            driver = entry.driver or "an unknown driver"
            return DeviceChanges(reason=f"the template has nothing for {driver}")
        values = placeholder_values(site, entry)
        changes = DeviceChanges()
        for name, body in entries.items():
            if name == TABLES:
                changes.tables.extend(_tables(body, values, changes))
            elif isinstance(body, dict):
                for key, value in body.items():
                    _add_setting(changes, name, key, value, values)
            else:
                page, sep, key = name.partition("/")
                if not sep:
                    raise InvalidValue(f"template {self.name}: {name!r} must be a page object "
                                       "or \"page/key\"")
                _add_setting(changes, page, key, body, values)
        return changes

    def _from_rows(self, entry: SiteDevice) -> DeviceChanges:
        found = [cells for ident, cells in self.rows if matches(entry, ident)]
        if not found:
            return DeviceChanges(reason="no row of the CSV names this device")
        if len(found) > 1:
            raise InvalidValue(f"{self.name}: several rows name {entry.title}")
        changes = DeviceChanges()
        for column, text in found[0].items():
            if text == "":
                continue
            page, sep, key = column.partition("/")
            changes.settings.append(SettingWanted(page if sep else None, key if sep else page,
                                                  text))
        return changes

    def covers(self, site: Site, devices: list[SiteDevice]) -> list[str]:
        """CSV rows that name no targeted device (reported, never silently dropped)."""
        if not self.rows:
            return []
        return [ident for ident, _ in self.rows if not any(matches(d, ident) for d in devices)]


def placeholder_values(site: Site, entry: SiteDevice) -> dict[str, str]:
    values = {"name": entry.name or entry.title, "index": str(device_index(site, entry)),
              "address": entry.address, "serial": entry.serial, "model": entry.model}
    values.update(entry.fields)
    return values


def fill(value: Any, values: dict[str, str]) -> Any:
    """``value`` with its placeholders filled; KeyError names a missing field."""
    if isinstance(value, str):
        def one(match: re.Match[str]) -> str:
            text = match.group(0)
            if text in ("{{", "}}"):
                return text[0]
            name = match.group(1)
            if name not in values or values[name] == "":
                raise KeyError(name)
            return values[name]
        return _PLACEHOLDER.sub(one, value)
    if isinstance(value, list):
        return [fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, values) for k, v in value.items()}
    return value


def _add_setting(changes: DeviceChanges, page: str, key: str, value: Any,
                 values: dict[str, str]) -> None:
    try:
        changes.settings.append(SettingWanted(page, key, fill(value, values)))
    except KeyError as exc:
        changes.unfillable.append((page, key, f"no site field {exc.args[0]!r} for this device"))


def _tables(body: Any, values: dict[str, str], changes: DeviceChanges) -> list[TableWanted]:
    if not isinstance(body, dict):
        raise InvalidValue("template: 'tables' must map table ids to {\"add\": [...], "
                           "\"remove\": [...]}")
    out = []
    for table, ops in body.items():
        if not isinstance(ops, dict) or set(ops) - {"add", "remove"}:
            raise InvalidValue(f"template: table {table!r} takes only \"add\" and \"remove\"")
        add, remove = ops.get("add", []), ops.get("remove", [])
        if not isinstance(add, list) or not all(isinstance(r, dict) for r in add) \
                or not isinstance(remove, list):
            raise InvalidValue(f"template: table {table!r}: add is a list of rows, remove a "
                               "list of row keys")
        try:
            out.append(TableWanted(table, fill(add, values), fill(remove, values)))
        except KeyError as exc:
            changes.unfillable.append((table, "rows",
                                       f"no site field {exc.args[0]!r} for this device"))
    return out


def load_source(path: str | Path) -> ChangeSource:
    """A template (``.json``) or a per-device CSV (``.csv``), checked for shape."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidValue(f"cannot read {path}: {exc.strerror or exc}") from None
    if path.suffix.lower() == ".csv":
        return parse_csv(text, path.name)
    return parse_template(text, path.name)


def parse_template(text: str, name: str = "template") -> ChangeSource:
    try:
        data = safejson.loads(text)
    except ValueError as exc:
        raise InvalidValue(f"{name} is not a template (invalid JSON: {exc})") from None
    drivers = data.get("drivers") if isinstance(data, dict) else None
    if not isinstance(drivers, dict) or not drivers:
        raise InvalidValue(f"{name}: a template needs \"drivers\": {{driver: {{page: "
                           "{key: value}}}}")
    for driver, entries in drivers.items():
        if not isinstance(entries, dict):
            raise InvalidValue(f"{name}: driver {driver!r} must map pages to settings")
    return ChangeSource(name=str(data.get("name") or name), template=drivers)


def parse_csv(text: str, name: str = "CSV") -> ChangeSource:
    try:
        return _parse_csv(text, name)
    except csv.Error as exc:  # a field over csv.field_size_limit(), a NUL...
        raise InvalidValue(f"{name} is not a readable CSV file ({exc})") from None


def _parse_csv(text: str, name: str) -> ChangeSource:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    ids = [h for h in header if h.lower() in ID_COLUMNS]
    if not ids:
        raise InvalidValue(f"{name}: the first line needs a device column "
                           f"({', '.join(ID_COLUMNS)})")
    if len(header) == len(ids):
        raise InvalidValue(f"{name} has no setting columns")
    rows: list[tuple[str, dict[str, str]]] = []
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        ident = next((row[c] for c in ids if row.get(c)), "")
        if not ident:
            raise InvalidValue(f"{name} line {number}: no {' or '.join(ids)}")
        rows.append((ident, {k: v for k, v in row.items() if k not in ids}))
    return ChangeSource(name=name, rows=rows)
