"""One event shape for every device and vendor, and the status of an event source."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from .registration import SipRegistration


class Severity(StrEnum):
    """How much an event matters to the person watching the log."""

    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class SourceState(StrEnum):
    """State of one device's event stream, shown next to the device."""

    CONNECTING = "connecting"
    LIVE = "live"
    RETRYING = "retrying"
    DISABLED = "disabled"  # the device does not offer events, or the service is off
    STOPPED = "stopped"


@dataclass(frozen=True)
class DeviceEvent:
    """Something that happened on a device.

    ``event_id`` is the device's own id where it has one (2N log ids), used to de-duplicate
    after a reconnect. ``utc`` is when it happened (device clock, converted to UTC);
    ``tz_shift_min`` is the device's offset from UTC in minutes so its local time can be shown.
    """

    device: str
    type: str
    utc: datetime
    summary: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    severity: Severity = Severity.INFO
    event_id: int | str | None = None
    tz_shift_min: int = 0
    source: str = ""
    # A registration event carries the account's new state in the vendor-neutral shape (the
    # window updates the tree from it); not journaled: the summary and params say it too.
    registration: SipRegistration | None = field(default=None, compare=False)

    @property
    def device_local_time(self) -> datetime:
        """The event's time on the device's own clock (UTC plus its time-zone shift)."""
        return self.utc.astimezone(timezone(timedelta(minutes=self.tz_shift_min)))

    def to_json(self) -> dict[str, Any]:
        """The event as JSON values (for the journal and ``--json``)."""
        return {
            "device": self.device,
            "id": self.event_id,
            "type": self.type,
            "utc": self.utc.isoformat(),
            "local": self.device_local_time.isoformat(),
            "severity": str(self.severity),
            "summary": self.summary,
            "params": self.params,
            "source": self.source,
        }


def utc_from_timestamp(seconds: float) -> datetime:
    """A UTC datetime from a UNIX time."""
    return datetime.fromtimestamp(seconds, UTC)


def now_utc() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)
