"""What the main window's controllers share: the services, the open site, the event log and
the status line, and the signals by which a change made by one controller reaches the others;
and two small helpers they all use (:func:`credentials_from`, :func:`bring_forward`).

A controller gets this context (and the few widgets it drives) instead of the whole window,
so it can be built and tested alone. It sits beside the sub-packages, not in ``window/``: the
camera, discovery and site controllers use it without reaching into the window's package."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow

from ..core.transport import Credentials
from ..services.credentials import CredentialStore
from ..services.drafts import DraftStore
from ..services.sessions import SessionManager
from ..services.site import Site
from ..services.tasks import TaskRegistry
from .dialogs.prompter import Prompter
from .live.event_log import LiveLog

APP_OWNER = "app"


def credentials_from(answer: Mapping[str, Any]) -> Credentials:
    """The user and password of a filled-in form (missing or empty fields are "")."""
    return Credentials(str(answer.get("user") or ""), str(answer.get("password") or ""))


def bring_forward(dock: QDockWidget) -> None:
    """Show a dock and raise it above the docks tabbed with it."""
    dock.show()
    dock.raise_()


class WindowContext(QObject):
    """The services and the site of one main window, and its cross-controller signals."""

    # The devices of the site changed (added, removed, credentials): the inventory autosaves.
    site_changed = Signal()
    # Another site is open now (or the site got a new name): the title follows.
    site_renamed = Signal()
    # Settings of a device were written (DeviceSession): the site keeps its program settings,
    # the camera dock takes up changed camera choices.
    settings_applied = Signal(object)
    # Everything running for a device stopped (key): cameras forget it.
    device_released = Signal(str)
    # A device left the window (key): its editors and its tree entry go.
    device_dropped = Signal(str)
    # A device's session was replaced (key): its editors are built anew when next shown.
    editors_stale = Signal(str)

    def __init__(self, *, window: QMainWindow, manager: SessionManager,
                 credentials: CredentialStore, tasks: TaskRegistry, prompter: Prompter,
                 settings: QSettings, live: LiveLog, site: Site,
                 drafts: DraftStore | None = None, demo: bool = False) -> None:
        super().__init__(window)
        self.window = window  # the parent of dialogs, the owner of the status bar
        self.manager = manager
        self.credentials = credentials
        self.tasks = tasks
        self.prompter = prompter
        self.settings = settings
        self.live = live
        self.site = site
        self.drafts = drafts
        self.demo = demo

    def spawn(self, coro: Coroutine[Any, Any, Any], owner: str = APP_OWNER,
              name: str = "") -> asyncio.Task[Any] | None:
        """Run a coroutine as a task of ``owner`` (None, and the coroutine closed, once the
        registry is shutting down)."""
        if self.tasks.closed:
            coro.close()
            return None
        return self.tasks.spawn(owner, coro, name=name)

    def status(self, text: str, timeout: int = 8000) -> None:
        """A one-line message in the window's status bar."""
        self.window.statusBar().showMessage(text, timeout)
