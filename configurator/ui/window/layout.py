"""Main window layout: the central stack (welcome page, device page, editors), the docks
(devices tree, event log, camera, discovery), and the layout memory in QSettings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QStackedWidget

from ...services.paths import config_dir
from ..devices.summary_page import DevicePage
from ..devices.tree import DeviceTree
from ..live.camera_windows import CameraPanel, PipelineKeeper
from ..live.event_log import LiveLog, journal_path

WELCOME = ("<h2>configurator</h2>Select a device or one of its settings in the tree on the "
           "left,<br>or add a device by address (<b>Ctrl+D</b>).")
EVENT_COLUMN_WIDTHS = (150, 230, 170, 330)


def bring_forward(dock: QDockWidget) -> None:
    """Show a dock and raise it above the docks tabbed with it."""
    dock.show()
    dock.raise_()


def new_dock(window: QMainWindow, title: str, name: str) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)  # the key of the dock in the saved window state
    return dock


class WindowLayout:
    """Mixin of ``MainWindow``: builds the central widget and the docks, remembers the layout.
    Uses the window's ``settings``, ``demo`` and the slots of the other mixins."""

    def _build_central(self) -> None:
        self.stack = QStackedWidget(self)
        self.welcome = QLabel(self)
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setWordWrap(True)
        self.welcome.setStyleSheet("color: #607d8b; font-size: 14px;")
        self.welcome.setText(WELCOME)
        self.device_page = DevicePage(self)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.device_page)
        self.setCentralWidget(self.stack)

    def _build_docks(self) -> None:
        self.tree = DeviceTree(self)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keep the address's end
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree_dock = new_dock(self, "Devices", "devices")
        self.tree_dock.setWidget(self.tree)
        self.tree_dock.setMinimumWidth(260)
        self.live = LiveLog(self)
        self.events = self.live.pane
        self.events.eventActivated.connect(self._event_activated)
        self.live.widget.sourceActivated.connect(self.select_device)
        self.live.open_journal(journal_path(None, config_dir(), self.demo))
        self.events_dock = new_dock(self, "Event log", "events")
        self.events_dock.setWidget(self.live.widget)
        self.cameras = PipelineKeeper()
        self.camera = CameraPanel(self.cameras, self)
        self.camera_dock = new_dock(self, "Camera", "camera")
        self.camera_dock.setWidget(self.camera)
        self.camera_dock.visibilityChanged.connect(self.camera.set_shown)
        self._place_docks()
        # Discovery: the panel is built on first use (it reads the machine's interfaces).
        self.discovery_dock = new_dock(self, "Discovery", "discovery")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.discovery_dock)
        self.discovery_dock.hide()
        # The dock contents may be squeezed below their natural size (the event filter bar
        # alone is ~800 px wide), so a small window stays possible.
        self.live.widget.setMinimumSize(320, 90)
        for column, width in enumerate(EVENT_COLUMN_WIDTHS):
            self.events.table.horizontalHeader().resizeSection(column, width)
        self.camera.setMinimumSize(240, 90)
        self.resizeDocks([self.tree_dock], [400], Qt.Orientation.Horizontal)
        self.resizeDocks([self.events_dock], [220], Qt.Orientation.Vertical)

    def _place_docks(self) -> None:
        """The default places: devices left, event log and camera tabbed at the bottom."""
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.tree_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.events_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.camera_dock)
        self.tabifyDockWidget(self.events_dock, self.camera_dock)
        self.events_dock.raise_()

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()

    def reset_layout(self) -> None:
        self.discovery_dock.hide()
        for dock in (self.tree_dock, self.events_dock, self.camera_dock):
            dock.setFloating(False)
            dock.show()
        self._place_docks()
