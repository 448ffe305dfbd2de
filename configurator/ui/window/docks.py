"""The main window's docks: the devices tree (left), the event log and the camera (bottom),
discovery (floating), their default places and the layout memory in QSettings."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from ..i18n import translate

# Time, device, type, summary (details take the rest): the summary stays in view in a dock
# beside the camera at 1360 px; a long device name is cut on the right, whole in its tooltip.
EVENT_COLUMN_WIDTHS = (140, 160, 130, 420)


def new_dock(window: QMainWindow, title: str, name: str) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)  # the key of the dock in the saved window state
    return dock


class WindowDocks:
    """The four docks of ``window`` and where they go."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.tree = new_dock(window, translate("WindowDocks", "Devices"), "devices")
        self.tree.setMinimumWidth(260)
        self.events = new_dock(window, translate("WindowDocks", "Event log"), "events")
        self.camera = new_dock(window, translate("WindowDocks", "Camera"), "camera")
        # Discovery: its panel is built on first use (it reads the machine's interfaces).
        self.discovery = new_dock(window, translate("WindowDocks", "Discovery"), "discovery")
        self.place()
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.discovery)
        self.discovery.hide()

    def place(self) -> None:
        """The default places: devices left; at the bottom the event log with the camera at
        its right, both visible at once (the door and its log side by side)."""
        window = self.window
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.tree)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.events)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.camera)
        window.splitDockWidget(self.events, self.camera, Qt.Orientation.Horizontal)

    def default_sizes(self) -> None:
        self.window.resizeDocks([self.tree], [400], Qt.Orientation.Horizontal)
        self.window.resizeDocks([self.events], [220], Qt.Orientation.Vertical)
        # The log gets the larger share: its summaries are read, the camera scales its picture.
        self.window.resizeDocks([self.events, self.camera], [3, 2], Qt.Orientation.Horizontal)

    def restore(self, settings: QSettings) -> None:
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        if state is not None:
            self.window.restoreState(state)

    def save(self, settings: QSettings) -> None:
        settings.setValue("window/geometry", self.window.saveGeometry())
        settings.setValue("window/state", self.window.saveState())
        settings.sync()

    def reset(self) -> None:
        self.discovery.hide()
        for dock in (self.tree, self.events, self.camera):
            dock.setFloating(False)
            dock.show()
        self.place()
