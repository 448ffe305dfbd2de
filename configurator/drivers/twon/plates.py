"""Licence plates on a 2N intercom (``core.plates.ReadsPlates``): the recognitions still in the
device's event log and the picture received with a plate (``lpr/image``, API v2.32+).

The document lists the ``LicensePlateRecognized`` event without its parameters.
Assumption: they are those of the ``lpr/licenseplate`` request that caused it (``plateText``,
``lprUuid``), plus ``ap`` (0 entering, 1 leaving) and ``valid``/``uuid`` (the directory user
the plate belongs to) like the other access events; an event without a plate text is skipped,
any other missing parameter is shown as not reported.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from ...core.errors import ConfiguratorError, Rejected
from ...core.plates import PlateSighting
from .client import TwoNClient

PLATE_EVENT = "LicensePlateRecognized"
MAX_PULLS = 20  # a log holds a few hundred events; log/pull hands them out in batches
_DIRECTIONS = {0: "entering", 1: "leaving"}


async def read_sightings(client: TwoNClient) -> list[PlateSighting]:
    """Every plate recognition still in the event log, newest first (a channel of its own,
    ``include=all``, closed again at once)."""
    channel = await client.log_subscribe(include="all", filter=[PLATE_EVENT])
    events: list[dict[str, Any]] = []
    try:
        for _ in range(MAX_PULLS):
            batch = await client.log_pull(channel, timeout=0)
            if not batch:
                break
            events += batch
    finally:
        with contextlib.suppress(ConfiguratorError):  # the channel expires by itself anyway
            await client.log_unsubscribe(channel)
    found = [s for s in (sighting(e) for e in reversed(events)) if s is not None]
    names = await _user_names(client, sorted({s.user for s in found if s.user}))
    found = [dataclasses.replace(s, user_name=names.get(s.user, "")) for s in found]
    return sorted(found, key=lambda s: s.time, reverse=True)  # stable: same second, newest first


async def _user_names(client: TwoNClient, uuids: list[str]) -> dict[str, str]:
    """The directory names of these users (dir/get, names only); {} when the directory
    cannot be read (the plates are shown without names then)."""
    if not uuids:
        return {}
    try:
        result = await client.dir_get(uuids, fields=["name"])
    except ConfiguratorError:
        return {}
    users = result.get("users")
    return {u["uuid"]: u["name"] for u in users if isinstance(u, Mapping)
            and isinstance(u.get("uuid"), str) and isinstance(u.get("name"), str)
            and u["name"]} if isinstance(users, list) else {}


def sighting(event: Any) -> PlateSighting | None:
    """A ``LicensePlateRecognized`` event as a sighting (None: another event, or no plate)."""
    if not isinstance(event, Mapping) or event.get("event") != PLATE_EVENT:
        return None
    params = event.get("params")
    params = params if isinstance(params, Mapping) else {}
    plate = params.get("plateText")
    if not isinstance(plate, str) or not plate.strip():
        return None
    ap, valid, user = params.get("ap"), params.get("valid"), params.get("uuid")
    return PlateSighting(
        time=_utc(event.get("utcTime")), plate=plate.strip(),
        direction=_DIRECTIONS.get(ap, "") if isinstance(ap, int) else "",
        valid=valid if isinstance(valid, bool) else None,
        user=user if isinstance(user, str) else "")


def _utc(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    try:
        return dt.datetime.fromtimestamp(value, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return ""


async def picture_of(client: TwoNClient, plate: str) -> bytes:
    """The newest picture received with ``plate``; the device's "no data" (error 15) in
    words."""
    plate = plate.strip()
    if not plate:
        raise Rejected("name the licence plate whose picture you want", host=client.host)
    try:
        return await client.lpr_image(plate)
    except Rejected as exc:
        if exc.code != 15:
            raise
        raise Rejected(f"the intercom has no picture of plate {plate} (it keeps the last five "
                       "pictures an LPR system sent with a plate)", host=client.host,
                       code=15, description=exc.description) from exc
