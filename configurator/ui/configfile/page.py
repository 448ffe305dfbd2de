"""The Configuration file page of a device that reads and writes its configuration as one
file (2N ``/api/config``): download → edit values in a generic tree with a filter → see the
diff → upload after a confirmation → the device applies it (~15 s, shown) → read back and
see, per path, what was applied.

The work is done by :mod:`configurator.services.config_file`; this page only renders it.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QStandardItem
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeView,
    QWidget,
)

from ...core.abilities import EditsConfigFile
from ...core.errors import ConfiguratorError, InvalidValue, Rejected
from ...services.config_file import (
    ConfigDocument,
    Downloaded,
    Phase,
    Step,
    ValueChange,
    VerifyReport,
    backup_dir,
    document_changes,
    download,
    prepare_upload,
    unified_diff,
    upload,
)
from ...services.config_file.drafts import load_draft, save_draft
from ...services.config_file.secrets import is_secret_path, masked_documents, shown
from ...services.config_file.workflow import POLL_SECONDS, SETTLE_SECONDS
from ...services.private_files import write_private
from ...services.site_ops.results import KeyChange, KeyOutcome
from ..dialogs.awaitable import Asker, QtAsker, file_filter, run_dialog, size_text
from ..editors.context import EditorContext
from ..editors.panel_parts import panel_top
from ..i18n import translate
from ..icons import icon
from ..messages import user_message
from ..palette import fg_css
from .confirm_dialog import UploadConfirmDialog
from .diff_view import ChangesTable, DiffText, ResultTable
from .tree_model import PATH_ROLE, VALUE_COLUMN, ConfigFilterProxy, ConfigTreeModel

log = logging.getLogger("configurator.ui.configfile.page")

PAGE_ID = "configfile"
LARGE_TREE = 5000  # values; above, the filter waits for a pause in typing


async def _run_confirm(dialog: QDialog) -> bool:
    return await run_dialog(dialog) == QDialog.DialogCode.Accepted


class ConfigFilePage(QWidget):
    """Download, edit, diff, upload and verify one device's configuration file."""

    dirty_changed = Signal(bool)

    def __init__(self, ctx: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.asker: Asker = QtAsker()
        self.run_confirm: Callable[[QDialog], Awaitable[bool]] = _run_confirm
        self.apply_seconds: float | None = None  # None: the device's documented time
        self.settle_seconds = SETTLE_SECONDS
        self.poll_seconds = POLL_SECONDS
        self.backup_folder: Path | None = None  # None: <data dir>/config-backups
        self.downloaded: Downloaded | None = None
        self.original: ConfigDocument | None = None
        self.edited: ConfigDocument | None = None
        self.original_values: dict[str, str] = {}
        self.changes: list[ValueChange] = []
        self.report: VerifyReport | None = None
        self.busy = False
        self._was_dirty = False
        self._task: asyncio.Task[object] | None = None
        self._cancel_requested = False
        self._cancellable = False
        self._quiet = False
        self._building = False  # the tree is being built (a large file takes a while)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self._refresh_changes)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(300)
        self._filter_timer.timeout.connect(lambda: self._filter(self.filter_edit.text()))
        self._build()
        self._update()

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        layout, self.banner = panel_top(self, self.tr(
            "The device's whole configuration as one file: edit values in place (double-click "
            "or F2), check the differences and upload. The device applies the file about 15 s "
            "later; it is then read back to show what really changed."))
        layout.setSpacing(6)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.download_button = QPushButton(icon("refresh"), self.tr("Download from device"),
                                           self)
        self.download_button.setToolTip(self.tr(
            "Read the configuration from the device again (edits are discarded); the "
            "downloaded file is kept as a backup"))
        self.open_button = QPushButton(icon("open"), self.tr("Open file…"), self)
        self.open_button.setToolTip(self.tr(
            "Load a configuration file to compare with the downloaded one and upload"))
        self.save_button = QPushButton(icon("save"), self.tr("Save to file…"), self)
        self.save_button.setToolTip(self.tr("Save the edited configuration to a file"))
        self.revert_button = QPushButton(icon("revert"), self.tr("Revert"), self)
        self.revert_button.setToolTip(self.tr("Discard the edits"))
        self.upload_button = QPushButton(icon("apply"), self.tr("Upload to device…"), self)
        self.upload_button.setToolTip(self.tr(
            "Show the differences, then send the edited file to the device"))
        self.upload_button.setDefault(True)
        for button in (self.download_button, self.open_button, self.save_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)

        self.source_label = QLabel(self)
        self.source_label.setWordWrap(True)
        self.source_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction)
        self.source_label.setOpenExternalLinks(True)
        self.source_label.setStyleSheet(f"color: {fg_css('#37474f')};")
        layout.addWidget(self.source_label)

        progress = QHBoxLayout()
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setFixedWidth(160)
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel(self)
        self.progress_label.setWordWrap(True)
        self.progress_label.setStyleSheet(f"color: {fg_css('#37474f')};")
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        progress.addWidget(self.progress_bar)
        progress.addWidget(self.progress_label, 1)
        progress.addWidget(self.cancel_button)
        self.progress_row = QWidget(self)
        self.progress_row.setLayout(progress)
        progress.setContentsMargins(0, 0, 0, 0)
        self.progress_row.hide()
        layout.addWidget(self.progress_row)

        search = QHBoxLayout()
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter elements, attributes and values…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.changed_only = QCheckBox(self.tr("Changed only"), self)
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet(f"color: {fg_css('#546e7a')};")
        self.show_secrets = QCheckBox(self.tr("Show secrets"), self)
        self.show_secrets.setToolTip(self.tr(
            "Passwords, PINs and keys (recognised by their names) are masked; editing one "
            "shows its value"))
        search.addWidget(self.filter_edit, 1)
        search.addWidget(self.changed_only)
        search.addWidget(self.show_secrets)
        layout.addLayout(search)

        self.model = ConfigTreeModel(self)
        self.proxy = ConfigFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.tree = QTreeView(self)
        self.tree.setModel(self.proxy)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.resizeSection(0, 300)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.changes_table = ChangesTable(self.tabs)
        self.diff_text = DiffText(self.tabs)
        self.result_table = ResultTable(self.tabs)
        self.tabs.addTab(self.changes_table, self.tr("Changes"))
        self.tabs.addTab(self.diff_text, self.tr("Unified diff"))
        self.tabs.addTab(self.result_table, self.tr("Result of the upload"))
        self.tabs.setTabEnabled(2, False)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        # In a small window the tree keeps most of the height; the changes shrink first.
        for table in (self.changes_table, self.diff_text, self.result_table):
            table.setMinimumHeight(48)
        self.splitter.setSizes([250, 150])  # proportions; the splitter scales them
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 4)
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.upload_button)
        layout.addLayout(bottom)

        self.download_button.clicked.connect(lambda: self._spawn(self.load(), "download"))
        self.open_button.clicked.connect(lambda: self._spawn(self.open_file(), "open"))
        self.save_button.clicked.connect(lambda: self._spawn(self.save_file(), "save"))
        self.revert_button.clicked.connect(self.revert)
        self.upload_button.clicked.connect(lambda: self._spawn(self.upload(), "upload"))
        self.cancel_button.clicked.connect(self.cancel)
        self.filter_edit.textChanged.connect(self._filter_typed)
        self.changed_only.toggled.connect(self._changed_only)
        self.show_secrets.toggled.connect(self._reveal)
        self.model.itemChanged.connect(self._item_changed)

    def _spawn(self, coro: Awaitable[object], name: str) -> None:
        self.ctx.spawn(coro, f"config file {name}")

    # -- state ----------------------------------------------------------------------------
    @property
    def device(self) -> EditsConfigFile | None:
        device = self.ctx.session.device
        return device if isinstance(device, EditsConfigFile) else None

    @property
    def device_title(self) -> str:
        return self.ctx.session.title

    @property
    def dirty(self) -> bool:
        return bool(self.changes)

    def _update(self) -> None:
        loaded = self.edited is not None
        idle = not self.busy and not self._building
        self.download_button.setEnabled(idle)
        self.open_button.setEnabled(idle)
        self.save_button.setEnabled(idle and loaded)
        self.revert_button.setEnabled(idle and self.dirty)
        self.upload_button.setEnabled(idle and self.dirty and self.original is not None)
        self.filter_edit.setEnabled(loaded)
        self.changed_only.setEnabled(loaded)
        self.tree.setEditTriggers(
            (QAbstractItemView.EditTrigger.DoubleClicked
             | QAbstractItemView.EditTrigger.EditKeyPressed
             | QAbstractItemView.EditTrigger.SelectedClicked) if idle
            else QAbstractItemView.EditTrigger.NoEditTriggers)
        n_values = len(self.model.value_items)
        self.count_label.setText(self.tr("{0} values · {1} changed").format(
            n_values, len(self.changes)) if loaded else "")
        self.tabs.setTabText(0, self.tr("Changes ({0})").format(len(self.changes)))
        if self.dirty != self._was_dirty:
            self._was_dirty = self.dirty
            self.dirty_changed.emit(self.dirty)

    def _start(self, text: str, *, cancellable: bool) -> None:
        self.busy = True
        self._cancel_requested = False
        self._task = asyncio.current_task()
        self.progress_bar.setRange(0, 0)
        self._set_progress(text, cancellable=cancellable)
        self.progress_row.show()
        self._update()

    def _set_progress(self, text: str, *, cancellable: bool) -> None:
        self.progress_label.setText(text)
        self._cancellable = cancellable
        self.cancel_button.setEnabled(cancellable and not self._cancel_requested)
        self.cancel_button.setToolTip("" if cancellable else self.tr(
            "The file is being sent: an upload cannot be taken back half-way"))

    def _finish(self) -> None:
        self.busy = False
        self._task = None
        self.progress_row.hide()
        self._update()

    def cancel(self) -> None:
        """Stop the download, or stop waiting for the device after an upload."""
        if self._task is not None and self._cancellable and not self._cancel_requested:
            self._cancel_requested = True
            self.cancel_button.setEnabled(False)
            self._task.cancel()

    def _swallow_cancel(self) -> bool:
        """After a CancelledError: True when it was the Cancel button (handled here), False
        when the program is cancelling the task (it must propagate)."""
        if not self._cancel_requested:
            return False
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        return True

    def _label(self) -> str:
        return f"{self.device_title} {self.ctx.session.entry.address}"

    # -- download -------------------------------------------------------------------------
    async def load(self) -> bool:
        """Download the configuration (discarding edits) and keep it as a backup."""
        device = self.device
        if device is None:
            self.banner.error(self.tr("The device is not connected."))
            return False
        if self.busy or self._building:
            return False
        self.banner.clear()
        self._start(self.tr("Downloading the configuration…"), cancellable=True)
        try:
            async with self.ctx.manager.busy(self.ctx.session):
                got = await download(device, self._label(), backup_folder=self.backup_folder)
        except asyncio.CancelledError:
            if not self._swallow_cancel():
                raise
            self.banner.info(self.tr("Download cancelled."))
            return False
        except Exception as exc:
            self.banner.error(self.tr("Download failed: {0}").format(
                html.escape(_reason(exc, self.ctx.session.entry.address))))
            return False
        finally:
            self._finish()
        self.downloaded = got
        draft = self._load_draft(got.document)
        await self._show(got.document, got.document.copy())
        self.report = None
        self.result_table.setRowCount(0)
        self.tabs.setTabEnabled(2, False)
        self.source_label.setText(self._source_text(
            self.tr("Downloaded from the device at {0} ({1}).").format(
                got.when.strftime("%H:%M:%S"), size_text(len(got.content)))))
        if draft:
            for path, value in draft.items():
                self.model.value_items[path].setText(value)  # as if typed again
            self._refresh_changes()
            self.banner.info(self.tr(
                "{0} unsaved edit(s) from the last session restored on top of the "
                "downloaded file; they are not on the device yet.").format(len(draft)))
        return True

    def _load_draft(self, document: ConfigDocument) -> dict[str, str]:
        drafts = self.ctx.drafts
        if drafts is None:
            return {}
        return {path: value for path, value in
                load_draft(drafts, self.ctx.session.key, document).items()
                if path in self.model.value_items or document.value(path) is not None}

    def save_draft(self) -> None:
        """Keep the edits (not the secret ones) for the next session; none: drop it."""
        if self.ctx.drafts is not None and self.original is not None and not self._building:
            save_draft(self.ctx.drafts, self.ctx.session.key, self.changes)

    def _source_text(self, first: str) -> str:
        if self.downloaded is None or self.downloaded.backup is None:
            return html.escape(first)
        path = self.downloaded.backup
        folder = QUrl.fromLocalFile(str(path.parent)).toString()
        return (html.escape(first) + " " + self.tr("Original kept in {0} ({1}).").format(
            f"<code>{html.escape(str(path))}</code>",
            f"<a href='{html.escape(folder)}'>{self.tr('open folder')}</a>"))

    async def _show(self, original: ConfigDocument, edited: ConfigDocument) -> None:
        self.original, self.edited = original, edited
        self.original_values = original.values()
        self._quiet = True  # the model's own item changes are not the user's edits
        self._building = True
        self._update()
        self.tree.setEnabled(False)
        try:
            for _ in self.model.build(edited, self.original_values):
                await asyncio.sleep(0)  # a large file: the window keeps answering
        finally:
            self._quiet = False
            self._building = False
            self.tree.setEnabled(True)
        self.tree.expandToDepth(1 if not self.proxy.active else 64)
        self.tree.header().resizeSection(0, max(260, self.tree.sizeHintForColumn(0) + 24))
        self._refresh_changes()

    # -- editing --------------------------------------------------------------------------
    def _item_changed(self, item: QStandardItem) -> None:
        if self._quiet or item.column() != VALUE_COLUMN or self.edited is None:
            return
        path = item.data(PATH_ROLE)
        if path not in self.model.value_items:
            return
        try:
            # The real value (a secret's display text is its mask).
            self.edited.set_value(path, str(item.data(Qt.ItemDataRole.EditRole) or ""))
        except InvalidValue as exc:
            self.banner.error(html.escape(str(exc)))
            self._quiet = True
            try:
                item.setText(self.edited.value(path) or "")
            finally:
                self._quiet = False
            return
        if self.banner.kind == "error":
            self.banner.clear()  # the refused value is gone
        self._quiet = True
        try:
            self.model.mark(path, self.original_values.get(path))
        finally:
            self._quiet = False
        self._refresh_timer.start()

    def set_value(self, path: str, value: str) -> None:
        """Edit one value as the user would (tests, scripting)."""
        item = self.model.value_items[path]
        item.setText(value)
        self._refresh_changes()

    def _refresh_changes(self) -> None:
        self._refresh_timer.stop()
        if self.original is None or self.edited is None:
            self.changes = []
        else:
            self.changes = document_changes(self.original, self.edited)
        reveal = self.show_secrets.isChecked()
        self.changes_table.set_changes(self.changes, reveal=reveal)
        if self.original is not None and self.edited is not None and self.changes:
            before, after = ((self.original, self.edited) if reveal
                             else masked_documents(self.original, self.edited))
            self.diff_text.set_diff(unified_diff(before, after))
        else:
            self.diff_text.set_diff("")
        if self.changed_only.isChecked():
            self.proxy.refresh()
        self._update()
        if not self._building:
            self.save_draft()

    def revert(self) -> None:
        """Discard the edits (the tree is rebuilt from the downloaded file)."""
        if self.original is not None and not self.busy and not self._building:
            self._spawn(self._revert(self.original), "revert")

    async def _revert(self, original: ConfigDocument) -> None:
        await self._show(original, original.copy())
        self.banner.info(self.tr("Edits discarded."))

    def _reveal(self, on: bool) -> None:
        self.model.set_reveal(on)
        self._refresh_changes()
        if self.report is not None:
            self.result_table.set_report(self.report, reveal=on)

    def _filter_typed(self, text: str) -> None:
        # Filtering tens of thousands of rows takes a moment: wait for a pause in typing.
        if len(self.model.value_items) > LARGE_TREE:
            self._filter_timer.start()
        else:
            self._filter(text)

    def _filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._expand_for_filter()

    def _changed_only(self, on: bool) -> None:
        self.proxy.set_changed_only(on)
        self._expand_for_filter()

    def _expand_for_filter(self) -> None:
        """Every match in view while a filter is on; the top levels only without one."""
        if self.proxy.active:
            self.tree.expandAll()
        else:
            self.tree.expandToDepth(1)

    def select_path(self, path: str) -> bool:
        """Select and show the value at ``path`` (the result table's rows lead here)."""
        item = self.model.value_items.get(path)
        if item is None:
            return False
        index = self.proxy.mapFromSource(item.index())
        if not index.isValid():
            return False
        self.tree.scrollTo(index)
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        return True

    # -- files ----------------------------------------------------------------------------
    async def open_file(self) -> bool:
        """Load a file as the edited configuration (compared with the downloaded one)."""
        if self.busy or self._building:
            return False
        path = await self.asker.open_path(self, self.tr("Open a configuration file"),
                                          file_filter(".xml", self.tr("Configuration")))
        if not path:
            return False
        try:
            content = await asyncio.to_thread(_read_capped, Path(path))
            document = ConfigDocument.parse(content, what=Path(path).name)
        except (OSError, InvalidValue) as exc:
            self.banner.error(self.tr("Not opened: {0}").format(html.escape(
                str(exc) if isinstance(exc, InvalidValue) else f"{path}: {exc.strerror}")))
            return False
        if self.original is None and not await self.load():
            return False
        assert self.original is not None
        await self._show(self.original, document)
        self.banner.info(self.tr("Opened {0}: {1} value(s) differ from the downloaded "
                                 "configuration.").format(html.escape(Path(path).name),
                                                          len(self.changes)))
        return True

    async def save_file(self) -> str:
        """Save the edited configuration; returns the path ("" when not saved)."""
        if self.edited is None:
            return ""
        suggested = Path(self.downloaded.backup.name if self.downloaded and
                         self.downloaded.backup else "configuration.xml").stem + "-edited.xml"
        path = await self.asker.save_path(self, self.tr("Save the configuration file"),
                                          suggested,
                                          file_filter(".xml", self.tr("Configuration")))
        if not path:
            return ""
        content = self.edited.to_bytes()
        try:
            await asyncio.to_thread(write_private, path, content)  # it holds passwords
        except OSError as exc:
            self.banner.error(self.tr("Not saved: cannot write {0}: {1}").format(
                html.escape(path), html.escape(exc.strerror or str(exc))))
            return ""
        self.banner.success(self.tr("Saved to {0} ({1}).").format(
            html.escape(path), size_text(len(content))))
        return path

    # -- upload ---------------------------------------------------------------------------
    async def upload(self) -> VerifyReport | None:
        """Confirm with the diff, send, wait for the device, read back, show the result."""
        device = self.device
        if (device is None or self.original is None or self.edited is None or self.busy
                or self._building):
            return None
        self._refresh_changes()
        try:
            prepared = prepare_upload(self.original, self.edited)
        except InvalidValue as exc:
            self.banner.error(self.tr("Not uploaded: {0}").format(html.escape(str(exc))))
            return None
        wait = device.config_apply_seconds if self.apply_seconds is None else self.apply_seconds
        backup = str(self.downloaded.backup) if self.downloaded and self.downloaded.backup \
            else ""
        dialog = UploadConfirmDialog(self.device_title, self.original, prepared,
                                     apply_seconds=device.config_apply_seconds,
                                     backup=backup, reveal=self.show_secrets.isChecked(),
                                     parent=self)
        if not await self.run_confirm(dialog):
            self.banner.info(self.tr("Upload cancelled; the device was not changed."))
            return None
        self.banner.clear()
        self._start(self.tr("Sending the configuration file…"), cancellable=False)
        original = self.original
        sent = False

        def on_step(step: Step) -> None:
            nonlocal sent
            sent = step.phase is not Phase.UPLOADING
            self._show_step(step, wait)

        try:
            async with self.ctx.manager.busy(self.ctx.session):
                report, reread = await upload(
                    device, original, prepared, on_step=on_step, apply_seconds=wait,
                    settle_seconds=self.settle_seconds, poll_seconds=self.poll_seconds)
        except asyncio.CancelledError:
            if not self._swallow_cancel():
                raise
            self.banner.warning(self.tr(
                "Stopped waiting. The device had accepted the file and applies it on its "
                "own; download the configuration again in a moment to see the result."))
            return None
        except Exception as exc:
            reason = html.escape(_reason(exc, self.ctx.session.entry.address))
            if sent:
                self.banner.error(self.tr(
                    "The device accepted the file, but reading it back failed: {0}. "
                    "Download again to see what it applied.").format(reason))
            elif isinstance(exc, Rejected):
                self.banner.error(self.tr(
                    "The device refused the file; nothing was changed: {0}").format(reason))
            else:
                self.banner.error(self.tr(
                    "The upload failed: {0}. The device may or may not have received the "
                    "file: download the configuration again to check.").format(reason))
            return None
        finally:
            self._finish()
        await self._after_upload(report, reread)
        return report

    async def apply(self) -> VerifyReport | None:
        """The window's Apply command (Ctrl+Return) on this page: :meth:`upload`."""
        return await self.upload()

    def _show_step(self, step: Step, wait: float) -> None:
        if step.phase is Phase.UPLOADING:
            self.progress_bar.setRange(0, 0)
            self._set_progress(self.tr("Sending the configuration file…"), cancellable=False)
        elif step.phase is Phase.APPLYING:
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(int((step.fraction or 0) * 1000))
            self._set_progress(self.tr(
                "The device is applying the configuration (about {0:.0f} s; {1:.0f} s "
                "left)… Do not restart or switch it off.").format(wait, step.seconds_left),
                cancellable=True)
        else:
            self.progress_bar.setRange(0, 0)
            self._set_progress(self.tr("Reading the configuration back to check it…"),
                               cancellable=True)

    async def _after_upload(self, report: VerifyReport, reread: ConfigDocument) -> None:
        self.report = report
        self.result_table.set_report(report, reveal=self.show_secrets.isChecked())
        self.tabs.setTabEnabled(2, True)
        self.tabs.setCurrentIndex(2)
        # The tree now shows the device's configuration as read back.
        await self._show(reread, reread.copy())
        if self.downloaded is not None:
            self.source_label.setText(self._source_text(self.tr(
                "Read back from the device after the upload.")))
        if report.complete:
            self.banner.success(self.tr(
                "All {0} change(s) applied: the configuration read back from the device has "
                "them.").format(len(report.results)) + _also(report))
        else:
            missing = report.not_applied[0]
            self.banner.warning(self.tr(
                "{0}. Not applied: {1} (the device has {2}). See Result of the upload."
            ).format(html.escape(report.summary()), html.escape(missing.path),
                     html.escape(repr(shown(missing.path, missing.actual,
                                            reveal=self.show_secrets.isChecked()))
                                 if missing.actual is not None
                                 else self.tr("no such value"))))
        self.ctx.audited(PAGE_ID, [_audit(r.path, r.before, r.intended, r.actual,
                                          r.outcome.value == "applied")
                                   for r in report.results])
        self.ctx.applied(PAGE_ID)
        self.ctx.status(self.tr("{0}: configuration file uploaded — {1}").format(
            self.device_title, report.summary()))


def _also(report: VerifyReport) -> str:
    if not report.unexpected:
        return ""
    return " " + translate("ConfigFilePage",
                           "The device also changed {0} other value(s).").format(
        len(report.unexpected))


def _audit(path: str, old: str | None, new: str | None, actual: str | None,
           applied: bool) -> KeyChange:
    secret = is_secret_path(path)
    return KeyChange(PAGE_ID, path, old, new,
                     KeyOutcome.APPLIED if applied else KeyOutcome.REJECTED, value=actual,
                     message="" if applied else "not in the configuration read back",
                     secret=secret)


def _reason(exc: BaseException, address: str) -> str:
    if isinstance(exc, ConfiguratorError):
        return user_message(exc, address)
    log.error("unexpected error", exc_info=exc)
    return translate("ConfigFilePage", "internal error: {0}").format(exc)


MAX_OPEN_BYTES = 16 * 1024 * 1024


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as fh:
        content = fh.read(MAX_OPEN_BYTES + 1)
    if len(content) > MAX_OPEN_BYTES:
        raise InvalidValue(f"{path.name} is larger than {MAX_OPEN_BYTES // (1024 * 1024)} MB: "
                           "not a device configuration")
    return content


__all__ = ["ConfigFilePage", "backup_dir"]
