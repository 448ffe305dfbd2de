"""/api/switch/* and /api/io/*."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ..hardware import SWITCH_ACTIONS_211, SWITCH_ACTIONS_238
from ..protocol import ApiRequest, invalid, ok

if TYPE_CHECKING:
    from ..device import TwoNSimulator


def _custom_or_ok(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    """``response=TEXT``: reply with that text (text/plain, may be empty) instead of JSON."""
    text = req.get("response")
    # v2.11 documents no ``response`` parameter: the Vario ignores it and answers JSON.
    if text is not None and sim.profile.api != "2.11":
        return web.Response(text=text, content_type="text/plain")
    return ok()


async def switch_caps(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    switches = sim.switches.get(req.get("switch"), required=False)
    return ok({"switches": [sw.caps() for sw in switches]})


async def switch_status(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    switches = sim.switches.get(req.get("switch"), required=False)
    if sim.profile.api == "2.11":
        # v2.11: the status is "active" only (no locking or holding on that firmware).
        return ok({"switches": [{"switch": sw.n, "active": sw.effective} for sw in switches]})
    return ok({"switches": [sw.status() for sw in switches]})


async def switch_ctrl(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    sw = sim.switches.get(req.get("switch"), required=True)[0]
    actions = SWITCH_ACTIONS_211 if sim.profile.api == "2.11" else SWITCH_ACTIONS_238
    action = req.choice("action", actions, required=True)
    timeout = None
    if sim.profile.api != "2.11":
        timeout = req.int_param("timeout", minimum=1, maximum=86400)
    sim.switches.control(sw, action or "", timeout=timeout)
    return _custom_or_ok(sim, req)


async def io_caps(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    ports = sim.io.get(req.get("port"))
    return ok({"ports": [{"port": p.name, "type": p.type} for p in ports]})


async def io_status(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    ports = sim.io.get(req.get("port"))
    return ok({"ports": [{"port": p.name, "state": int(p.state)} for p in ports]})


async def io_ctrl(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    port = sim.io.get(req.require("port"))[0]
    action = req.choice("action", ("on", "off"), required=True)
    if port.type != "output":
        raise invalid("port")  # Assumption: inputs cannot be controlled -> error 12
    sim.io.set(port.name, action == "on")
    return _custom_or_ok(sim, req)
