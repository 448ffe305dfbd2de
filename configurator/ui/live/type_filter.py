"""The event log's type filter: several event types at once, by their names in words.

A push button whose menu lists every event type seen so far as a checkable entry ("Switch
state changed"; the device's own code, ``SwitchStateChanged``, in the entry's tooltip). The
menu stays open while types are ticked; "All types" clears the choice. The button says what
is chosen ("All types", the one type's name, or "3 types") and sizes itself to that text.
"""

from __future__ import annotations

import functools
import re

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from ..i18n import translate

# Words that stay in capitals when a type code is turned into words.
ACRONYMS = frozenset({"sip", "io", "rf", "pin", "lpr", "dtmf", "pcap", "api", "ip", "nfc",
                      "ble", "uid", "tls", "http", "rtsp", "pbx"})
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


@functools.lru_cache(maxsize=512)
def type_label(code: str) -> str:
    """An event type code in words: ``SwitchStateChanged`` -> "Switch state changed",
    ``sip.registration`` -> "SIP registration", ``poll.error`` -> "Poll error". A catalogue
    may translate the result (context "event types")."""
    words = [w for part in re.split(r"[._\-\s]+", code) for w in _WORD.findall(part)]
    if not words:
        return code
    shown = [w.upper() if w.lower() in ACRONYMS else w.lower() for w in words]
    if shown[0].islower():
        shown[0] = shown[0].capitalize()
    return translate("event types", " ".join(shown))


class _StayOpenMenu(QMenu):
    """A menu whose checkable entries toggle without closing it (several types in a row)."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.actionAt(event.position().toPoint())
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)


class TypeFilterButton(QPushButton):
    """Choose any number of event types; see the module docstring."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.menu_ = _StayOpenMenu(self)
        self.menu_.setToolTipsVisible(True)
        self.setMenu(self.menu_)
        self.all_action = self.menu_.addAction(self.tr("All types"))
        self.all_action.setCheckable(True)
        self.all_action.setChecked(True)
        self.all_action.triggered.connect(self._all_chosen)
        self.menu_.addSeparator()
        self.actions_: dict[str, QAction] = {}
        self._update_text()

    # -- the types --------------------------------------------------------------------------
    def sync(self, codes: set[str]) -> None:
        """Add an entry for every type not listed yet (kept in the order of their names)."""
        new = codes - set(self.actions_)
        if not new:
            return
        for code in new:
            action = QAction(type_label(code), self.menu_)
            action.setCheckable(True)
            action.setData(code)
            action.setToolTip(code)
            action.toggled.connect(self._type_toggled)
            self.actions_[code] = action
        for action in self.actions_.values():
            self.menu_.removeAction(action)
        for code in sorted(self.actions_, key=lambda c: self.actions_[c].text().lower()):
            self.menu_.addAction(self.actions_[code])

    def codes(self) -> list[str]:
        """Every type listed, in menu order."""
        return [a.data() for a in self.menu_.actions() if a.data() in self.actions_]

    def selected(self) -> frozenset[str] | None:
        """The chosen types (None: all)."""
        chosen = frozenset(c for c, a in self.actions_.items() if a.isChecked())
        return chosen or None

    def set_selected(self, codes: set[str] | frozenset[str] | None) -> None:
        """Choose exactly these types (None or empty: all); listed first if new."""
        wanted = set(codes or ())
        self.sync(wanted)
        for code, action in self.actions_.items():
            action.blockSignals(True)
            action.setChecked(code in wanted)
            action.blockSignals(False)
        self._after_change()

    # -- reactions --------------------------------------------------------------------------
    def _all_chosen(self) -> None:
        self.set_selected(None)

    def _type_toggled(self, _checked: bool) -> None:
        self._after_change()

    def _after_change(self) -> None:
        chosen = self.selected()
        self.all_action.setChecked(chosen is None)
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.setText(self.tr("All types"))
            self.setToolTip(self.tr("Show events of every type; choose some types here"))
        elif len(chosen) == 1:
            code = next(iter(chosen))
            self.setText(type_label(code))
            self.setToolTip(code)
        else:
            self.setText(self.tr("{n} types").format(n=len(chosen)))
            self.setToolTip("\n".join(f"{type_label(c)} ({c})" for c in sorted(chosen)))
        self.updateGeometry()
