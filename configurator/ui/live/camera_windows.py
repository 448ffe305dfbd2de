"""The main window's camera windows: the Camera dock (one device, or a camera URL) and the
camera grid window (every camera of the site).

Pipelines are made here and closed here: replacing the camera, closing the grid window or
removing a device retires its pipelines, and ``aclose`` waits for all of them (shutdown).
Streams only run while a view is visible (``CameraCanvas`` holds the pipeline while shown), so a
Camera dock tabbed behind the Event log costs nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.device import CameraSource, Device
from ...core.transport import Credentials, Transport
from ...live.sources import device_camera, url_camera
from ..i18n import param_text
from ..palette import fg_css
from .camera_view import CameraGrid, CameraView

if TYPE_CHECKING:  # the pipeline and the decoder load with the first camera, not with the window
    from ...live.camera import CameraPipeline

DEFAULT_FPS = 10
GRID_FPS = 5
GRID_MIN_WIDTH = 640  # the grid asks for the smallest resolution at least this wide: a tile
# of a 960-px grid window is ~480 px wide, and an upscaled 320×240 picture looked soft there
FPS_RANGE = (1, 30)  # the viewer's own limit; 2N documents no maximum


class PipelineKeeper:
    """Every pipeline (and URL transport) the camera windows made, until it is closed."""

    def __init__(self) -> None:
        self.owners: dict[CameraPipeline, str] = {}
        self.transports: dict[CameraPipeline, Transport] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def make(self, factory, owner: str, name: str,
             transport: Transport | None = None) -> CameraPipeline:
        from ...live.camera import CameraPipeline
        from .qt_decode import decode_qimage

        pipeline = CameraPipeline(factory, name=name)
        pipeline.decode = decode_qimage  # GIL released while decoding (qt_decode.py)
        self.owners[pipeline] = owner
        if transport is not None:
            self.transports[pipeline] = transport
        return pipeline

    def retire(self, pipeline: CameraPipeline | None) -> None:
        """Close a pipeline in the background (``aclose`` waits for it)."""
        if pipeline is None or pipeline not in self.owners:
            return
        self.owners.pop(pipeline)
        transport = self.transports.pop(pipeline, None)
        pipeline.stop()
        task = asyncio.ensure_future(_close(pipeline, transport))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def retire_owner(self, owner: str) -> None:
        for pipeline in [p for p, o in self.owners.items() if o == owner]:
            self.retire(pipeline)

    def live(self) -> list[CameraPipeline]:
        return [p for p in self.owners if p.running]

    async def aclose(self) -> None:
        for pipeline in list(self.owners):
            self.retire(pipeline)
        while self._closing:
            await asyncio.gather(*list(self._closing), return_exceptions=True)


async def _close(pipeline: CameraPipeline, transport: Transport | None) -> None:
    await pipeline.aclose()
    if transport is not None:
        with contextlib.suppress(Exception):
            await transport.aclose()


def _resolution_text(size: tuple[int, int]) -> str:
    return f"{size[0]}×{size[1]}"


class StillFrame(QWidget):
    """One still JPEG from a past moment, labelled with its time, with "Back to live"."""

    backToLive = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.moment: datetime | None = None
        self.jpeg: bytes | None = None
        self._pixmap: QPixmap | None = None
        self.caption = QLabel()
        self.back_button = QPushButton(self.tr("Back to live"))
        self.back_button.setToolTip(self.tr("Show the camera's live picture again"))
        self.back_button.clicked.connect(self.backToLive)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(160, 120)
        # Ignored: the scaled picture follows the dock's size instead of growing the dock.
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setStyleSheet(f"background: #111; color: {fg_css('#cfd8dc')};")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 2)
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.picture, 1)

    def wait_for(self, moment: datetime, message: str) -> None:
        self.moment, self.jpeg, self._pixmap = moment, None, None
        self.caption.setText(self.tr("<b>Frame at {value}</b> (event time)").format(
            value=moment_text(moment)))
        self.picture.setPixmap(QPixmap())
        self.picture.setText(message)

    def set_frame(self, moment: datetime, jpeg: bytes) -> bool:
        if moment != self.moment:
            return False
        pixmap = QPixmap()
        if not pixmap.loadFromData(jpeg, "JPEG"):
            return self.set_missing(moment,
                                    self.tr("the camera's frame could not be decoded"))
        self.jpeg, self._pixmap = jpeg, pixmap
        self.picture.setText("")
        self._scale()
        return True

    def set_missing(self, moment: datetime, message: str) -> bool:
        if moment != self.moment:
            return False
        self.jpeg, self._pixmap = None, None
        self.picture.setPixmap(QPixmap())
        self.picture.setText(message)
        return True

    def clear(self) -> None:
        self.moment, self.jpeg, self._pixmap = None, None, None
        self.picture.setPixmap(QPixmap())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._scale()

    def _scale(self) -> None:
        if self._pixmap is not None:
            self.picture.setPixmap(self._pixmap.scaled(
                self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))


def moment_text(moment: datetime) -> str:
    """An event's time as shown on its still frame."""
    # Assumption: in this computer's local time zone (the event pane also offers device time).
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


