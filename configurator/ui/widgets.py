"""Small shared widgets."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from .messages import words_and_code
from .palette import bg_css, fg_css, line_css

_STYLES = {
    "info": ("#e8f1fa", "#1b4f72", "#aed6f1"),
    "success": ("#e9f7ef", "#1d6b33", "#a9dfbf"),
    "warning": ("#fef5e7", "#7e5109", "#f8c471"),
    "error": ("#fdedec", "#922b21", "#f1948a"),
}


class Banner(QLabel):
    """A coloured one-line message above an editor (hidden when empty).

    A message that describes a state (``holds`` given: "2 values are invalid") goes away by
    itself once ``refresh()`` finds the state over; a message about an event ("Applied 3
    settings") stays until the next one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""
        self.holds: Callable[[], bool] | None = None
        self.hide()

    def show_message(self, kind: str, text: str,
                     holds: Callable[[], bool] | None = None) -> None:
        background, foreground, border = (css(colour) for css, colour in
                                          zip((bg_css, fg_css, line_css), _STYLES[kind],
                                              strict=True))
        self.kind = kind
        self.holds = holds
        self.setStyleSheet(f"QLabel {{ background: {background}; color: {foreground}; "
                           f"border: 1px solid {border}; border-radius: 4px; padding: 6px; }}")
        # The device's own code ("[2N error 12]", "(Ret -1)") is a detail: in the tooltip.
        words, code = words_and_code(text)
        self.setText(words)
        self.setToolTip(self.tr("Device code: {code}").format(code=code) if code else "")
        self.show()

    def info(self, text: str) -> None:
        self.show_message("info", text)

    def success(self, text: str) -> None:
        self.show_message("success", text)

    def warning(self, text: str) -> None:
        self.show_message("warning", text)

    def error(self, text: str, holds: Callable[[], bool] | None = None) -> None:
        self.show_message("error", text, holds)

    def refresh(self) -> None:
        """Clear a state message whose state is over."""
        if self.holds is not None and not self.holds():
            self.clear()

    def clear(self) -> None:
        self.kind = ""
        self.holds = None
        self.setText("")
        self.hide()
