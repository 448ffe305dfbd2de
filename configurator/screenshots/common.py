"""What every screenshot set shares: the demo window, saving a picture, waiting, running
offscreen. (The sets sit above ``ui/`` and ``app``: they drive the whole application.)"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from ..app import build_window, start_demo
from ..services.sessions import DeviceState
from ..ui.dialogs.prompter import AutoPrompter

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "resources" / "screenshots"


class Shots:
    """The demo window of one set and the pictures saved of it."""

    def __init__(self, window: Any, out: Path, settle: float) -> None:
        self.window = window
        self.out = out
        self.settle = settle
        self.saved: list[Path] = []

    async def save(self, name: str, widget: Any = None) -> None:
        """``widget`` (default: the window) as ``name``.png, once layouts have settled."""
        await asyncio.sleep(self.settle)
        path = self.out / f"{name}.png"
        (widget or self.window).grab().save(str(path))
        self.saved.append(path)


def screenshot_set(scenario: Callable[[Shots], Awaitable[None]], *,
                   prompter_args: dict[str, Any] | None = None, settle: float = 0.2,
                   fleet: bool = True) -> Callable[[Path], Awaitable[list[Path]]]:
    """A set's ``shoot(out)``: ``scenario`` run on a fresh demo window (with ``fleet``, once
    the demo fleet is started and every device online); the saved files."""

    async def shoot(out: Path) -> list[Path]:
        async with demo_window(out, prompter_args=prompter_args, settle=settle) as shots:
            if fleet:
                await start_demo(shots.window)
                await wait_online(shots.window)
            await scenario(shots)
        return shots.saved

    return shoot


async def open_tab(window: Any, session: Any, capability: str, tab: str) -> Any:
    """The page of ``capability`` with its tab ``tab`` (an attribute of the page) in front;
    None when the device has neither."""
    view = await open_capability(window, session, capability)
    panel = getattr(view, tab, None) if view is not None else None
    if panel is not None:
        view.tabs.setCurrentWidget(panel)
    return panel


@contextlib.asynccontextmanager
async def demo_window(out: Path, *, prompter_args: dict[str, Any] | None = None,
                      settle: float = 0.2) -> AsyncIterator[Shots]:
    """The main window in demo mode, shown at 1360x860 (no device yet); closed afterwards."""
    out.mkdir(parents=True, exist_ok=True)
    window = build_window(demo=True, prompter=AutoPrompter(args=prompter_args))
    window.resize(1360, 860)
    window.show()
    try:
        yield Shots(window, out, settle)
    finally:
        window.close()
        await window.wait_closed()


async def wait_for(predicate, timeout: float = 15.0, step: float = 0.05) -> bool:
    loop = asyncio.get_event_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if predicate():
            return True
        await asyncio.sleep(step)
    return bool(predicate())


async def wait_online(window: Any, timeout: float = 20.0) -> bool:
    return await wait_for(lambda: window.ctx.manager.sessions and all(
        s.state is not DeviceState.CONNECTING and (s.device is None or s.key in window.watch.nodes)
        for s in window.ctx.manager.sessions.values()), timeout)


def find_session(window: Any, vendor: str, model: str = ""):
    for session in window.ctx.manager.sessions.values():
        entry = session.entry
        if vendor.lower() in entry.vendor.lower() and model.lower() in entry.model.lower():
            return session
    return None


async def open_capability(window: Any, session: Any, capability: str):
    view = window.navigation.select_capability(session.key, capability)
    if view is None:
        return None
    await wait_for(lambda: all(f.loaded for f in view.forms) and all(
        t.loaded for t in view.tables), 10)
    await asyncio.sleep(0.1)
    return view


def run_offscreen(shots: Callable[[Path], Awaitable[list[Path]]], out: Path) -> int:
    """Run a screenshot scenario offscreen on its own qasync loop; print the files."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("CONFIGURATOR_CONFIG_DIR", tempfile.mkdtemp(prefix="configurator-"))
    from PySide6.QtWidgets import QApplication
    from qasync import QEventLoop

    app = QApplication.instance() or QApplication([])
    app.setQuitOnLastWindowClosed(False)
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        for path in loop.run_until_complete(shots(out)):
            print(path)
    finally:
        loop.close()
    return 0


def main_for(shoot: Callable[[Path], Awaitable[list[Path]]], usage: str,
             argv: list[str] | None = None) -> int:
    """The command line of a set: ``[OUTDIR]`` (default: resources/screenshots)."""
    args = argv if argv is not None else sys.argv[1:]
    if len(args) > 1 or (args and args[0].startswith("-")):
        print(usage, file=sys.stderr if args[0] not in ("-h", "--help") else sys.stdout)
        return 0 if args[0] in ("-h", "--help") else 2
    return run_offscreen(shoot, Path(args[0]) if args else DEFAULT_DIR)
