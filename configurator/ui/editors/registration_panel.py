"""The SIP registration of a capability's accounts, at the top of its page (SIP, Trunks,
Extensions): one line per account with a coloured dot and the state in words, the device's
own value in the tooltip. Updated from the session whenever it changes."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from ...core.registration import SipRegistration
from ..devices.registration_words import (
    COLOURS,
    account_title,
    account_tooltip,
    state_words,
    summary_words,
)
from ..palette import fg_css

MAX_SHOWN = 12  # more accounts (a PBX's extensions): the first ones and a count


class RegistrationPanel(QFrame):
    """Registration lines of one capability node's accounts."""

    def __init__(self, capability: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.capability = capability
        self.setObjectName("registrationPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#registrationPanel { background: palette(alternate-base); "
                           "border-radius: 4px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(4)
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.heading)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(3, 1)
        layout.addLayout(self.grid)
        self.more = QLabel(self)
        self.more.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.more)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.note)
        self.lines: list[tuple[QLabel, QLabel, QLabel]] = []
        self.hide()

    def show_records(self, records: Sequence[SipRegistration], note: str, online: bool) -> None:
        """Show these accounts (only those of this panel's capability are passed)."""
        if not records:
            self.hide()
            return
        self.heading.setText(self.tr("Registration: {summary}").format(
            summary=summary_words(records)) if online
            else self.tr("Registration: not known while the device is offline"))
        shown = list(records[:MAX_SHOWN])
        while len(self.lines) < len(shown):
            row = len(self.lines)
            dot, name, state = QLabel("●", self), QLabel(self), QLabel(self)
            self.grid.addWidget(dot, row, 0)
            self.grid.addWidget(name, row, 1)
            self.grid.addWidget(state, row, 2)
            self.lines.append((dot, name, state))
        for i, (dot, name, state) in enumerate(self.lines):
            visible = i < len(shown)
            for label in (dot, name, state):
                label.setVisible(visible)
            if not visible:
                continue
            record = shown[i]
            colour = fg_css(COLOURS[record.state] if online else "#8a8f98")
            dot.setStyleSheet(f"color: {colour};")
            name.setText(account_title(record))
            state.setText(state_words(record) if online else "—")
            state.setStyleSheet(f"color: {colour}; font-weight: 600;" if online else "")
            tip = account_tooltip(record)
            for label in (dot, name, state):
                label.setToolTip(tip)
        rest = len(records) - len(shown)
        self.more.setText(self.tr("… and {n} more (see the status table)").format(n=rest))
        self.more.setVisible(rest > 0)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.show()

    def texts(self) -> list[tuple[str, str]]:
        """(account, state) of the visible lines (tests and screenshots)."""
        return [(name.text(), state.text()) for _dot, name, state in self.lines
                if not name.isHidden()]
