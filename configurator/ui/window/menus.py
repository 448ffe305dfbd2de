"""The window's commands as actions with their shortcuts: the menu bar, the toolbar, the
device context menu and the per-device "Actions" menus, and their enabled state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QToolButton

from ...core.device import ActionSpec
from ...services.sessions import DeviceSession
from ..context import WindowContext
from ..devices.tree import KEY_ROLE, DeviceTree
from ..discovery.discovery_control import DiscoveryControl
from ..i18n import param_text
from ..icons import icon
from ..live.camera_control import CameraControl
from .command_control import CommandControl
from .device_control import DeviceControl
from .docks import WindowDocks
from .navigation import Navigation
from .session_watch import SessionWatch
from .site_control import SiteControl
from .welcome import show_getting_started


class MenuTargets(Protocol):
    """What the menus drive: the window's controllers, its docks and its device tree (the
    main window is one; the menus do not know it by name). Qt calls on the window itself go
    through ``ctx.window``."""

    ctx: WindowContext
    tree: DeviceTree
    docks: WindowDocks
    watch: SessionWatch
    navigation: Navigation
    devices: DeviceControl
    sites: SiteControl
    commands: CommandControl
    camera: CameraControl
    discovery: DiscoveryControl

class WindowMenus(QObject):
    """Every menu, toolbar button and shortcut of ``window``, wired to its controllers."""

    def __init__(self, targets: MenuTargets) -> None:
        super().__init__(targets.ctx.window)
        self.targets = targets
        self.window = targets.ctx.window  # the QMainWindow: menu bar, toolbar, shortcuts
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        targets.tree.customContextMenuRequested.connect(self._context_menu)

    def _action(self, text: str, slot: Callable[[], Any], shortcut: Any = None,
                icon_name: str = "", tip: str = "") -> QAction:
        action = QAction(icon(icon_name) if icon_name else QAction(text).icon(), text,
                         self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{tip} ({action.shortcut().toString()})" if shortcut else tip)
        action.triggered.connect(lambda _=False: slot())
        self.window.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        w = self.targets
        spawn = w.ctx.spawn
        sites, devices, commands = w.sites, w.devices, w.commands
        self.new_site_action = a(self.tr("&New site"), sites.new_site, QKeySequence.StandardKey.New)
        self.open_site_action = a(self.tr("&Open site…"), lambda: spawn(sites.open_site_dialog()),
                                  QKeySequence.StandardKey.Open, "open")
        self.save_site_action = a(self.tr("&Save site"), lambda: spawn(sites.save_site_dialog()),
                                  QKeySequence.StandardKey.Save, "save")
        self.save_as_action = a(self.tr("Save site &as…"),
                                lambda: spawn(sites.save_site_dialog(ask=True)),
                                QKeySequence.StandardKey.SaveAs)
        self.quit_action = a(self.tr("&Quit"), self.window.close, QKeySequence.StandardKey.Quit)
        self.add_device_action = a(
            self.tr("&Add device…"), lambda: spawn(devices.add_device_dialog()), "Ctrl+D", "add",
            self.tr("Add a device by address"))
        self.remove_device_action = a(
            self.tr("&Remove device"), lambda: spawn(devices.remove_device_dialog()), None,
            "remove", self.tr("Remove the selected device"))
        self.reconnect_action = a(
            self.tr("Re&connect"), lambda: w.watch.reconnect(w.navigation.current_session()),
            "Ctrl+R", "refresh", self.tr("Reconnect to the selected device"))
        self.reload_action = a(self.tr("Re&load from device"), commands.reload_current, "F5",
                               "refresh", self.tr("Read the current page from the device again"))
        self.apply_action = a(self.tr("&Apply…"), commands.apply_current, "Ctrl+Return", "apply",
                              self.tr("Preview and write the changes of the current page"))
        self.revert_action = a(self.tr("Re&vert"), commands.revert_current, "Ctrl+Alt+Z", "revert",
                               self.tr("Discard the changes of the current page"))
        self.discover_action = a(self.tr("D&iscover…"), w.discovery.show_discovery, "Ctrl+F", "",
                                 self.tr("Find devices on the network and add them to the site"))
        self.camera_grid_action = a(self.tr("Camera &grid"), w.camera.show_grid, "Ctrl+G", "",
                                    self.tr("Every camera of the site in one window"))
        self.camera_url_action = a(
            self.tr("Camera by &URL…"), lambda: spawn(w.camera.camera_url_dialog()), None, "",
            self.tr("Show any MJPEG or JPEG snapshot URL in the Camera dock"))
        self.credentials_action = a(
            self.tr("&Credentials…"), lambda: spawn(devices.credentials_dialog()), None, "",
            self.tr("Change the user and password of the selected device"))
        self.reset_layout_action = a(self.tr("Reset &layout"), w.docks.reset)
        self.about_action = a(self.tr("&About"), self.about)
        self.getting_started_action = a(
            self.tr("&Getting started"), lambda: show_getting_started(self.window),
            QKeySequence.StandardKey.HelpContents, "", self.tr("The first steps, in five lines"))

    def _build_menus(self) -> None:
        bar = self.window.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addActions([self.new_site_action, self.open_site_action])
        self.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(
            lambda: self.targets.sites.fill_recent(self.recent_menu))
        file_menu.addActions([self.save_site_action, self.save_as_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        device_menu = bar.addMenu(self.tr("&Device"))
        device_menu.addActions([self.add_device_action, self.discover_action,
                                self.remove_device_action])
        device_menu.addSeparator()
        device_menu.addActions([self.reconnect_action, self.credentials_action])
        self.actions_menu = device_menu.addMenu(icon("action"), self.tr("A&ctions"))
        self._fill_on_show(self.actions_menu)
        edit_menu = bar.addMenu(self.tr("&Edit"))
        edit_menu.addActions([self.apply_action, self.revert_action, self.reload_action])
        view_menu = bar.addMenu(self.tr("&View"))
        docks = self.targets.docks
        for dock in (docks.tree, docks.events, docks.camera, docks.discovery):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addActions([self.camera_grid_action, self.camera_url_action])
        view_menu.addSeparator()
        view_menu.addAction(self.reset_layout_action)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addActions([self.getting_started_action, self.about_action])

    def _build_toolbar(self) -> None:
        window = self.window
        bar = window.addToolBar(self.tr("Main"))
        bar.setObjectName("main-toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addActions([self.add_device_action, self.remove_device_action])
        bar.addSeparator()
        bar.addActions([self.reload_action, self.revert_action, self.apply_action])
        bar.addSeparator()
        self.actions_button = QToolButton(window)
        self.actions_button.setText(self.tr("Actions"))
        self.actions_button.setIcon(icon("action"))
        self.actions_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.actions_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar_actions_menu = QMenu(self.actions_button)
        self._fill_on_show(self.toolbar_actions_menu)
        self.actions_button.setMenu(self.toolbar_actions_menu)
        bar.addWidget(self.actions_button)

    def update_actions(self) -> None:
        navigation = self.targets.navigation
        session = navigation.current_session()
        view = navigation.current_view()
        for action in (self.remove_device_action, self.reconnect_action,
                       self.credentials_action):
            action.setEnabled(session is not None)
        has_actions = bool(session and session.device and session.device.actions())
        self.actions_button.setEnabled(has_actions)
        self.actions_menu.setEnabled(has_actions)
        self.apply_action.setEnabled(view is not None and view.dirty)
        self.revert_action.setEnabled(view is not None and view.dirty)
        self.reload_action.setEnabled(view is not None)

    # -- device actions -------------------------------------------------------------------
    def _fill_on_show(self, menu: QMenu) -> None:
        """The menu lists the actions of the device selected when it opens."""
        menu.aboutToShow.connect(
            lambda: self.fill_actions(menu, self.targets.navigation.current_session()))

    def _context_menu(self, pos: QPoint) -> None:
        tree = self.targets.tree
        index = tree.indexAt(pos)
        key = index.data(KEY_ROLE) if index.isValid() else None
        session = self.targets.ctx.manager.get(key) if key else None
        menu = QMenu(tree)
        if session is None:
            menu.addAction(self.add_device_action)
        else:
            tree.setCurrentIndex(index)
            self.fill_actions(menu.addMenu(icon("action"), self.tr("Actions")), session)
            menu.addSeparator()
            menu.addActions([self.reconnect_action, self.credentials_action])
            menu.addSeparator()
            menu.addAction(self.remove_device_action)
        menu.popup(tree.viewport().mapToGlobal(pos))

    def fill_actions(self, menu: QMenu, session: DeviceSession | None) -> None:
        menu.clear()
        device = session.device if session else None
        actions = list(device.actions()) if device else []
        if not actions:
            disabled = menu.addAction(self.tr("No actions (device not connected)"))
            disabled.setEnabled(False)
            return
        # Restart and factory reset are not neighbours of "open door": the actions that
        # interrupt or wipe the device come last, in a section of their own.
        safe = [spec for spec in actions if not spec.dangerous]
        dangerous = [spec for spec in actions if spec.dangerous]
        for spec in safe:
            self._add_device_action(menu, session, spec)
        if dangerous:
            menu.addSection(self.tr("Interrupts or erases the device"))
            for spec in dangerous:
                self._add_device_action(menu, session, spec)

    def _add_device_action(self, menu: QMenu, session: DeviceSession | None,
                           spec: ActionSpec) -> None:
        text = param_text(spec.label) + ("…" if spec.params or spec.dangerous else "")
        item = menu.addAction(icon("action"), text)
        item.setToolTip(param_text(spec.help))
        item.triggered.connect(
            lambda _=False, s=session, a=spec: self.targets.commands.spawn_action(s, a))

    def about(self) -> None:
        """Version, licence and library versions (services/about.py), with the app icon."""
        from ...services.about import about_text

        summary, _, libraries = about_text().partition("\n\n")
        box = QMessageBox(QMessageBox.Icon.NoIcon, self.tr("About configurator"), summary,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setIconPixmap(self.window.windowIcon().pixmap(64, 64))
        box.setInformativeText(libraries.replace("\n", "<br>"))
        box.open()
        self.about_box = box  # tests and screenshots find it here
