"""The words shown for a device's or a key's state in the site dialogs.

The states are codes of ``services/site_ops/results`` ("succeeded", "not verified"…): the
dialogs colour and count by the code and show the word of the user's language."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from ..i18n import translate

CONTEXT = "SiteStatus"
WORDS = {
    key: key for key in (
        QT_TRANSLATE_NOOP("SiteStatus", "applied"),
        QT_TRANSLATE_NOOP("SiteStatus", "rejected"),
        QT_TRANSLATE_NOOP("SiteStatus", "not verified"),
        QT_TRANSLATE_NOOP("SiteStatus", "skipped"),
        QT_TRANSLATE_NOOP("SiteStatus", "unreachable"),
        QT_TRANSLATE_NOOP("SiteStatus", "not sent"),
        QT_TRANSLATE_NOOP("SiteStatus", "not started"),
        QT_TRANSLATE_NOOP("SiteStatus", "succeeded"),
        QT_TRANSLATE_NOOP("SiteStatus", "failed"),
        QT_TRANSLATE_NOOP("SiteStatus", "auth failed"),
        QT_TRANSLATE_NOOP("SiteStatus", "running…"),
        QT_TRANSLATE_NOOP("SiteStatus", "waiting"),
        QT_TRANSLATE_NOOP("SiteStatus", "will change"),
        QT_TRANSLATE_NOOP("SiteStatus", "unchanged"),
        QT_TRANSLATE_NOOP("SiteStatus", "planned"),
    )
}


def status_word(state: object) -> str:
    """The word for a state code (the code itself when it is not a known state)."""
    key = str(state)
    return translate(CONTEXT, key) if key in WORDS else key
