"""How a :class:`~.frames.LoopInbox` watches its wake-up socket: replaceable by the GUI.

Kept apart from :mod:`.frames` (which needs numpy) so that the GUI can install its watch
(``configurator/ui/live/loop_wakeup.py``) at start-up without loading the camera code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol


class Watch(Protocol):
    """A running watch of a socket for readability (``close`` ends it)."""

    def close(self) -> None:
        """Stop watching; on the loop's thread."""


WatchFactory = Callable[[asyncio.AbstractEventLoop, int, Callable[[], None]], Watch | None]
_watch_factory: WatchFactory | None = None


def use_loop_watch(factory: WatchFactory | None) -> None:
    """How inboxes made from now on watch their socket: ``factory(loop, fd, callback)`` returns
    a :class:`Watch`, or None to leave that loop to ``loop.add_reader`` (None: always)."""
    global _watch_factory
    _watch_factory = factory


def current() -> WatchFactory | None:
    """The factory installed by :func:`use_loop_watch` (None: ``loop.add_reader``)."""
    return _watch_factory


__all__ = ["Watch", "WatchFactory", "current", "use_loop_watch"]
