"""SIP registration of a Fanvil phone in the vendor-neutral shape.

The document lists ``info.sip.line.N.registerCode`` ("SIP line registration status") without
its values. Assumption (as in :mod:`.specs`): 0 not registering, 100 trying, 200 registered,
any other number the registrar's SIP answer (403, 408...), i.e. a failure with that reason.
Whether a line is meant to register at all comes from its settings (``sip.line.N.EnableReg``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ...core.registration import RegistrationReport, RegState, SipRegistration, sip_reason

NOTE = ("The phone reports a number per line (info.sip.line.N.registerCode); its meaning is "
        "assumed: 0 not registering, 100 trying, 200 registered, other numbers the registrar's "
        "SIP answer.")


def code_key(line: int) -> str:
    """The status key of a line's registration code."""
    return f"info.sip.line.{line}.registerCode"


def line_keys(line: int) -> tuple[str, ...]:
    """What :func:`line_registration` reads for one line."""
    base = f"sip.line.{line}."
    return code_key(line), base + "EnableReg", base + "RegisterUser", base + "RegisterAddr"


def line_registration(line: int, code_text: str, *, enabled: str | None = None,
                      user: str = "", server: str = "") -> SipRegistration:
    """One line; ``enabled`` is ``sip.line.N.EnableReg`` when it was read."""
    raw = code_text.strip()
    identity = f"{user}@{server}" if user and server else user or server
    reason = ""
    try:
        code = int(raw)
    except ValueError:
        code = None
    if enabled == "0" and code in (0, None):
        state, reason = RegState.DISABLED, "registration off"
    elif code == 200:
        state = RegState.REGISTERED
    elif code == 100:
        state = RegState.REGISTERING
    elif code == 0:
        state, reason = RegState.NOT_REGISTERED, "not registering"
    elif code is None:
        state = RegState.UNKNOWN
    else:
        state, reason = RegState.FAILED, sip_reason(code)
    return SipRegistration(account=str(line), label=f"Line {line}", state=state,
                           raw=f"registerCode={raw}", source=code_key(line), reason=reason,
                           identity=identity)


def registration_report(lines: Iterable[int], values: Mapping[str, str]) -> RegistrationReport:
    """Every line from one ``get`` of :func:`line_keys`."""
    accounts = []
    for n in lines:
        base = f"sip.line.{n}."
        accounts.append(line_registration(
            n, values.get(code_key(n), ""), enabled=values.get(base + "EnableReg"),
            user=values.get(base + "RegisterUser", ""),
            server=values.get(base + "RegisterAddr", "")))
    return RegistrationReport(tuple(accounts), note=NOTE)
