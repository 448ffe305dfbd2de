"""SIP registration in a person's words: one account, a node's accounts, a device's accounts.

Renders the vendor-neutral :class:`~configurator.core.registration.SipRegistration` records
(no vendor code here): "Registered", "Not registered", "Registering…", "Failed: <reason>",
with the device's own value in the tooltip. Every string goes through Qt's translation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtGui import QIcon

from ...core.registration import RegRole, RegState, SipRegistration, summarize
from ..i18n import translate
from ..icons import status_dot

COLOURS: dict[RegState, str] = {
    RegState.REGISTERED: "#2e9d4a",
    RegState.REGISTERING: "#2874a6",
    RegState.UNREGISTERING: "#2874a6",
    RegState.NOT_REGISTERED: "#d68910",
    RegState.FAILED: "#c0392b",
    RegState.DISABLED: "#b0b6bd",
    RegState.UNKNOWN: "#8a8f98",
}


def state_words(record: SipRegistration) -> str:
    """One account's state: "Registered", "Failed: wrong user name or password (401)"..."""
    state = record.state
    if state is RegState.REGISTERED:
        return translate("Registration", "Registered")
    if state is RegState.REGISTERING:
        return translate("Registration", "Registering…")
    if state is RegState.UNREGISTERING:
        return translate("Registration", "Unregistering…")
    if state is RegState.NOT_REGISTERED:
        return translate("Registration", "Not registered")
    if state is RegState.FAILED:
        reason = record.reason or translate("Registration", "no reason given")
        return translate("Registration", "Failed: {reason}").format(reason=reason)
    if state is RegState.DISABLED:
        return translate("Registration", "Disabled")
    return translate("Registration", "Unknown")


def state_icon(record: SipRegistration) -> QIcon:
    """A dot in the state's colour."""
    return status_dot(COLOURS[record.state])


def account_title(record: SipRegistration) -> str:
    """ "SIP account 1 · 5207" (the label, and the number or user@server when known)."""
    return f"{record.label} · {record.identity}" if record.identity else record.label


def account_tooltip(record: SipRegistration) -> str:
    """The account, its state with the reason, and the device's raw value."""
    lines = [account_title(record), state_words(record)]
    if record.reason and record.state is not RegState.FAILED:
        lines[-1] += f" ({record.reason})"
    if record.raw:
        lines.append(translate("Registration", "Device value: {raw}").format(raw=record.raw)
                     + (f" — {record.source}" if record.source else ""))
    return "\n".join(lines)


def summary_words(records: Sequence[SipRegistration]) -> str:
    """A node's or device's accounts in a few words ("" when none is in use)."""
    counts = summarize(records)
    used = [r for r in records if r.in_use]
    if not counts.in_use:
        return translate("Registration", "Not in use") if records else ""
    if len(used) == 1:
        return state_words(used[0])
    if counts.all_registered:
        return translate("Registration", "All {n} registered").format(n=counts.in_use)
    words = translate("Registration", "{registered} of {n} registered").format(
        registered=counts.registered, n=counts.in_use)
    if counts.failed:
        words += translate("Registration", ", {failed} failed").format(failed=counts.failed)
    return words


def summary_state(records: Iterable[SipRegistration]) -> RegState:
    """The state whose colour stands for many accounts (the worst one in use)."""
    order = (RegState.FAILED, RegState.NOT_REGISTERED, RegState.UNKNOWN, RegState.REGISTERING,
             RegState.UNREGISTERING, RegState.REGISTERED)
    states = {r.state for r in records if r.in_use}
    return next((s for s in order if s in states), RegState.DISABLED)


def device_words(records: Sequence[SipRegistration]) -> str:
    """The device row's part, short: the accounts the device registers itself ("" when it
    has none in use). The accounts' own rows and the tooltip say more."""
    own = [r for r in records if r.role is RegRole.OWN and r.in_use]
    if not own:
        return ""
    counts = summarize(own)
    if counts.all_registered:
        return translate("Registration", "SIP registered")
    if len(own) > 1 and counts.registered:
        return translate("Registration", "SIP {registered} of {n} registered").format(
            registered=counts.registered, n=counts.in_use)
    worst = summary_state(own)
    if worst is RegState.FAILED:
        return translate("Registration", "SIP failed")
    if worst in (RegState.REGISTERING, RegState.UNREGISTERING):
        return translate("Registration", "SIP registering…")
    if worst is RegState.UNKNOWN:
        return translate("Registration", "SIP state unknown")
    return translate("Registration", "SIP not registered")


def list_tooltip(records: Sequence[SipRegistration], note: str, limit: int = 30) -> str:
    """Every account on its own line (the node's and device's tooltip), then the note."""
    lines = [f"{account_title(r)}: {state_words(r)}"
             + (f" ({r.reason})" if r.reason and r.state is not RegState.FAILED else "")
             + (f" — {r.raw}" if r.raw else "")
             for r in records[:limit]]
    if len(records) > limit:
        lines.append(translate("Registration", "… and {n} more").format(n=len(records) - limit))
    if note:
        lines.append(note)
    return "\n".join(lines)
