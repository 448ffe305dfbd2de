"""Settings described as data: ``ParamSpec`` for one setting, ``TableSpec`` for a list.

Every UI (generated forms and tables, CLI ``get``/``set``, CSV import) is driven by these
descriptors, and every value a user types goes through ``ParamSpec.validate`` (typed values) or
``ParamSpec.parse`` (text) - one place, used by the forms, the CLI and the tests alike.

Typed values by kind:
    bool -> bool; int, port -> int; float -> float; enum -> the choice's value;
    string, secret, host, ip, url, hex -> str; time -> "HH:MM"; weekdays, flags -> frozenset of
    choice values; datetime -> int (UNIX seconds).

Repeated blocks (Relay A/B/C, SIP account 1/2, ``sip.line.N``) are written once as templates with
``{n}``/``{label}`` placeholders and expanded by :func:`repeat`.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlparse

from .errors import InvalidValue


class Kind(StrEnum):
    """What kind of value a setting holds (decides validation and the editor)."""

    BOOL = "bool"
    INT = "int"
    FLOAT = "float"
    ENUM = "enum"
    STRING = "string"
    SECRET = "secret"
    HOST = "host"
    IP = "ip"
    PORT = "port"
    TIME = "time"  # HH:MM
    WEEKDAYS = "weekdays"
    FLAGS = "flags"  # a set of choices, e.g. doors A/B/C
    HEX = "hex"
    URL = "url"
    DATETIME = "datetime"


class Category(StrEnum):
    """Where a setting is shown: basic, advanced, status or debug."""

    BASIC = "basic"
    ADVANCED = "advanced"
    STATUS = "status"
    DEBUG = "debug"


@dataclass(frozen=True)
class Choice:
    """One allowed value of an enum or set setting, with its label."""

    value: Any
    label: str


WEEKDAY_CHOICES: tuple[Choice, ...] = tuple(
    Choice(day, day) for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
)

_TRUE = {"1", "true", "yes", "on", "enable", "enabled"}
_FALSE = {"0", "false", "no", "off", "disable", "disabled"}
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$)({_LABEL})(\.{_LABEL})*\.?$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_HEX = re.compile(r"^[0-9A-Fa-f]*$")


@dataclass(frozen=True)
class ParamSpec:
    """One setting of a device, in the device's own key space."""

    key: str
    label: str
    kind: Kind = Kind.STRING
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Choice, ...] = ()
    unit: str = ""
    default: Any = None
    help: str = ""
    category: Category = Category.BASIC
    group: str = ""
    read_only: bool = False
    max_length: int | None = None
    min_length: int | None = None
    required: bool = False
    pattern: str | None = None  # extra regular expression a string must match

    # -- validation -------------------------------------------------------------------------
    def validate(self, value: Any) -> Any:
        """Return the canonical typed value or raise :class:`InvalidValue` (one line)."""
        if value is None or (isinstance(value, str) and value == "" and self.kind not in _TEXTUAL):
            if self.required:
                raise self._invalid("a value is required")
            if value is None:
                return None
        checker = _VALIDATORS[self.kind]
        return checker(self, value)

    def parse(self, text: str) -> Any:
        """Parse text (CLI ``KEY=VALUE``, a CSV cell, a line edit) and validate it."""
        text = text.strip() if self.kind not in (Kind.SECRET, Kind.STRING) else text
        if self.kind in (Kind.WEEKDAYS, Kind.FLAGS):
            parts = [p.strip() for p in re.split(r"[,;+ ]+", text) if p.strip()]
            return self.validate(parts)
        return self.validate(text)

    def format(self, value: Any, *, reveal: bool = False) -> str:
        """Human/CLI text for a typed value; secrets are masked unless ``reveal``."""
        if value is None:
            return ""
        if self.kind is Kind.SECRET and not reveal:
            return "••••••" if value else ""
        if self.kind is Kind.BOOL:
            return "yes" if value else "no"
        if self.kind is Kind.ENUM:
            return self.choice_label(value)
        if self.kind in (Kind.WEEKDAYS, Kind.FLAGS):
            order = [c.value for c in self.effective_choices]
            return ",".join(str(v) for v in sorted(value, key=_order_key(order)))
        return str(value)

    @property
    def effective_choices(self) -> tuple[Choice, ...]:
        """The choices, with Mon..Sun for a weekday set that names none."""
        if not self.choices and self.kind is Kind.WEEKDAYS:
            return WEEKDAY_CHOICES
        return self.choices

    def to_text(self, value: Any) -> str:
        """Text that ``parse`` turns back into the same value (CSV, drafts): raw choice
        values, never labels or masks."""
        if value is None:
            return ""
        if self.kind is Kind.BOOL:
            return "1" if value else "0"
        if self.kind in (Kind.WEEKDAYS, Kind.FLAGS):
            order = [c.value for c in self.effective_choices]
            return ",".join(str(v) for v in sorted(value, key=_order_key(order)))
        return str(value)

    def choice_label(self, value: Any) -> str:
        """The label of a choice value (the value itself when it is not a choice)."""
        for choice in self.effective_choices:
            if choice.value == value:
                return choice.label
        return str(value)

    def _invalid(self, reason: str) -> InvalidValue:
        return InvalidValue(f"{self.label} ({self.key}): {reason}", param=self.key)


