"""The state of one reconnecting source (an event stream, a camera) and who hears of it.

Every source that connects, goes live, retries with backoff and may give up for good keeps a
:class:`~.events.SourceState` with a one-line message (why it retries, why it stopped) and
tells its listeners of every change, never of a repeat. :class:`StateHolder` is that one piece
of bookkeeping: the 2N log source and the polled event streams inherit it (which makes them
:class:`~.abilities.ReportsState`), so does the camera pipeline, and the event hub keeps one
per device.

``NO_RETRY_HELPS``: the errors after which a source is ``DISABLED`` rather than ``RETRYING``;
``EVENT_BACKOFF``: how long an event source waits before it connects again.
:func:`add_listener`: the one way a callback joins a list of listeners and leaves it again.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TypeVar

from .abilities import StateCallback
from .backoff import BackoffPolicy
from .errors import (
    AuthError,
    DeviceError,
    InsecureConnectionRequired,
    NotSupported,
    ServiceDisabled,
)
from .events import SourceState

log = logging.getLogger("configurator.core.sourcestate")

T = TypeVar("T")

# Nothing a retry can fix: the device lacks the function, the service is off, the credentials
# are wrong, or the service requires HTTPS.
NO_RETRY_HELPS: tuple[type[DeviceError], ...] = (
    AuthError, NotSupported, ServiceDisabled, InsecureConnectionRequired)
# The 2N log source's own retries, and the event hub's around a source that does not retry.
EVENT_BACKOFF = BackoffPolicy(initial=1.0, maximum=30.0, factor=2.0)  # 1, 2, 4, 8, 16, 30 s


def add_listener(listeners: list[T], listener: T) -> Callable[[], None]:
    """Append ``listener`` to ``listeners``; returns what removes it again (harmless twice)."""
    listeners.append(listener)

    def remove() -> None:
        with contextlib.suppress(ValueError):
            listeners.remove(listener)

    return remove


class StateHolder:
    """The state and message of one source (``name`` in log lines), ``STOPPED`` at first.

    ``set_state`` calls ``on_state(state, message)`` (the one consumer a source is handed, e.g.
    by the event hub) and then every listener added with ``add_state_listener``, but only when
    the state or the message changed."""

    def __init__(self, name: str = "", on_state: StateCallback | None = None) -> None:
        self.name = name
        self.state = SourceState.STOPPED
        self.message = ""
        self.on_state = on_state
        self._state_listeners: list[StateCallback] = []

    def add_state_listener(self, listener: StateCallback) -> Callable[[], None]:
        """Call ``listener(state, message)`` on every change; returns what removes it again."""
        return add_listener(self._state_listeners, listener)

    def set_state(self, state: SourceState, message: str = "") -> None:
        """Enter ``state`` with ``message``; the listeners hear of it unless nothing changed."""
        if state is self.state and message == self.message:
            return
        self.state, self.message = state, message
        log.debug("%s: %s %s", self.name, state, message)
        if self.on_state is not None:
            self.on_state(state, message)
        for listener in list(self._state_listeners):
            listener(state, message)

    def set_stopped(self, message: str = "") -> None:
        """``STOPPED``, unless ``DISABLED``: the reason no retry helps stays shown."""
        if self.state is not SourceState.DISABLED:
            self.set_state(SourceState.STOPPED, message)
