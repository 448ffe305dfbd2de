"""SIP registration of an Onetouch intercom in the vendor-neutral shape.

``sip/status`` gives per account (``Account1``, ``Account2``) ``UserName``, ``SipServer`` and
``Status``: -1 unknown, 0 disable, 1 registering, 2 registed, 3 registe failed (the document's
words). It never says why a registration failed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...core.registration import RegistrationReport, RegState, SipRegistration

NO_REASON = ("The intercom reports the state only (sip/status: -1 unknown, 0 disabled, "
             "1 registering, 2 registered, 3 failed), never why a registration failed.")

STATES = {"-1": RegState.UNKNOWN, "0": RegState.DISABLED, "1": RegState.REGISTERING,
          "2": RegState.REGISTERED, "3": RegState.FAILED}
_ACCOUNT = re.compile(r"^Account(\d+)$")


def account_registration(name: str, status: Mapping[str, str]) -> SipRegistration | None:
    """One ``sip/status`` account (None for a key that is not ``AccountN``)."""
    match = _ACCOUNT.match(name)
    if match is None:
        return None
    raw = str(status.get("Status", ""))
    state = STATES.get(raw, RegState.UNKNOWN)
    user, server = status.get("UserName", ""), status.get("SipServer", "")
    identity = f"{user}@{server}" if user and server else user or server
    reason = {RegState.DISABLED: "account disabled",
              RegState.FAILED: "no reason given"}.get(state, "")
    return SipRegistration(account=match[1], label=f"Account {match[1]}", state=state,
                           raw=f"Status={raw}", source="sip/status", reason=reason,
                           identity=identity)


def registration_report(accounts: Mapping[str, Mapping[str, str]]) -> RegistrationReport:
    """Every account of a ``sip/status`` answer, in account order."""
    found = (account_registration(k, v) for k, v in sorted(accounts.items()))
    return RegistrationReport(tuple(r for r in found if r is not None), note=NO_REASON)
