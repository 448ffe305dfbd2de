"""Fake event sources for the hub tests (the 2N driver's own source is tested by its owner)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from configurator.core.errors import Unreachable
from configurator.core.events import DeviceEvent

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


def event(device: str, i: int, type_: str = "KeyPressed", **params: object) -> DeviceEvent:
    return DeviceEvent(device=device, type=type_, utc=T0 + timedelta(seconds=i),
                       summary=f"{type_} {i}", params=dict(params), event_id=i, tz_shift_min=120)


class FlakySource:
    """A device log with ids 1..n; each connection replays from a little before where the
    previous one broke (like a 2N resume with ``include=-t``) and breaks after ``per_run``."""

    def __init__(self, device: str, n: int, per_run: int, overlap: int = 3) -> None:
        self.device, self.n, self.per_run, self.overlap = device, n, per_run, overlap
        self.position = 0
        self.runs = 0

    def __call__(self) -> AsyncIterator[DeviceEvent]:
        return self._run()

    async def _run(self) -> AsyncIterator[DeviceEvent]:
        self.runs += 1
        start = max(0, self.position - self.overlap)
        for i in range(start, min(self.n, start + self.per_run)):
            await asyncio.sleep(0)
            self.position = max(self.position, i + 1)
            yield event(self.device, i + 1)
        if self.position < self.n:
            raise Unreachable("connection reset", host=self.device)
        await asyncio.Event().wait()  # caught up: stay connected
