"""One stream of DeviceEvents from many devices (modelled on aiohue's events controller).

Each device's ``events()`` runs as its own task with a state (connecting / live / retrying /
disabled / stopped). Events are de-duplicated by (device, event id); subscribers get every new
event through a callback and unsubscribe with the callable ``subscribe`` returns.

- A source that exposes ``on_state`` (like the 2N log source) reports its own state; for any
  other source the hub says ``LIVE`` after the first event, or after ``settle`` seconds without
  an error (a quiet device is still a live one).
- One retry loop per source. A source that reports its own state (:class:`ReportsState`: the
  2N log source, the polled streams of :mod:`configurator.drivers.polling`) also owns its
  retries: it reconnects by itself and ends only when no retry can help, so the hub never
  starts it again (it shows the end as ``STOPPED``). Any other source that ends or fails with
  a ``DeviceError`` is started again by the hub after a backoff
  (:class:`~configurator.core.backoff.BackoffPolicy`).
- A source that fails with an error no retry can fix
  (:data:`~configurator.core.sourcestate.NO_RETRY_HELPS`: ``NotSupported``, ``ServiceDisabled``,
  ``AuthError``, ``InsecureConnectionRequired``) is ``DISABLED`` until the device is added
  again.
- Each device's state is a :class:`~configurator.core.sourcestate.StateHolder`; a source that
  reports its own state reports it straight into that holder.
- Assumption: event ids start again after a device restart, so the id memory of a device is
  cleared when its source reports a restart (an event of a type in ``RESTART_TYPES``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from ..core.abilities import ReportsState
from ..core.backoff import BackoffPolicy, as_policy
from ..core.errors import DeviceError
from ..core.events import DeviceEvent, SourceState
from ..core.sourcestate import EVENT_BACKOFF, NO_RETRY_HELPS, StateHolder, add_listener

log = logging.getLogger("configurator.live.hub")

SETTLE = 2.0
ID_MEMORY = 20_000  # event ids remembered per device for de-duplication
RESTART_TYPES = frozenset({"DeviceRestarted"})

EventSourceFactory = Callable[[], AsyncIterator[DeviceEvent]]
EventCallback = Callable[[DeviceEvent], None]
StateCallback = Callable[[str, SourceState, str], None]


@dataclass
class _Subscriber:
    callback: EventCallback
    devices: frozenset[str] | None
    types: frozenset[str] | None

    def wants(self, event: DeviceEvent) -> bool:
        return (self.devices is None or event.device in self.devices) and (
            self.types is None or event.type in self.types)


class EventHub:
    """Merges the event streams of many devices; see the module docstring."""

    def __init__(self, *, backoff: BackoffPolicy | Sequence[float] = EVENT_BACKOFF,
                 settle: float = SETTLE, id_memory: int = ID_MEMORY) -> None:
        self.backoff = as_policy(backoff)
        self.settle = settle
        self.id_memory = id_memory
        self._states: dict[str, StateHolder] = {}
        self.delivered = 0
        self.duplicates = 0
        self._factories: dict[str, EventSourceFactory] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._seen: dict[str, OrderedDict[object, None]] = {}
        self._subscribers: list[_Subscriber] = []
        self._state_subscribers: list[StateCallback] = []

    # -- subscriptions --------------------------------------------------------------------
    def subscribe(self, callback: EventCallback, *, devices: Iterable[str] | None = None,
                  types: Iterable[str] | None = None) -> Callable[[], None]:
        """Call ``callback`` for every new event (optionally only some devices / types)."""
        sub = _Subscriber(callback, frozenset(devices) if devices is not None else None,
                          frozenset(types) if types is not None else None)
        return add_listener(self._subscribers, sub)

    def subscribe_state(self, callback: StateCallback) -> Callable[[], None]:
        """Call ``callback(device, state, message)`` whenever a device's stream changes state."""
        return add_listener(self._state_subscribers, callback)

    # -- devices --------------------------------------------------------------------------
    def add_device(self, device_id: str, events: EventSourceFactory) -> None:
        """Start following a device; ``events`` is e.g. ``device.events`` (called per run)."""
        self.remove_device(device_id)
        self._factories[device_id] = events
        self._seen.setdefault(device_id, OrderedDict())
        self._state_of(device_id).set_state(SourceState.CONNECTING)
        self._tasks[device_id] = asyncio.ensure_future(self._run(device_id))

    def remove_device(self, device_id: str) -> None:
        task = self._tasks.pop(device_id, None)
        if task is not None:
            task.cancel()
        self._factories.pop(device_id, None)
        if device_id in self._states:
            self._states[device_id].set_state(SourceState.STOPPED)

    async def aremove_device(self, device_id: str) -> None:
        """``remove_device`` and wait until the device's task has ended."""
        task = self._tasks.get(device_id)
        self.remove_device(device_id)
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def devices(self) -> list[str]:
        return list(self._factories)

    @property
    def states(self) -> dict[str, tuple[SourceState, str]]:
        """(state, message) of every device followed since the hub started."""
        return {device_id: (status.state, status.message)
                for device_id, status in self._states.items()}

    async def aclose(self) -> None:
        tasks = list(self._tasks.values())
        for device_id in list(self._tasks):
            self.remove_device(device_id)
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- delivery -------------------------------------------------------------------------
    def publish(self, event: DeviceEvent) -> bool:
        """De-duplicate and deliver one event; False if it was a duplicate."""
        seen = self._seen.setdefault(event.device, OrderedDict())
        if event.type in RESTART_TYPES:
            seen.clear()
        elif event.event_id is not None:
            if event.event_id in seen:
                self.duplicates += 1
                return False
            seen[event.event_id] = None
            if len(seen) > self.id_memory:
                seen.popitem(last=False)
        self.delivered += 1
        for sub in list(self._subscribers):
            if sub.wants(event):
                try:
                    sub.callback(event)
                except Exception:  # a broken view must not stop the stream
                    log.exception("event subscriber failed")
        return True

    # -- per-device task ------------------------------------------------------------------
    def _state_of(self, device_id: str) -> StateHolder:
        if device_id not in self._states:
            self._states[device_id] = StateHolder(
                device_id, on_state=partial(self._state_changed, device_id))
        return self._states[device_id]

    def _state_changed(self, device_id: str, state: SourceState, message: str) -> None:
        for callback in list(self._state_subscribers):
            try:
                callback(device_id, state, message)
            except Exception:
                log.exception("state subscriber failed")

    async def _run(self, device_id: str) -> None:
        loop = asyncio.get_running_loop()
        retry = self.backoff.start()
        status = self._state_of(device_id)
        status.set_state(SourceState.CONNECTING)
        while True:
            live_timer: asyncio.TimerHandle | None = None
            retries_itself = False
            try:
                stream = self._factories[device_id]()
                retries_itself = isinstance(stream, ReportsState)
                if isinstance(stream, ReportsState):
                    stream.on_state = status.set_state
                else:
                    live_timer = loop.call_later(self.settle, status.set_state, SourceState.LIVE)
                async for event in stream:
                    if retry.failures or status.state is not SourceState.LIVE:
                        if not retries_itself:
                            status.set_state(SourceState.LIVE)
                        retry.reset()
                    self.publish(event)
                reason = "event stream ended"
            except NO_RETRY_HELPS as exc:
                status.set_state(SourceState.DISABLED, exc.message or str(exc))
                return
            except DeviceError as exc:
                reason = exc.message or str(exc)
            finally:
                if live_timer is not None:
                    live_timer.cancel()
            if retries_itself:
                # The source has done its own retrying: a second loop around it would only
                # multiply the attempts (and hide its state). Its end is final.
                status.set_stopped(reason)
                return
            delay = retry.next_delay()
            status.set_state(SourceState.RETRYING, f"{reason}; retrying in {delay:g} s")
            await asyncio.sleep(delay)
