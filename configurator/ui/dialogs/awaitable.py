"""Dialogs awaited from coroutines without blocking the loop (``open()`` + a future).

A blocking ``exec()`` inside a task would start a nested Qt loop and break qasync; every dialog
here is opened with ``open()`` and awaited through :func:`run_dialog`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.device import ActionSpec
from ...core.params import Kind, ParamSpec
from ..editors.spec_form import SpecForm
from ..i18n import param_text, translate
from ..palette import fg, fg_css


async def run_dialog(dialog: QDialog) -> int:
    """Show ``dialog`` window-modally and wait for its result without a nested loop."""
    future: asyncio.Future[int] = asyncio.get_event_loop().create_future()

    def finished(result: int) -> None:
        if not future.done():
            future.set_result(result)

    dialog.finished.connect(finished)
    dialog.open()
    try:
        return await future
    finally:
        if dialog.isVisible():
            dialog.reject()


@dataclass(frozen=True)
class DiffRow:
    spec: ParamSpec
    old: Any
    new: Any

    @property
    def old_text(self) -> str:
        if self.spec.kind is Kind.SECRET:
            return translate("DiffRow", "(hidden)")
        return _display(self.spec, self.old)

    @property
    def new_text(self) -> str:
        if self.spec.kind is Kind.SECRET:
            return translate("DiffRow", "(new password)")
        return _display(self.spec, self.new)


def _display(spec: ParamSpec, value: Any) -> str:
    if value is None or value == "":
        return translate("DiffRow", "(empty)")
    if spec.kind is Kind.ENUM:
        return param_text(spec.choice_label(value))
    text = spec.format(value)
    return f"{text} {spec.unit}" if spec.unit and spec.kind in (Kind.INT, Kind.FLOAT) else text


class DiffDialog(QDialog):
    """Preview of an apply: every changed setting, old → new."""

    def __init__(self, title: str, rows: Sequence[DiffRow], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Apply changes — {title}").format(title=title))
        self.rows = list(rows)
        layout = QVBoxLayout(self)
        n = len(self.rows)
        intro = QLabel((self.tr("<b>1 setting</b> will be written to <b>{device}</b>. Only "
                                "this setting is sent; it is read back and verified.")
                        if n == 1 else
                        self.tr("<b>{count} settings</b> will be written to <b>{device}</b>. "
                                "Only these settings are sent; each is read back and verified."))
                       .format(count=n, device=_esc(title)), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(n, 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Setting"), self.tr("Group"), self.tr("Current"), self.tr("New")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        for i, row in enumerate(self.rows):
            cells = [param_text(row.spec.label), param_text(row.spec.group), row.old_text,
                     row.new_text]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(row.spec.key if j == 0 else text)
                if j == 2:
                    item.setForeground(fg("#8b0000"))
                if j == 3:
                    item.setForeground(fg("#006400"))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(i, j, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(self)
        self.apply_button = buttons.addButton(
            self.tr("Apply 1 change") if n == 1 else self.tr("Apply {count} changes").format(
                count=n),
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.apply_button.setDefault(True)
        layout.addWidget(buttons)
        self.resize(640, min(160 + 30 * n, 520))


def ok_cancel(dialog: QDialog, accept: Callable[[], None]) -> QDialogButtonBox:
    """OK and Cancel for a dialog whose OK runs ``accept`` (which may refuse to close)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.accepted.connect(accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ConfirmDialog(QDialog):
    """Confirmation of a dangerous action; optionally the user must type a phrase."""

    def __init__(self, title: str, text: str, *, phrase: str = "", ok_text: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.phrase = phrase
        layout = QVBoxLayout(self)
        label = QLabel(text, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.edit: QLineEdit | None = None
        buttons = QDialogButtonBox(self)
        self.ok = buttons.addButton(ok_text or self.tr("Continue"),
                                    QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        if phrase:
            layout.addWidget(QLabel(self.tr("Type <b>{value}</b> to confirm:").format(
                value=_esc(phrase)), self))
            self.edit = QLineEdit(self)
            self.edit.setPlaceholderText(phrase)
            layout.addWidget(self.edit)
            self.ok.setEnabled(False)
            self.edit.textChanged.connect(lambda t: self.ok.setEnabled(t.strip() == phrase))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)


class ArgsDialog(QDialog):
    """Arguments of an action, as a form generated from its ParamSpecs."""

    def __init__(self, action: ActionSpec, device_title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{param_text(action.label)} — {device_title}")
        layout = QVBoxLayout(self)
        if action.help:
            help_label = QLabel(param_text(action.help), self)
            help_label.setWordWrap(True)
            layout.addWidget(help_label)
        self.form = SpecForm(action.params, None, self)
        layout.addWidget(self.form)
        self.error = QLabel(self)
        self.error.setStyleSheet(f"color: {fg_css('#c0392b')}")
        self.error.hide()
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, self._accept))
        self.setMinimumWidth(420)

    def _accept(self) -> None:
        errors = self.form.errors()
        if errors:
            self.error.setText(next(iter(errors.values())))
            self.error.show()
            return
        self.accept()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def needs_typed_confirmation(action: ActionSpec) -> bool:
    """# Assumption: factory reset (by id or label) needs the device's name typed."""
    text = f"{action.id} {action.label}".lower()
    return "factory" in text or "reset to default" in text


class Asker:
    """File and confirmation questions of the table editor and the Maintenance page.

    ``QtAsker`` shows real dialogs (awaited with ``open()``); tests give a scripted one.
    An empty path means the user cancelled.
    """

    async def open_path(self, parent: QWidget | None, title: str, name_filter: str) -> str:
        raise NotImplementedError

    async def save_path(self, parent: QWidget | None, title: str, suggested: str,
                        name_filter: str) -> str:
        raise NotImplementedError

    async def confirm(self, parent: QWidget | None, title: str, text: str, *,
                      phrase: str = "", ok_text: str = "") -> bool:
        raise NotImplementedError

    async def folder_path(self, parent: QWidget | None, title: str) -> str:
        """An existing folder to write several files into ("" when cancelled)."""
        raise NotImplementedError


class QtAsker(Asker):
    async def open_path(self, parent, title, name_filter):
        dialog = QFileDialog(parent, title)
        dialog.setNameFilter(name_filter)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        return _chosen(dialog) if await run_dialog(dialog) == QDialog.DialogCode.Accepted else ""

    async def save_path(self, parent, title, suggested, name_filter):
        dialog = QFileDialog(parent, title)
        dialog.setNameFilter(name_filter)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.selectFile(suggested)
        suffix = suggested.rsplit(".", 1)[-1] if "." in suggested else ""
        if suffix:
            dialog.setDefaultSuffix(suffix)
        return _chosen(dialog) if await run_dialog(dialog) == QDialog.DialogCode.Accepted else ""

    async def confirm(self, parent, title, text, *, phrase="", ok_text=""):
        dialog = ConfirmDialog(title, text, phrase=phrase, ok_text=ok_text, parent=parent)
        return await run_dialog(dialog) == QDialog.DialogCode.Accepted

    async def folder_path(self, parent, title):
        dialog = QFileDialog(parent, title)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        return _chosen(dialog) if await run_dialog(dialog) == QDialog.DialogCode.Accepted else ""


def _chosen(dialog: QFileDialog) -> str:
    files = dialog.selectedFiles()
    return files[0] if files else ""


def file_filter(suffix: str, what: str = "") -> str:
    """A name filter for files ending in ``suffix`` (".xml"), plus all files."""
    suffix = suffix if suffix.startswith(".") or not suffix else f".{suffix}"
    every = translate("file_filter", "All files (*)")
    if not suffix:
        return every
    label = what or translate("file_filter", "{kind} files").format(kind=suffix[1:].upper())
    return f"{label} (*{suffix});;{every}"


def size_text(size: int) -> str:
    """1 234 bytes / 12.3 kB / 4.5 MB."""
    if size < 1000:
        return translate("size_text", "{count} bytes").format(count=size)
    if size < 1_000_000:
        return translate("size_text", "{size:.1f} kB").format(size=size / 1000)
    return translate("size_text", "{size:.1f} MB").format(size=size / 1_000_000)
