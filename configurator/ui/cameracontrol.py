"""Main window cameras: a device's camera in the Camera dock, every camera in a grid window,
and any MJPEG/JPEG URL on request."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from ..core.device import ActionSpec
from ..core.errors import ConfiguratorError
from ..core.params import Kind, ParamSpec
from ..services.sessions import DeviceSession
from .cameradock import CameraGridWindow
from .devicecontrol import credentials_from
from .layout import bring_forward

CAMERA_HEIGHT = 360  # the bottom docks grow to this when a camera is shown
CAMERA_URL = ActionSpec("camera_url", "Camera by URL", params=(
    ParamSpec("url", "URL", Kind.STRING, default="http://"),
    ParamSpec("user", "User", Kind.STRING, default=""),
    ParamSpec("password", "Password", Kind.SECRET)),
    help="An MJPEG stream or a JPEG snapshot URL (polled).")


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