class CameraPanel(QWidget):
    """Camera dock content: source / resolution / fps choices over one CameraView."""

    def __init__(self, keeper: PipelineKeeper, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keeper = keeper
        self.device: Device | None = None
        self.owner = ""
        self.title = ""
        self.cameras: Sequence[CameraSource] = ()
        self.label = QLabel(self.tr("No camera selected — pick a device's Camera node, or "
                            "View → Camera by URL…"))
        self.label.setStyleSheet(f"color: {fg_css('#546e7a')};")
        self.source_box = QComboBox()
        self.source_box.setToolTip(self.tr("Camera source"))
        self.resolution_box = QComboBox()
        self.resolution_box.setToolTip(self.tr("Resolution requested from the device"))
        self.fps_box = QSpinBox()
        self.fps_box.setRange(*FPS_RANGE)
        self.fps_box.setValue(DEFAULT_FPS)
        self.fps_box.setSuffix(self.tr(" fps"))
        self.fps_box.setToolTip(self.tr("Frames per second requested from the device (1-30)"))
        self.view = CameraView(parent=self)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 2)
        bar.addWidget(self.label, 1)
        for widget in (self.source_box, self.resolution_box, self.fps_box):
            bar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.still = StillFrame(self)
        self.still.backToLive.connect(self.back_to_live)
        layout.addWidget(self.still, 1)
        self._shown = True
        self._sync_pages()
        self._set_choices_visible(False)
        self.source_box.currentIndexChanged.connect(self._source_changed)
        self.resolution_box.currentIndexChanged.connect(self._rebuild)
        self.fps_box.valueChanged.connect(self._rebuild)

    @property
    def pipeline(self) -> CameraPipeline | None:
        return self.view.pipeline

    def set_shown(self, shown: bool) -> None:
        """Follow the dock's visibility: a dock in a background tab still counts as visible
        to Qt, so the picture is hidden explicitly and its stream stops."""
        self._shown = shown
        self._sync_pages()

    # -- a still frame from a past moment (event log double-click) ------------------------
    @property
    def showing_still(self) -> bool:
        return self.still.moment is not None

    def show_moment(self, moment: datetime, message: str = "") -> None:
        """Replace the live picture (its stream stops) by the frame of ``moment``; the frame
        arrives later through :meth:`set_still` (or :meth:`set_still_missing`)."""
        self.still.wait_for(moment, message or self.tr("loading the frame…"))
        self._sync_pages()

    def set_still(self, moment: datetime, jpeg: bytes) -> bool:
        """The JPEG of ``moment``; False when the dock moved on (another moment, back to live)."""
        return self.still.set_frame(moment, jpeg)

    def set_still_missing(self, moment: datetime, message: str) -> bool:
        return self.still.set_missing(moment, message)

    def back_to_live(self) -> None:
        """Leave the still frame: the live picture (and its stream) comes back."""
        self.still.clear()
        self._sync_pages()

    def _sync_pages(self) -> None:
        still = self.showing_still
        self.view.setVisible(self._shown and not still)
        self.still.setVisible(self._shown and still)

    def _set_choices_visible(self, visible: bool) -> None:
        for widget in (self.source_box, self.resolution_box, self.fps_box):
            widget.setVisible(visible)

    def show_device(self, owner: str, title: str, device: Device) -> bool:
        """Show ``device``'s camera; False (and a message) when it has none."""
        cameras = tuple(device.cameras())
        if not cameras:
            self.clear(self.tr("{device} has no camera.").format(device=title))
            return False
        if (owner == self.owner and device is self.device and self.pipeline is not None
                and cameras == self.cameras):
            return True  # already showing it, and the Camera page's choices did not change
        self.back_to_live()
        self.device, self.owner, self.title, self.cameras = device, owner, title, cameras
        self.label.setText(self.tr("<b>{title}</b> <span style='color:{muted}'>"
                           "({host})</span>").format(title=title, host=device.host,
                                                       muted=fg_css("#78909c")))
        for box in (self.source_box, self.resolution_box):
            box.blockSignals(True)
        self.source_box.clear()
        for camera in cameras:
            self.source_box.addItem(param_text(camera.label), camera.id)
        self._fill_resolutions(cameras[0])
        for box in (self.source_box, self.resolution_box):
            box.blockSignals(False)
        self.source_box.setVisible(len(cameras) > 1)
        self.resolution_box.setVisible(self.resolution_box.count() > 0)
        self.fps_box.setVisible(True)
        self._rebuild()
        return True

    def _fill_resolutions(self, camera: CameraSource) -> None:
        self.resolution_box.clear()
        for size in camera.resolutions:
            self.resolution_box.addItem(_resolution_text(size), size)
        if camera.preferred in camera.resolutions:
            self.resolution_box.setCurrentIndex(camera.resolutions.index(camera.preferred))
            return
        # Assumption: "Automatic" starts at the largest resolution not above 640 pixels wide
        # (VGA): sharp at dock size without asking a device for its full-HD stream.
        fitting = [i for i, s in enumerate(camera.resolutions) if s[0] <= 640]
        if fitting:
            self.resolution_box.setCurrentIndex(fitting[-1])

    def _source_changed(self) -> None:
        index = self.source_box.currentIndex()
        if 0 <= index < len(self.cameras):
            self.resolution_box.blockSignals(True)
            self._fill_resolutions(self.cameras[index])
            self.resolution_box.blockSignals(False)
        self._rebuild()

    def _rebuild(self) -> None:
        if self.device is None:
            return
        size = self.resolution_box.currentData() or (0, 0)
        factory = device_camera(self.device, source=self.source_box.currentData() or "",
                                width=size[0], height=size[1], fps=self.fps_box.value())
        self._replace(self.keeper.make(factory, self.owner, self.title), self.title)

    def show_url(self, url: str, credentials: Credentials | None = None) -> None:
        """A generic camera by URL (MJPEG stream or JPEG snapshot, polled)."""
        factory, transport = url_camera(url, credentials, fps=self.fps_box.value())
        self.back_to_live()
        self.device, self.owner, self.title, self.cameras = None, f"url:{url}", url, ()
        self.label.setText(
            self.tr("<b>Camera URL</b> <span style='color:{muted}'>{url}</span>").format(
                muted=fg_css("#78909c"),
                url=url))
        self._set_choices_visible(False)
        self._replace(self.keeper.make(factory, self.owner, url, transport), url)

    def _replace(self, pipeline: CameraPipeline | None, title: str) -> None:
        old = self.view.pipeline
        self.view.set_pipeline(pipeline, title)
        self.keeper.retire(old)

    def clear(self, message: str = "") -> None:
        self.back_to_live()
        self.device, self.owner, self.title, self.cameras = None, "", "", ()
        self._set_choices_visible(False)
        self.label.setText(message or self.tr("No camera selected."))
        self._replace(None, "")

    def forget(self, owner: str) -> None:
        """A device left the site: stop showing it."""
        if self.owner == owner:
            self.clear()


