"""The Display page's picture: choose a file, see it as the display will, send or remove it
(``core.pictures.ShowsPictures``; 2N ``display/image``)."""

from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ...core.errors import ConfiguratorError
from ...core.pictures import MAX_PICTURE_BYTES, ShowsPictures, picture_format
from ..i18n import param_text
from ..icons import icon
from ..palette import fg_css
from .context import EditorContext
from .panel_parts import DevicePanel, button_row, panel_top

log = logging.getLogger(__name__)
PREVIEW_WIDTH = 360


class PicturePanel(DevicePanel[ShowsPictures]):
    """Send a picture to one of the device's displays, with a preview at the display's shape."""

    def __init__(self, ctx: EditorContext, device: ShowsPictures,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, device, parent)
        self.content = b""
        self.filename = ""
        self.image = QImage()

        layout, self.banner = panel_top(self, self.tr(
            "Show a welcome message, a notice or a logo on the intercom's display. Baseline "
            "JPEG (recommended), PNG or BMP, no larger than the display."))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.screen_box = QComboBox(self)
        for screen in device.screens():
            size = f" ({screen.width}×{screen.height})" if screen.width else ""
            self.screen_box.addItem(f"{param_text(screen.label)}{size}", screen.id)
        form.addRow(self.tr("Display:"), self.screen_box)
        self.seconds_box = QSpinBox(self)
        self.seconds_box.setRange(0, 86400)
        self.seconds_box.setSuffix(" s")
        self.seconds_box.setSpecialValueText(self.tr("until removed"))
        self.seconds_box.setToolTip(self.tr("0: the picture stays until removed (overlay); "
                                            "otherwise it is shown as a notification for that "
                                            "long"))
        form.addRow(self.tr("Show:"), self.seconds_box)
        layout.addLayout(form)

        self.preview = QLabel(self.tr("No picture chosen"), self)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(PREVIEW_WIDTH, PREVIEW_WIDTH * 10 // 16)
        # a dark "screen" in any palette
        self.preview.setStyleSheet("background: #263238; color: #b0bec5; border-radius: 4px;")
        layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignLeft)
        self.details = QLabel(self)
        self.details.setStyleSheet(f"color: {fg_css('#546e7a')};")
        layout.addWidget(self.details)

        self.choose_button = QPushButton(icon("open"), self.tr("Choose picture…"), self)
        self.send_button = QPushButton(icon("apply"), self.tr("Show on display"), self)
        self.remove_button = QPushButton(icon("remove"), self.tr("Remove picture"), self)
        layout.addLayout(button_row(self.choose_button, self.send_button, self.remove_button))
        layout.addStretch(1)

        self.choose_button.clicked.connect(lambda: self.ctx.spawn(self.choose(), "picture"))
        self.send_button.clicked.connect(lambda: self.ctx.spawn(self.send(), "show picture"))
        self.remove_button.clicked.connect(
            lambda: self.ctx.spawn(self.remove(), "remove picture"))
        self.screen_box.currentIndexChanged.connect(lambda _: self._show_preview())
        self._update()

    @property
    def screen(self) -> str:
        return str(self.screen_box.currentData() or "")

    def _update(self) -> None:
        self.send_button.setEnabled(bool(self.content) and not self.busy)
        self.remove_button.setEnabled(not self.busy)
        self.choose_button.setEnabled(not self.busy)

    async def choose(self) -> bool:
        """Ask for a picture file and show its preview (nothing is sent yet)."""
        path = await self.asker.open_path(self, self.tr("Choose a picture for the display"),
                                          self.tr("Pictures (*.jpg *.jpeg *.png *.bmp *.gif);;"
                                          "All files (*)"))
        if not path:
            return False
        return self.load(path)

    def load(self, path: str) -> bool:
        """Read and check a picture file; the preview shows it."""
        name = Path(path).name
        try:
            with open(path, "rb") as fh:
                content = fh.read(MAX_PICTURE_BYTES + 1)
            fmt = picture_format(content, name)
        except OSError as exc:
            self.banner.error(self.tr("Cannot read {value}: "
                              "{value2}").format(
                                  value=html.escape(path),
                                  value2=html.escape(exc.strerror or str(exc))))
            return False
        except ConfiguratorError as exc:
            self.banner.error(html.escape(str(exc)))
            return False
        image = QImage.fromData(content)
        if image.isNull():
            self.banner.error(self.tr("{value} is a {fmt} file Qt cannot read either.").format(
                value=html.escape(name), fmt=fmt))
            return False
        self.content, self.filename, self.image = content, name, image
        self.banner.clear()
        self._show_preview()
        self._update()
        return True

    def _show_preview(self) -> None:
        if not self.content:
            return
        image = self.image
        screen = next((s for s in self.device.screens() if s.id == self.screen), None)
        width = PREVIEW_WIDTH
        height = width * screen.height // screen.width if screen and screen.width else \
            width * image.height() // max(1, image.width())
        self.preview.setFixedSize(width, height)
        scale = width / screen.width if screen and screen.width else width / image.width()
        shown = image.scaled(max(1, int(image.width() * scale)),
                             max(1, int(image.height() * scale)),
                             Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(QPixmap.fromImage(shown))
        fits = not screen or not screen.width or (
            image.width() <= screen.width and image.height() <= screen.height)
        size = f"{image.width()}×{image.height()}"
        self.details.setText(self.tr("{filename} · {size} · {value} KB").format(
            filename=self.filename, size=size, value=len(self.content) // 1024 or 1))
        if not fits and screen:
            self.banner.warning(self.tr("{value} is {size}: larger than the "
                                "display ({width}×{height}); the device will "
                                "refuse it. Scale it down first.").format(
                                    value=html.escape(self.filename), size=size,
                                    width=screen.width, height=screen.height))

    async def send(self) -> bool:
        seconds = self.seconds_box.value() or None
        return await self._run(
            lambda: self.device.show_picture(self.screen, self.content, self.filename, seconds),
            (self.tr("{file} is on the display for {seconds} s.") if seconds
             else self.tr("{file} is on the display until you remove it.")).format(
                file=html.escape(self.filename), seconds=seconds))

    async def remove(self) -> bool:
        return await self._run(lambda: self.device.remove_picture(self.screen),
                               self.tr("The picture was removed from the display."))

    async def _run(self, call: Callable[[], Awaitable[None]], done: str) -> bool:
        self.banner.info(self.tr("Sending…"))
        try:
            async with self._request():
                await call()
        except Exception as exc:
            if not isinstance(exc, ConfiguratorError):
                log.exception("display picture failed")
            self.banner.error(self.tr("Not done: {value}").format(value=html.escape(str(exc))))
            return False
        self.banner.success(done)
        self.ctx.status(f"{self.ctx.session.title}: {done}")
        return True
