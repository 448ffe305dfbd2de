"""Small shared widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

_STYLES = {
    "info": ("#e8f1fa", "#1b4f72", "#aed6f1"),
    "success": ("#e9f7ef", "#1d6b33", "#a9dfbf"),
    "warning": ("#fef5e7", "#7e5109", "#f8c471"),
    "error": ("#fdedec", "#922b21", "#f1948a"),
}


class Banner(QLabel):
    """A coloured one-line message above an editor (hidden when empty)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""
        self.hide()

    def show_message(self, kind: str, text: str) -> None:
        background, foreground, border = _STYLES[kind]
        self.kind = kind
        self.setStyleSheet(f"QLabel {{ background: {background}; color: {foreground}; "
                           f"border: 1px solid {border}; border-radius: 4px; padding: 6px; }}")
        self.setText(text)
        self.show()

    def info(self, text: str) -> None:
        self.show_message("info", text)

    def success(self, text: str) -> None:
        self.show_message("success", text)

    def warning(self, text: str) -> None:
        self.show_message("warning", text)

    def error(self, text: str) -> None:
        self.show_message("error", text)

    def clear(self) -> None:
        self.kind = ""
        self.setText("")
        self.hide()
