"""Events of a Fanvil phone, derived from polled ``info.*`` status (the API has no push).

:class:`StatusTracker` compares each poll with the previous one and yields only changes:
SIP line registration (``info.sip.line.N.registerCode``), call state (``info.call.State``,
an assumed key), and restarts (``info.sys.UpTime`` going back). The first poll only sets the
baseline. Failed polls, backoff and recovery are reported by the shared
:class:`configurator.drivers.polling.PolledEvents` (``poll.error`` / ``poll.recovered``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from ...core.events import DeviceEvent, Severity, now_utc
from ...core.registration import sip_reason
from .registration import line_registration

POLL_KEYS = ("info.sip.", "info.call.", "info.sys.UpTime")
_REG = re.compile(r"^info\.sip\.line\.(\d+)\.registerCode$")
_UPTIME_DHMS = re.compile(
    r"^\s*(?:(\d+)\s*d(?:ays?)?\s*,?\s*)?(\d+):(\d{1,2})(?::(\d{1,2}))?\s*$", re.I)


def parse_uptime(text: str) -> int | None:
    """``'0d 01:02:03'``, ``'3 days 01:02:03'``, ``'01:02:03'`` or ``'3723'`` -> seconds."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    match = _UPTIME_DHMS.match(text)
    if not match:
        return None
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def registration_text(code: int) -> tuple[str, Severity]:
    """Words and severity for a SIP registration code (200: registered)."""
    if code == 200:
        return "registered", Severity.INFO
    if code == 0:
        return "not registered (registration off)", Severity.INFO
    if code == 100:
        return "registering", Severity.INFO
    return f"registration failed: {sip_reason(code)}", Severity.WARNING


class StatusTracker:
    """Turns polled ``info.*`` values into events: changes since the previous poll."""

    def __init__(self, device: str) -> None:
        self.device = device
        self._last: dict[str, str] | None = None
        self._uptime: int | None = None

    def _event(self, type_: str, summary: str, params: dict[str, object],
               severity: Severity = Severity.INFO) -> DeviceEvent:
        return DeviceEvent(device=self.device, type=type_, utc=now_utc(), summary=summary,
                           params=params, severity=severity, source="fanvil.poll")

    def update(self, values: Mapping[str, str]) -> list[DeviceEvent]:
        """The events that the new values imply (none on the first poll)."""
        events: list[DeviceEvent] = []
        uptime = parse_uptime(values.get("info.sys.UpTime", ""))
        restarted = uptime is not None and self._uptime is not None and uptime < self._uptime
        if uptime is not None:
            self._uptime = uptime
        if restarted:
            events.append(self._event("device.restart", "phone restarted", {"uptime": uptime},
                                      Severity.WARNING))
        previous, self._last = self._last, dict(values)
        if previous is None:
            return events
        for key, value in values.items():
            match = _REG.match(key)
            if match and previous.get(key) != value:
                events.append(self._registration(int(match[1]), previous.get(key), value))
        state = values.get("info.call.State")
        if state is not None and state != previous.get("info.call.State"):
            number = values.get("info.call.Number", "")
            summary = f"call {state}" + (f" ({number})" if number else "")
            events.append(self._event("call.state", summary,
                                      {"state": state, "previous": previous.get(
                                          "info.call.State", ""), "number": number}))
        return events

    def _registration(self, line: int, old: str | None, new: str) -> DeviceEvent:
        try:
            code = int(new)
        except ValueError:
            code = -1
        text, severity = registration_text(code)
        event = self._event("sip.registration", f"line {line} {text}",
                            {"line": line, "code": code, "previous": old}, severity)
        return replace(event, registration=line_registration(line, new))
