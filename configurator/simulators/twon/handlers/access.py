"""/api/mobilekey/config, /api/lpr/*, /api/accesspoint/*, /api/lift/grantaccess,
/api/automation/trigger."""

from __future__ import annotations

import base64
import binascii
import re
from collections import deque
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..directory import UUID
from ..protocol import ApiError, ApiRequest, invalid, missing, ok

if TYPE_CHECKING:
    from ..device import TwoNSimulator

MAX_PLATE_IMAGE = 256 * 1024
_FLOOR = re.compile(r"F=(\d+)")


class AccessState:
    def __init__(self, sim: TwoNSimulator) -> None:
        self.blocked = [False, False]
        self.ap_enabled = [True, True]
        self.location = sim.profile.serial
        self.keys: list[dict[str, Any]] = [{} for _ in range(4)]
        self.plate_images: deque[tuple[str, bytes]] = deque(maxlen=5)
        self.recent_lpr: deque[str] = deque(maxlen=10)
        self.session = 0
        self.triggers: list[str] = []

    def next_session(self) -> int:
        self.session += 1
        return self.session


def _state(sim: TwoNSimulator) -> AccessState:
    return sim.extensions["access"]


# -- mobile key ----------------------------------------------------------------------------
async def mobilekey_get(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    state = _state(sim)
    return ok({"location": state.location, "keys": [dict(k) for k in state.keys]})


async def mobilekey_put(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    data, state = req.json_body(), _state(sim)
    if not isinstance(data, dict):
        raise invalid("json")
    if "location" in data:
        location = data["location"]
        if not isinstance(location, str) or len(location) > 127:
            raise invalid("location")
        state.location = location
    if "keys" in data:
        keys = data["keys"]
        if not isinstance(keys, list) or len(keys) > 4:
            raise invalid("keys")
        stored: list[dict[str, Any]] = []
        for item in keys:
            stored.append(_key(item))
        state.keys = stored + [{} for _ in range(4 - len(stored))]
    return ok()


def _key(item: Any) -> dict[str, Any]:
    """A valid key object, or ``{}``: invalid keys are silently not written (doc)."""
    if not isinstance(item, dict) or not isinstance(item.get("key"), str):
        return {}
    try:
        base64.b64decode(item["key"], validate=True)
    except (binascii.Error, ValueError):
        return {}
    key: dict[str, Any] = {"type": str(item.get("type", "rsa")).lower(), "key": item["key"]}
    ctime = item.get("ctime")
    if isinstance(ctime, int) and 0 <= ctime < 2**32:
        key["ctime"] = ctime
    return key


# -- licence plate recognition -----------------------------------------------------------
async def lpr_licenseplate(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    data, state = req.json_body(), _state(sim)
    if not isinstance(data, dict):
        raise invalid("json")
    for name in ("lprUuid", "accessPoint", "plateText"):
        if name not in data:
            raise missing(name)
    lpr_uuid, ap, plate = data["lprUuid"], data["accessPoint"], data["plateText"]
    if not isinstance(lpr_uuid, str) or not UUID.match(lpr_uuid):
        raise invalid("lprUuid")
    if ap not in (0, 1) or isinstance(ap, bool):
        raise invalid("accessPoint")
    if not isinstance(plate, str) or not plate.strip():
        raise invalid("plateText")
    image = b""
    if data.get("plateImage"):
        if not isinstance(data["plateImage"], str):
            raise invalid("plateImage")
        if len(data["plateImage"]) * 3 // 4 > MAX_PLATE_IMAGE:
            raise ApiError(13, "plateImage")
        try:
            image = base64.b64decode(data["plateImage"], validate=True)
        except (binascii.Error, ValueError):
            raise invalid("plateImage") from None
    if lpr_uuid.lower() in state.recent_lpr:  # duplicates of the last ten are ignored
        return ok()
    state.recent_lpr.append(lpr_uuid.lower())
    if image:
        state.plate_images.append((plate, image))
    user = sim.extensions["dir"].find_by_plate(plate)
    params: dict[str, Any] = {"ap": ap, "session": state.next_session(), "plateText": plate,
                              "lprUuid": lpr_uuid, "valid": user is not None}
    if user is not None:
        params["uuid"] = user["uuid"]
    sim.events.emit("LicensePlateRecognized", params)
    if user is not None:
        _grant(sim, ap, user)
    return ok()


async def lpr_image(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    plate = req.require("plateText")
    for text, image in reversed(_state(sim).plate_images):
        if text == plate:
            return web.Response(body=image, content_type="image/jpeg")
    raise ApiError(15)


# -- access points -----------------------------------------------------------------------
def _ap(req: ApiRequest, *, required: bool) -> int | None:
    return req.int_param("id", minimum=0, maximum=1, required=required)


async def blocking_ctrl(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    ap = int(_ap(req, required=True) or 0)
    action = req.choice("action", ("on", "off"), required=True)
    state = _state(sim)
    if not state.ap_enabled[ap]:
        raise ApiError(18, "id", "access point disabled")
    blocked = action == "on"
    if state.blocked[ap] != blocked:
        state.blocked[ap] = blocked
        # Assumption: the doc lists AccessBlocked without parameters; the simulator sends
        # the access point and in/out like the other access events.
        sim.events.emit("AccessBlocked", {"ap": ap, "state": "in" if blocked else "out"})
    return ok()


async def blocking_status(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    ap = _ap(req, required=False)
    state = _state(sim)
    ids = [0, 1] if ap is None else [ap]
    return ok({"accessPoints": [{"id": i, "blocked": state.blocked[i]} for i in ids]})


def _grant(sim: TwoNSimulator, ap: int, user: dict[str, Any]) -> None:
    state = _state(sim)
    sim.events.emit("UserAuthenticated", {"ap": ap, "session": state.next_session(),
                                          "name": user["name"], "uuid": user["uuid"],
                                          "apbBroken": False})
    switch = sim.switches.items.get(1)
    if switch is not None and switch.config.enabled and not switch.locked:
        sim.switches.control(switch, "on", originator="ap")


async def grantaccess(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    ap = int(_ap(req, required=True) or 0)
    uuid = req.require("user")
    if not UUID.match(uuid):
        raise invalid("user")
    state = _state(sim)
    if not state.ap_enabled[ap]:
        raise ApiError(18, "id", "access point disallowed")
    user = sim.extensions["dir"].get(uuid)
    reason = None
    if user is None:
        reason = "invalidCredential"
    elif not user["access"]["accessPoints"][ap]["enabled"]:
        reason = "invalidAp"
    elif state.blocked[ap]:
        reason = "accessBlocked"
    sim.events.emit("ApiAccessRequested", {"ap": ap, "uuid": uuid.upper(),
                                           "accessGranted": reason is None})
    if reason is not None:
        params: dict[str, Any] = {"ap": ap, "session": state.next_session(), "reason": reason}
        if user is not None:
            params.update({"name": user["name"], "uuid": user["uuid"]})
        sim.events.emit("UserRejected", params)
        return ok({"accessGranted": False, "reason": reason})
    assert user is not None
    _grant(sim, ap, user)
    return ok({"accessGranted": True})


# -- lift and automation -----------------------------------------------------------------
async def lift_grantaccess(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    # Assumption: the table names the parameter "uuid", the example and the error text
    # "user": both are accepted ("user" reported in errors).
    uuid = req.get("uuid") or req.get("user")
    if uuid is None:
        raise missing("user")
    if not UUID.match(uuid):
        raise invalid("user")
    duration = req.int_param("duration", minimum=1, maximum=600)
    user = sim.extensions["dir"].get(uuid)
    if user is None:
        raise ApiError(12, "user", "User not found")
    floors = sorted({int(n) for n in _FLOOR.findall(user["access"]["liftFloors"])})
    sim.events.emit("LiftFloorsEnabled", {"type": "user", "floors": floors,
                                          "uuid": user["uuid"],
                                          **({"duration": duration} if duration else {})})
    return ok()


async def automation_trigger(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    trigger = req.require("triggerId")
    if not trigger:
        raise invalid("triggerId")
    _state(sim).triggers.append(trigger)
    return ok()
