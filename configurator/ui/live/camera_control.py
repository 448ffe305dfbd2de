"""The window's cameras: a device's camera in the Camera dock, every camera in a grid window,
and any MJPEG/JPEG URL on request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from ...core.abilities import KeepsPastFrames
from ...core.device import ActionSpec, Device
from ...core.errors import ConfiguratorError
from ...core.events import DeviceEvent, now_utc
from ...core.params import Kind, ParamSpec
from ...live.sources import past_snapshot
from ...services.sessions import DeviceSession
from ..context import WindowContext, bring_forward, credentials_from
from ..i18n import translate
from .camera_windows import CameraGridWindow, CameraPanel, PipelineKeeper

CAMERA_HEIGHT = 360  # the bottom docks grow to this when a camera is shown


def camera_url_spec() -> ActionSpec:
    """The questions of View → Camera by URL (in the user's language)."""
    return ActionSpec("camera_url", translate("CameraControl", "Camera by URL"), params=(
        ParamSpec("url", "URL", Kind.STRING, default="http://"),
        ParamSpec("user", translate("CameraControl", "User"), Kind.STRING, default=""),
        ParamSpec("password", translate("CameraControl", "Password"), Kind.SECRET)),
        help=translate("CameraControl", "An MJPEG stream or a JPEG snapshot URL (polled)."))



# How far back a device's picture memory reaches (2N: ``/api/camera/snapshot?time=-N``,
# N <= 30 s; ``past_snapshot`` enforces the same limit).
PAST_FRAMES_SECONDS = 30
NO_FRAME_KEPT = QT_TRANSLATE_NOOP("CameraControl", "no frame kept for that moment")


def keeps_past_frames(device: Device | None) -> bool:
    """Whether ``device`` has a camera whose recent frames can be asked for by time."""
    if device is None or not device.cameras():
        return False
    return isinstance(device, KeepsPastFrames)


def seconds_back(moment: datetime, now: datetime) -> int | None:
    """Whole seconds from ``moment`` to ``now`` (the ``time=-N`` of a past frame), clamped to
    0 for a moment just ahead of this computer's clock; None beyond the device's memory."""
    # Assumption: an event stamped slightly in the future (device clock ahead of ours) shows
    # the newest kept frame rather than nothing.
    back = max(0, round((now - moment).total_seconds()))
    return back if back <= PAST_FRAMES_SECONDS else None


class CameraControl(QObject):
    """The Camera dock (``panel`` in ``dock``), the camera grid window and the pipelines
    behind both (``keeper``)."""

    def __init__(self, ctx: WindowContext, dock: QDockWidget) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.dock = dock
        self.keeper = PipelineKeeper()
        self.panel = CameraPanel(self.keeper, dock)
        self.panel.setMinimumSize(240, 90)
        dock.setWidget(self.panel)
        dock.visibilityChanged.connect(self.panel.set_shown)
        self.grid: CameraGridWindow | None = None
        self._grid_serial = 0  # which grid is the current one
        ctx.settings_applied.connect(self.settings_changed)
        ctx.device_released.connect(self.forget)

    def show_camera(self, session: DeviceSession) -> bool:
        """Show the device's camera in the Camera dock (and bring the dock forward)."""
        if session.device is None:
            self.ctx.status(self.tr("{title} is not connected").format(title=session.title))
            return False
        shown = self.panel.show_device(session.key, session.title, session.device)
        bring_forward(self.dock)
        window = self.ctx.window
        # grown for the picture, but the page above keeps at least 55 % of the window
        height = min(CAMERA_HEIGHT, int(window.height() * 0.45))
        if (not self.dock.isFloating() and self.dock.height() < height
                and isinstance(window, QMainWindow)):
            window.resizeDocks([self.dock], [height], Qt.Orientation.Vertical)
        return shown

    def settings_changed(self, session: DeviceSession) -> None:
        """Settings of ``session``'s device were written: the Camera dock, if it shows that
        device, takes up changed camera choices (its stream restarts only if they changed)."""
        if session.device is not None and self.panel.device is session.device:
            self.panel.show_device(session.key, session.title, session.device)

    def show_event_camera(self, event: DeviceEvent) -> bool:
        """The Camera dock shows the still frame of ``event``'s moment when its device keeps
        recent frames (True); other devices are left alone (False)."""
        session = next((s for s in self.ctx.manager.sessions.values()
                        if event.device in (s.key, s.entry.address)), None)
        if session is None or not keeps_past_frames(session.device):
            return False
        if not self.show_camera(session):
            return False
        back = seconds_back(event.utc, now_utc())
        if back is None:
            self.panel.show_moment(event.utc, self.tr(NO_FRAME_KEPT))
            return True
        self.panel.show_moment(event.utc)
        self.ctx.spawn(self._load_moment(session, event.utc, back), owner=session.key,
                       name="camera moment")
        return True

    async def _load_moment(self, session: DeviceSession, moment: datetime, back: int) -> None:
        panel = self.panel
        size = panel.resolution_box.currentData() or (0, 0)
        try:
            jpeg = await past_snapshot(session.device, back,
                                       source=panel.source_box.currentData() or "",
                                       width=size[0], height=size[1])
        except ConfiguratorError as exc:
            panel.set_still_missing(moment, f"{self.tr(NO_FRAME_KEPT)}: {exc}")
            return
        panel.set_still(moment, jpeg)

    def camera_devices(self) -> list[tuple[str, str, Any]]:
        return [(s.key, s.title, s.device) for s in self.ctx.manager.sessions.values()
                if s.device is not None and s.device.cameras()]

    def show_grid(self) -> CameraGridWindow:
        """Every camera of the site in one window (a grid already open is replaced)."""
        old, self.grid = self.grid, None
        # Each grid clears the reference only while it is still the current one: the old
        # grid is destroyed (deleteLater) after the new one took its place.
        self._grid_serial += 1
        if old is not None:
            old.close()
        grid = CameraGridWindow(self.keeper, self.camera_devices())
        grid.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        grid.destroyed.connect(lambda _=None, n=self._grid_serial: self._grid_destroyed(n))
        self.grid = grid
        grid.show()
        return grid

    def _grid_destroyed(self, serial: int) -> None:
        if serial == self._grid_serial:
            self.grid = None

    async def camera_url_dialog(self) -> None:
        ctx = self.ctx
        answer = await ctx.prompter.action_args(ctx.window, self.tr("Camera"),
                                                camera_url_spec())
        if not answer:
            return
        creds = credentials_from(answer)
        try:
            self.panel.show_url(str(answer.get("url") or "").strip(),
                                creds if creds.user else None)
        except ConfiguratorError as exc:
            ctx.status(str(exc))
            return
        bring_forward(self.dock)

    def forget(self, key: str) -> None:
        """A device was released: its camera stops everywhere."""
        self.panel.forget(key)
        if self.grid is not None:
            self.grid.forget(key)
        self.keeper.retire_owner(key)

    async def aclose(self) -> None:
        """Shutdown: the grid and the full-screen view close, every pipeline ends."""
        if self.grid is not None:
            self.grid.close()
        if self.panel.view.full_screen is not None:
            self.panel.view.full_screen.close()
        self.panel.clear()
        await self.keeper.aclose()
