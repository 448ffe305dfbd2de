"""The Qt side of the camera's cross-thread wake-up: a ``QSocketNotifier`` per inbox.

:class:`configurator.live.frames.LoopInbox` wakes the event loop by writing a byte to a socket
pair (no Qt call from a worker thread). On a plain asyncio loop it watches the reading end
with ``loop.add_reader``. Under qasync that would turn every wake-up into a ``call_soon``,
which qasync implements as a one-shot Qt timer (start, timer event, kill) plus disabling and
enabling its notifier: a noticeable share of the GUI thread's CPU per decoded picture. So the
GUI installs :func:`qt_watch` (:func:`install`), a level-triggered notifier of its own whose
slot drains the inbox directly, once per batch. Only public Qt and qasync API is used: the
notifier is created, owned and deleted here, on the GUI thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QSocketNotifier

from ...live import wakeup


class QtSocketWatch:
    """Calls ``callback`` on the GUI thread whenever ``fd`` is readable, until ``close``."""

    def __init__(self, fd: int, callback: Callable[[], None]) -> None:
        self._notifier: QSocketNotifier | None = QSocketNotifier(fd, QSocketNotifier.Type.Read)
        self._notifier.activated.connect(callback)
        self._notifier.setEnabled(True)

    def close(self) -> None:
        """Stop watching and destroy the notifier now, on this (the GUI) thread: left to the
        cyclic garbage collector it could be destroyed in a decoder thread, which crashes Qt."""
        notifier, self._notifier = self._notifier, None
        if notifier is None:
            return
        notifier.setEnabled(False)
        if shiboken6.isValid(notifier):
            shiboken6.delete(notifier)


def qt_watch(loop: asyncio.AbstractEventLoop, fd: int,
             callback: Callable[[], None]) -> QtSocketWatch | None:
    """A :class:`QtSocketWatch` when ``loop`` is qasync's (the GUI loop); None otherwise, so a
    plain asyncio loop keeps using ``add_reader``."""
    if not type(loop).__module__.startswith("qasync"):
        return None
    return QtSocketWatch(fd, callback)


def install() -> None:
    """Make every :class:`~configurator.live.frames.LoopInbox` made from now on use
    :func:`qt_watch` (idempotent; the GUI calls it before any camera starts)."""
    wakeup.use_loop_watch(qt_watch)


__all__ = ["QtSocketWatch", "install", "qt_watch"]
