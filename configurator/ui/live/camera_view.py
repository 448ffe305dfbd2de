"""Live camera widgets: one camera (`CameraView`) and a grid of several (`CameraGrid`).

Wiring (for the main window)::

    from configurator.live.camera import CameraPipeline
    from configurator.live.sources import device_camera, url_camera
    pipeline = CameraPipeline(device_camera(device, fps=10), name=device.host)
    view = CameraView(pipeline, title="Front door")      # put it in a QDockWidget
    grid = CameraGrid(); grid.add_camera(pipeline, "Front door")
    ...
    await pipeline.aclose()                               # on device removal / shutdown

The view holds the pipeline (stream running) only while it is visible and not paused; frames
arrive on the Qt thread (qasync loop), are wrapped in a QImage without copying the decoded RGB
buffer and painted scaled with the aspect ratio kept in ``paintEvent``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.events import SourceState

if TYPE_CHECKING:  # the pipeline and the decoder load with the first camera, not with the window
    from ...live.camera import CameraPipeline
    from ...live.frames import DecodedFrame


def frame_image(frame: DecodedFrame) -> QImage:
    """The frame's QImage when Qt decoded it, else a QImage over the frame's own buffer (no
    copy either way: keep ``frame`` alive while used)."""
    image = frame.picture.image
    if isinstance(image, QImage):
        return image
    return QImage(frame.pixels, frame.width, frame.height, frame.stride,
                  QImage.Format.Format_RGB32)


BACKGROUND = QColor(16, 16, 16)
OVERLAY_BACKGROUND = QColor(0, 0, 0, 150)
OVERLAY_MARGIN = 6  # px from the picture's bottom left corner
OVERLAY_REFRESH = 1.0  # s: fps and latency are redrawn once a second (readable, cheap)
FPS_SETTLED = 1.0  # s of decoded frames before the overlay shows a rate


class CameraCanvas(QWidget):
    """Paints a pipeline's newest frame with an fps/latency overlay; holds it while visible."""

    doubleClicked = Signal()

    def __init__(self, pipeline: CameraPipeline | None = None, *, title: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.paused = False
        self.pipeline: CameraPipeline | None = None
        self._frame: DecodedFrame | None = None
        self._image: QImage | None = None
        self._painted_seq = -1
        self._overlay = _OverlayCache()
        self._figures = ""  # the fps / latency line, refreshed every OVERLAY_REFRESH seconds
        self._figures_at = 0.0
        self._holding = False
        self._unsubscribe: list[Callable[[], None]] = []
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(160, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if pipeline is not None:
            self.set_pipeline(pipeline)

    # -- pipeline -------------------------------------------------------------------------
    def set_pipeline(self, pipeline: CameraPipeline | None) -> None:
        self._let_go()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self.pipeline = pipeline
        self._frame = self._image = None
        if pipeline is not None:
            self._unsubscribe = [pipeline.add_frame_listener(self._on_frame),
                                 pipeline.add_state_listener(lambda *_: self.update())]
            if pipeline.last_frame is not None:
                self._on_frame(pipeline.last_frame)
            self._sync_holding()
        self.update()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self._sync_holding()
        self.update()

    @property
    def holding(self) -> bool:
        return self._holding

    def _sync_holding(self) -> None:
        want = self.pipeline is not None and self.isVisible() and not self.paused
        if want and not self._holding:
            self._holding = True
            self.pipeline.acquire()  # type: ignore[union-attr]
            self._update_min_size()
        elif not want:
            self._let_go()

    def _let_go(self) -> None:
        if self._holding and self.pipeline is not None:
            self._holding = False
            self.pipeline.release()

    def _on_frame(self, frame: DecodedFrame) -> None:
        if self.paused:
            return
        self._frame = frame
        self._image = frame_image(frame)
        self.update()

    def _update_min_size(self) -> None:
        if self.pipeline is not None:
            ratio = self.devicePixelRatioF()
            self.pipeline.min_size = (int(self.width() * ratio), int(self.height() * ratio))

    @property
    def image(self) -> QImage | None:
        return self._image

    # -- Qt events ------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._sync_holding()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._let_go()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._holding:
            self._update_min_size()

    def mouseDoubleClickEvent(self, event) -> None:
        self.doubleClicked.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        area = target = self.rect()
        if self._image is not None and self._frame is not None:
            target = _fit(QSize(self._frame.width, self._frame.height), area)
            for bar in _bars(area, target):  # the picture itself is opaque: fill around it
                painter.fillRect(bar, BACKGROUND)
            if target.width() == self._frame.width and target.height() == self._frame.height:
                painter.drawImage(target.topLeft(), self._image)  # 1:1, a plain copy
            else:
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawImage(target, self._image)
            if self._frame.seq != self._painted_seq and self.pipeline is not None:
                self._painted_seq = self._frame.seq
                self.pipeline.mark_shown(self._frame)
        else:
            painter.fillRect(area, BACKGROUND)
        self._paint_overlay(painter, target)
        painter.end()

    def _paint_overlay(self, painter: QPainter, picture: QRect) -> None:
        """Title and figures in the picture's bottom left corner (cameras put their own
        date and name at the top), any status message in the middle."""
        overlay = self._overlay.image(self._overlay_lines(), self)
        if overlay is not None:
            height = round(overlay.height() / overlay.devicePixelRatio())
            painter.drawImage(picture.left() + OVERLAY_MARGIN,
                              max(picture.top(), picture.bottom() + 1 - OVERLAY_MARGIN - height),
                              overlay)
        message = self.status_text()
        if message:
            painter.setFont(self._overlay.font(self))
            painter.setPen(QColor(255, 200, 120))
            painter.drawText(self.rect().adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, message)

    def _overlay_lines(self) -> tuple[str, ...]:
        """Title, then fps / latency / size (refreshed a few times a second), then "paused"."""
        lines = [self.title] if self.title else []
        pipeline, frame = self.pipeline, self._frame
        if pipeline is not None and frame is not None:
            if frame.decoded - self._figures_at >= OVERLAY_REFRESH or not self._figures:
                # A rate from the first few frames is noise (a stream that starts late
                # catches up): "…" until a second of frames, looked at again each frame.
                fps = pipeline.stats.fps(frame.decoded, min_span=FPS_SETTLED)
                self._figures_at = frame.decoded if fps > 0 else 0.0
                rate = (self.tr("{fps:4.1f} fps").format(fps=fps) if fps > 0
                        else self.tr("… fps"))
                self._figures = (f"{rate} · {frame.latency * 1000:.0f} ms · "
                                 f"{frame.width}×{frame.height}")
            lines.append(self._figures)
        if self.paused:
            lines.append(self.tr("paused"))
        return tuple(lines)

    def status_text(self) -> str:
        """What the view says over the picture when it is not simply live."""
        pipeline = self.pipeline
        if pipeline is None:
            return self.tr("No camera")
        if self.paused or pipeline.state is SourceState.LIVE:
            return ""
        if pipeline.state is SourceState.CONNECTING:
            return self.tr("Connecting…")
        if pipeline.state is SourceState.RETRYING:
            return self.tr("Connection lost — {reason}").format(reason=pipeline.message)
        if pipeline.state is SourceState.DISABLED:
            return self.tr("Camera unavailable: {reason}").format(reason=pipeline.message)
        return ""


def _bars(area: QRect, picture: QRect) -> list[QRect]:
    """The parts of ``area`` around ``picture`` (letterbox / pillarbox bars)."""
    bars = []
    if picture.top() > area.top():
        bars.append(QRect(area.left(), area.top(), area.width(), picture.top() - area.top()))
    if picture.bottom() < area.bottom():
        bars.append(QRect(area.left(), picture.bottom() + 1, area.width(),
                          area.bottom() - picture.bottom()))
    if picture.left() > area.left():
        bars.append(QRect(area.left(), picture.top(), picture.left() - area.left(),
                          picture.height()))
    if picture.right() < area.right():
        bars.append(QRect(picture.right() + 1, picture.top(), area.right() - picture.right(),
                          picture.height()))
    return bars


class _OverlayCache:
    """The overlay's text box rendered once into a small image and reused until its text
    changes: drawing text (glyph lookup, layout) for every frame cost more than the frame."""

    def __init__(self) -> None:
        self._font: QFont | None = None
        self._key: tuple[object, ...] = ()
        self._image: QImage | None = None

    def font(self, widget: QWidget) -> QFont:
        if self._font is None:
            self._font = QFont(widget.font())
            self._font.setPointSizeF(max(7.0, self._font.pointSizeF() * 0.9))
        return self._font

    def image(self, lines: tuple[str, ...], widget: QWidget) -> QImage | None:
        if not lines:
            return None
        ratio = widget.devicePixelRatioF()
        key = (lines, ratio, widget.width())
        if key == self._key:
            return self._image
        text = "\n".join(lines)
        metrics = QFontMetrics(self.font(widget))
        box = metrics.boundingRect(QRect(0, 0, max(1, widget.width() - 2 * OVERLAY_MARGIN),
                                         max(1, widget.height())),
                                   Qt.AlignmentFlag.AlignLeft, text)
        size = box.adjusted(-4, -2, 4, 2).size()
        image = QImage(max(1, math.ceil(size.width() * ratio)),
                       max(1, math.ceil(size.height() * ratio)),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(OVERLAY_BACKGROUND)
        painter = QPainter(image)
        painter.setFont(self.font(widget))
        painter.setPen(QColor(235, 235, 235))
        painter.drawText(QRect(4, 2, box.width(), box.height()), Qt.AlignmentFlag.AlignLeft, text)
        painter.end()
        self._key, self._image = key, image
        return image


def _fit(size: QSize, area: QRect) -> QRect:
    """The largest rectangle of ``size``'s aspect ratio centred in ``area``."""
    if size.width() <= 0 or size.height() <= 0:
        return area
    scale = min(area.width() / size.width(), area.height() / size.height())
    w, h = int(size.width() * scale), int(size.height() * scale)
    return QRect(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2, w, h)


class _FullScreenCamera(CameraCanvas):
    """A top-level canvas on the same pipeline; Esc or double-click closes it."""

    def __init__(self, pipeline: CameraPipeline, title: str) -> None:
        super().__init__(pipeline, title=title)
        self.setWindowTitle(title or self.tr("Camera"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.doubleClicked.connect(self.close)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F11):
            self.close()
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event) -> None:
        self.set_pipeline(None)
        super().closeEvent(event)


class CameraView(QWidget):
    """One camera: picture with overlay, and pause / save snapshot / full-screen buttons."""

    snapshotSaved = Signal(str)

    def __init__(self, pipeline: CameraPipeline | None = None, *, title: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = CameraCanvas(pipeline, title=title, parent=self)
        self.full_screen: _FullScreenCamera | None = None
        self.pause_button = _tool_button(self.tr("Pause"),
                                         self.tr("Pause / resume the stream (Space)"), True)
        self.save_button = _tool_button(self.tr("Snapshot…"),
                                        self.tr("Save the current picture as an image"))
        self.full_button = _tool_button(self.tr("Full screen"),
                                        self.tr("Show full screen (Esc to leave)"))
        self.pause_button.toggled.connect(self.canvas.set_paused)
        self.save_button.clicked.connect(self._ask_snapshot_path)
        self.full_button.clicked.connect(self.show_full_screen)
        self.canvas.doubleClicked.connect(self.show_full_screen)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for button in (self.pause_button, self.save_button, self.full_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(bar)

    @property
    def pipeline(self) -> CameraPipeline | None:
        return self.canvas.pipeline

    def set_pipeline(self, pipeline: CameraPipeline | None, title: str | None = None) -> None:
        if title is not None:
            self.canvas.title = title
        self.canvas.set_pipeline(pipeline)

    def save_snapshot(self, path: str) -> bool:
        """Save the picture shown now (full decoded resolution); False if there is none."""
        image = self.canvas.image
        if image is None or not image.save(path):
            return False
        self.snapshotSaved.emit(path)
        return True

    def _ask_snapshot_path(self) -> None:
        dialog = QFileDialog(self, self.tr("Save snapshot"), "",
                             self.tr("JPEG image (*.jpg);;PNG image (*.png)"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("jpg")
        dialog.fileSelected.connect(self.save_snapshot)
        dialog.open()  # non-blocking: never a nested exec() inside the asyncio loop

    def show_full_screen(self) -> None:
        if self.pipeline is None:
            return
        if self.full_screen is not None:
            self.full_screen.close()
        self.full_screen = _FullScreenCamera(self.pipeline, self.canvas.title)
        self.full_screen.destroyed.connect(lambda: setattr(self, "full_screen", None))
        self.full_screen.showFullScreen()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space:
            self.pause_button.toggle()
        else:
            super().keyPressEvent(event)


def _tool_button(text: str, tip: str, checkable: bool = False) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setCheckable(checkable)
    button.setAutoRaise(True)
    return button


class CameraGrid(QWidget):
    """Several cameras in a near-square grid (2 → 2×1, 4 → 2×2, 5 → 3×2...)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.views: list[CameraView] = []
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)

    def add_camera(self, pipeline: CameraPipeline, title: str = "") -> CameraView:
        view = CameraView(pipeline, title=title, parent=self)
        self.views.append(view)
        self._relayout()
        return view

    def remove_camera(self, view: CameraView) -> None:
        if view in self.views:
            self.views.remove(view)
            view.set_pipeline(None)
            view.setParent(None)
            view.deleteLater()
            self._relayout()

    def _relayout(self) -> None:
        for view in self.views:
            self._layout.removeWidget(view)
        columns = max(1, math.ceil(math.sqrt(len(self.views))))
        for i, view in enumerate(self.views):
            self._layout.addWidget(view, i // columns, i % columns)
