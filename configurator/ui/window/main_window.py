"""The main window: device tree (left), generated editors (centre), event log and camera docks
(bottom), menus, toolbar, status bar. All device I/O runs as tasks in the registry.

The window is composed, not inherited: it builds a small shared context
(:class:`~.context.WindowContext`: services, the site, the event log, cross-controller
signals) and hands it to controllers with one job each — ``watch`` (monitors, event streams,
state), ``navigation`` (selection and centre page), ``devices`` (add/remove/credentials),
``sites`` (new/open/save/recent/autosave), ``commands`` (apply/revert/reload and device
actions), ``camera`` (Camera dock and grid), ``discovery`` (Discovery dock) — and wires their
signals. ``menus`` turns the controllers' commands into actions. This module keeps the status
bar, the title and the shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar

from ...core.errors import ConfiguratorError
from ...core.events import DeviceEvent
from ...services.credentials import CredentialStore
from ...services.drafts import DraftStore
from ...services.paths import config_dir
from ...services.sessions import DeviceSession, DeviceState, SessionManager
from ...services.site import RecentSites, Site
from ...services.tasks import TaskRegistry
from ..context import WindowContext
from ..devices.tree import DeviceTree
from ..dialogs.prompter import Prompter, QtPrompter
from ..discovery.discovery_control import DiscoveryControl
from ..i18n import translate
from ..icons import application_icon
from ..live.camera_control import CameraControl
from ..live.event_log import LiveLog, journal_path
from ..messages import user_message
from ..site.site_work import SiteWork
from .command_control import CommandControl
from .device_control import DeviceControl
from .docks import EVENT_COLUMN_WIDTHS, WindowDocks
from .menus import WindowMenus
from .navigation import Navigation
from .session_watch import SessionWatch
from .site_control import UNTITLED, SiteControl
from .welcome import start_demo_process

log = logging.getLogger("configurator.ui")


class MainWindow(QMainWindow):
    """The composition root of the window: builds the controllers and wires their signals."""

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
        tasks = tasks or TaskRegistry()
        prompter = prompter or QtPrompter(self)
        if isinstance(prompter, QtPrompter):
            prompter.window = self
        settings = settings or QSettings(str(config_dir() / "window.ini"),
                                         QSettings.Format.IniFormat)
        self.live = LiveLog(self)
        self.events = self.live.pane
        self.ctx = ctx = WindowContext(
            window=self, manager=manager, credentials=credentials, tasks=tasks,
            prompter=prompter, settings=settings, live=self.live, drafts=drafts, demo=demo,
            site=Site(self.tr("Demo site") if demo else UNTITLED))
        tasks.on_error = self._task_failed
        self.on_shutdown: list[Callable[[], Awaitable[Any]]] = []
        self.shutting_down = False
        self.closed: asyncio.Future[int] | None = None
        self._closed_done = False
        self._shutdown_task: asyncio.Task[None] | None = None
        self._quit_question: asyncio.Future[None] | None = None

        self.setWindowTitle(self.tr("configurator"))
        self.setWindowIcon(application_icon())
        self.setDockNestingEnabled(True)
        self.resize(1280, 820)
        self.docks = WindowDocks(self)
        self.tree = DeviceTree(self)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)  # the address has a column
        self.docks.tree.setWidget(self.tree)
        self.watch = SessionWatch(ctx, self.tree)
        self.navigation = Navigation(ctx, self.tree, self.watch.nodes, self)
        self.setCentralWidget(self.navigation.stack)
        self.devices = DeviceControl(ctx, self.watch, self.navigation.current_session)
        self.sites = SiteControl(ctx, self.devices, recent or RecentSites())
        self.commands = CommandControl(ctx, self.navigation.current_view)
        self.camera = CameraControl(ctx, self.docks.camera)
        self.discovery = DiscoveryControl(ctx, self.docks.discovery, self.devices.add_device)
        self._build_event_log()
        self.docks.default_sizes()
        self.menus = WindowMenus(self)
        self.site_work = SiteWork(ctx, self.tree)  # multi-select, tags, bulk edit, report
        self.menuBar().insertMenu(self.menuBar().actions()[-1], self.site_work.menu)
        self._build_statusbar()
        self._wire()
        self.docks.restore(settings)
        self._refresh_title()
        self.menus.update_actions()

    def _build_event_log(self) -> None:
        live = self.live
        live.open_journal(journal_path(None, config_dir(), self.ctx.demo))
        self.docks.events.setWidget(live.widget)
        # The dock contents may be squeezed below their natural size (the event filter bar
        # alone is ~800 px wide), so a small window stays possible.
        live.widget.setMinimumSize(320, 90)
        for column, width in enumerate(EVENT_COLUMN_WIDTHS):
            self.events.table.horizontalHeader().resizeSection(column, width)

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

    def _wire(self) -> None:
        """How the controllers reach each other: signals only."""
        ctx, navigation, menus = self.ctx, self.navigation, self.menus
        navigation.page_changed.connect(menus.update_actions)
        navigation.camera_selected.connect(self.camera.show_camera)
        navigation.action_requested.connect(self.commands.spawn_action)
        self.watch.session_updated.connect(self._session_updated)
        self.watch.device_event.connect(self.navigation.device_event)
        ctx.site_renamed.connect(self._refresh_title)
        ctx.device_dropped.connect(lambda _key: self._devices_changed())
        ctx.site_changed.connect(self._devices_changed)
        self.events.eventActivated.connect(self._event_activated)
        welcome = navigation.welcome
        welcome.add_requested.connect(lambda: ctx.spawn(self.devices.add_device_dialog()))
        welcome.discover_requested.connect(self.discovery.show_discovery)
        welcome.demo_requested.connect(self._start_demo)
        self.live.widget.sourceActivated.connect(navigation.select_device)
        ctx.tasks.listeners.append(self._tasks_changed)

    def _start_demo(self) -> None:
        if not start_demo_process():
            self.status(self.tr("The demo could not be started."))
        else:
            self.status(self.tr("The demo opens in a window of its own…"))

    # -- status ---------------------------------------------------------------------------
    def status(self, text: str, timeout: int = 8000) -> None:
        self.ctx.status(text, timeout)

    def _task_failed(self, owner: str, exc: BaseException) -> None:
        if not isinstance(exc, ConfiguratorError):
            log.error("task of %s failed", owner, exc_info=exc)
        self.status(user_message(exc))

    def _tasks_changed(self, count: int) -> None:
        busy = any(s.busy for s in self.ctx.manager.sessions.values())
        self.busy_bar.setVisible(busy)

    def _session_updated(self, session: DeviceSession) -> None:
        self.navigation.session_updated(session)
        self._devices_changed()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_tree)  # after the layout has placed the docks

    def _fit_tree(self) -> None:
        """The device tree takes back the width its names need (at most 45 % of the window)
        whenever the window or the names change; a narrower choice of the user's stays
        until then."""
        dock = self.docks.tree
        if dock.isFloating() or not dock.isVisible():
            return
        wanted = min(self.tree.wanted_width(), int(self.width() * 0.45))
        if dock.width() < wanted:
            self.resizeDocks([dock], [wanted], Qt.Orientation.Horizontal)
        bottom = self.docks.events  # a smaller window: the page above keeps 55 % of it
        if (not bottom.isFloating() and bottom.isVisible()
                and bottom.height() > self.height() * 0.45):
            self.resizeDocks([bottom], [int(self.height() * 0.4)], Qt.Orientation.Vertical)

    def _devices_changed(self) -> None:
        self._fit_tree()
        self._update_counts()
        self._tasks_changed(0)
        self.menus.update_actions()

    def _event_activated(self, event: DeviceEvent) -> None:
        """A double-clicked event: the camera shows that moment beside the log.

        The tree follows the event's device only when nothing is selected in it: a person
        working on a page keeps their place (the page, its unsaved edits and the tree stay
        as they are; the Camera dock has the picture), while with nothing selected there is
        no place to lose and the device's summary is the useful thing to show."""
        if not self.tree.selectionModel().hasSelection():
            self.navigation.select_device(event.device)
        self._keep_log_beside_camera()
        self.camera.show_event_camera(event)

    def _keep_log_beside_camera(self) -> None:
        """The camera and the log tabbed together would hide the log when the camera comes
        forward: they are put side by side first (the operator watches both)."""
        events, camera = self.docks.events, self.docks.camera
        if (not events.isFloating() and not camera.isFloating()
                and camera in self.tabifiedDockWidgets(events)):
            # Qt adds a dock split off a tabbed one as another tab: take it out first
            self.removeDockWidget(camera)
            self.addDockWidget(self.dockWidgetArea(events), camera)
            self.splitDockWidget(events, camera, Qt.Orientation.Horizontal)
            camera.show()

    def _refresh_title(self) -> None:
        name = self.ctx.site.name + (self.tr(" (demo)") if self.ctx.demo else "")
        self.setWindowTitle(self.tr("{name} — configurator").format(name=name))
        self.tree.set_site_name(name)

    def _update_counts(self) -> None:
        sessions = list(self.ctx.manager.sessions.values())
        online = sum(s.state is DeviceState.ONLINE for s in sessions)
        problems = sum(s.state not in (DeviceState.ONLINE, DeviceState.CONNECTING)
                       for s in sessions)
        dirty = sum(s.dirty for s in sessions)
        parts = [self.tr("{count} device(s)").format(count=len(sessions)),
                 self.tr("{count} online").format(count=online)]
        if problems:
            parts.append(self.tr("{count} with problems").format(count=problems))
        if dirty:
            parts.append(self.tr("{count} with unsaved changes").format(count=dirty))
        self.counts_label.setText("  ·  ".join(parts) + "  ")

    # -- shutdown -------------------------------------------------------------------------
    def wait_closed(self) -> asyncio.Future[int]:
        if self.closed is None:
            self.closed = asyncio.get_event_loop().create_future()
        return self.closed

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed_done:
            event.accept()
            return
        event.ignore()
        if not self.shutting_down and self._quit_question is None:
            self._quit_question = asyncio.ensure_future(self._quit_when_confirmed())

    def pending_changes(self) -> list[str]:
        """Pages holding changes not applied ("Door: Relays"), drafts of unopened pages
        included."""
        pending = []
        for session in self.ctx.manager.sessions.values():
            names = {page.id: page.title for node in self.watch.nodes.get(session.key, [])
                     for page in node.pages}
            names.update({f"table:{table.id}": table.title
                          for node in self.watch.nodes.get(session.key, [])
                          for table in node.tables})
            names.update({node.capability: translate("capabilities", node.label)
                          for node in self.watch.nodes.get(session.key, [])
                          if not node.pages and not node.tables})
            pending += [f"{session.title}: {names.get(page, page)}"
                        for page in sorted(session.dirty_pages)]
        return pending

    async def _quit_when_confirmed(self) -> None:
        try:
            self.navigation.save_drafts()
            pending = self.pending_changes()
            if pending and not await self.ctx.prompter.confirm_quit(self, pending):
                return
        finally:
            self._quit_question = None
        if not self.shutting_down:
            self.shutting_down = True
            self._shutdown_task = asyncio.ensure_future(self.shutdown())

    async def shutdown(self) -> None:
        """Save, cancel and gather every task, close every client — inside the loop."""
        self.shutting_down = True
        ctx = self.ctx
        try:
            self.docks.save(ctx.settings)
            self.navigation.save_drafts()
            self.watch.stop()
            await self.discovery.aclose()
            await self.camera.aclose()
            await self.live.aclose()
            await ctx.tasks.shutdown()
            await ctx.manager.close_all()
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
