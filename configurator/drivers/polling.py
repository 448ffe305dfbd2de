"""The event stream of a device that has no push channel: poll, diff, back off, report state.

Onetouch, Fanvil and the FCM5600 all offer only status reads, so their drivers turn successive
polls into :class:`DeviceEvent`s. What is the same for all of them lives here:

- ``poll()`` (given by the driver) returns the events since the previous poll; the driver keeps
  its own baseline and de-duplication (log rows by id, status by comparison).
- A failing poll (device gone, timeout, garbage) never escapes the iterator: the stream reports
  ``poll.error`` once per failure streak (warning, with ``retry_in`` seconds), waits with an
  exponential backoff (:class:`~configurator.core.backoff.BackoffPolicy`: ``2 * interval``,
  doubling, up to ``max_backoff``) and, when the device answers again, reports
  ``poll.recovered`` once. The stream owns its retries (the event hub does not repeat them).
- The stream is a :class:`~configurator.core.sourcestate.StateHolder` (``state``, ``message``,
  and ``on_state(state, message)`` which the event hub sets): CONNECTING until the first good
  poll, LIVE, RETRYING while polls fail.
- Failures no retry can fix (:data:`~configurator.core.sourcestate.NO_RETRY_HELPS`: wrong
  credentials, a missing function, a disabled service) put the stream in DISABLED and end it
  with that typed error, so the hub shows why.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence

from ..core.abilities import StateCallback
from ..core.backoff import Backoff, BackoffPolicy
from ..core.errors import DeviceError
from ..core.events import DeviceEvent, Severity, SourceState, now_utc
from ..core.sourcestate import NO_RETRY_HELPS, StateHolder

log = logging.getLogger("configurator.drivers.polling")

PollFunction = Callable[[], Awaitable[Sequence[DeviceEvent]]]
Sleep = Callable[[float], Awaitable[None]]


class PolledEvents(StateHolder, AsyncIterator[DeviceEvent]):
    """``async for event in PolledEvents(host, poll, ...)``: endless; cancel or ``aclose()``."""

    def __init__(self, host: str, poll: PollFunction, *, interval: float = 2.0,
                 max_backoff: float = 30.0, source: str = "poll",
                 on_state: StateCallback | None = None, sleep: Sleep = asyncio.sleep) -> None:
        super().__init__(host, on_state)
        self.host = host
        self._poll = poll
        self.interval = interval
        self.source = source
        self._sleep = sleep
        self.retry: Backoff = BackoffPolicy(
            initial=min(2 * interval, max_backoff), maximum=max_backoff).start()
        self._gen: AsyncGenerator[DeviceEvent, None] | None = None

    def __aiter__(self) -> PolledEvents:
        return self

    async def __anext__(self) -> DeviceEvent:
        if self._gen is None:
            self._gen = self._run()
        return await self._gen.__anext__()

    async def aclose(self) -> None:
        """Stop polling and close the generator."""
        if self._gen is not None:
            await self._gen.aclose()

    @property
    def failures(self) -> int:
        """Failed polls in a row."""
        return self.retry.failures

    def _event(self, type_: str, summary: str, params: dict[str, object],
               severity: Severity = Severity.INFO) -> DeviceEvent:
        return DeviceEvent(self.host, type_, now_utc(), summary, params, severity,
                           source=self.source)

    async def _run(self) -> AsyncGenerator[DeviceEvent, None]:
        self.set_state(SourceState.CONNECTING)
        try:
            while True:
                try:
                    events = await self._poll()
                except NO_RETRY_HELPS as err:
                    self.set_state(SourceState.DISABLED, err.message)
                    raise
                except DeviceError as err:
                    delay, events = self._failed(err.message, type(err).__name__)
                    for event in events:
                        yield event
                    await self._sleep(delay)
                    continue
                except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError,
                        RecursionError) as err:
                    # A reply our parsers did not expect must not kill the stream either.
                    log.warning("%s: unexpected poll reply: %r", self.host, err)
                    delay, events = self._failed(f"unexpected reply ({type(err).__name__})",
                                                 "ProtocolError")
                    for event in events:
                        yield event
                    await self._sleep(delay)
                    continue
                if self.failures or self.state is not SourceState.LIVE:
                    recovered = self.failures > 0
                    self.retry.reset()
                    self.set_state(SourceState.LIVE)
                    if recovered:
                        yield self._event("poll.recovered", "the device answers again", {})
                for event in events:
                    yield event
                await self._sleep(self.interval)
        finally:
            self.set_stopped()

    def _failed(self, message: str, kind: str) -> tuple[float, list[DeviceEvent]]:
        """Count a failed poll: the delay before the next one, and what to report."""
        delay = self.retry.next_delay()
        log.debug("%s: poll failed (%s), retrying in %.1f s", self.host, message, delay)
        self.set_state(SourceState.RETRYING, f"{message}; retrying in {delay:g} s")
        if self.failures > 1:
            return delay, []  # one report per failure streak
        return delay, [self._event("poll.error", f"event polling failed: {message}",
                                   {"error": message, "kind": kind, "retry_in": delay},
                                   Severity.WARNING)]
