"""Firmware rollout for the selected devices: files → plan → canary, then batches.

The plan (``services/site_ops/firmware``) shows who gets what: the device's running version,
the file and version it takes, or why it is skipped (same version, another model's file, no
firmware upload). Downgrades stay out unless allowed. Installing needs the word typed
("install", or "downgrade" when downgrades are allowed); it runs one canary, then batches;
each device row shows its step and elapsed time; the wave stops at the first failure; Cancel
stops between devices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import ConfiguratorError
from ...services.site import SiteDevice
from ...services.site_ops.audit import AuditTrail
from ...services.site_ops.credentials import SiteCredentials
from ...services.site_ops.firmware import FirmwareFile, FirmwareRollout, plan_firmware
from ...services.site_ops.results import DeviceResult, DeviceStatus
from ...services.site_ops.runner import Cancel, Progress
from ..palette import fg, fg_css
from .status_words import status_word

COLUMNS = [QT_TRANSLATE_NOOP("FirmwareDialog", "Device"),
           QT_TRANSLATE_NOOP("FirmwareDialog", "Running"),
           QT_TRANSLATE_NOOP("FirmwareDialog", "File"),
           QT_TRANSLATE_NOOP("FirmwareDialog", "Version"),
           QT_TRANSLATE_NOOP("FirmwareDialog", "Status")]
COLOURS = {DeviceStatus.SUCCEEDED: "#1b7a3a", DeviceStatus.SKIPPED: "#5f6b76",
           DeviceStatus.NOT_STARTED: "#9a6200", DeviceStatus.FAILED: "#b3261e",
           DeviceStatus.UNREACHABLE: "#b3261e", DeviceStatus.AUTH_FAILED: "#b3261e"}


class FirmwareDialog(QDialog):
    def __init__(self, devices: Sequence[SiteDevice], credentials: SiteCredentials,
                 spawn: Callable[..., Any], audit: AuditTrail,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.devices = list(devices)
        self.credentials = credentials
        self.spawn = spawn
        self.audit = audit
        self.files: list[FirmwareFile] = []
        self.plan: list[DeviceResult] = []
        self.results: list[DeviceResult] = []
        self.cancel = Cancel()
        self.running = False
        self.restart_timeout = 300.0
        self.poll = 2.0
        self.setWindowTitle(self.tr("Firmware — {n_devices} devices").format(
            n_devices=len(self.devices)))
        self.resize(1000, 560)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.files_button = QPushButton(self.tr("Firmware files…"), self)
        self.files_button.clicked.connect(self._choose)
        self.files_label = QLabel(self.tr("No file chosen"), self)
        row.addWidget(self.files_button)
        row.addWidget(self.files_label, 1)
        self.downgrade_box = QCheckBox(self.tr("Allow downgrades"), self)
        row.addWidget(self.downgrade_box)
        self.plan_button = QPushButton(self.tr("Check plan"), self)
        self.plan_button.clicked.connect(lambda: self.spawn(self.make_plan()))
        row.addWidget(self.plan_button)
        layout.addLayout(row)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(title) for title in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column == 4
                                        else QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(self.tr("Canary:")))
        self.canary = QSpinBox(self)
        self.canary.setRange(0, 50)
        self.canary.setValue(1)
        bottom.addWidget(self.canary)
        bottom.addWidget(QLabel(self.tr("then batches of")))
        self.batch = QSpinBox(self)
        self.batch.setRange(1, 50)
        self.batch.setValue(8)
        bottom.addWidget(self.batch)
        self.summary = QLabel("", self)
        bottom.addWidget(self.summary, 1)
        self.confirm = QLineEdit(self)
        self.confirm.setPlaceholderText(self.tr("type install"))
        self.confirm.textChanged.connect(lambda _t: self._buttons())
        bottom.addWidget(self.confirm)
        self.install_button = QPushButton(self.tr("Install"), self)
        self.install_button.clicked.connect(lambda: self.spawn(self.install()))
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.cancel_now)
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.clicked.connect(self.close)
        for button in (self.install_button, self.cancel_button, self.close_button):
            bottom.addWidget(button)
        layout.addLayout(bottom)
        self._buttons()

    # -- state ----------------------------------------------------------------------------
    def word(self) -> str:
        """What has to be typed: "downgrade" when the plan installs an older version."""
        downgrades = any(r.details.get("plan") == "downgrade" and r.status is
                         DeviceStatus.SUCCEEDED for r in self.plan)
        return "downgrade" if downgrades else "install"

    def installable(self) -> int:
        return sum(1 for r in self.plan if r.status is DeviceStatus.SUCCEEDED)

    def _buttons(self) -> None:
        self.confirm.setPlaceholderText(self.tr("type {value}").format(value=self.word()))
        ready = (not self.running and self.installable() > 0
                 and self.confirm.text().strip().lower() == self.word())
        self.install_button.setEnabled(ready)
        self.plan_button.setEnabled(not self.running and bool(self.files))
        self.files_button.setEnabled(not self.running)
        self.cancel_button.setEnabled(self.running)

    def cancel_now(self) -> None:
        self.cancel.cancel()
        self.summary.setText(self.tr("Cancelling: devices in progress finish, the others are left "
                             "untouched"))

    # -- files and plan -------------------------------------------------------------------
    def _choose(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Firmware files"))
        if names:
            self.use_files([Path(n) for n in names])

    def use_files(self, paths: Sequence[Path]) -> None:
        try:
            self.files = [FirmwareFile.read(p) for p in paths]
        except ConfiguratorError as exc:
            self.files_label.setText(f"<span style='color:{fg_css('#b3261e')}'>{exc}</span>")
            return
        self.files_label.setText(", ".join(f.name for f in self.files))
        self.plan = []
        self._buttons()

    async def make_plan(self) -> list[DeviceResult]:
        self.running = True
        self._buttons()
        self.summary.setText(self.tr("Checking the files with every device…"))
        try:
            self.plan = await plan_firmware(self.devices, self.files, self.credentials,
                                            allow_downgrade=self.downgrade_box.isChecked())
        finally:
            self.running = False
        self.table.setRowCount(0)
        for entry, result in zip(self.devices, self.plan, strict=True):
            self._row(entry, result)
        self.summary.setText(self.tr("{value} of {n_devices} device(s) get new "
                             "firmware").format(
                                 value=self.installable(), n_devices=len(self.devices)))
        self._buttons()
        return self.plan

    def _row(self, entry: SiteDevice, result: DeviceResult) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        d = result.details
        values = (f"{entry.title} · {entry.address}", str(d.get("current", "")),
                  str(d.get("file", "")), str(d.get("version", "")),
                  status_word("planned" if result.status is DeviceStatus.SUCCEEDED
                              else result.status)
                  + (f": {result.message}" if result.message else ""))
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            self.table.setItem(row, column, item)
        self._colour(row, result.status)

    def _colour(self, row: int, status: DeviceStatus) -> None:
        item = self.table.item(row, 4)
        if item is not None and status in COLOURS:
            item.setForeground(QBrush(fg(COLOURS[status])))

    def _set_status(self, key: str, text: str, status: DeviceStatus | None = None) -> None:
        for row, entry in enumerate(self.devices):
            if entry.key == key and self.table.item(row, 4) is not None:
                self.table.item(row, 4).setText(text)
                self.table.item(row, 4).setToolTip(text)
                if status is not None:
                    self._colour(row, status)
                return

    # -- install --------------------------------------------------------------------------
    async def install(self) -> list[DeviceResult]:
        self.cancel = Cancel()
        self.running = True
        self._buttons()

        def step(entry: SiteDevice, text: str, seconds: float) -> None:
            self._set_status(entry.key, f"{text} ({seconds:.0f} s)")

        def done(result: DeviceResult) -> None:
            self._set_status(result.device, status_word(result.status)
                             + (f": {result.message}" if result.message else ""),
                             result.status)

        rollout = FirmwareRollout(self.credentials, {f.name: f for f in self.files},
                                  self.audit, restart_timeout=self.restart_timeout,
                                  poll=self.poll, on_step=step)
        try:
            self.results = await rollout.run_waves(
                list(zip(self.devices, self.plan, strict=True)), canary=self.canary.value(),
                batch=self.batch.value(), cancel=self.cancel, progress=Progress(on_done=done))
        finally:
            self.running = False
            self.confirm.clear()
        installed = sum(1 for r in self.results if r.details.get("to"))
        stopped = [r for r in self.results if r.status is DeviceStatus.NOT_STARTED]
        self.summary.setText(self.tr("{count} device(s) upgraded").format(count=installed)
                             + (self.tr(", {count} not started").format(count=len(stopped))
                                if stopped else ""))
        self._buttons()
        return self.results
