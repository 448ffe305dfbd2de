"""Builds the QApplication and the qasync loop, wires services to the main window, and shuts
down cleanly: tasks are cancelled and gathered and clients closed inside the running loop
(quitting on ``aboutToQuit`` as in the qasync README breaks on Python 3.11-3.13)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .core.transport import Credentials, MemoryPinStore, RedactingFilter, trust_always
from .services.credentials import CredentialStore
from .services.drafts import DraftStore
from .services.paths import config_dir
from .services.pins import JsonPinStore
from .services.sessions import SessionManager
from .services.site import RecentSites, SiteDevice
from .services.tasks import TaskRegistry

log = logging.getLogger("configurator.app")


def build_window(*, demo: bool, prompter: Any = None, connector: Any = None,
                 online_period: float | None = None) -> Any:
    """The main window with its services (no devices yet). Needs a QApplication."""
    from .ui.dialogs.prompter import QtPrompter
    from .ui.window.main_window import MainWindow

    prompter = prompter or QtPrompter()
    if demo:
        # Assumption: demo simulators get fresh self-signed certificates on every start, so
        # their pins live in memory and are trusted without asking.
        pins: Any = MemoryPinStore()
        trust = trust_always
        credentials = CredentialStore(None, persistent=False)  # no keyring lookup
        drafts = DraftStore(config_dir() / "demo-drafts.json")
    else:
        pins = JsonPinStore()
        trust = prompter.trust_certificate
        credentials = CredentialStore()
        drafts = DraftStore()
    kwargs: dict[str, Any] = {}
    if online_period is not None:
        kwargs["online_period"] = online_period
    manager = SessionManager(pins=pins, trust=trust, connector=connector, **kwargs)
    return MainWindow(manager=manager, credentials=credentials, drafts=drafts,
                      tasks=TaskRegistry(), prompter=prompter, recent=RecentSites(), demo=demo)


async def start_demo(window: Any, members: Any = None) -> list[Any]:
    """Start the simulator fleet in this loop and put every device into the window."""
    from .simulators.fleet import Fleet, demo_fleet

    # $CONFIGURATOR_DEMO_ADDRESS moves the demo off 127.0.50.1 (benchmarks and smoke tests on
    # a machine where another demo already listens there); a non-loopback one is refused.
    first = os.environ.get("CONFIGURATOR_DEMO_ADDRESS") or "127.0.50.1"
    fleet = Fleet(members if members is not None else demo_fleet(), first_address=first)
    simulators = await fleet.start()
    log.info("demo fleet listening: %d simulators", len(simulators))
    window.on_shutdown.append(fleet.stop)
    add_simulators(window, simulators)
    return simulators


def add_simulators(window: Any, simulators: Any) -> None:
    """Put running simulators into the window (credentials from ``describe()``)."""
    for simulator in simulators:
        info = simulator.describe()
        # The simulator names its driver: only that driver's probe runs (the device is still
        # identified by it), not every driver's probe in turn.
        entry = SiteDevice(address=info["address"], port=info["port"], scheme=info["scheme"],
                           driver=str(info.get("driver", "")),
                           vendor=str(info.get("vendor", "")), model=str(info.get("model", "")),
                           user=info["user"])
        window.watch.add_session(entry, Credentials(info["user"], info["password"]))


def close_on_terminal_signals(window: Any) -> None:
    """Ctrl-C / SIGTERM close the window the normal way (shutdown in the loop), instead of a
    KeyboardInterrupt raised inside a Qt callback. Python runs the handler between loop
    callbacks; a 200 ms timer makes sure that happens while Qt is idle."""
    from PySide6.QtCore import QTimer

    def close_for(signum: int) -> None:
        log.info("signal %s: closing the window", signum)
        window.close()

    def request_close(signum: int, _frame: object) -> None:
        # Nothing else here: the handler may run in the middle of a write to stderr (a log
        # line), and logging from it then fails with a reentrant write - before the close
        # was even scheduled, so the signal was lost.
        QTimer.singleShot(0, lambda: close_for(signum))

    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # not in the main thread (tests)
            signal.signal(signum, request_close)
    wake = QTimer(window)
    wake.timeout.connect(lambda: None)
    wake.start(200)


async def log_when_online(window: Any, timeout: float = 30.0) -> None:
    """Log one line once every device has answered (online or not) and is in the tree.

    The bundle's smoke test and start-up benchmark (packaging/smoke_test.py) wait for it."""
    from .services.sessions import DeviceState

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end and not window.shutting_down:
        sessions = list(window.ctx.manager.sessions.values())
        if sessions and all(s.state is not DeviceState.CONNECTING
                            and (s.device is None or s.key in window.watch.nodes)
                            for s in sessions):
            online = sum(s.state is DeviceState.ONLINE for s in sessions)
            log.info("devices answered: %d of %d online", online, len(sessions))
            return
        await asyncio.sleep(0.05)