def grid_owner(owner: str) -> str:
    """The keeper's owner name of a device's tile in the grid window."""
    return f"grid:{owner}"


class CameraGridWindow(QWidget):
    """A top-level window with every camera of the site; streams stop when it closes."""

    def __init__(self, keeper: PipelineKeeper, cameras: Sequence[tuple[str, str, Device]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.keeper = keeper
        self.setWindowTitle(self.tr("Camera grid — configurator"))
        self.grid = CameraGrid(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.note = QLabel(self.tr("No device of this site has a camera."))
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.note)
        layout.addWidget(self.grid, 1)
        for owner, title, device in cameras:
            camera = device.cameras()[0]
            size = _grid_size(camera.resolutions)
            factory = device_camera(device, source=camera.id, width=size[0], height=size[1],
                                    fps=GRID_FPS)
            self.grid.add_camera(keeper.make(factory, grid_owner(owner), title), title)
        self.note.setVisible(not self.grid.views)
        self.resize(960, 640)

    def pipelines(self) -> list[CameraPipeline]:
        return [v.pipeline for v in self.grid.views if v.pipeline is not None]

    def forget(self, owner: str) -> None:
        """A device left the site: its tile goes and its stream stops."""
        self._drop(lambda pipeline: self.keeper.owners.get(pipeline) == grid_owner(owner))
        self.note.setVisible(not self.grid.views)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._drop(lambda pipeline: True)
        super().closeEvent(event)

    def _drop(self, which: Callable[[CameraPipeline | None], bool]) -> None:
        for view in list(self.grid.views):
            pipeline = view.pipeline
            if which(pipeline):
                self.grid.remove_camera(view)
                self.keeper.retire(pipeline)


def _grid_size(resolutions: Sequence[tuple[int, int]]) -> tuple[int, int]:
    wide = [s for s in resolutions if s[0] >= GRID_MIN_WIDTH]
    if wide:
        return min(wide)
    return max(resolutions) if resolutions else (0, 0)
