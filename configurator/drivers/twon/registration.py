"""SIP registration of a 2N intercom in the vendor-neutral shape.

``phone/status`` gives per account ``registered`` (true/false) and, in v2.38, ``enabled`` and
``registrationEnabled``; v2.11 gives ``account``, ``sipNumber``, ``registered`` only. Neither
says why an account is not registered. The ``RegistrationStateChanged`` event (v2.38) adds the
transitions: registered / unregistered / registering / unregistering.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...core.registration import RegistrationReport, RegState, SipRegistration

NO_REASON = ("The intercom reports only registered or not (phone/status), never why an "
             "account is not registered.")
NOT_OFFERED = ("This intercom does not report SIP registration: phone/status is not available "
               "(on 2N Helios IP v2.11 it needs the Enhanced Integration licence).")

EVENT_STATES = {
    "registered": RegState.REGISTERED,
    "unregistered": RegState.NOT_REGISTERED,
    "registering": RegState.REGISTERING,
    "unregistering": RegState.UNREGISTERING,
}


def _true(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def account_registration(row: Mapping[str, Any]) -> SipRegistration | None:
    """One ``phone/status`` account (None for a row without an account id)."""
    if "account" not in row:
        return None
    number = str(row.get("account"))
    registered = row.get("registered")
    if "enabled" in row and not _true(row.get("enabled")):
        state, raw = RegState.DISABLED, f"enabled={str(row.get('enabled')).lower()}"
    elif "registrationEnabled" in row and not _true(row.get("registrationEnabled")):
        state, raw = RegState.DISABLED, "registrationEnabled=false"
    elif registered is None:
        state, raw = RegState.UNKNOWN, "registered missing"
    else:
        state = RegState.REGISTERED if _true(registered) else RegState.NOT_REGISTERED
        raw = f"registered={str(registered).lower()}"
    reason = ""
    if state is RegState.DISABLED:
        reason = ("registration switched off" if raw.startswith("registrationEnabled")
                  else "account disabled")
    return SipRegistration(
        account=number, label=f"SIP account {number}", state=state, raw=raw,
        source="phone/status", reason=reason, identity=str(row.get("sipNumber") or ""))


def registration_report(rows: Iterable[Mapping[str, Any]]) -> RegistrationReport:
    """Every account of a ``phone/status`` answer."""
    accounts = tuple(r for r in (account_registration(row) for row in rows) if r is not None)
    return RegistrationReport(accounts, note=NO_REASON)


def event_registration(params: Mapping[str, Any]) -> SipRegistration | None:
    """The record a ``RegistrationStateChanged`` event carries (None when it names no
    account)."""
    account = params.get("sipAccount")
    if account is None:
        return None
    raw = str(params.get("state", ""))
    return SipRegistration(
        account=str(account), label=f"SIP account {account}",
        state=EVENT_STATES.get(raw, RegState.UNKNOWN), raw=f"state={raw}",
        source="RegistrationStateChanged event")
