"""/api/log/*: caps, subscribe, unsubscribe, pull (long-poll)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from aiohttp import web

from ..eventlog import UnknownChannel
from ..protocol import ApiRequest, invalid, ok

if TYPE_CHECKING:
    from ..device import TwoNSimulator

_INCLUDE = re.compile(r"^(new|all|-\d+)$")


async def caps(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    return ok({"events": list(sim.event_types)})


async def subscribe(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    include = req.get("include", "new") or "new"
    if not _INCLUDE.match(include):
        raise invalid("include")
    kinds = None
    text = req.get("filter")
    if text:
        kinds = [k.strip() for k in text.split(",") if k.strip()]
        # Assumption: an event type the device does not know is an invalid filter value.
        if any(k not in sim.event_types for k in kinds):
            raise invalid("filter")
    duration = req.int_param("duration", default=90, minimum=1,
                             maximum=int(sim.events.max_duration))
    channel = sim.events.subscribe(include=include, kinds=kinds,
                                   duration=sim.channel_duration(duration or 90),
                                   allowed=sim.event_filter_for(req.user))
    return ok({"id": channel.id})


def _channel_id(req: ApiRequest) -> int:
    value = req.int_param("id", required=True, minimum=0, maximum=2**32 - 1)
    return int(value or 0)


async def unsubscribe(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    channel_id = _channel_id(req)
    try:
        sim.events.unsubscribe(channel_id)
    except UnknownChannel:
        raise invalid("id") from None  # Assumption: unknown/expired channel -> error 12 "id"
    return ok()


async def pull(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    channel_id = _channel_id(req)
    # Assumption: the longest wait is capped at one hour (the doc gives no maximum).
    timeout = req.int_param("timeout", default=0, minimum=0, maximum=3600) or 0
    try:
        events = await sim.events.pull(channel_id, float(timeout))
    except UnknownChannel:
        raise invalid("id") from None
    return ok({"events": events})
