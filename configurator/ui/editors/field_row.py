"""One setting in a form: label, editor, state marker and inline message.

The row knows the device's value (baseline), whether the user changed it (dirty), whether the
entered value is valid (``spec.validate`` - the single validator) and the outcome of the last
apply (applied / rejected with the device's message / not verified).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from ...core.errors import InvalidValue
from ...core.params import Kind, ParamSpec
from ..i18n import param_text
from ..icons import OUTCOME_COLOURS, outcome_icon
from ..palette import fg_css
from .field_editors import FieldEditor, make_editor, tooltip

MARKER_SIZE = 16


class FieldRow(QObject):
    changed = Signal()

    def __init__(self, spec: ParamSpec, parent: QWidget) -> None:
        super().__init__(parent)
        self.spec = spec
        text = param_text(spec.label)
        self.label = QLabel(text + ":", parent)
        self.label.setToolTip(tooltip(spec))
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.label.setWordWrap(True)
        self.editor: FieldEditor = make_editor(spec, parent)
        self.label.setBuddy(self.editor)
        self.marker = QLabel(parent)
        self.marker.setFixedSize(MARKER_SIZE, MARKER_SIZE)
        self.message = QLabel(parent)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.baseline: Any = None
        self.outcome: str = ""  # applied / rejected / not verified / ""
        self.outcome_message = ""
        self.error: str = ""
        self.typed: Any = None
        self.editor.edited.connect(self._on_edit)

    # -- layout ---------------------------------------------------------------------------
    def place(self, grid: QGridLayout, row: int) -> int:
        """Put the row into a grid (label | editor | marker, message under the editor)."""
        grid.addWidget(self.label, row, 0)
        grid.addWidget(self.editor, row, 1)
        grid.addWidget(self.marker, row, 2)
        grid.addWidget(self.message, row + 1, 1, 1, 2)
        return row + 2

    @property
    def key(self) -> str:
        return self.spec.key

    # -- state ----------------------------------------------------------------------------
    def set_baseline(self, value: Any) -> None:
        """The device's value: shown, and no longer dirty."""
        self.baseline = value
        self.editor.set_value(None if self.spec.kind is Kind.SECRET else value)
        self._evaluate()

    def set_value(self, value: Any) -> None:
        """Set the entered value as if the user typed it (drafts, tests, CSV)."""
        self.editor.set_value(value)
        self._on_edit()

    def _on_edit(self) -> None:
        self.outcome = ""
        self.outcome_message = ""
        self._evaluate()
        self.changed.emit()

    def _evaluate(self) -> None:
        raw = self.editor.raw()
        self.error = ""
        if self.spec.kind is Kind.SECRET and raw == "":
            self.typed = None  # untouched secret: never sent
        else:
            try:
                self.typed = self.spec.validate(raw)
            except InvalidValue as exc:
                self.typed = None
                self.error = exc.message.split(": ", 1)[-1] if ": " in exc.message else str(exc)
        self._show()

    @property
    def dirty(self) -> bool:
        if self.spec.read_only:
            return False
        if self.spec.kind is Kind.SECRET:
            return self.editor.raw() != ""
        if self.error:
            return True
        return not _same(self.typed, self.baseline)

    def set_outcome(self, outcome: str, message: str = "") -> None:
        self.outcome = outcome
        self.outcome_message = message
        self._show()

    def _show(self) -> None:
        dirty = self.dirty
        font = QFont(self.label.font())
        font.setBold(dirty)
        self.label.setFont(font)
        if self.error:
            state, text = "invalid", self.error
        elif self.outcome:
            state = self.outcome
            text = {"applied": self.tr("Applied"),
                    "rejected": self.tr("Rejected by the device"),
                    "not verified": self.tr("Sent, but not verified"),
                    "skipped": self.tr("Not applied"),
                    "read-only": self.tr("Read-only")}.get(self.outcome, self.outcome)
            if self.outcome_message:
                text = f"{text}: {self.outcome_message}"
            if self.outcome == "applied" and not self.outcome_message:
                text = ""
        elif dirty:
            state, text = "dirty", ""
        else:
            state, text = "", ""
        self.marker.setPixmap(outcome_icon(state).pixmap(MARKER_SIZE, MARKER_SIZE)
                              if state else _empty())
        self.marker.setToolTip({"dirty": "Changed, not applied yet", "invalid": self.error,
                                "applied": "Applied and verified"}.get(state, text))
        self.marker.setProperty("state", state)
        colour = fg_css(OUTCOME_COLOURS.get(state, "#37474f"))
        self.message.setStyleSheet(f"color: {colour}; font-size: 11px;")
        self.message.setText(text)
        self.message.setVisible(bool(text))


def _same(a: Any, b: Any) -> bool:
    if a == b:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    if a in (None, "") and b in (None, ""):
        return True
    return str(a) == str(b) if a is not None and b is not None else False


def _empty():
    from PySide6.QtGui import QPixmap

    pixmap = QPixmap(MARKER_SIZE, MARKER_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap
