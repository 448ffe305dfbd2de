"""The device clock and the event log: history ring, subscription channels, long-poll pull."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

HISTORY_SIZE = 10_000
PULL_BATCH = 128
MAX_DURATION = 3600


class Clock:
    """Device time: UTC (settable through /api/system/time/set) and uptime since restart."""

    def __init__(self, tz_shift_min: int = 0) -> None:
        self.tz_shift = tz_shift_min
        self.offset = 0.0
        self.boot = time.monotonic()
        self.source = "ntp"
        self.automatic = True

    def utc(self) -> int:
        return int(time.time() + self.offset)

    def uptime(self) -> int:
        return int(time.monotonic() - self.boot)

    def set_utc(self, value: int) -> None:
        self.offset = value - time.time()
        self.source = "api"

    def restart(self) -> None:
        self.boot = time.monotonic()


@dataclass
class Channel:
    id: int
    filter: frozenset[str] | None
    duration: float
    allowed: Callable[[str], bool]
    queue: deque[dict[str, Any]] = field(default_factory=deque)
    expires: float = 0.0
    pulling: int = 0
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False

    def wants(self, event: dict[str, Any]) -> bool:
        kind = event["event"]
        return (self.filter is None or kind in self.filter) and self.allowed(kind)

    def touch(self) -> None:
        self.expires = time.monotonic() + self.duration


class UnknownChannel(Exception):
    """No channel with this id (never existed, unsubscribed or expired)."""


class EventLog:
    def __init__(self, clock: Clock, *, history_size: int = HISTORY_SIZE,
                 max_duration: float = MAX_DURATION) -> None:
        self.clock = clock
        self.history: deque[dict[str, Any]] = deque(maxlen=history_size)
        self.channels: dict[int, Channel] = {}
        self.max_duration = max_duration
        self._next_id = 1

    # -- producing ----------------------------------------------------------------------
    def emit(self, kind: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        event = {
            "id": self._next_id,
            "tzShift": self.clock.tz_shift,
            "utcTime": self.clock.utc(),
            "upTime": self.clock.uptime(),
            "event": kind,
            "params": dict(params or {}),
        }
        self._next_id += 1
        self.history.append(event)
        for channel in self.channels.values():
            if channel.wants(event):
                channel.queue.append(event)
                channel.wakeup.set()
        return event

    # -- channels -----------------------------------------------------------------------
    def subscribe(self, *, include: str, kinds: Iterable[str] | None, duration: float,
                  allowed: Callable[[str], bool]) -> Channel:
        self.expire()
        channel_id = random.randrange(1, 2**32)
        while channel_id in self.channels:
            channel_id = random.randrange(1, 2**32)
        channel = Channel(channel_id, frozenset(kinds) if kinds is not None else None,
                          duration, allowed)
        channel.touch()
        if include == "all":
            backlog: Iterable[dict[str, Any]] = self.history
        elif include.startswith("-"):
            since = self.clock.utc() - int(include[1:])
            backlog = (e for e in self.history if e["utcTime"] >= since)
        else:
            backlog = ()
        channel.queue.extend(e for e in backlog if channel.wants(e))
        self.channels[channel_id] = channel
        return channel

    def get(self, channel_id: int) -> Channel:
        self.expire()
        channel = self.channels.get(channel_id)
        if channel is None:
            raise UnknownChannel(channel_id)
        return channel

    def unsubscribe(self, channel_id: int) -> None:
        channel = self.get(channel_id)
        self._close(channel)

    async def pull(self, channel_id: int, timeout: float) -> list[dict[str, Any]]:
        channel = self.get(channel_id)
        channel.pulling += 1
        try:
            if not channel.queue and timeout > 0:
                channel.wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await channel.wakeup.wait()
            if channel.closed:
                return []
            count = min(PULL_BATCH, len(channel.queue))
            return [channel.queue.popleft() for _ in range(count)]
        finally:
            channel.pulling -= 1
            channel.touch()  # every read extends the channel's life by its duration

    def expire(self) -> None:
        now = time.monotonic()
        for channel in list(self.channels.values()):
            if channel.pulling == 0 and now > channel.expires:
                self._close(channel)

    def clear(self) -> None:
        """Forget the log and start ids at 1 (a restart, per the manual)."""
        self.close_all()
        self.history.clear()
        self._next_id = 1

    def close_all(self) -> None:
        for channel in list(self.channels.values()):
            self._close(channel)

    def _close(self, channel: Channel) -> None:
        channel.closed = True
        channel.wakeup.set()
        self.channels.pop(channel.id, None)