async def run(demo: bool, site: str | None) -> int:
    window = build_window(demo=demo)
    close_on_terminal_signals(window)
    window.show()
    await asyncio.sleep(0)  # the first paint is queued: the window is on screen
    log.info("window shown")
    warning = window.ctx.credentials.take_warning()
    if warning and not demo:
        window.status(warning, 20000)
    if demo:
        try:
            await start_demo(window)
        except Exception as exc:  # a simulator that cannot start must not kill the GUI
            log.error("demo fleet failed to start: %s", exc)
            from .ui.i18n import translate

            window.status(translate("app", "Demo fleet failed to start: {error}").format(
                error=exc))
        else:
            await log_when_online(window)
    elif site:
        await window.sites.open_site(Path(site))
    else:
        await reopen_last_site(window)
    return await window.wait_closed()


async def reopen_last_site(window: Any) -> Path | None:
    """Open the most recent site that still exists, else the autosaved untitled site; returns
    the file opened (None when there was none).

    # Assumption: without a site argument the last session's site comes back, so nothing
    # typed in the last session is lost."""
    recent = [p for p in window.sites.recent.list() if p.exists()]
    untitled = config_dir() / "untitled-site.json"
    if recent:
        await window.sites.open_site(recent[0])
        return Path(recent[0])
    if untitled.exists():
        await window.sites.open_site(untitled)
        window.ctx.site.path = None
        window._refresh_title()
        return untitled
    return None


def main(demo: bool = False, site: str | None = None) -> int:
    """Run the GUI until the window is closed; returns the exit status."""
    from PySide6.QtWidgets import QApplication
    from qasync import QEventLoop

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise
    # The CLI's handler (root at WARNING unless --debug) is already in place, which makes
    # basicConfig a no-op: the start-up milestones of this module are shown all the same.
    if log.getEffectiveLevel() > logging.INFO:
        log.setLevel(logging.INFO)
    from .ui.gc_guard import GuiThreadCollector, broken_qt_binding

    problem = broken_qt_binding()
    if problem:
        print(f"configurator: {problem}", file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("configurator")
    app.setOrganizationName("configurator")
    app.setApplicationVersion(__version__)
    from .ui.icons import application_icon

    app.setWindowIcon(application_icon())
    from .ui.i18n import install_translator

    install_translator()  # the system locale's catalogue, when one exists (parented to app)
    app.setDesktopFileName("configurator")  # Wayland/X11 match it to configurator.desktop
    app.setQuitOnLastWindowClosed(False)
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    collector = GuiThreadCollector(app)
    collector.start()
    try:
        return int(loop.run_until_complete(run(demo, site)) or 0)
    finally:
        # After the pipelines closed: no decoder thread outlives the loop. The decoder is
        # imported with the first camera pipeline; without one there is nothing to stop.
        decode = sys.modules.get("configurator.live.decode")
        if decode is not None:
            decode.shutdown_decoders()
        collector.stop()
        loop.close()
        asyncio.set_event_loop(None)
