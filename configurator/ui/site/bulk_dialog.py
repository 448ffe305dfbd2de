"""Bulk edit: one settings page (or a template / CSV) for many selected devices.

The page's settings are listed once; the current column shows the common value or
"(various)" (and on how many devices the setting is missing). A typed value is staged for
every selected device that has the setting. Preview is a device × key table (current → new);
Apply runs the same per-device write path as the CLI (``services/site_ops/apply``), at most 8
devices at once, with a progress bar, per-device status, Cancel (devices not started are left
untouched and listed) and "Retry failed". Every change goes to the event log and the journal
as an ``audit`` event.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.device import Device
from ...core.errors import ConfiguratorError, Unreachable
from ...core.params import Category, ParamSpec
from ...services.sessions import DeviceSession
from ...services.site import Site, SiteDevice
from ...services.site_ops.apply import apply_changes
from ...services.site_ops.audit import AuditTrail
from ...services.site_ops.changes import ChangeSource, DeviceChanges, SettingWanted, load_source
from ...services.site_ops.results import (
    DeviceResult,
    DeviceStatus,
    KeyChange,
    KeyOutcome,
    value_text,
)
from ...services.site_ops.runner import (
    DEFAULT_CONCURRENCY,
    Cancel,
    Progress,
    failed_devices,
    merge,
    run_devices,
)
from ..i18n import param_text, translate
from ..palette import fg, fg_css
from .status_words import status_word

VARIOUS = QT_TRANSLATE_NOOP("BulkEditDialog", "(various)")
COLOURS = {"applied": "#1b7a3a", "succeeded": "#1b7a3a", "rejected": "#b3261e",
           "failed": "#b3261e", "unreachable": "#b3261e", "auth failed": "#b3261e",
           "not verified": "#9a6200", "not started": "#5f6b76", "skipped": "#5f6b76",
           "running…": "#12324a", "waiting": "#5f6b76"}

Spawn = Callable[..., Any]


def common_text(values: Sequence[Any], spec: ParamSpec) -> str:
    """The value shared by every device, else "(various)"."""
    texts = {spec.format(v) for v in values}
    if not texts:
        return ""
    return texts.pop() if len(texts) == 1 else translate("BulkEditDialog", VARIOUS)


class BulkEditDialog(QDialog):
    def __init__(self, site: Site, sessions: Sequence[DeviceSession], spawn: Spawn,
                 audit: AuditTrail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.site = site
        self.sessions = list(sessions)
        self.spawn = spawn
        self.audit = audit
        self.source: ChangeSource | None = None
        self.current: dict[str, dict[str, Any]] = {}  # device key -> page values
        self.specs: dict[str, ParamSpec] = {}
        self.results: list[DeviceResult] = []
        self.cancel = Cancel()
        self.running = False
        self.concurrency = DEFAULT_CONCURRENCY
        self.setWindowTitle(self.tr("Bulk edit — {n_sessions} devices").format(
            n_sessions=len(self.sessions)))
        self.resize(1080, 720)
        self._build()
        self._fill_pages()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        names = ", ".join(f"{s.title} ({s.entry.address})" for s in self.sessions[:6])
        more = (self.tr(" and {count} more").format(count=len(self.sessions) - 6)
                if len(self.sessions) > 6 else "")
        self.selection_label = QLabel(self.tr("<b>{n_sessions} devices:</b> {names}{more}").format(
            n_sessions=len(self.sessions), names=names, more=more))
        self.selection_label.setWordWrap(True)
        layout.addWidget(self.selection_label)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Settings page:")))
        self.page_box = QComboBox(self)
        self.page_box.currentIndexChanged.connect(lambda _i: self._page_chosen())
        row.addWidget(self.page_box, 1)
        self.template_button = QPushButton(self.tr("Template or CSV…"), self)
        self.template_button.clicked.connect(self._choose_template)
        row.addWidget(self.template_button)
        layout.addLayout(row)

        split = QSplitter(Qt.Orientation.Vertical, self)
        self.fields = QTableWidget(0, 4, self)
        self.fields.setHorizontalHeaderLabels(
            [self.tr("Setting"), self.tr("Current"), self.tr("New value"), self.tr("Has it")])
        self.fields.verticalHeader().hide()
        self.fields.verticalHeader().setDefaultSectionSize(24)
        header = self.fields.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        split.addWidget(self.fields)
        self.diff = QTableWidget(0, 5, self)
        self.diff.setHorizontalHeaderLabels(
            [self.tr("Device"), self.tr("Setting"), self.tr("Current"), self.tr("New"),
             self.tr("Result")])
        self.diff.verticalHeader().hide()
        self.diff.verticalHeader().setDefaultSectionSize(24)
        dh = self.diff.horizontalHeader()
        for column in range(5):
            dh.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column in (1, 4)
                                    else QHeaderView.ResizeMode.ResizeToContents)
        split.addWidget(self.diff)
        split.setSizes([330, 330])
        layout.addWidget(split, 1)

        bottom = QHBoxLayout()
        self.progress = QProgressBar(self)
        self.progress.setFormat(self.tr("%v of %m devices"))
        self.progress.setRange(0, len(self.sessions))
        self.progress.setValue(0)
        bottom.addWidget(self.progress, 1)
        self.summary = QLabel("", self)
        bottom.addWidget(self.summary)
        self.preview_button = QPushButton(self.tr("Preview"), self)
        self.apply_button = QPushButton(self.tr("Apply"), self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.retry_button = QPushButton(self.tr("Retry failed"), self)
        self.close_button = QPushButton(self.tr("Close"), self)
        for button in (self.preview_button, self.apply_button, self.cancel_button,
                       self.retry_button, self.close_button):
            bottom.addWidget(button)
        self.preview_button.clicked.connect(lambda: self.spawn(self.run(dry_run=True)))
        self.apply_button.clicked.connect(lambda: self.spawn(self.run(dry_run=False)))
        self.cancel_button.clicked.connect(self.cancel.cancel)
        self.retry_button.clicked.connect(lambda: self.spawn(self.retry()))
        self.close_button.clicked.connect(self.close)
        layout.addLayout(bottom)
        self._buttons()

    def _buttons(self) -> None:
        self.preview_button.setEnabled(not self.running)
        self.apply_button.setEnabled(not self.running)
        self.cancel_button.setEnabled(self.running)
        self.retry_button.setEnabled(not self.running and any(not r.ok for r in self.results))
        self.template_button.setEnabled(not self.running)
        self.page_box.setEnabled(not self.running)

    # -- pages and "(various)" ------------------------------------------------------------
    def _devices(self) -> list[tuple[DeviceSession, Device]]:
        return [(s, s.device) for s in self.sessions if s.device is not None]

    def _fill_pages(self) -> None:
        seen: dict[str, str] = {}
        for _session, device in self._devices():
            for page in device.pages():
                if any(not p.read_only and p.category is not Category.STATUS
                       for p in page.params):
                    seen.setdefault(page.id, page.title)
        self.page_box.blockSignals(True)
        self.page_box.clear()
        for page_id, title in sorted(seen.items(), key=lambda kv: kv[1]):
            count = sum(1 for _s, d in self._devices() if any(p.id == page_id
                                                               for p in d.pages()))
            self.page_box.addItem(self.tr("{page}  ({count} of {total} devices)").format(
                page=param_text(title), count=count, total=len(self.sessions)), page_id)
        self.page_box.blockSignals(False)

    def page_id(self) -> str:
        return str(self.page_box.currentData() or "")

    def _page_chosen(self) -> None:
        self.source = None
        self.spawn(self.load_page())

    async def load_page(self) -> None:
        """Read the page on every selected device that has it (8 at a time)."""
        page_id = self.page_id()
        self.current.clear()
        self.specs.clear()
        slots = asyncio.Semaphore(8)

        async def read(session: DeviceSession, device: Device) -> None:
            if not any(p.id == page_id for p in device.pages()):
                return
            for spec in device.page(page_id).params:
                if not spec.read_only and spec.category is not Category.STATUS:
                    self.specs.setdefault(spec.key, spec)
            async with slots:
                try:
                    self.current[session.key] = await device.read_page(page_id)
                except ConfiguratorError:
                    return

        await asyncio.gather(*(read(s, d) for s, d in self._devices()))
        self._show_fields()

    def _show_fields(self) -> None:
        self.fields.setRowCount(0)
        for key, spec in self.specs.items():
            values = [v[key] for v in self.current.values() if key in v]
            row = self.fields.rowCount()
            self.fields.insertRow(row)
            label = QTableWidgetItem(f"{param_text(spec.group)} · {param_text(spec.label)}"
                                     if spec.group else param_text(spec.label))
            label.setToolTip(f"{spec.key}\n{param_text(spec.help)}".strip())
            label.setData(Qt.ItemDataRole.UserRole, key)
            label.setFlags(label.flags() & ~Qt.ItemFlag.ItemIsEditable)
            current = QTableWidgetItem(common_text(values, spec))
            current.setFlags(current.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if current.text() == self.tr(VARIOUS):
                current.setForeground(QBrush(fg("#9a6200")))
                current.setToolTip("\n".join(
                    f"{self._title(k)}: {spec.format(v[key])}" for k, v in self.current.items()
                    if key in v))
            has = QTableWidgetItem(self.tr("{count} of {total}").format(
                count=len(values), total=len(self.sessions)))
            has.setFlags(has.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.fields.setItem(row, 0, label)
            self.fields.setItem(row, 1, current)
            self.fields.setItem(row, 2, QTableWidgetItem(""))
            self.fields.setItem(row, 3, has)

    def _title(self, key: str) -> str:
        return next((s.title for s in self.sessions if s.key == key), key)

    def staged(self) -> list[SettingWanted]:
        """The typed new values: one SettingWanted per filled-in row."""
        out = []
        for row in range(self.fields.rowCount()):
            text = self.fields.item(row, 2).text()
            if text != "":
                key = self.fields.item(row, 0).data(Qt.ItemDataRole.UserRole)
                out.append(SettingWanted(self.page_id(), key, text))
        return out

    def set_new_value(self, key: str, text: str) -> None:
        for row in range(self.fields.rowCount()):
            if self.fields.item(row, 0).data(Qt.ItemDataRole.UserRole) == key:
                self.fields.item(row, 2).setText(text)
                return
        raise KeyError(key)

    # -- template -------------------------------------------------------------------------
    def _choose_template(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Template or CSV"), "",
                                              self.tr("Templates and CSV (*.json *.csv)"))
        if path:
            self.use_template(Path(path))

    def use_template(self, path: Path) -> None:
        try:
            self.source = load_source(path)
        except ConfiguratorError as exc:
            self.summary.setText(f"<span style='color:{fg_css('#b3261e')}'>{exc}</span>")
            return
        self.summary.setText(self.tr("Template <b>{name}</b>: Preview, then Apply").format(
            name=self.source.name))

    def changes_for(self, entry: SiteDevice) -> DeviceChanges:
        if self.source is not None:
            return self.source.for_device(self.site, entry)
        return DeviceChanges(settings=self.staged())

    # -- preview / apply / retry ------------------------------------------------------------
    async def run(self, *, dry_run: bool, only: Sequence[SiteDevice] | None = None
                  ) -> list[DeviceResult]:
        entries = list(only) if only is not None else [s.entry for s in self.sessions]
        sessions = {s.key: s for s in self.sessions}
        self.cancel = Cancel()
        self.running = True
        self._buttons()
        self.progress.setRange(0, len(entries))
        self.progress.setValue(0)
        status_rows: dict[str, QTableWidgetItem] = {}  # rows move as others come and go
        if only is None:
            self.diff.setRowCount(0)

        async def job(entry: SiteDevice) -> DeviceResult:
            session = sessions[entry.key]
            if session.device is None:
                raise Unreachable(session.message or self.tr("not connected"),
                                  host=entry.address)
            changes = self.changes_for(entry)
            if changes.empty:
                return DeviceResult(entry.key, entry.title, DeviceStatus.SKIPPED,
                                    changes.reason or self.tr("nothing to change"))
            result = await apply_changes(entry, session.device, changes, dry_run=dry_run)
            if not dry_run:
                self.audit.device_result(result, entry.address)
            return result

        def started(entry: SiteDevice) -> None:
            status_rows[entry.key] = self._status_row(_label(entry), "running…")  # a code

        def done(result: DeviceResult) -> None:
            self.progress.setValue(self.progress.value() + 1)
            self._show_result(result, status_rows.pop(result.device, None), dry_run)

        try:
            results = await run_devices(entries, job, concurrency=self.concurrency,
                                        cancel=self.cancel, progress=Progress(started, done))
        finally:
            self.running = False
        self.results = merge(self.results, results) if only is not None else results
        self._summarize(dry_run)
        self._buttons()
        return results

    async def retry(self) -> list[DeviceResult]:
        entries = failed_devices([s.entry for s in self.sessions], self.results)
        return await self.run(dry_run=False, only=entries)

    def _status_row(self, title: str, text: str) -> QTableWidgetItem:
        row = self.diff.rowCount()
        self.diff.insertRow(row)
        for column, value in enumerate((title, "", "", "", status_word(text))):
            self.diff.setItem(row, column, QTableWidgetItem(value))
        self._colour(row, text)
        return self.diff.item(row, 0)

    def _show_result(self, result: DeviceResult, marker: QTableWidgetItem | None,
                     dry_run: bool) -> None:
        if marker is not None and self.diff.row(marker) >= 0:
            self.diff.removeRow(self.diff.row(marker))
        if not result.keys:
            row = self.diff.row(self._status_row(self._label_of(result), str(result.status)))
            if result.message:
                item = self.diff.item(row, 4)
                item.setText(f"{item.text()}: {result.message}")
            return
        for change in result.keys:
            self._key_row(result, change, dry_run)

    def _key_row(self, result: DeviceResult, change: KeyChange, dry_run: bool) -> None:
        data = change.to_json()
        outcome = str(change.outcome) if change.outcome else (
            "will change" if change.changed else "unchanged")
        text = status_word(outcome) + (f": {change.message}" if change.message else "")
        row = self.diff.rowCount()
        self.diff.insertRow(row)
        values = (self._label_of(result), change.key.rsplit(".", 1)[-1],
                  value_text(data["old"]), value_text(data["new"]), text)
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column == 1:
                item.setToolTip(f"{change.page}/{change.key}")
            self.diff.setItem(row, column, item)
        self._colour(row, outcome if change.outcome else (
            "waiting" if not change.changed else "running…"))
        if dry_run and change.changed and change.outcome is None:
            self.diff.item(row, 3).setForeground(QBrush(fg("#12324a")))
            font = self.diff.item(row, 3).font()
            font.setBold(True)
            self.diff.item(row, 3).setFont(font)

    def _label_of(self, result: DeviceResult) -> str:
        entry = next((s.entry for s in self.sessions if s.key == result.device), None)
        return _label(entry) if entry is not None else result.title

    def _colour(self, row: int, outcome: str) -> None:
        colour = COLOURS.get(outcome.split(":")[0].strip())
        item = self.diff.item(row, 4)
        if colour and item is not None:
            item.setForeground(QBrush(fg(colour)))

    def _summarize(self, dry_run: bool) -> None:
        counts: dict[str, int] = {}
        for r in self.results:
            counts[str(r.status)] = counts.get(str(r.status), 0) + 1
        keys = [k for r in self.results for k in r.keys]
        if dry_run:
            changing = sum(1 for k in keys if k.changed and k.outcome is None)
            text = self.tr("Preview: {changes} change(s) on {devices} device(s)").format(
                changes=changing, devices=len(self.results))
        else:
            applied = sum(1 for k in keys if k.outcome is KeyOutcome.APPLIED and k.changed)
            text = self.tr("{count} change(s) applied · ").format(count=applied) + ", ".join(
                f"{n} {status_word(status)}" for status, n in sorted(counts.items()))
        self.summary.setText(text)


def _label(entry: SiteDevice) -> str:
    return f"{entry.title} · {entry.address}"
