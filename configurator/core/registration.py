"""SIP registration, one shape for every vendor (the "SIP registered?" ability).

A driver that can tell registration states fulfils :class:`ReportsRegistration`
(``isinstance(device, ReportsRegistration)``): ``sip_registrations()`` returns one
:class:`SipRegistration` per account (2N SIP account, Onetouch account, Fanvil line, PBX trunk
or extension), each with the device's own value kept in ``raw`` for the tooltip. Event
translators attach the same record to a registration event (``DeviceEvent.registration``), so
the window follows changes as they happen instead of waiting for the next status read.

The words shown to a person are the UI's job (they are translated there); drivers give the
state, a reason in words where the device tells one, and the raw value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol, runtime_checkable


class RegState(StrEnum):
    """Where one account stands with its registrar."""

    REGISTERED = "registered"
    REGISTERING = "registering"
    UNREGISTERING = "unregistering"
    NOT_REGISTERED = "not registered"
    FAILED = "failed"
    DISABLED = "disabled"  # the account (or its registration) is switched off: not a problem
    UNKNOWN = "unknown"


class RegRole(StrEnum):
    """Who registers: the device itself with a registrar (an intercom's account, a phone's
    line, a PBX trunk), or other endpoints with the device (a PBX's extensions)."""

    OWN = "own"
    HOSTED = "hosted"


@dataclass(frozen=True)
class SipRegistration:
    """The registration state of one account of a device."""

    account: str  # stable id within the device ("1", "trunk:sip/33", "ext:100")
    label: str  # "SIP account 1", "Line 2", "SIP trunk 33", "Extension 100"
    state: RegState
    raw: str = ""  # the device's own value ("true", "2", "200", "Rejected")
    source: str = ""  # where the raw value comes from ("phone/status registered")
    reason: str = ""  # why it failed / is not registered, in words, when the device tells
    identity: str = ""  # number or user@server, when known
    capability: str = "sip"  # the tree node the account belongs to
    role: RegRole = RegRole.OWN

    @property
    def in_use(self) -> bool:
        """Whether the account is meant to register (a disabled one is not a problem)."""
        return self.state is not RegState.DISABLED


@dataclass(frozen=True)
class RegistrationReport:
    """Every account of a device, plus what the device does not tell (shown in tooltips)."""

    accounts: tuple[SipRegistration, ...] = ()
    note: str = ""


@runtime_checkable
class ReportsRegistration(Protocol):
    """A device that can tell the registration state of its SIP accounts."""

    async def sip_registrations(self) -> RegistrationReport:
        """The state of every account now (one status read)."""
        ...


@dataclass(frozen=True)
class RegistrationSummary:
    """Many accounts in one line: how many are in use, registered, in trouble."""

    in_use: int
    registered: int
    failed: int
    pending: int  # registering / unregistering

    @property
    def all_registered(self) -> bool:
        """Every account in use is registered (and there is at least one)."""
        return self.in_use > 0 and self.registered == self.in_use


def summarize(accounts: Iterable[SipRegistration]) -> RegistrationSummary:
    """Counts over the accounts in use (disabled ones are left out)."""
    used = [a for a in accounts if a.in_use]
    return RegistrationSummary(
        in_use=len(used),
        registered=sum(a.state is RegState.REGISTERED for a in used),
        failed=sum(a.state is RegState.FAILED for a in used),
        pending=sum(a.state in (RegState.REGISTERING, RegState.UNREGISTERING) for a in used))


def merged(accounts: Sequence[SipRegistration], update: SipRegistration
           ) -> tuple[SipRegistration, ...]:
    """``accounts`` with ``update`` in place of the record of the same account (appended when
    it is new). Details the update lacks (identity) are kept from the old record."""
    out = list(accounts)
    for i, old in enumerate(out):
        if old.account == update.account:
            if not update.identity and old.identity:
                update = replace(update, identity=old.identity)
            out[i] = update
            return tuple(out)
    out.append(update)
    return tuple(out)


# SIP final response codes a registrar answers a REGISTER with (RFC 3261 section 21), in the
# words a person can act on, short enough for a tree column. Used where a device reports the
# registrar's answer as a number.
SIP_REASONS: dict[int, str] = {
    400: "bad request (400)",
    401: "wrong password (401)",
    402: "payment required (402)",
    403: "forbidden (403)",
    404: "unknown user (404)",
    405: "not allowed (405)",
    407: "wrong proxy password (407)",
    408: "no answer (408)",
    410: "user gone (410)",
    423: "interval too brief (423)",
    480: "unavailable (480)",
    481: "registration lost (481)",
    482: "loop detected (482)",
    483: "too many hops (483)",
    486: "busy (486)",
    488: "not acceptable (488)",
    500: "server error (500)",
    501: "not implemented (501)",
    502: "bad gateway (502)",
    503: "server unavailable (503)",
    504: "server timeout (504)",
    603: "declined (603)",
}


def sip_reason(code: int) -> str:
    """Words for a SIP response code (``"SIP 499"`` for one without a standard meaning)."""
    return SIP_REASONS.get(code, f"SIP {code}")
