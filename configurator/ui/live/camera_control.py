"""Main window cameras: a device's camera in the Camera dock, every camera in a grid window,
and any MJPEG/JPEG URL on request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt

from ...core.device import ActionSpec, Device
from ...core.errors import ConfiguratorError
from ...core.events import DeviceEvent, now_utc
from ...core.params import Kind, ParamSpec
from ...live.sources import past_snapshot
from ...services.sessions import DeviceSession
from ..window.device_control import credentials_from
from ..window.layout import bring_forward
from .camera_windows import CameraGridWindow

CAMERA_HEIGHT = 360  # the bottom docks grow to this when a camera is shown
CAMERA_URL = ActionSpec("camera_url", "Camera by URL", params=(
    ParamSpec("url", "URL", Kind.STRING, default="http://"),
    ParamSpec("user", "User", Kind.STRING, default=""),
    ParamSpec("password", "Password", Kind.SECRET)),
    help="An MJPEG stream or a JPEG snapshot URL (polled).")
# How far back a device's picture memory reaches (2N: ``/api/camera/snapshot?time=-N``,
# N <= 30 s; ``past_snapshot`` enforces the same limit).
PAST_FRAMES_SECONDS = 30
NO_FRAME_KEPT = "no frame kept for that moment"


def keeps_past_frames(device: Device | None) -> bool:
    """Whether ``device`` has a camera whose recent frames can be asked for by time."""
    if device is None or not device.cameras():
        return False
    return callable(getattr(getattr(device, "client", None), "camera_snapshot", None))


def seconds_back(moment: datetime, now: datetime) -> int | None:
    """Whole seconds from ``moment`` to ``now`` (the ``time=-N`` of a past frame), clamped to
    0 for a moment just ahead of this computer's clock; None beyond the device's memory."""
    # Assumption: an event stamped slightly in the future (device clock ahead of ours) shows
    # the newest kept frame rather than nothing.
    back = max(0, round((now - moment).total_seconds()))
    return back if back <= PAST_FRAMES_SECONDS else None


class CameraControl:
    """Mixin of ``MainWindow``: the Camera dock and the camera grid window."""

    def show_camera(self, session: DeviceSession) -> bool:
        """Show the device's camera in the Camera dock (and bring the dock forward)."""
        if session.device is None:
            self.status(f"{session.title} is not connected")
            return False
        shown = self.camera.show_device(session.key, session.title, session.device)
        bring_forward(self.camera_dock)
        if not self.camera_dock.isFloating() and self.camera_dock.height() < CAMERA_HEIGHT:
            self.resizeDocks([self.camera_dock], [CAMERA_HEIGHT], Qt.Orientation.Vertical)
        return shown

    def camera_settings_changed(self, session: DeviceSession) -> None:
        """Settings of ``session``'s device were written: the Camera dock, if it shows that
        device, takes up changed camera choices (its stream restarts only if they changed)."""
        if session.device is not None and self.camera.device is session.device:
            self.camera.show_device(session.key, session.title, session.device)

    def show_event_camera(self, event: DeviceEvent) -> bool:
        """The Camera dock shows the still frame of ``event``'s moment when its device keeps
        recent frames (True); other devices are left alone (False)."""
        session = next((s for s in self.manager.sessions.values()
                        if event.device in (s.key, s.entry.address)), None)
        if session is None or not keeps_past_frames(session.device):
            return False
        if not self.show_camera(session):
            return False
        back = seconds_back(event.utc, now_utc())
        if back is None:
            self.camera.show_moment(event.utc, NO_FRAME_KEPT)
            return True
        self.camera.show_moment(event.utc)
        self.spawn(self._load_moment(session, event.utc, back), owner=session.key,
                   name="camera moment")
        return True

    async def _load_moment(self, session: DeviceSession, moment: datetime, back: int) -> None:
        panel = self.camera
        size = panel.resolution_box.currentData() or (0, 0)
        try:
            jpeg = await past_snapshot(session.device, back,
                                       source=panel.source_box.currentData() or "",
                                       width=size[0], height=size[1])
        except ConfiguratorError as exc:
            panel.set_still_missing(moment, f"{NO_FRAME_KEPT}: {exc}")
            return
        panel.set_still(moment, jpeg)

    def camera_devices(self) -> list[tuple[str, str, Any]]:
        return [(s.key, s.title, s.device) for s in self.manager.sessions.values()
                if s.device is not None and s.device.cameras()]

    def show_camera_grid(self) -> CameraGridWindow:
        if self.camera_grid is not None:
            self.camera_grid.close()
        self.camera_grid = CameraGridWindow(self.cameras, self.camera_devices())
        self.camera_grid.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.camera_grid.destroyed.connect(lambda: setattr(self, "camera_grid", None))
        self.camera_grid.show()
        return self.camera_grid

    async def camera_url_dialog(self) -> None:
        answer = await self.prompter.action_args(self, "Camera", CAMERA_URL)
        if not answer:
            return
        creds = credentials_from(answer)
        try:
            self.camera.show_url(str(answer.get("url") or "").strip(),
                                 creds if creds.user else None)
        except ConfiguratorError as exc:
            self.status(str(exc))
            return
        bring_forward(self.camera_dock)
