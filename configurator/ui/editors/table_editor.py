"""Table editor generated from a TableSpec: sort, filter, add/edit/delete rows with per-cell
validation, CSV import/export, the device's own export/import files (where the TableSpec offers
``TableOp.EXPORT`` / ``TableOp.IMPORT``), and apply as ``apply_table`` with per-row results."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ...core.device import Device
from ...core.errors import ConfiguratorError, InvalidValue
from ...core.params import Category, TableOp, TableSpec
from ...core.write import RowResult
from ...services.site_ops.results import RowChange
from ..dialogs.awaitable import Asker, QtAsker, file_filter, ok_cancel, run_dialog, size_text
from ..i18n import param_text, translate
from ..icons import icon
from ..palette import fg_css
from ..widgets import Banner
from .context import EditorContext
from .spec_form import SpecForm
from .table_model import SORT_ROLE, TableModel, is_secret

log = logging.getLogger("configurator.ui.editors.table_editor")


class RowDialog(QDialog):
    """Add or edit one row; every cell validated by its column's ParamSpec."""

    def __init__(self, spec: TableSpec, values: dict[str, Any] | None, parent: QWidget | None,
                 *, key_editable: bool = True) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setWindowTitle((self.tr("Edit row — {table}") if values else
                             self.tr("Add row — {table}")).format(table=param_text(spec.title)))
        layout = QVBoxLayout(self)
        self.form = SpecForm(spec.columns, values, self, hide_read_only=values is None,
                             sections=True)
        if not key_editable and spec.row_key in self.form.rows:
            self.form.rows[spec.row_key].editor.set_read_only(True)
        # Many columns (a 2N directory user has dozens): the form scrolls, the dialog stays
        # within the screen and its buttons stay where they are.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form)
        layout.addWidget(scroll, 1)
        self.error = QLabel(self)
        self.error.setStyleSheet(f"color: {fg_css('#c0392b')}")
        self.error.setWordWrap(True)
        policy = self.error.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # showing the error moves nothing
        self.error.setSizePolicy(policy)
        self.error.setText(" ")
        self.error.hide()
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, self._accept))
        self.setMinimumWidth(460)
        available = self.screen().availableGeometry().height() if self.screen() else 900
        wanted = self.form.sizeHint().height() + 120
        self.resize(max(560, self.form.sizeHint().width() + 60),
                    min(wanted, int(available * 0.85)))
        self.values: dict[str, Any] = {}
        self.editing = bool(values)
        for row in self.form.rows.values():
            row.changed.connect(self._recheck)

    def _problem(self) -> str:
        """What keeps the row from being accepted now ("" when nothing)."""
        errors = self.form.errors()
        if errors:
            key, message = next(iter(errors.items()))
            return f"{param_text(self.form.rows[key].spec.label)}: {message}"
        try:
            self.values = self.spec.validate_row(self.form.values(include_empty=self.editing))
        except InvalidValue as exc:
            return str(exc)
        return ""

    def _recheck(self) -> None:
        """A shown error goes the moment it is no longer true (or says the next one)."""
        if self.error.isVisible():
            problem = self._problem()
            self.error.setText(problem)
            self.error.setVisible(bool(problem))

    def _accept(self) -> None:
        problem = self._problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()


