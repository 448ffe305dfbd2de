"""The parts every device panel (plates, recordings, pictures, configuration file) is built
from: the banner over an explanatory note at the top, a read-only list table, and the HTML
escaping and one-line reasons of the messages it puts in its banner."""

from __future__ import annotations

import html
import logging

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import ConfiguratorError
from ..i18n import translate
from ..palette import fg_css
from ..widgets import Banner


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


def escaped(text: str) -> str:
    """``text`` safe inside a rich-text banner."""
    return html.escape(text, quote=False)


def reason(exc: BaseException, logger: logging.Logger) -> str:
    """One line for the user; an unexpected exception is logged with its traceback."""
    if isinstance(exc, ConfiguratorError):
        return str(exc)
    logger.error("unexpected error", exc_info=exc)
    return translate("panel_parts", "internal error: {error}").format(error=exc)
