"""The main window: device tree (left), generated editors (centre), event log and camera docks
(bottom), menus, toolbar, status bar. All device I/O runs as tasks in the registry."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QToolButton,
)

from ..core.device import ActionSpec
from ..core.errors import CertificateMismatch, ConfiguratorError, DeviceError
from ..core.events import DeviceEvent, Severity
from ..core.params import Kind, ParamSpec
from ..core.transport import Credentials
from ..services.credentials import CredentialStore
from ..services.drafts import DraftStore
from ..services.paths import config_dir
from ..services.sessions import DeviceSession, DeviceState, SessionManager
from ..services.site import RecentSites, Site, SiteDevice, SiteFileError
from ..services.tasks import TaskRegistry
from .adddevice import AddDeviceDialog
from .cameradock import CameraGridWindow, CameraPanel, PipelineKeeper
from .capabilities import CapabilityNode, capability_nodes
from .capview import CapabilityView
from .context import EditorContext
from .devicepage import DevicePage
from .dialogs import run_dialog
from .discovery_panel import DiscoveryPanel
from .discoverydock import add_discovered, covering_range, credentials_spec
from .icons import icon
from .livelog import LiveLog, journal_path
from .messages import user_message
from .prompter import Prompter, QtPrompter
from .tree import CAP_ROLE, CAPABILITY, DEVICE, KEY_ROLE, KIND_ROLE, DeviceTree

log = logging.getLogger("configurator.ui")

APP_OWNER = "app"
CAMERA_HEIGHT = 360  # the bottom docks grow to this when a camera is shown


class MainWindow(QMainWindow):
    def __init__(
        self,
        *,
        manager: SessionManager,
        credentials: CredentialStore,
        drafts: DraftStore | None = None,
        tasks: TaskRegistry | None = None,
        prompter: Prompter | None = None,
        recent: RecentSites | None = None,
        settings: QSettings | None = None,
        demo: bool = False,
    ) -> None:
        super().__init__()
        self.manager = manager
        self.credentials = credentials
        self.drafts = drafts
        self.tasks = tasks or TaskRegistry()
        self.tasks.on_error = self._task_failed
        self.prompter = prompter or QtPrompter(self)
        if isinstance(self.prompter, QtPrompter):
            self.prompter.window = self
        self.recent = recent or RecentSites()
        self.settings = settings or QSettings(str(config_dir() / "window.ini"),
                                              QSettings.Format.IniFormat)
        self.demo = demo
        self.site = Site("Demo site" if demo else "Untitled site")
        self.views: dict[tuple[str, str], CapabilityView] = {}
        self.nodes: dict[str, list[CapabilityNode]] = {}
        self._followed: set[str] = set()
        self.discovery: DiscoveryPanel | None = None
        self.camera_grid: CameraGridWindow | None = None
        self._asked_certificate: set[str] = set()
        self._monitors: dict[str, asyncio.Task[Any]] = {}
        self._last_state: dict[str, DeviceState] = {}
        self._shutdown_task: asyncio.Task[None] | None = None
        self.on_shutdown: list[Callable[[], Awaitable[Any]]] = []
        self.shutting_down = False
        self.closed: asyncio.Future[int] | None = None
        self._closed_done = False

        self.setWindowTitle("configurator")
        self.setWindowIcon(icon("device"))
        self.setDockNestingEnabled(True)
        self.resize(1280, 820)
        self._build_central()
        self._build_docks()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_statusbar()
        self.manager.listeners.append(self._session_changed)
        self.tasks.listeners.append(self._tasks_changed)
        self._restore_layout()
        self._refresh_title()
        self._update_actions()

    # -- construction ---------------------------------------------------------------------
    def _build_central(self) -> None:
        self.stack = QStackedWidget(self)
        self.welcome = QLabel(self)
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setWordWrap(True)
        self.welcome.setStyleSheet("color: #607d8b; font-size: 14px;")
        self.welcome.setText("<h2>configurator</h2>Select a device or one of its settings in "
                             "the tree on the left,<br>or add a device by address "
                             "(<b>Ctrl+D</b>).")
        self.device_page = DevicePage(self)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.device_page)
        self.setCentralWidget(self.stack)

    def _build_docks(self) -> None:
        self.tree = DeviceTree(self)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keep the address's end
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree_dock = QDockWidget("Devices", self)
        self.tree_dock.setObjectName("devices")
        self.tree_dock.setWidget(self.tree)
        self.tree_dock.setMinimumWidth(260)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.tree_dock)
        self.live = LiveLog(self)
        self.events = self.live.pane
        self.events.eventActivated.connect(self._event_activated)
        self.live.widget.sourceActivated.connect(self.select_device)
        self.live.open_journal(journal_path(None, config_dir(), self.demo))
        self.events_dock = QDockWidget("Event log", self)
        self.events_dock.setObjectName("events")
        self.events_dock.setWidget(self.live.widget)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.events_dock)
        self.cameras = PipelineKeeper()
        self.camera = CameraPanel(self.cameras, self)
        self.camera_dock = QDockWidget("Camera", self)
        self.camera_dock.setObjectName("camera")
        self.camera_dock.setWidget(self.camera)
        self.camera_dock.visibilityChanged.connect(self.camera.set_shown)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.camera_dock)
        self.tabifyDockWidget(self.events_dock, self.camera_dock)
        self.events_dock.raise_()
        # Discovery: the panel is built on first use (it reads the machine's interfaces).
        self.discovery_dock = QDockWidget("Discovery", self)
        self.discovery_dock.setObjectName("discovery")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.discovery_dock)
        self.discovery_dock.hide()
        # The dock contents may be squeezed below their natural size (the event filter bar
        # alone is ~800 px wide), so a small window stays possible.
        self.live.widget.setMinimumSize(320, 90)
        for column, width in enumerate((150, 230, 170, 330)):
            self.events.table.horizontalHeader().resizeSection(column, width)
        self.camera.setMinimumSize(240, 90)
        self.resizeDocks([self.tree_dock], [400], Qt.Orientation.Horizontal)
        self.resizeDocks([self.events_dock], [220], Qt.Orientation.Vertical)

    def _action(self, text: str, slot: Callable[[], Any], shortcut: Any = None,
                icon_name: str = "", tip: str = "") -> QAction:
        action = QAction(icon(icon_name) if icon_name else QAction(text).icon(), text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{tip} ({action.shortcut().toString()})" if shortcut else tip)
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.new_site_action = a("&New site", self.new_site, QKeySequence.StandardKey.New)
        self.open_site_action = a("&Open site…", lambda: self.spawn(self.open_site_dialog()),
                                  QKeySequence.StandardKey.Open, "open")
        self.save_site_action = a("&Save site", lambda: self.spawn(self.save_site_dialog()),
                                  QKeySequence.StandardKey.Save, "save")
        self.save_as_action = a("Save site &as…",
                                lambda: self.spawn(self.save_site_dialog(ask=True)),
                                QKeySequence.StandardKey.SaveAs)
        self.quit_action = a("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.add_device_action = a("&Add device…", lambda: self.spawn(self.add_device_dialog()),
                                   "Ctrl+D", "add", "Add a device by address")
        self.remove_device_action = a("&Remove device", lambda: self.spawn(
            self.remove_device_dialog()), None, "remove", "Remove the selected device")
        self.reconnect_action = a("Re&connect", self.reconnect_current, "Ctrl+R", "refresh",
                                  "Reconnect to the selected device")
        self.reload_action = a("Re&load from device", self.reload_current, "F5", "refresh",
                               "Read the current page from the device again")
        self.apply_action = a("&Apply…", self.apply_current, "Ctrl+Return", "apply",
                              "Preview and write the changes of the current page")
        self.revert_action = a("Re&vert", self.revert_current, "Ctrl+Shift+Z", "revert",
                               "Discard the changes of the current page")
        self.discover_action = a("D&iscover…", self.show_discovery, "Ctrl+F", "",
                                 "Find devices on the network and add them to the site")
        self.camera_grid_action = a("Camera &grid", self.show_camera_grid, "Ctrl+G", "",
                                    "Every camera of the site in one window")
        self.camera_url_action = a("Camera by &URL…",
                                   lambda: self.spawn(self.camera_url_dialog()), None, "",
                                   "Show any MJPEG or JPEG snapshot URL in the Camera dock")
        self.credentials_action = a("&Credentials…",
                                    lambda: self.spawn(self.credentials_dialog()), None, "",
                                    "Change the user and password of the selected device")
        self.reset_layout_action = a("Reset &layout", self.reset_layout)
        self.about_action = a("&About", self.about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_site_action, self.open_site_action])
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addActions([self.save_site_action, self.save_as_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        device_menu = bar.addMenu("&Device")
        device_menu.addActions([self.add_device_action, self.discover_action,
                                self.remove_device_action])
        device_menu.addSeparator()
        device_menu.addActions([self.reconnect_action, self.credentials_action])
        self.actions_menu = device_menu.addMenu(icon("action"), "A&ctions")
        self.actions_menu.aboutToShow.connect(
            lambda: self._fill_actions(self.actions_menu, self.current_session()))
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.apply_action, self.revert_action, self.reload_action])
        view_menu = bar.addMenu("&View")
        for dock in (self.tree_dock, self.events_dock, self.camera_dock, self.discovery_dock):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addActions([self.camera_grid_action, self.camera_url_action])
        view_menu.addSeparator()
        view_menu.addAction(self.reset_layout_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Main")
        bar.setObjectName("main-toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addActions([self.add_device_action, self.remove_device_action])
        bar.addSeparator()
        bar.addActions([self.reload_action, self.revert_action, self.apply_action])
        bar.addSeparator()
        self.actions_button = QToolButton(self)
        self.actions_button.setText("Actions")
        self.actions_button.setIcon(icon("action"))
        self.actions_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.actions_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar_actions_menu = QMenu(self.actions_button)
        self.toolbar_actions_menu.aboutToShow.connect(
            lambda: self._fill_actions(self.toolbar_actions_menu, self.current_session()))
        self.actions_button.setMenu(self.toolbar_actions_menu)
        bar.addWidget(self.actions_button)

    def _build_statusbar(self) -> None:
        status = self.statusBar()
        self.counts_label = QLabel(self)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setMaximumHeight(12)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        status.addPermanentWidget(self.busy_bar)
        status.addPermanentWidget(self.counts_label)

    # -- helpers --------------------------------------------------------------------------
    def spawn(self, coro, owner: str = APP_OWNER, name: str = "") -> asyncio.Task | None:
        if self.tasks.closed:
            coro.close()
            return None
        return self.tasks.spawn(owner, coro, name=name)

    def status(self, text: str, timeout: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout)

    def _task_failed(self, owner: str, exc: BaseException) -> None:
        if not isinstance(exc, ConfiguratorError):
            log.error("task of %s failed", owner, exc_info=exc)
        self.status(user_message(exc))

    def _tasks_changed(self, count: int) -> None:
        busy = any(s.busy for s in self.manager.sessions.values())
        self.busy_bar.setVisible(busy)

    def _refresh_title(self) -> None:
        name = self.site.name + (" (demo)" if self.demo else "")
        self.setWindowTitle(f"{name} — configurator")
        self.tree.set_site_name(name)

    def _update_counts(self) -> None:
        sessions = list(self.manager.sessions.values())
        online = sum(s.state is DeviceState.ONLINE for s in sessions)
        problems = sum(s.state not in (DeviceState.ONLINE, DeviceState.CONNECTING)
                       for s in sessions)
        dirty = sum(s.dirty for s in sessions)
        parts = [f"{len(sessions)} device(s)", f"{online} online"]
        if problems:
            parts.append(f"{problems} with problems")
        if dirty:
            parts.append(f"{dirty} with unsaved changes")
        self.counts_label.setText("  ·  ".join(parts) + "  ")

    # -- sessions -------------------------------------------------------------------------
    def add_session(self, entry: SiteDevice, creds: Credentials | None,
                    device=None) -> DeviceSession:
        """Put a device into the site and the tree and start watching it."""
        self.site.add(entry)
        session = self.manager.add(entry, creds)
        self.tree.add_device(session)
        if device is not None and session.device is None:
            session.device = device
            self.manager.succeeded(session)
        self._start_monitor(session)
        self._update_counts()
        return session

    def _session_changed(self, session: DeviceSession) -> None:
        if session.key not in self.manager.sessions:
            return
        self.tree.update_device(session)
        self.live.rename(session.key, session.entry.address, session.title)
        self._note_state(session)
        if session.device is not None and session.key not in self.nodes:
            self.nodes[session.key] = capability_nodes(session.device, session.capabilities)
            self.tree.set_capabilities(session.key, self.nodes[session.key])
        if session.device is not None:
            self._start_events(session)
        if (session.state is DeviceState.CERTIFICATE and isinstance(session.error,
                                                                    CertificateMismatch)
                and session.key not in self._asked_certificate):
            self._asked_certificate.add(session.key)
            self.spawn(self._certificate_changed(session, session.error), owner=session.key)
        current = self.current_session()
        if current is session and self.stack.currentWidget() is self.device_page:
            self.device_page.show_session(session)
        self._update_counts()
        self._tasks_changed(0)
        self._update_actions()

    def _note_state(self, session: DeviceSession) -> None:
        """State transitions go to the event log (as events of the local source, journaled),
        so the installer sees when things changed."""
        old = self._last_state.get(session.key)
        if old is session.state or session.state is DeviceState.CONNECTING:
            return
        self._last_state[session.key] = session.state
        entry = session.entry
        if session.state is DeviceState.ONLINE:
            extra = f" (firmware {entry.firmware})" if entry.firmware else ""
            self.live.note(entry.address, f"{session.title} online{extra}",
                           type_="DeviceOnline")
        else:
            self.live.note(entry.address, f"{session.title} {session.state}: {session.message}",
                           Severity.WARNING, type_="DeviceOffline")

    def _start_events(self, session: DeviceSession) -> None:
        """Follow the device's event stream in the hub (once per connected device)."""
        if session.key in self._followed:
            return
        self._followed.add(session.key)
        self.live.follow(session.key, session.entry.address, session.title,
                         self._events_factory(session.key))

    def _events_factory(self, key: str):
        def events():
            session = self.manager.get(key)
            if session is None or session.device is None:
                raise DeviceError("not connected", host=key)
            return session.device.events()
        return events

    async def _stop_events(self, key: str) -> None:
        self._followed.discard(key)
        await self.live.unfollow(key)

    def _event_activated(self, event: DeviceEvent) -> None:
        self.select_device(event.device)

    async def _certificate_changed(self, session: DeviceSession, exc: CertificateMismatch
                                   ) -> None:
        if await self.prompter.accept_new_certificate(session.entry.address, exc.pinned,
                                                      exc.presented):
            self.manager.pins.put(session.entry.endpoint.key, exc.presented)
            self._asked_certificate.discard(session.key)
            self._start_monitor(session)

    def current_session(self) -> DeviceSession | None:
        index = self.tree.currentIndex()
        key = index.data(KEY_ROLE) if index.isValid() else None
        return self.manager.get(key) if key else None

    def current_view(self) -> CapabilityView | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, CapabilityView) else None

    # -- navigation -----------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        index = current.siblingAtColumn(0)
        kind = index.data(KIND_ROLE)
        key = index.data(KEY_ROLE)
        session = self.manager.get(key) if key else None
        if kind == CAPABILITY and session is not None:
            self.show_capability(session, index.data(CAP_ROLE))
            if index.data(CAP_ROLE) == "camera":
                self.show_camera(session)
        elif kind == DEVICE and session is not None:
            self.device_page.show_session(session)
            self.stack.setCurrentWidget(self.device_page)
        else:
            self.stack.setCurrentWidget(self.welcome)
        self._update_actions()

    def show_capability(self, session: DeviceSession, capability: str) -> CapabilityView | None:
        view = self.views.get((session.key, capability))
        if view is None:
            node = next((n for n in self.nodes.get(session.key, [])
                         if n.capability == capability), None)
            if node is None:
                return None
            ctx = EditorContext(session, self.manager, self.tasks, self.prompter, self.drafts,
                                self.status)
            view = CapabilityView(node, ctx, self.stack)
            view.action_requested.connect(
                lambda action, s=session: self.spawn(self.run_action(s, action), owner=s.key))
            view.dirty_changed.connect(self._update_actions)
            self.views[(session.key, capability)] = view
            self.stack.addWidget(view)
            self.spawn(view.load(), owner=session.key, name=f"load {capability}")
        self.stack.setCurrentWidget(view)
        return view

    def select_device(self, device: str) -> bool:
        """Select a device in the tree by its key (``host:port``) or address (event rows)."""
        for session in self.manager.sessions.values():
            if device in (session.key, session.entry.address):
                item = self.tree.devices.get(session.key)
                if item is not None:
                    self.tree.select(item.index())
                    return True
        return False

    def select_capability(self, key: str, capability: str) -> CapabilityView | None:
        self.tree.select(self.tree.capability_index(key, capability))
        return self.views.get((key, capability))

    def _update_actions(self) -> None:
        session = self.current_session()
        view = self.current_view()
        self.remove_device_action.setEnabled(session is not None)
        self.reconnect_action.setEnabled(session is not None)
        self.credentials_action.setEnabled(session is not None)
        has_actions = bool(session and session.device and session.device.actions())
        self.actions_button.setEnabled(has_actions)
        self.actions_menu.setEnabled(has_actions)
        self.apply_action.setEnabled(view is not None and view.dirty)
        self.revert_action.setEnabled(view is not None and view.dirty)
        self.reload_action.setEnabled(view is not None)

    def _editor(self):
        view = self.current_view()
        if view is None or not view.tabs.count():
            return None
        return view.tabs.currentWidget()

    def apply_current(self) -> None:
        editor = self._editor()
        if editor is not None:
            self.spawn(editor.apply(), owner=editor.ctx.session.key, name="apply")

    def revert_current(self) -> None:
        editor = self._editor()
        if editor is not None:
            editor.revert()

    def reload_current(self) -> None:
        editor = self._editor()
        if editor is not None:
            self.spawn(editor.load(), owner=editor.ctx.session.key, name="reload")

    def reconnect_current(self) -> None:
        session = self.current_session()
        if session is None:
            return
        self.spawn(self._reconnect(session), owner=session.key, name="reconnect")

    async def _reconnect(self, session: DeviceSession) -> None:
        session.backoff = self.manager.backoff_first
        self._start_monitor(session)
        self.status(f"Reconnecting to {session.title}…")

    def _start_monitor(self, session: DeviceSession) -> None:
        """One status monitor per device (restarted, never duplicated)."""
        old = self._monitors.pop(session.key, None)
        if old is not None and not old.done():
            old.cancel()
        task = self.spawn(self.manager.monitor(session), owner=session.key, name="monitor")
        if task is not None:
            self._monitors[session.key] = task

    # -- context menu and actions ---------------------------------------------------------
    def _context_menu(self, pos) -> None:
        index = self.tree.indexAt(pos)
        key = index.data(KEY_ROLE) if index.isValid() else None
        session = self.manager.get(key) if key else None
        menu = QMenu(self.tree)
        if session is None:
            menu.addAction(self.add_device_action)
        else:
            self.tree.setCurrentIndex(index)
            self._fill_actions(menu.addMenu(icon("action"), "Actions"), session)
            menu.addSeparator()
            menu.addActions([self.reconnect_action, self.credentials_action])
            menu.addSeparator()
            menu.addAction(self.remove_device_action)
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    def _fill_actions(self, menu: QMenu, session: DeviceSession | None) -> None:
        menu.clear()
        device = session.device if session else None
        actions = list(device.actions()) if device else []
        if not actions:
            disabled = menu.addAction("No actions (device not connected)")
            disabled.setEnabled(False)
            return
        for spec in actions:
            text = spec.label + ("…" if spec.params or spec.dangerous else "")
            item = menu.addAction(icon("action"), text)
            item.setToolTip(spec.help)
            item.triggered.connect(lambda _=False, s=session, a=spec: self.spawn(
                self.run_action(s, a), owner=s.key, name=a.id))

    async def run_action(self, session: DeviceSession, action: ActionSpec) -> Any:
        """Arguments, confirmation for dangerous actions, progress and result."""
        device = session.device
        if device is None:
            self.status(f"{session.title} is not connected")
            return None
        args: dict[str, Any] = {}
        if action.params:
            answer = await self.prompter.action_args(self, session.title, action)
            if answer is None:
                return None
            args = answer
        if action.dangerous and not await self.prompter.confirm_action(self, session.title,
                                                                       action):
            self.status(f"{action.label} cancelled")
            return None
        self.status(f"{action.label} on {session.title}…", 0)
        try:
            async with self.manager.busy(session):
                result = await device.run_action(action.id, args)
        except ConfiguratorError as exc:
            text = f"{action.label} failed: {user_message(exc, session.entry.address)}"
            self.status(text)
            self.live.note(session.entry.address, text, Severity.ERROR, type_="ActionFailed")
            return None
        text = f"{action.label} on {session.title}: done" + (
            f" ({_short(result)})" if result not in (None, "", {}, []) else "")
        self.status(text)
        self.live.note(session.entry.address, text, type_="ActionDone")
        return result

    # -- adding and removing devices ------------------------------------------------------
    async def add_device_dialog(self) -> None:
        warning = self.credentials.take_warning()
        if warning:
            self.status(warning, 15000)
        dialog = AddDeviceDialog(self.add_device, self.spawn, self,
                                 persistent_credentials=self.credentials.persistent)
        await run_dialog(dialog)

    async def add_device(self, entry: SiteDevice, creds: Credentials | None,
                         remember: bool = True) -> str:
        """Connect to a new device; returns an error message, or "" when it was added."""
        if self.site.find(entry.key) is not None:
            return f"{entry.endpoint.base_url} is already in this site."
        probe = DeviceSession(entry, creds)
        try:
            device = await self.manager.connect(probe)
        except ConfiguratorError as exc:
            return user_message(exc, entry.address)
        except Exception as exc:  # a driver bug: say so, never a traceback
            log.exception("adding %s failed", entry.address)
            return user_message(exc, entry.address)
        if creds is not None:
            self.credentials.put(entry.key, creds, remember=remember and not self.demo)
        session = self.add_session(entry, creds, device)
        session.capabilities = probe.capabilities
        self.manager.changed(session)
        self._site_changed()
        self.status(f"Added {entry.title} at {entry.address}")
        return ""

    async def remove_device_dialog(self) -> None:
        session = self.current_session()
        if session is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Remove device",
                          f"Remove {session.title} ({session.entry.address}) from this site?"
                          + ("\n\nIts unsaved changes will be lost." if session.dirty else ""),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        if await run_dialog(box) in (QMessageBox.StandardButton.Yes, 1):
            await self.remove_device(session.key)

    async def remove_device(self, key: str) -> None:
        """Cancel the device's tasks, close its client and drop it everywhere."""
        await self._release_device(key)
        await self.manager.remove(key)
        for view_key in [k for k in self.views if k[0] == key]:
            view = self.views.pop(view_key)
            self.stack.removeWidget(view)
            view.deleteLater()
        self.nodes.pop(key, None)
        self.tree.remove_device(key)
        self.site.remove(key)
        self.credentials.delete(key)
        if self.drafts is not None:
            self.drafts.discard_device(key)
        self.stack.setCurrentWidget(self.welcome)
        self._site_changed()
        self._update_counts()

    async def credentials_dialog(self) -> None:
        session = self.current_session()
        if session is None:
            return
        from ..core.params import Kind, ParamSpec
        from .dialogs import ArgsDialog

        spec = ActionSpec("credentials", "Credentials", params=(
            ParamSpec("user", "User", Kind.STRING, default=session.entry.user or "admin"),
            ParamSpec("password", "Password", Kind.SECRET)))
        dialog = ArgsDialog(spec, session.title, self)
        if await run_dialog(dialog) != 1:
            return
        values = dialog.form.values()
        creds = Credentials(str(values.get("user", "")), str(values.get("password", "")))
        session.entry.user = creds.user
        self.credentials.put(session.key, creds, remember=not self.demo)
        await self._release_device(session.key)
        await self.manager.remove(session.key)
        self.manager.add(session.entry, creds)
        new = self.manager.get(session.key)
        assert new is not None
        self.nodes.pop(session.key, None)
        self._start_monitor(new)
        self._site_changed()

    async def _release_device(self, key: str) -> None:
        """Stop everything running for a device: its tasks, event stream and cameras."""
        await self.tasks.cancel_owner(key)
        await self._stop_events(key)
        self.camera.forget(key)
        self.cameras.retire_owner(key)

    # -- cameras --------------------------------------------------------------------------
    def show_camera(self, session: DeviceSession) -> bool:
        """Show the device's camera in the Camera dock (and bring the dock forward)."""
        if session.device is None:
            self.status(f"{session.title} is not connected")
            return False
        shown = self.camera.show_device(session.key, session.title, session.device)
        self.camera_dock.show()
        self.camera_dock.raise_()
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
        spec = ActionSpec("camera_url", "Camera by URL", params=(
            ParamSpec("url", "URL", Kind.STRING, default="http://"),
            ParamSpec("user", "User", Kind.STRING, default=""),
            ParamSpec("password", "Password", Kind.SECRET)),
            help="An MJPEG stream or a JPEG snapshot URL (polled).")
        answer = await self.prompter.action_args(self, "Camera", spec)
        if not answer:
            return
        user = str(answer.get("user") or "")
        creds = Credentials(user, str(answer.get("password") or "")) if user else None
        try:
            self.camera.show_url(str(answer.get("url") or "").strip(), creds)
        except ConfiguratorError as exc:
            self.status(str(exc))
            return
        self.camera_dock.show()
        self.camera_dock.raise_()

    # -- discovery ------------------------------------------------------------------------
    def show_discovery(self) -> DiscoveryPanel:
        """The Discovery dock (built on first use)."""
        if self.discovery is None:
            # Assumption: in demo mode the machine's own interfaces are not offered (the
            # fleet lives on loopback); the default range is the one holding the fleet.
            self.discovery = DiscoveryPanel(self.discovery_dock,
                                            interfaces=[] if self.demo else None,
                                            settings=self.settings)
            self.discovery.addRequested.connect(
                lambda devices: self.spawn(self.add_discovered_devices(devices),
                                           name="add discovered"))
            self.discovery_dock.setWidget(self.discovery)
            # Assumption: discovery is an occasional task; it opens as a floating window
            # (dockable by the user) instead of squeezing the editors.
            self.discovery_dock.setFloating(True)
            self.discovery_dock.resize(920, 540)
        if self.demo:
            self.set_discovery_defaults()
        self.discovery_dock.show()
        self.discovery_dock.raise_()
        return self.discovery

    def set_discovery_defaults(self) -> None:
        """Demo mode: sweep the range and the ports of the devices in the site."""
        panel = self.discovery
        if panel is None:
            return
        entries = [s.entry for s in self.manager.sessions.values()]
        ranges = covering_range(e.address for e in entries)
        if ranges:
            panel.ranges_edit.setText(ranges)
        ports = sorted({e.port for e in entries if e.port and e.port not in (80, 443)})
        panel.ports_edit.setText(", ".join(map(str, ports)))

    async def ask_discovered_credentials(self, vendor: str, devices: list[Any]
                                         ) -> Credentials | None:
        """Asked once per vendor before discovered devices are added."""
        spec = credentials_spec(vendor, len(devices))
        answer = await self.prompter.action_args(self, vendor, spec)
        if answer is None:
            return None
        return Credentials(str(answer.get("user") or ""), str(answer.get("password") or ""))

    async def add_discovered_devices(self, devices: list[Any]) -> list[str]:
        """Add discovered devices through the same path as "Add device"."""
        added, errors = await add_discovered(devices, self.ask_discovered_credentials,
                                             self.add_device)
        for line in errors:
            self.live.note(line.partition(":")[0], line, Severity.WARNING, type_="AddFailed")
        self.status(f"Added {len(added)} device(s)" + (f", {len(errors)} not added"
                                                        if errors else ""))
        return added

    async def _close_live(self) -> None:
        """Shutdown: discovery, camera windows and pipelines, event streams and journal."""
        if self.discovery is not None:
            await self.discovery.aclose()
        if self.camera_grid is not None:
            self.camera_grid.close()
        if self.camera.view.full_screen is not None:
            self.camera.view.full_screen.close()
        self.camera.clear()
        await self.cameras.aclose()
        await self.live.aclose()

    # -- sites ----------------------------------------------------------------------------
    def _site_changed(self) -> None:
        """Devices added/removed are saved at once (# Assumption: the site file is the
        inventory, so it autosaves; an untitled site autosaves to the config dir)."""
        if self.demo:
            return
        target = self.site.path or config_dir() / "untitled-site.json"
        try:
            self.site.save(target) if self.site.path else _save_copy(self.site, target)
        except SiteFileError as exc:
            self.status(str(exc))

    def new_site(self) -> None:
        self.spawn(self._replace_site(Site()))

    async def _replace_site(self, site: Site) -> None:
        for key in list(self.manager.sessions):
            await self.remove_device_keep_site(key)
        self.site = site
        self._refresh_title()
        self.live.open_journal(journal_path(site.path, config_dir(), self.demo))
        for entry in list(site.devices):
            self.add_session(entry, self.credentials.get(entry.key))
        if site.path:
            self.recent.add(site.path)

    async def remove_device_keep_site(self, key: str) -> None:
        await self._release_device(key)
        await self.manager.remove(key)
        for view_key in [k for k in self.views if k[0] == key]:
            view = self.views.pop(view_key)
            self.stack.removeWidget(view)
            view.deleteLater()
        self.nodes.pop(key, None)
        self.tree.remove_device(key)
        self.stack.setCurrentWidget(self.welcome)

    async def open_site(self, path: Path) -> bool:
        try:
            site = Site.load(path)
        except SiteFileError as exc:
            self.status(str(exc))
            self.live.note("", str(exc), Severity.ERROR, type_="SiteError")
            return False
        await self._replace_site(site)
        self.status(f"Opened {path}")
        return True

    async def open_site_dialog(self) -> None:
        dialog = QFileDialog(self, "Open site")
        dialog.setNameFilter("Site files (*.json);;All files (*)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        if await run_dialog(dialog) == 1 and dialog.selectedFiles():
            await self.open_site(Path(dialog.selectedFiles()[0]))

    async def save_site_dialog(self, ask: bool = False) -> None:
        path = self.site.path
        if ask or path is None:
            dialog = QFileDialog(self, "Save site")
            dialog.setNameFilter("Site files (*.json)")
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("json")
            if await run_dialog(dialog) != 1 or not dialog.selectedFiles():
                return
            path = Path(dialog.selectedFiles()[0])
            if self.site.name == "Untitled site":
                self.site.name = path.stem
        try:
            self.site.save(path)
        except SiteFileError as exc:
            self.status(str(exc))
            return
        self.recent.add(path)
        self._refresh_title()
        self.status(f"Saved {path}")

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.list()
        if not paths:
            self.recent_menu.addAction("No recent sites").setEnabled(False)
        for path in paths:
            item = self.recent_menu.addAction(str(path))
            item.triggered.connect(lambda _=False, p=path: self.spawn(self.open_site(p)))

    # -- layout and shutdown --------------------------------------------------------------
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
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.tree_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.events_dock)
        self.tabifyDockWidget(self.events_dock, self.camera_dock)
        self.events_dock.raise_()

    def about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "About configurator",
                          "configurator — commission and watch IP door intercoms, IP phones "
                          "and IP-PBXs of several vendors from one window.",
                          QMessageBox.StandardButton.Ok, self)
        box.open()

    def wait_closed(self) -> asyncio.Future[int]:
        if self.closed is None:
            self.closed = asyncio.get_event_loop().create_future()
        return self.closed

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed_done:
            event.accept()
            return
        event.ignore()
        if not self.shutting_down:
            self.shutting_down = True
            self._shutdown_task = asyncio.ensure_future(self.shutdown())

    async def shutdown(self) -> None:
        """Save, cancel and gather every task, close every client — inside the loop."""
        self.shutting_down = True
        try:
            self.save_layout()
            for view in self.views.values():
                for form in view.forms:
                    form.save_draft()
            if self._session_changed in self.manager.listeners:
                self.manager.listeners.remove(self._session_changed)
            await self._close_live()
            await self.tasks.shutdown()
            await self.manager.close_all()
            for hook in self.on_shutdown:
                try:
                    await hook()
                except Exception as exc:
                    log.warning("shutdown step failed: %s", exc)
        finally:
            self._closed_done = True
            self.close()
            future = self.wait_closed()
            if not future.done():
                future.set_result(0)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) < 80 else text[:77] + "…"


def _save_copy(site: Site, target: Path) -> None:
    path = site.path
    site.save(target)
    site.path = path