class TableEditor(QWidget):
    def __init__(self, spec: TableSpec, ctx: EditorContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.ctx = ctx
        self.model = TableModel(spec)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.loaded = False
        self.busy = False
        ops = spec.operations
        self.can_add = TableOp.ADD in ops or TableOp.IMPORT in ops
        self.can_edit = TableOp.SET in ops
        self.can_delete = TableOp.DEL in ops
        self.asker: Asker = QtAsker()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.banner = Banner(self)
        layout.addWidget(self.banner)
        bar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_action = bar.addAction(icon("add"), self.tr("Add row"))
        self.edit_action = bar.addAction(icon("list"), self.tr("Edit"))
        self.delete_action = bar.addAction(icon("remove"), self.tr("Delete"))
        bar.addSeparator()
        self.import_action = bar.addAction(icon("open"), self.tr("Import CSV…"))
        self.export_action = bar.addAction(icon("save"), self.tr("Export CSV…"))
        bar.addSeparator()
        # The device's own file (ICKey.xml, Contact.csv ...): only where the device has one.
        self.device_export_action = bar.addAction(icon("save"), self.tr("Export device file…"))
        self.device_import_action = bar.addAction(icon("open"), self.tr("Import device file…"))
        self.device_export_action.setVisible(TableOp.EXPORT in ops)
        self.device_import_action.setVisible(TableOp.IMPORT in ops)
        kind = (spec.export_format or "device").upper()
        self.device_export_action.setToolTip(
            self.tr("Download the device's own {kind} file of this table (as the device's web "
                    "interface exports it)").format(kind=kind))
        self.device_import_action.setToolTip(
            self.tr("Send a {kind} file exported from the device back: it REPLACES the whole "
                    "table on the device").format(kind=kind))
        if ops & {TableOp.EXPORT, TableOp.IMPORT}:
            bar.addSeparator()
        # Wide tables (the 2N directory has ~40 fields) open with their basic columns; the
        # advanced ones are one click away, as in the CLI's --all-columns.
        self.advanced_columns = [i + 1 for i, c in enumerate(spec.columns)
                                 if c.category is not Category.BASIC]
        self.advanced_action = bar.addAction(icon("list"), self.tr("Advanced columns"))
        self.advanced_action.setCheckable(True)
        self.advanced_action.setToolTip(
            self.tr("Show the {n_advanced_columns} advanced columns of this table too").format(
                n_advanced_columns=len(self.advanced_columns)))
        self.advanced_action.setVisible(
            0 < len(self.advanced_columns) < len(spec.columns))
        self.reveal_action = bar.addAction(icon("list"), self.tr("Show PINs"))
        self.reveal_action.setCheckable(True)
        self.reveal_action.setToolTip(self.tr("PINs and passwords are masked; show them while this "
                                      "is on"))
        self.reveal_action.setVisible(any(is_secret(c) for c in spec.columns))
        self.reveal_action.toggled.connect(self.model.set_reveal_secrets)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter rows…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaximumWidth(260)
        bar.addWidget(self.filter_edit)
        layout.addWidget(bar)

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        layout.addWidget(self.view, 1)
        self.show_advanced_columns(False)

        bottom = QHBoxLayout()
        bottom.setContentsMargins(4, 0, 4, 4)
        self.reload_button = QPushButton(icon("refresh"), self.tr("Reload"), self)
        self.summary = QLabel(self)
        self.summary.setStyleSheet(f"color: {fg_css('#546e7a')};")
        self.revert_button = QPushButton(icon("revert"), self.tr("Revert"), self)
        self.apply_button = QPushButton(icon("apply"), self.tr("Apply"), self)
        # Dangerous, so apart from the everyday row actions of the toolbar.
        self.clear_action = QPushButton(icon("remove"), self.tr("Clear all on device…"), self)
        self.clear_action.setVisible(TableOp.CLEAR in ops)
        self.clear_action.setToolTip(self.tr("Delete every row of this table on the device at once "
                                     "(asks you to type the device's name)"))
        bottom.addWidget(self.reload_button)
        bottom.addWidget(self.clear_action)
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.apply_button)
        layout.addLayout(bottom)

        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.advanced_action.toggled.connect(self.show_advanced_columns)
        self.add_action.triggered.connect(lambda: self.ctx.spawn(self.add_dialog(), "add row"))
        self.edit_action.triggered.connect(lambda: self.ctx.spawn(self.edit_dialog(), "edit"))
        self.view.doubleClicked.connect(lambda _: self.ctx.spawn(self.edit_dialog(), "edit"))
        self.delete_action.triggered.connect(self.delete_selected)
        self.clear_action.clicked.connect(
            lambda: self.ctx.spawn(self.clear_on_device(), "clear table"))
        self.import_action.triggered.connect(lambda: self.ctx.spawn(self.import_dialog()))
        self.export_action.triggered.connect(lambda: self.ctx.spawn(self.export_dialog()))
        self.device_export_action.triggered.connect(
            lambda: self.ctx.spawn(self.export_device_file(), "export device file"))
        self.device_import_action.triggered.connect(
            lambda: self.ctx.spawn(self.import_device_file(), "import device file"))
        self.reload_button.clicked.connect(lambda: self.ctx.spawn(self.load(), "reload"))
        self.revert_button.clicked.connect(self.revert)
        self.apply_button.clicked.connect(lambda: self.ctx.spawn(self.apply(), "apply table"))
        for signal in (self.model.dataChanged, self.model.rowsInserted, self.model.rowsRemoved,
                       self.model.modelReset):
            signal.connect(self._update)
        self.view.selectionModel().selectionChanged.connect(self._update)
        self._update()

    # -- state ----------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return bool(self.model.pending())

    def _update(self, *_: object) -> None:
        pending = self.model.pending()
        selected = bool(self.selected_rows())
        self.add_action.setEnabled(self.can_add and self.loaded and not self.busy)
        self.edit_action.setEnabled(selected and not self.busy)
        self.delete_action.setEnabled(selected and self.can_delete and not self.busy)
        self.import_action.setEnabled(self.can_add and self.loaded and not self.busy)
        self.device_export_action.setEnabled(not self.busy)
        self.device_import_action.setEnabled(self.loaded and not self.busy)
        self.clear_action.setEnabled(self.loaded and bool(self.model.rows) and not self.busy)
        self.apply_button.setEnabled(bool(pending) and not self.busy)
        self.revert_button.setEnabled(bool(pending) and not self.busy)
        self.reload_button.setEnabled(not self.busy)
        rows = len(self.model.rows)
        text = (self.tr("{rows} row(s) of max {limit}").format(rows=rows,
                                                                 limit=self.spec.max_rows)
                if self.spec.max_rows else self.tr("{rows} row(s)").format(rows=rows))
        if pending:
            text += self.tr(" · {count} pending change(s)").format(count=len(pending))
        self.summary.setText(text)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update()

    def selected_rows(self) -> list[int]:
        rows = {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        return sorted(rows)

    # -- editing --------------------------------------------------------------------------
    async def add_dialog(self) -> None:
        dialog = RowDialog(self.spec, None, self)
        if await run_dialog(dialog) == QDialog.DialogCode.Accepted:
            self.add_row(dialog.values)

    def add_row(self, values: dict[str, Any]) -> bool:
        try:
            self.model.add_row(values)
        except InvalidValue as exc:
            self.banner.error(str(exc))
            return False
        self.banner.clear()
        return True

    async def edit_dialog(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        position = rows[0]
        row = self.model.rows[position]
        key_editable = row.original is None
        if not self.can_edit and not key_editable:
            self.banner.warning(self.tr("This device cannot change rows in place; delete the row "
                                "and add a new one."))
            return
        dialog = RowDialog(self.spec, dict(row.values), self, key_editable=key_editable)
        if await run_dialog(dialog) == QDialog.DialogCode.Accepted:
            try:
                self.model.update_row(position, dialog.values)
            except InvalidValue as exc:
                self.banner.error(str(exc))

    def delete_selected(self) -> None:
        for position in reversed(self.selected_rows()):
            self.model.toggle_delete(position)

    def revert(self) -> None:
        self.model.revert()
        self.banner.clear()

    # -- CSV ------------------------------------------------------------------------------
    def export_csv(self, path: Path) -> int:
        try:
            Path(path).write_text(self.model.to_csv(), encoding="utf-8")
        except OSError as exc:
            raise ConfiguratorError(self.tr("cannot write {path}: {reason}").format(
                path=path, reason=exc.strerror or exc)) from exc
        return len(self.model.rows)

    def import_csv(self, path: Path) -> tuple[int, int]:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfiguratorError(self.tr("cannot read {path}: {reason}").format(
                path=path, reason=exc)) from exc
        return self.model.from_csv(text)

    async def export_dialog(self) -> None:
        path = await _ask_file(self, self.tr("Export {table}").format(
            table=param_text(self.spec.title)), save=True)
        if path:
            try:
                count = self.export_csv(Path(path))
                self.banner.success(self.tr("Exported {count} row(s) to {path}").format(
                    count=count, path=path))
            except ConfiguratorError as exc:
                self.banner.error(str(exc))

    async def import_dialog(self) -> None:
        path = await _ask_file(self, self.tr("Import {table}").format(
            table=param_text(self.spec.title)), save=False)
        if path:
            try:
                added, updated = self.import_csv(Path(path))
                self.banner.info(self.tr("Imported {added} new and {updated} changed row(s) — "
                                 "review them and press Apply.").format(
                                     added=added, updated=updated))
            except ConfiguratorError as exc:
                self.banner.error(self.tr("Nothing imported: {exc}").format(exc=exc))

    # -- the device's own export/import file ---------------------------------------------
    async def export_device_file(self) -> str:
        """Fetch the device's export file and save it; returns the path ("" if not saved)."""
        device = self.ctx.session.device
        title = self.spec.title
        if device is None:
            self.banner.error(self.tr("The device is not connected."))
            return ""
        self.set_busy(True)
        self.banner.info(self.tr("Reading the device's {title} file…").format(title=title))
        try:
            async with self.ctx.manager.busy(self.ctx.session):
                content, suffix = await device.export_table(self.spec.id)
        except Exception as exc:
            self.banner.error(self.tr("Cannot export {title}: {value}").format(
                title=title, value=_reason(exc, log)))
            return ""
        finally:
            self.set_busy(False)
        suggested = f"{_file_stem(self.ctx.session.title)}-{self.spec.id}{suffix}"
        path = await self.asker.save_path(self, self.tr("Save the device's {title} file").format(
            title=title), suggested,
                                          file_filter(suffix))
        if not path:
            self.banner.info(self.tr("Export cancelled; nothing was saved."))
            return ""
        try:
            Path(path).write_bytes(content)
        except OSError as exc:
            self.banner.error(self.tr("Cannot write {path}: {value}").format(
                path=path, value=exc.strerror or exc))
            return ""
        self.banner.success(self.tr("Saved the device's {value} file ({value2}) "
                            "to {value3}").format(
                                value=_h(title), value2=size_text(len(content)), value3=_h(path)))
        return path

    def _device_for(self, done: str, doing: str) -> Device | None:
        """The connected device for a change of the whole table, or None with the reason in
        the banner (not connected; pending row changes come first)."""
        device = self.ctx.session.device
        if device is None:
            self.banner.error(self.tr("The device is not connected; nothing was {done}.").format(
                done=done))
            return None
        if self.dirty:
            self.banner.warning(
                self.tr("Apply or revert the pending changes before {doing}.").format(
                    doing=doing))
            return None
        return device

    async def import_device_file(self) -> bool:
        """Send a device file back (replaces the table on the device), then re-read it."""
        title, device_title = param_text(self.spec.title), self.ctx.session.title
        device = self._device_for(self.tr("imported"), self.tr("importing a device file"))
        if device is None:
            return False
        fmt = f".{self.spec.export_format}" if self.spec.export_format else ""
        path = await self.asker.open_path(self, self.tr("Import a {title} file").format(
            title=title), file_filter(fmt))
        if not path:
            return False
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            self.banner.error(self.tr("Nothing imported: cannot read {path}: {value}").format(
                path=path, value=exc.strerror or exc))
            return False
        name = Path(path).name
        text = self.tr("Importing <b>{file}</b> ({size}) <b>replaces all {rows} row(s)</b> of "
                       "{table} on <b>{device}</b> with the rows of the file.<br><br>Export the "
                       "current table first if you may need it again.").format(
            file=_h(name), size=size_text(len(content)), rows=len(self.model.rows),
            table=_h(title), device=_h(device_title))
        if not await self.asker.confirm(self, self.tr("Replace {title}?").format(title=title), text,
                                        ok_text=self.tr("Replace table")):
            self.banner.info(self.tr("Import cancelled; the device was not changed."))
            return False
        results, failure, reloaded = await self._change_whole_table(
            self.tr("Importing {name}…").format(name=name),
            lambda: device.import_table(self.spec.id, content, name))
        if failure:
            self.banner.error(self.tr("Import of {file} failed: {reason}").format(
                file=_h(name), reason=_h(failure)) + self._unless_reloaded(reloaded))
            return False
        failed = [r for r in results or [] if not r.ok]
        if failed:
            lines = "".join(f"<br>• {_h(str(r.key))}: {_h(r.message or self.tr('refused'))}"
                            for r in failed[:8])
            more = (self.tr("<br>… and {count} more").format(count=len(failed) - 8)
                    if len(failed) > 8 else "")
            self.banner.error(
                self.tr("{count} row(s) of {file} were refused:{lines}{more}").format(
                    count=len(failed), file=_h(name), lines=lines, more=more))
            return False
        if not reloaded:
            self.banner.warning(self.tr("{value} was imported, but the table could not be re-read; "
                                "press Reload.").format(value=_h(name)))
            return True
        self.banner.success(self.tr("Imported {value}: {value2} now has "
                            "{n_rows} row(s) on the device.").format(
                                value=_h(name), value2=_h(title), n_rows=len(self.model.rows)))
        self.ctx.status(self.tr("{device_title} — {title}: imported {name}").format(
            device_title=device_title, title=title, name=name))
        return True

    async def _change_whole_table(
        self, doing: str, change: Callable[[], Awaitable[list[RowResult] | None]],
    ) -> tuple[list[RowResult] | None, str, bool]:
        """Run ``change`` on the device (``doing`` in the banner meanwhile), then re-read the
        table to show what the device really holds: the row results (None when the device
        reports none), why it failed ("" when it did not raise) and whether the re-read
        worked."""
        self.set_busy(True)
        self.banner.info(doing)
        results: list[RowResult] | None = None
        failure = ""
        try:
            async with self.ctx.manager.busy(self.ctx.session):
                results = await change()
        except Exception as exc:
            failure = _reason(exc, log)
        finally:
            self.set_busy(False)
        return results, failure, await self.load()

    def _unless_reloaded(self, reloaded: bool) -> str:
        """What a failure message adds when the table could not be re-read after it."""
        return "" if reloaded else self.tr(" (the table could not be re-read)")

    async def clear_on_device(self) -> bool:
        """Delete every row on the device (``TableOp.CLEAR``) after a typed confirmation,
        then show what the device holds."""
        title, device_title = param_text(self.spec.title), self.ctx.session.title
        device = self._device_for(self.tr("deleted"), self.tr("clearing the table"))
        if device is None:
            return False
        text = self.tr("This deletes <b>all {rows} row(s)</b> of {table} on <b>{device}</b>. It "
                       "cannot be undone: export the table first if you may need it "
                       "again.").format(rows=len(self.model.rows), table=_h(title),
                                        device=_h(device_title))
        if not await self.asker.confirm(self, self.tr("Clear {title}?").format(
            title=title), text, phrase=device_title,
                                        ok_text=self.tr("Delete every row")):
            self.banner.info(self.tr("Nothing was deleted."))
            return False
        results, failure, reloaded = await self._change_whole_table(
            self.tr("Clearing {title}…").format(title=title),
            lambda: device.clear_table(self.spec.id))
        failure = failure or next(
            (r.message or str(r.outcome) for r in results or [] if not r.ok), "")
        if failure:
            self.banner.error(self.tr("{table} was not cleared: {reason}").format(
                table=_h(title), reason=_h(failure)) + self._unless_reloaded(reloaded))
            return False
        left = len(self.model.rows)
        if reloaded and left:
            self.banner.error(self.tr("The device still reports {left} row(s) of {value}.").format(
                left=left, value=_h(title)))
            return False
        self.banner.success(self.tr("{value} cleared on {value2}.").format(
            value=_h(title), value2=_h(device_title)))
        self.ctx.status(self.tr("{device_title} — {title}: cleared").format(
            device_title=device_title, title=title))
        return True

    # -- device I/O -----------------------------------------------------------------------
    def show_advanced_columns(self, show: bool) -> None:
        """Hide the advanced columns unless asked (only when the table has basic ones too)."""
        if not self.advanced_action.isVisible() and not show:
            show = True  # all-basic or all-advanced tables show everything
        for column in self.advanced_columns:
            self.view.setColumnHidden(column, not show)

    async def load(self) -> bool:
        device = self.ctx.session.device
        if device is None:
            self.banner.error(self.tr("The device is not connected."))
            return False
        if self.dirty and self.loaded:
            self.banner.warning(self.tr("Apply or revert the pending changes before reloading."))
            return False
        self.set_busy(True)
        self.banner.info(self.tr("Reading {title}…").format(title=param_text(self.spec.title)))
        try:
            async with self.ctx.manager.busy(self.ctx.session):
                rows = await device.read_table(self.spec.id)
        except Exception as exc:
            if not isinstance(exc, ConfiguratorError):
                log.exception("reading table %s failed", self.spec.id)
            self.banner.error(self.tr("Cannot read {title}: {exc}").format(
                title=self.spec.title, exc=exc))
            return False
        finally:
            self.set_busy(False)
        self.model.load(rows)
        self.loaded = True
        self.banner.clear()
        self.view.resizeColumnsToContents()
        self._update()
        return True

    async def apply(self) -> bool:
        add, update, delete = self.model.changes()
        if not (add or update or delete):
            return True
        device = self.ctx.session.device
        if device is None:
            self.banner.error(self.tr("The device is not connected; nothing was written."))
            return False
        self.set_busy(True)
        self.banner.info(self.tr("Writing changes…"))
        try:
            async with self.ctx.manager.busy(self.ctx.session):
                results = await device.apply_table(self.spec.id, add=add, update=update,
                                                   delete=delete)
                fresh = await device.read_table(self.spec.id)
        except Exception as exc:
            reason = (str(exc) if isinstance(exc, ConfiguratorError)
                      else self.tr("internal error: {error}").format(error=exc))
            if not isinstance(exc, ConfiguratorError):
                log.exception("applying table %s failed", self.spec.id)
            for row in self.model.pending():
                row.error = self.tr("not confirmed — {reason}").format(reason=reason)
            self.model.layoutChanged.emit()
            self.banner.error(self.tr("The changes were not confirmed: {reason}").format(
                reason=reason))
            return False
        finally:
            self.set_busy(False)
        self.ctx.audited(self.spec.id, [RowChange(self.spec.id, r.op, r.key, ok=r.ok,
                                                  message=r.message) for r in results])
        failed = self.model.merge_after_apply(fresh, results)
        ok = sum(1 for r in results if r.ok)
        if failed:
            first = next((r.message for r in results if not r.ok), "")
            self.banner.error(self.tr("{ok} change(s) applied, {failed} failed: {first}").format(
                ok=ok, failed=failed, first=first))
        else:
            self.banner.success(self.tr("{ok} change(s) applied.").format(ok=ok))
        self.ctx.status(self.tr("{device} — {table}: {ok} applied, {failed} failed").format(
            device=self.ctx.session.title, table=param_text(self.spec.title), ok=ok,
            failed=failed))
        self._update()
        return not failed


def _h(text: str) -> str:
    return html.escape(text, quote=False)


def _file_stem(title: str) -> str:
    """A file-name-safe form of a device title."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-") or "device"


def _reason(exc: BaseException, logger: logging.Logger) -> str:
    """One line for the user; unexpected exceptions are logged with their traceback."""
    if isinstance(exc, ConfiguratorError):
        return str(exc)
    logger.exception("unexpected error")
    return translate("TableEditor", "internal error: {error}").format(error=exc)


async def _ask_file(parent: QWidget, title: str, *, save: bool) -> str:
    dialog = QFileDialog(parent, title)
    dialog.setNameFilter(translate("table_editor", "CSV files (*.csv);;All files (*)"))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save
                         else QFileDialog.AcceptMode.AcceptOpen)
    if save:
        dialog.setDefaultSuffix("csv")
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    if await run_dialog(dialog) != QDialog.DialogCode.Accepted:
        return ""
    files = dialog.selectedFiles()
    return files[0] if files else ""
