"""Finding 8 for the polled event streams (issue 12): a hostile FCM5600 status reply
(nesting 100,000 deep, 1e999, an integer of 5,000 digits) used to end the whole stream with
an exception. Now it is one ``poll.error`` per run of failures, the stream backs off, recovers
and goes on reporting changes."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from configurator.core.events import DeviceEvent

from ..drivers.test_fcm5600_device import pbx, sim  # noqa: F401 - fixtures

HOSTILE = {
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "code-1e999": b'{"code": 1e999, "message": "x", "data": {}}',
    "counter-1e999": b'{"code": 0, "message": "ok", "data": {"calls": 1e999}}',
    "code-5000-digits": b'{"code": ' + b"9" * 5000 + b', "message": "x", "data": {}}',
    "rows-not-a-list": b'{"code": 0, "message": "ok", "data": "rows"}',
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
async def test_a_hostile_status_reply_is_reported_once_and_the_stream_goes_on(
        sim, pbx, body: bytes) -> None:  # noqa: F811 - fixtures
    pbx.max_backoff = 0.05
    garbled = {"left": 3}

    def rewrite(seen, answer: bytes) -> bytes | None:
        if seen.path.endswith("/systeminfo/calls") and garbled["left"] > 0:
            garbled["left"] -= 1
            return body
        return None

    seen: list[DeviceEvent] = []

    async def collect() -> None:
        async for event in pbx.events():
            seen.append(event)

    task = asyncio.create_task(collect())
    try:
        await asyncio.sleep(0.2)  # baseline taken
        sim.garble_answers(rewrite)
        for _ in range(250):
            if garbled["left"] == 0 and any(e.type == "poll.recovered" for e in seen):
                break
            await asyncio.sleep(0.02)
        sim.register("101")
        for _ in range(250):
            if any(e.type == "extension.status" for e in seen):
                break
            await asyncio.sleep(0.02)
        alive = not task.done()  # the hostile replies did not end the stream
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert alive
    types = [e.type for e in seen]
    assert types.count("poll.error") == 1, types
    assert "poll.recovered" in types and "extension.status" in types, types