_TEXTUAL = {Kind.STRING, Kind.SECRET, Kind.HEX, Kind.URL, Kind.HOST, Kind.IP}


def _order_key(order: Sequence[Any]) -> Callable[[Any], tuple[int, str]]:
    def key(value: Any) -> tuple[int, str]:
        return (order.index(value) if value in order else len(order), str(value))

    return key


# No setting of any device holds a number with more digits (a 64-bit value has 20).
_MAX_DIGITS = 20


def _check_range(spec: ParamSpec, number: float) -> None:
    if spec.minimum is not None and number < spec.minimum:
        limit = f"{_num(spec.minimum)}{_unit(spec)}"
        raise spec._invalid(f"{_num(number)} is below the minimum {limit}")
    if spec.maximum is not None and number > spec.maximum:
        limit = f"{_num(spec.maximum)}{_unit(spec)}"
        raise spec._invalid(f"{_num(number)} is above the maximum {limit}")


def _num(number: float) -> str:
    if isinstance(number, int):
        return str(number) if len(str(abs(number))) <= 24 else "a number that large"
    return str(int(number)) if number.is_integer() else str(number)


def _unit(spec: ParamSpec) -> str:
    return f" {spec.unit}" if spec.unit else ""


def _v_bool(spec: ParamSpec, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
    raise spec._invalid(f"{value!r} is not yes/no (use 1/0, true/false, on/off)")


def _v_int(spec: ParamSpec, value: Any) -> int:
    if isinstance(value, bool):
        raise spec._invalid(f"{value!r} is not a whole number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text.lstrip("+-").lstrip("0")) > _MAX_DIGITS:
            raise spec._invalid(f"{text[:12]}... is not a whole number a device takes")
        try:
            value = int(text, 10)
        except ValueError:
            raise spec._invalid(f"{value!r} is not a whole number") from None
    if not isinstance(value, int):
        raise spec._invalid(f"{value!r} is not a whole number")
    _check_range(spec, value)
    return value


def _v_float(spec: ParamSpec, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise spec._invalid(f"{value!r} is not a number") from None
    if isinstance(value, bool) or not math.isfinite(number):  # NaN, inf, 1e999
        raise spec._invalid(f"{value!r} is not a number")
    _check_range(spec, number)
    return number


def _v_port(spec: ParamSpec, value: Any) -> int:
    bounded = spec if spec.minimum is not None else replace(spec, minimum=1, maximum=65535)
    return _v_int(bounded, value)


def _v_enum(spec: ParamSpec, value: Any) -> Any:
    for choice in spec.choices:
        if value == choice.value or (isinstance(value, str) and value == str(choice.value)):
            return choice.value
    if isinstance(value, str):  # accept the label too, case-insensitively
        for choice in spec.choices:
            if value.strip().lower() == choice.label.lower():
                return choice.value
    allowed = ", ".join(f"{c.value} ({c.label})" if str(c.value) != c.label else c.label
                        for c in spec.choices)
    raise spec._invalid(f"{value!r} is not one of: {allowed}")


def _v_string(spec: ParamSpec, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise spec._invalid(f"{value!r} is not text")
    text = str(value)
    if any(ord(ch) < 32 and ch not in "\t" for ch in text):
        raise spec._invalid("control characters are not allowed")
    if spec.required and not text:
        raise spec._invalid("a value is required")
    if spec.max_length is not None and len(text) > spec.max_length:
        raise spec._invalid(f"longer than {spec.max_length} characters")
    if spec.min_length is not None and text and len(text) < spec.min_length:
        raise spec._invalid(f"shorter than {spec.min_length} characters")
    if spec.pattern and text and not re.fullmatch(spec.pattern, text):
        raise spec._invalid(f"{text!r} has the wrong format")
    return text


def _ip_text(text: str) -> str | None:
    """``text`` as an IP address in its canonical form, or None when it is not one."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _v_host(spec: ParamSpec, value: Any) -> str:
    text = _v_string(spec, value).strip()
    if not text or _ip_text(text) is not None:
        return text
    if not _HOSTNAME.match(text) or text.replace(".", "").isdigit():
        raise spec._invalid(f"{text!r} is not a host name or IP address")
    return text


def _v_ip(spec: ParamSpec, value: Any) -> str:
    text = _v_string(spec, value).strip()
    if not text:
        return text
    address = _ip_text(text)
    if address is None:
        raise spec._invalid(f"{text!r} is not an IP address")
    return address


def _v_time(spec: ParamSpec, value: Any) -> str:
    text = _v_string(spec, value).strip()
    match = _TIME.match(text)
    if not match:
        raise spec._invalid(f"{text!r} is not a time HH:MM (00:00-23:59)")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _v_set(spec: ParamSpec, value: Any) -> frozenset[Any]:
    if isinstance(value, str):
        value = [p for p in re.split(r"[,;+ ]+", value) if p]
    if not isinstance(value, Iterable):
        raise spec._invalid(f"{value!r} is not a list of choices")
    enum_spec = replace(spec, kind=Kind.ENUM, choices=spec.effective_choices)
    return frozenset(_v_enum(enum_spec, item) for item in value)


def _v_hex(spec: ParamSpec, value: Any) -> str:
    text = _v_string(spec, value).strip()
    if not _HEX.match(text):
        raise spec._invalid(f"{text!r} is not hexadecimal (0-9, A-F)")
    return text.upper()


def _v_url(spec: ParamSpec, value: Any) -> str:
    text = _v_string(spec, value).strip()
    if not text:
        return text
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https", "rtsp", "sip", "sips", "ftp") or not (
        parsed.netloc or parsed.path
    ):
        raise spec._invalid(f"{text!r} is not a URL (http://host/path)")
    return text


def _v_datetime(spec: ParamSpec, value: Any) -> int:
    return _v_int(spec, value)


_VALIDATORS = {
    Kind.BOOL: _v_bool,
    Kind.INT: _v_int,
    Kind.FLOAT: _v_float,
    Kind.ENUM: _v_enum,
    Kind.STRING: _v_string,
    Kind.SECRET: _v_string,
    Kind.HOST: _v_host,
    Kind.IP: _v_ip,
    Kind.PORT: _v_port,
    Kind.TIME: _v_time,
    Kind.WEEKDAYS: _v_set,
    Kind.FLAGS: _v_set,
    Kind.HEX: _v_hex,
    Kind.URL: _v_url,
    Kind.DATETIME: _v_datetime,
}


def repeat(templates: Sequence[ParamSpec], instances: Iterable[tuple[str, str]]) -> list[ParamSpec]:
    """Expand templated specs for repeated blocks.

    ``instances`` are ``(n, label)`` pairs, e.g. ``[("A", "Relay A"), ("B", "Relay B")]``;
    ``{n}`` in key/label/help/group is replaced by ``n`` and ``{label}`` by ``label``.
    """
    expanded: list[ParamSpec] = []
    for n, label in instances:
        for spec in templates:
            expanded.append(
                replace(
                    spec,
                    key=spec.key.format(n=n, label=label),
                    label=spec.label.format(n=n, label=label),
                    help=spec.help.format(n=n, label=label),
                    group=spec.group.format(n=n, label=label),
                )
            )
    return expanded


@dataclass(frozen=True)
class SettingsPage:
    """A page of settings read and written together (one form in the UI, one CLI group)."""

    id: str
    title: str
    params: tuple[ParamSpec, ...]
    help: str = ""
    capability: str = ""
    # The capability whose editor changes these settings when this page cannot (2N: the
    # configuration file); the form links to it.
    edited_in: str = ""

    def spec(self, key: str) -> ParamSpec:
        """The setting with this key; a unique last part (``HoldDelayA``) is enough."""
        for spec in self.params:
            if spec.key == key:
                return spec
        tail = [s for s in self.params if s.key.rsplit(".", 1)[-1].lower() == key.lower()]
        if len(tail) == 1:
            return tail[0]
        if len(tail) > 1:
            options = ", ".join(s.key for s in tail)
            raise InvalidValue(f"{key!r} is ambiguous in {self.id}: {options}", param=key)
        close = difflib.get_close_matches(key, [s.key for s in self.params], n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise InvalidValue(f"{self.id} has no setting {key!r}{hint}", param=key)

    def groups(self) -> list[str]:
        """The group names of this page, in the order of their first setting."""
        seen: list[str] = []
        for spec in self.params:
            if spec.group not in seen:
                seen.append(spec.group)
        return seen


class TableOp(StrEnum):
    """The operations a table offers."""

    ADD = "add"
    SET = "set"
    DEL = "del"
    CLEAR = "clear"
    EXPORT = "export"
    IMPORT = "import"


@dataclass(frozen=True)
class TableSpec:
    """A list the device keeps (RF keys, dial rules, users...): columns are ParamSpecs."""

    id: str
    title: str
    columns: tuple[ParamSpec, ...]
    row_key: str
    operations: frozenset[TableOp] = field(default_factory=frozenset)
    max_rows: int | None = None
    help: str = ""
    capability: str = ""
    export_format: str = ""  # the device's own export file type, e.g. "xml", "csv", "tgz"

    def column(self, key: str) -> ParamSpec:
        """The column with this key (:class:`InvalidValue` when there is none)."""
        for spec in self.columns:
            if spec.key == key:
                return spec
        raise InvalidValue(f"table {self.id} has no column {key!r}", param=key)

    def validate_row(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """Validate every known cell; unknown columns are an error (typos lose data)."""
        unknown = set(row) - {c.key for c in self.columns}
        if unknown:
            raise InvalidValue(f"table {self.id}: unknown column(s) {', '.join(sorted(unknown))}")
        clean: dict[str, Any] = {}
        for spec in self.columns:
            if spec.key in row:
                clean[spec.key] = spec.validate(row[spec.key])
            elif spec.required:
                raise spec._invalid("a value is required")
        return clean

    def parse_row(self, texts: Mapping[str, str]) -> dict[str, Any]:
        """Parse a row of text cells (CSV import, CLI) into typed, validated values."""
        unknown = set(texts) - {c.key for c in self.columns}
        if unknown:
            raise InvalidValue(f"table {self.id}: unknown column(s) {', '.join(sorted(unknown))}")
        row = {key: self.column(key).parse(text) for key, text in texts.items()}
        return self.validate_row(row)
