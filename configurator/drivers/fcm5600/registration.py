"""SIP registration on the FCM5600 PBX in the vendor-neutral shape, as the document gives it.

- Trunks (``systeminfo/trunk-status``, SIP and IAX): the PBX registers them with a provider.
  Status Registered / Authenticated count as registered, Unregistered as not registered,
  Rejected and Unauthenticated as failed; a blank status is a trunk not in use ("some
  properties if the trunk is not in use will be blank").
- Extensions (``systeminfo/extension-status``): phones register them with the PBX. The
  document gives availability, not registration: Idle, InUse, Hold, Ringing (an endpoint is
  registered and reachable), Unavailable (none is), Unknown. Assumption: every state but
  Unavailable and Unknown means registered. An extension registered from several endpoints
  is one record (its busiest state, :func:`..events.extension_states`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...core.device import Capability
from ...core.registration import RegistrationReport, RegRole, RegState, SipRegistration

NOTE = ("Trunks: the PBX's trunk-status (Registered, Authenticated, Unregistered, Rejected, "
        "Unauthenticated). Extensions: the PBX gives availability (Idle, InUse, Hold, Ringing, "
        "Unavailable, Unknown); every state but Unavailable and Unknown counts as registered.")

TRUNK_STATES = {
    "registered": (RegState.REGISTERED, ""),
    "authenticated": (RegState.REGISTERED, ""),
    "unregistered": (RegState.NOT_REGISTERED, ""),
    "rejected": (RegState.FAILED, "rejected by the provider"),
    "unauthenticated": (RegState.FAILED, "wrong password"),
}
EXTENSION_STATES = {
    "idle": (RegState.REGISTERED, ""),
    "inuse": (RegState.REGISTERED, ""),
    "hold": (RegState.REGISTERED, ""),
    "ringing": (RegState.REGISTERED, ""),
    "unavailable": (RegState.NOT_REGISTERED, "no phone registered"),
    "unknown": (RegState.UNKNOWN, ""),
}


def trunk_registration(trunk_type: str, name: str, status: str) -> SipRegistration:
    """One trunk (``trunkType``, ``name``, ``status`` of trunk-status)."""
    if not status:
        state, reason = RegState.DISABLED, "not in use (no status)"
    else:
        state, reason = TRUNK_STATES.get(status.lower(), (RegState.UNKNOWN, ""))
    kind = trunk_type.upper() if trunk_type else "VoIP"
    return SipRegistration(
        account=f"trunk:{trunk_type}/{name}", label=f"{kind} trunk {name}", state=state,
        raw=f"status={status}", source="systeminfo/trunk-status", reason=reason,
        capability=str(Capability.TRUNKS))


def extension_registration(exten: str, status: str, address: str = "") -> SipRegistration:
    """One extension and its aggregated statusText."""
    state, reason = EXTENSION_STATES.get(status.lower(), (RegState.UNKNOWN, ""))
    return SipRegistration(
        account=f"ext:{exten}", label=f"Extension {exten}", state=state,
        raw=f"statusText={status}", source="systeminfo/extension-status", reason=reason,
        identity=address, capability=str(Capability.EXTENSIONS), role=RegRole.HOSTED)


def registration_report(trunks: Iterable[Mapping[str, Any]], extensions: Mapping[str, str],
                        addresses: Mapping[str, str]) -> RegistrationReport:
    """Trunks (their trunk-status rows) then extensions (exten -> aggregated status)."""
    records = [trunk_registration(str(t.get("trunkType", "")), str(t.get("name", "")),
                                  str(t.get("status") or ""))
               for t in trunks if isinstance(t, Mapping)]
    records += [extension_registration(exten, status, addresses.get(exten, ""))
                for exten, status in extensions.items()]
    return RegistrationReport(tuple(records), note=NOTE)


def addresses(rows: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """exten -> the addresses it is registered from (comma-separated)."""
    found: dict[str, list[str]] = {}
    for row in rows:
        if isinstance(row, Mapping) and row.get("addr"):
            found.setdefault(str(row.get("exten", "")), []).append(str(row["addr"]))
    return {exten: ", ".join(addrs) for exten, addrs in found.items()}
