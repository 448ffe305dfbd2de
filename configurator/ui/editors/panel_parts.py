"""The parts every device panel (plates, recordings, pictures, configuration file) is built
from: the base holding the device and the busy state, the banner over an explanatory note at
the top, a read-only list table, a row of buttons, and the HTML escaping and one-line reasons
of the messages it puts in its banner."""

from __future__ import annotations

import contextlib
import html
import logging
from collections.abc import AsyncIterator
from typing import Generic, TypeVar

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import ConfiguratorError
from ..dialogs.awaitable import Asker, QtAsker
from ..i18n import translate
from ..palette import fg_css
from ..widgets import Banner
from .context import EditorContext

AbilityT = TypeVar("AbilityT")


class DevicePanel(QWidget, Generic[AbilityT]):
    """A panel for one ability of a device: the editor context, the device (typed by the
    ability the panel uses), the file dialogs (``asker``, which a test replaces) and whether
    a request of the panel is running (``busy``)."""

    def __init__(self, ctx: EditorContext, device: AbilityT,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.device = device
        self.asker: Asker = QtAsker()
        self.busy = False

    def _update(self) -> None:
        """Enable the panel's controls for its state (each panel has its own)."""

    @contextlib.asynccontextmanager
    async def _request(self) -> AsyncIterator[None]:
        """Around one request to the device: the panel busy (its controls disabled) and the
        device's busy ring shown until it ends, however it ends."""
        self.busy = True
        self._update()
        try:
            async with self.ctx.manager.busy(self.ctx.session):
                yield
        finally:
            self.busy = False
            self._update()


def note_label(text: str, parent: QWidget) -> QLabel:
    """A grey, word-wrapped explanation (``text`` already translated)."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {fg_css('#546e7a')};")
    return label


def panel_top(panel: QWidget, about: str) -> tuple[QVBoxLayout, Banner]:
    """The panel's main layout, started with its banner and the note ``about``."""
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(0, 4, 0, 0)
    banner = Banner(panel)
    layout.addWidget(banner)
    layout.addWidget(note_label(about, panel))
    return layout, banner


def list_table(parent: QWidget, headers: list[str],
               selection: QAbstractItemView.SelectionMode) -> QTableWidget:
    """A read-only table of whole-row selection, columns sized to their contents and the
    last one stretched."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(selection)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def button_row(*buttons: QWidget) -> QHBoxLayout:
    """The buttons side by side from the left."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def escaped(text: str) -> str:
    """``text`` safe inside a rich-text banner."""
    return html.escape(text, quote=False)


def reason(exc: BaseException, logger: logging.Logger) -> str:
    """One line for the user; an unexpected exception is logged with its traceback."""
    if isinstance(exc, ConfiguratorError):
        return str(exc)
    logger.error("unexpected error", exc_info=exc)
    return translate("panel_parts", "internal error: {error}").format(error=exc)
