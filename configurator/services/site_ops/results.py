"""What happened on each device of a site-scale operation, per key and per table row.

One vocabulary for every site operation (apply, tables, backup, firmware, report): a device
ends ``succeeded``, ``failed``, ``skipped``, ``unreachable``, ``auth failed`` or ``not started``
(cancelled before its turn: left untouched). Per key: applied / rejected (with the device's
words) / not verified / skipped (the device lacks the setting, with the reason) / unreachable
(the device went away: nothing is known, so nothing is claimed) / not sent (the device stopped
at another key before this one; sending it again may work).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ...core.errors import AuthError, ConfiguratorError, Unreachable


class KeyOutcome(StrEnum):
    APPLIED = "applied"
    REJECTED = "rejected"
    NOT_VERIFIED = "not verified"
    SKIPPED = "skipped"
    UNREACHABLE = "unreachable"
    NOT_SENT = "not sent"  # the device stopped before this key (write contract: skipped)
    NOT_STARTED = "not started"


class DeviceStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"  # nothing to do on this device (with the reason)
    UNREACHABLE = "unreachable"
    AUTH_FAILED = "auth failed"
    NOT_STARTED = "not started"  # cancelled or the wave stopped before its turn


#: Statuses that make a run's exit code non-zero.
FAILURES = frozenset({DeviceStatus.FAILED, DeviceStatus.UNREACHABLE, DeviceStatus.AUTH_FAILED,
                      DeviceStatus.NOT_STARTED})


@dataclass
class KeyChange:
    """One key of one device: what it was, what was asked, what came of it."""

    page: str
    key: str
    old: Any = None
    new: Any = None
    outcome: KeyOutcome | None = None  # None: planned only (dry run)
    value: Any = None  # read back after the write
    message: str = ""
    secret: bool = False  # shown and journaled masked

    @property
    def changed(self) -> bool:
        return bool(self.old != self.new)

    def to_json(self) -> dict[str, Any]:
        mask = _mask if self.secret else _plain
        data: dict[str, Any] = {"page": self.page, "key": self.key, "old": mask(self.old),
                                "new": mask(self.new)}
        if self.outcome is not None:
            data["outcome"] = str(self.outcome)
            data["value"] = mask(self.value)
        if self.message:
            data["message"] = self.message
        return data


def value_text(value: Any) -> str:
    """A setting's value in one short line for a person: "(empty)" for nothing, a list
    comma-separated (the CLI, the bulk-edit results, the audit trail and the report)."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


@dataclass
class RowChange:
    """One table row of one device (bulk add/remove)."""

    table: str
    op: str
    key: Any
    ok: bool | None = None  # None: planned only
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"table": self.table, "op": self.op, "row": _plain(self.key)}
        if self.ok is not None:
            data["ok"] = self.ok
        if self.message:
            data["message"] = self.message
        return data


@dataclass
class DeviceResult:
    """The outcome of one device; ``keys``/``rows``/``details`` depend on the operation."""

    device: str  # the site key (host:port)
    title: str
    status: DeviceStatus
    message: str = ""
    keys: list[KeyChange] = field(default_factory=list)
    rows: list[RowChange] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status not in FAILURES

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"device": self.device, "title": self.title,
                                "status": str(self.status)}
        if self.message:
            data["message"] = self.message
        if self.keys:
            data["keys"] = [k.to_json() for k in self.keys]
        if self.rows:
            data["rows"] = [r.to_json() for r in self.rows]
        if self.details:
            data.update(self.details)
        data["seconds"] = round(self.seconds, 3)
        return data


def status_for_error(exc: BaseException) -> DeviceStatus:
    """How a device that failed with ``exc`` is reported (anything else, a certificate
    problem too: failed)."""
    if isinstance(exc, AuthError):
        return DeviceStatus.AUTH_FAILED
    if isinstance(exc, Unreachable):
        return DeviceStatus.UNREACHABLE
    return DeviceStatus.FAILED


def error_text(exc: BaseException) -> str:
    """One line for a failure (the device's own words for a ConfiguratorError)."""
    if isinstance(exc, ConfiguratorError):
        return exc.message
    return f"internal error: {type(exc).__name__}: {exc}"


def status_from_keys(keys: list[KeyChange]) -> DeviceStatus:
    """A device succeeded when every key was applied (or skipped with a reason)."""
    outcomes = {k.outcome for k in keys}
    if not keys or outcomes <= {KeyOutcome.SKIPPED}:
        return DeviceStatus.SKIPPED
    if KeyOutcome.UNREACHABLE in outcomes:
        return DeviceStatus.UNREACHABLE
    if outcomes <= {KeyOutcome.APPLIED, KeyOutcome.SKIPPED}:
        return DeviceStatus.SUCCEEDED
    return DeviceStatus.FAILED


def _plain(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(value, key=str)
    return value


def _mask(value: Any) -> Any:
    return "••••••" if value not in (None, "") else value
