"""The Access page's licence plates: the recognitions an LPR system reported to the intercom
(from its event log) and the picture received with a plate, shown and saved
(``core.plates.ReadsPlates``; 2N ``lpr/image``)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.plates import PlateSighting, ReadsPlates
from ...services.private_files import write_private
from ..dialogs.awaitable import size_text
from ..icons import icon
from ..palette import fg_css
from .context import EditorContext
from .panel_parts import DevicePanel, escaped, list_table, panel_top, reason

log = logging.getLogger(__name__)
PREVIEW_WIDTH, PREVIEW_HEIGHT = 400, 260
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


class PlatePanel(DevicePanel[ReadsPlates]):
    """Licence plates seen by the intercom and the picture of one of them."""

    def __init__(self, ctx: EditorContext, device: ReadsPlates,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, device, parent)
        self.sightings: list[PlateSighting] = []
        self.content = b""  # the picture shown
        self.shown_plate = ""
        self.loaded = False

        layout, self.banner = panel_top(self, self.tr(
            "Plates a Licence Plate Recognition system reported to this intercom, as its event "
            "log still holds them. Select one to see the picture sent with it; the intercom "
            "keeps the last five pictures."))

        body = QHBoxLayout()
        left = QVBoxLayout()
        self.table = list_table(
            self, [self.tr("Seen (UTC)"), self.tr("Plate"), self.tr("Vehicle"), self.tr("User")],
            QAbstractItemView.SelectionMode.SingleSelection)
        left.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet(f"color: {fg_css('#546e7a')};")
        self.reload_button = QPushButton(icon("refresh"), self.tr("Reload"), self)
        row.addWidget(self.count_label, 1)
        row.addWidget(self.reload_button)
        left.addLayout(row)
        body.addLayout(left, 3)

        right = QVBoxLayout()
        plate_row = QHBoxLayout()
        plate_label = QLabel(self.tr("Plate:"), self)
        self.plate_edit = QLineEdit(self)
        self.plate_edit.setMaxLength(32)
        self.plate_edit.setPlaceholderText(self.tr("e.g. ABC123456"))
        plate_label.setBuddy(self.plate_edit)
        self.show_button = QPushButton(self.tr("Show picture"), self)
        plate_row.addWidget(plate_label)
        plate_row.addWidget(self.plate_edit, 1)
        plate_row.addWidget(self.show_button)
        right.addLayout(plate_row)
        self.preview = QLabel(self.tr("Select a plate to see its picture"), self)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self.preview.setFixedSize(PREVIEW_WIDTH, PREVIEW_HEIGHT)
        self.preview.setStyleSheet("background: #263238; color: #b0bec5; border-radius: 4px; "
                                   "padding: 8px;")
        right.addWidget(self.preview)
        self.details = QLabel(self)
        self.details.setStyleSheet(f"color: {fg_css('#546e7a')};")
        right.addWidget(self.details)
        save_row = QHBoxLayout()
        self.save_button = QPushButton(icon("save"), self.tr("Save picture…"), self)
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        right.addLayout(save_row)
        right.addStretch(1)
        body.addLayout(right, 0)
        layout.addLayout(body, 1)

        self.reload_button.clicked.connect(lambda: self.ctx.spawn(self.load(), "plates"))
        self.show_button.clicked.connect(
            lambda: self.ctx.spawn(self.show_picture(self.plate_edit.text()), "plate picture"))
        self.plate_edit.returnPressed.connect(self.show_button.click)
        self.save_button.clicked.connect(lambda: self.ctx.spawn(self.save(), "save plate"))
        self.table.itemSelectionChanged.connect(self._selected)
        self._update()

    def _update(self) -> None:
        self.reload_button.setEnabled(not self.busy)
        self.show_button.setEnabled(not self.busy)
        self.save_button.setEnabled(not self.busy and bool(self.content))

    # -- the recognitions -----------------------------------------------------------------
    async def load(self) -> bool:
        """Read the recognitions still in the device's event log."""
        try:
            async with self._request():
                sightings = await self.device.plate_sightings()
        except Exception as exc:
            self.banner.error(self.tr("Cannot read the plates the intercom saw: {0}").format(
                escaped(reason(exc, log))))
            return False
        self.loaded = True
        self._fill(sightings)
        return True

    def _fill(self, sightings: Sequence[PlateSighting]) -> None:
        self.sightings = list(sightings)
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(self.sightings))
        for r, seen in enumerate(self.sightings):
            cells = (seen.time.removesuffix(" UTC"), seen.plate, self._direction(seen),
                     self._user(seen))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3 and seen.user:
                    item.setToolTip(seen.user)
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        n = len(self.sightings)
        self.count_label.setText(
            self.tr("No plate recognitions in the event log.") if n == 0 else
            self.tr("1 recognition") if n == 1 else
            self.tr("{0} recognitions, newest first").format(n))

    def _direction(self, seen: PlateSighting) -> str:
        return {"entering": self.tr("Entering"), "leaving": self.tr("Leaving")}.get(
            seen.direction, "")

    def _user(self, seen: PlateSighting) -> str:
        if seen.valid is False:
            return self.tr("not a known plate")
        if seen.user_name:
            return seen.user_name
        return self.tr("a directory user") if seen.valid else ""

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.sightings):
            return
        plate = self.sightings[rows[0].row()].plate
        self.plate_edit.setText(plate)
        self.ctx.spawn(self.show_picture(plate), "plate picture")

    # -- the picture ----------------------------------------------------------------------
    async def show_picture(self, plate: str) -> bool:
        """Ask the intercom for the newest picture of ``plate`` and show it."""
        plate = plate.strip()
        if not plate:
            self.banner.warning(self.tr("Type a licence plate, or select one in the list."))
            return False
        try:
            async with self._request():
                content = await self.device.plate_picture(plate)
        except Exception as exc:
            self._clear_picture(self.tr("No picture"))
            self.banner.error(escaped(reason(exc, log)))
            return False
        image = QImage.fromData(content)
        if image.isNull():
            self._clear_picture(self.tr("Not a picture"))
            self.banner.error(self.tr("The intercom sent {0} for plate {1}, but it is not a "
                                      "picture Qt can read.").format(size_text(len(content)),
                                                                     escaped(plate)))
            return False
        self.banner.clear()
        self.content, self.shown_plate = content, plate
        self.preview.setPixmap(QPixmap.fromImage(image.scaled(
            PREVIEW_WIDTH, PREVIEW_HEIGHT, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)))
        self.details.setText(self.tr("{0} · {1}×{2} · {3}").format(
            plate, image.width(), image.height(), size_text(len(content))))
        self._update()
        return True

    def _clear_picture(self, text: str) -> None:
        self.content, self.shown_plate = b"", ""
        self.preview.setPixmap(QPixmap())
        self.preview.setText(text)
        self.details.setText("")
        self._update()  # nothing left to save

    async def save(self) -> str:
        """Save the picture shown (readable by the user only); returns the path or ""."""
        if not self.content:
            return ""
        stamp = time.strftime("%Y%m%d-%H%M")
        suggested = f"plate-{_UNSAFE.sub('_', self.shown_plate)}-{stamp}.jpg"
        path = await self.asker.save_path(
            self, self.tr("Save the picture of plate {0}").format(self.shown_plate), suggested,
            self.tr("JPEG pictures (*.jpg *.jpeg);;All files (*)"))
        if not path:
            self.banner.info(self.tr("The picture was not saved (cancelled)."))
            return ""
        try:
            write_private(path, self.content)  # a vehicle and its plate: personal data
        except OSError as exc:
            self.banner.error(self.tr("Not saved: cannot write {0}: {1}").format(
                escaped(path), escaped(exc.strerror or str(exc))))
            return ""
        self.banner.success(self.tr("Picture of {0} saved to {1} ({2}).").format(
            escaped(self.shown_plate), escaped(path), size_text(len(self.content))))
        return path

