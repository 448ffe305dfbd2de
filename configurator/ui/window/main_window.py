"""The main window: device tree (left), generated editors (centre), event log and camera docks
(bottom), menus, toolbar, status bar. All device I/O runs as tasks in the registry.

The window is assembled from mixins, one job each: ``layout`` (docks and layout memory),
``menus`` (actions, menus, toolbar, shortcuts), ``navigation`` (selection and centre page),
``session_watch`` (monitors, event streams, state), ``commands`` (apply/revert/reload and
device actions), ``device_control`` (add/remove/credentials), ``live.camera_control``,
``discovery.discovery_control`` and ``site_control`` (new/open/save/recent/autosave).
This module holds the shared state, the status bar helpers and the shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow

from ...core.errors import ConfiguratorError
from ...services.credentials import CredentialStore
from ...services.drafts import DraftStore
from ...services.paths import config_dir
from ...services.sessions import DeviceState, SessionManager
from ...services.site import RecentSites, Site
from ...services.tasks import TaskRegistry
from ..devices.capability_nodes import CapabilityNode
from ..dialogs.prompter import Prompter, QtPrompter
from ..discovery.discovery_control import DiscoveryControl
from ..editors.capability_view import CapabilityView
from ..icons import application_icon
from ..live.camera_control import CameraControl
from ..messages import user_message
from .commands import WindowCommands
from .device_control import DeviceControl
from .layout import WindowLayout
from .menus import WindowMenus
from .navigation import Navigation
from .session_watch import SessionWatch
from .site_control import UNTITLED, SiteControl

if TYPE_CHECKING:  # annotations only: the discovery panel (and its engine) load on first use
    from ..discovery.discovery_panel import DiscoveryPanel
    from ..live.camera_windows import CameraGridWindow

log = logging.getLogger("configurator.ui")

APP_OWNER = "app"


class MainWindow(WindowLayout, WindowMenus, Navigation, SessionWatch, WindowCommands,
                 DeviceControl, CameraControl, DiscoveryControl, SiteControl, QMainWindow):
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
        self.site = Site("Demo site" if demo else UNTITLED)
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
        self.setWindowIcon(application_icon())
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

    # -- helpers --------------------------------------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, Any], owner: str = APP_OWNER,
              name: str = "") -> asyncio.Task[Any] | None:
        """Run a coroutine as a task of ``owner`` (None, and the coroutine closed, once the
        registry is shutting down)."""
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
        if not self.shutting_down:
            self.shutting_down = True
            self._shutdown_task = asyncio.ensure_future(self.shutdown())

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
