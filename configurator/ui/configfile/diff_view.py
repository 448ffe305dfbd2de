"""Readable differences: a per-path table (downloaded → edited), a coloured unified diff, and
after an upload the per-path result (applied / not applied)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QFontDatabase, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ...services.config_file import Outcome, ValueChange, VerifyReport
from ...services.config_file.secrets import masked_change, shown
from ..icons import outcome_icon
from ..palette import bg, fg


def _shown(value: str | None, absent: str) -> str:
    if value is None:
        return absent
    return value if value != "" else "\u2205"  # an empty value, visibly


def _setup(table: QTableWidget, headers: Sequence[str]) -> None:
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(headers)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)


def _cell(text: str, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(tooltip or text)
    return item


class ChangesTable(QTableWidget):
    """One row per changed value: path, downloaded value, edited value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        _setup(self, [self.tr("Path"), self.tr("Downloaded"), self.tr("Edited")])

    def set_changes(self, changes: Sequence[ValueChange], *, reveal: bool = False) -> None:
        """The changes; secret values masked unless ``reveal``."""
        changes = [masked_change(c, reveal=reveal) for c in changes]
        absent = self.tr("(absent)")
        self.setRowCount(len(changes))
        for row, change in enumerate(changes):
            self.setItem(row, 0, _cell(change.path))
            old = _cell(_shown(change.old, absent))
            old.setForeground(fg("#922b21"))
            new = _cell(_shown(change.new, absent))
            new.setForeground(fg("#1d6b33"))
            font = new.font()
            font.setBold(True)
            new.setFont(font)
            self.setItem(row, 1, old)
            self.setItem(row, 2, new)


class ResultTable(QTableWidget):
    """After an upload: path, value sent, value read back, outcome."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        _setup(self, [self.tr("Path"), self.tr("Sent"), self.tr("On the device"),
                      self.tr("Result")])

    def set_report(self, report: VerifyReport, *, reveal: bool = False) -> None:
        """The report; secret values masked unless ``reveal``."""
        absent = self.tr("(absent)")
        rows: list[tuple[str, str | None, str | None, str, str]] = [
            (r.path, shown(r.path, r.intended, reveal=reveal),
             shown(r.path, r.actual, reveal=reveal), r.outcome.value,
             self.tr("applied") if r.outcome is Outcome.APPLIED else self.tr("not applied"))
            for r in report.results]
        rows += [(c.path, None, shown(c.path, c.new, reveal=reveal), "not verified",
                  self.tr("changed by the device")) for c in report.unexpected]
        self.setRowCount(len(rows))
        for row, (path, sent, actual, outcome, words) in enumerate(rows):
            self.setItem(row, 0, _cell(path))
            self.setItem(row, 1, _cell(_shown(sent, "—") if sent is not None else "—"))
            self.setItem(row, 2, _cell(_shown(actual, absent)))
            result = _cell(words)
            result.setIcon(outcome_icon("applied" if outcome == "applied"
                                        else "rejected" if outcome == "not applied"
                                        else "not verified"))
            self.setItem(row, 3, result)


class _DiffHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        for mark, colour, background in (("+", "#1d6b33", "#e9f7ef"),
                                         ("-", "#922b21", "#fdedec"),
                                         ("@", "#1b4f72", "#e8f1fa")):
            fmt = QTextCharFormat()
            fmt.setForeground(fg(colour))
            fmt.setBackground(bg(background))
            self.formats[mark] = fmt

    def highlightBlock(self, text: str) -> None:
        if text.startswith(("+++", "---")):
            return
        fmt = self.formats.get(text[:1])
        if fmt is not None:
            self.setFormat(0, len(text), fmt)


class DiffText(QPlainTextEdit):
    """A unified diff in a fixed-width font, additions green, removals red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._highlighter = _DiffHighlighter(self.document())

    def set_diff(self, text: str) -> None:
        self.setPlainText(text or self.tr("(no differences)"))
