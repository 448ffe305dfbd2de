"""Main window commands: the actions with their shortcuts, the menu bar, the toolbar, the
status bar widgets, the device context menu and the per-device "Actions" menus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox, QProgressBar, QToolButton

from ...services.sessions import DeviceSession
from ..devices.tree import KEY_ROLE
from ..icons import icon


class WindowMenus:
    """Mixin of ``MainWindow``: every menu, toolbar and shortcut, and their enabled state."""

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
        self.revert_action = a("Re&vert", self.revert_current, "Ctrl+Alt+Z", "revert",
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
        self._fill_on_show(self.actions_menu)
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
        self._fill_on_show(self.toolbar_actions_menu)
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

    def _update_actions(self) -> None:
        session = self.current_session()
        view = self.current_view()
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
        menu.aboutToShow.connect(lambda: self._fill_actions(menu, self.current_session()))

    def _context_menu(self, pos: QPoint) -> None:
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

    def about(self) -> None:
        """Version, licence and library versions (services/about.py), with the app icon."""
        from ...services.about import about_text

        summary, _, libraries = about_text().partition("\n\n")
        box = QMessageBox(QMessageBox.Icon.NoIcon, "About configurator", summary,
                          QMessageBox.StandardButton.Ok, self)
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.setInformativeText(libraries.replace("\n", "<br>"))
        box.open()
        self.about_box = box  # tests and screenshots find it here
