"""The question before an upload: what changes (per path and as a unified diff), what the
device will do, and where the original is kept."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from ...services.config_file import PreparedUpload, unified_diff
from ...services.config_file.document import ConfigDocument
from ...services.config_file.secrets import masked_documents
from .diff_view import ChangesTable, DiffText


class UploadConfirmDialog(QDialog):
    def __init__(self, device_title: str, original: ConfigDocument, prepared: PreparedUpload,
                 *, apply_seconds: float, backup: str, reveal: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Upload the configuration file — {0}").format(device_title))
        n = len(prepared.changes)
        layout = QVBoxLayout(self)
        text = self.tr(
            "<b>{0} value(s)</b> differ from the configuration downloaded from <b>{1}</b>. "
            "The device replaces its <b>whole configuration</b> with this file and applies it "
            "about {2:.0f} s after accepting it: do not restart or switch it off meanwhile. "
            "The configuration is then read back and every change checked."
        ).format(n, html.escape(device_title), apply_seconds)
        if backup:
            text += "<br>" + self.tr("The downloaded original stays in {0}.").format(
                f"<code>{html.escape(backup)}</code>")
        intro = QLabel(text, self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tabs = QTabWidget(self)
        self.table = ChangesTable(self.tabs)
        self.table.set_changes(prepared.changes, reveal=reveal)
        self.diff = DiffText(self.tabs)
        before, after = ((original, prepared.document) if reveal
                         else masked_documents(original, prepared.document))
        self.diff.set_diff(unified_diff(before, after))
        self.tabs.addTab(self.table, self.tr("Changes ({0})").format(n))
        self.tabs.addTab(self.diff, self.tr("Unified diff"))
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(self)
        self.upload_button = buttons.addButton(self.tr("Upload {0} change(s)").format(n),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, min(260 + 28 * n, 560))
