"""Which values of a configuration file are secrets (passwords, PINs, keys), by their name.

No schema is known, so the element or attribute name decides: ``Password``, ``SipPassword``,
``@passwd``, ``Pin``, ``PinCode``, ``Secret``, ``Token``, ``Psk``, ``PrivateKey``…
# Assumption: such names are how configuration files name their secrets; a secret under
# another name is shown like any value (the file itself is the user's, kept 0600).
Secret values are shown masked in the window until asked for, masked in the command's
output unless ``--show-secrets``, and journaled masked.
"""

from __future__ import annotations

import re

from .diff import ValueChange
from .document import ConfigDocument

MASK = "••••••"
_NAME = re.compile(r"(?i)(pass(word|wd|phrase)?|pwd|secret|pin(code)?|token|psk|"
                   r"private_?key|auth_?key|api_?key|credentials?)$")
_INDEX = re.compile(r"\[\d+\]$")


def _secret_name(segment: str) -> bool:
    name = _INDEX.sub("", segment).lstrip("@").rsplit(":", 1)[-1]  # no [n], @, prefix
    return bool(_NAME.search(name))


def is_secret_path(path: str) -> bool:
    """True when the last name of ``path`` names a secret; for an attribute, also when its
    element's name does (``<Pin code="1234"/>``: masking too much is the safe side)."""
    parts = path.rsplit("/", 2)
    if _secret_name(parts[-1]):
        return True
    return parts[-1].startswith("@") and len(parts) > 1 and _secret_name(parts[-2])


def shown(path: str, value: str | None, *, reveal: bool = False) -> str | None:
    """``value`` as it may be shown: masked for a secret path (empty stays empty)."""
    if value is None or value == "" or reveal or not is_secret_path(path):
        return value
    return MASK


def masked_change(change: ValueChange, *, reveal: bool = False) -> ValueChange:
    """The change with secret values masked (a changed secret still shows as changed)."""
    if reveal or not is_secret_path(change.path):
        return change
    old = shown(change.path, change.old)
    new = shown(change.path, change.new)
    if old == new and change.old != change.new and new is not None:
        new = MASK + " (changed)"
    return ValueChange(change.path, old, new)


def masked_documents(before: ConfigDocument, after: ConfigDocument
                     ) -> tuple[ConfigDocument, ConfigDocument]:
    """The two documents with their secret values masked, for a diff a person reads (a
    changed secret is marked so on the ``after`` side). The same documents when they hold no
    secret value."""
    old_values, new_values = before.values(), after.values()
    paths = [p for p in {**old_values, **new_values} if is_secret_path(p)]
    if not paths:
        return before, after
    masked_before, masked_after = before.copy(), after.copy()
    for path in paths:
        old, new = old_values.get(path), new_values.get(path)
        if old:
            masked_before.set_value(path, MASK)
        if new:
            masked_after.set_value(path, MASK if new == old else MASK + " (changed)")
    return masked_before, masked_after
