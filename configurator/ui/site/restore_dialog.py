"""Restore one device from a site backup: what changes first, then the typed confirmation.

The preview compares the backup's configuration file (checked against its SHA-256 in the
manifest) with what the device holds now, secret lines masked
(``services/site_ops/backup.restore_device``). Restoring needs the device's title typed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import ConfiguratorError
from ...services.site import Site, SiteDevice
from ...services.site_ops.audit import AuditTrail
from ...services.site_ops.backup import restore_device
from ...services.site_ops.credentials import SiteCredentials
from ...services.site_ops.results import DeviceResult, DeviceStatus
from ..palette import fg_css


class RestoreDialog(QDialog):
    def __init__(self, site: Site, entry: SiteDevice, folder: Path,
                 credentials: SiteCredentials, spawn: Callable[..., Any], audit: AuditTrail,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.site, self.entry, self.folder = site, entry, folder
        self.credentials, self.spawn, self.audit = credentials, spawn, audit
        self.result_: DeviceResult | None = None
        self.setWindowTitle(self.tr("Restore {title} from {name}").format(
            title=entry.title, name=folder.name))
        self.resize(820, 520)
        layout = QVBoxLayout(self)
        self.heading = QLabel(self.tr("Reading <b>{title}</b> ({address}) and the backup…").format(
            title=entry.title, address=entry.address))
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.diff = QPlainTextEdit(self)
        self.diff.setReadOnly(True)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.diff.setFont(mono)
        layout.addWidget(self.diff, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Type <b>{title}</b> to restore:").format(title=entry.title)))
        self.confirm = QLineEdit(self)
        self.confirm.textChanged.connect(lambda _t: self._buttons())
        row.addWidget(self.confirm, 1)
        self.restore_button = QPushButton(self.tr("Restore"), self)
        self.restore_button.clicked.connect(lambda: self.spawn(self.restore()))
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.close)
        row.addWidget(self.restore_button)
        row.addWidget(close)
        layout.addLayout(row)
        self.changes = False
        self.busy = False
        self._buttons()

    def _buttons(self) -> None:
        self.restore_button.setEnabled(not self.busy and self.changes
                                       and self.confirm.text().strip() == self.entry.title)

    async def preview(self) -> DeviceResult | None:
        return await self._run(confirm=False)

    async def restore(self) -> DeviceResult | None:
        return await self._run(confirm=True)

    async def _run(self, *, confirm: bool) -> DeviceResult | None:
        self.busy = True
        self._buttons()
        try:
            result = await restore_device(self.site, self.folder, self.entry, self.credentials,
                                          confirm=confirm, audit=self.audit if confirm else None)
        except ConfiguratorError as exc:
            self.heading.setText(f"<span style='color:{fg_css('#b3261e')}'>{exc}</span>")
            return None
        finally:
            self.busy = False
        self.result_ = result
        shown = result.details.get("preview") or {}
        self.changes = not shown.get("identical", True) and not confirm
        colour = fg_css("#1b7a3a" if result.status is DeviceStatus.SUCCEEDED else "#9a6200")
        when = result.details.get("backup_time") or ""
        self.heading.setText(
            self.tr("<b>{device}</b> ({address}) · backup of {when} · {file}: {summary}<br>"
                    "<span style='color:{colour}'>{message}</span>").format(
                device=self.entry.title, address=self.entry.address, when=when,
                file=shown.get("file", ""), summary=shown.get("summary", ""), colour=colour,
                message=result.message))
        lines = list(shown.get("diff", []))
        tables = result.details.get("table_files", [])
        if tables:
            lines.append("")
            lines += [self.tr("(table file {name} is in the backup; import it from the table's "
                              "page)").format(name=name) for name in tables]
        self.diff.setPlainText("\n".join(lines) or self.tr("No difference."))
        self._buttons()
        return result
