"""/api/firmware*, /api/config*, /api/holidays: upgrade, configuration, factory reset."""

from __future__ import annotations

import asyncio
import json
import re
from typing import TYPE_CHECKING

from aiohttp import web

from .. import config_xml
from ..firmware import PendingFirmware, new_file_id, parse_firmware
from ..models import version_tuple
from ..protocol import ApiError, ApiRequest, invalid, ok

if TYPE_CHECKING:
    from ..device import TwoNSimulator

_HEX = re.compile(r"^[0-9A-Fa-f]+$")
_DATE = re.compile(r"^(\d{2})/(\d{2})(?:/(\d{4}))?$")


# -- firmware ----------------------------------------------------------------------------
async def firmware_put(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    blob = req.require_blob("blob-fw")
    if sim.pending_firmware is not None:
        # Assumption: the doc says the device "does not reply" while another image is
        # pending; the simulator answers error 18 instead of hanging the client.
        raise ApiError(18, "blob-fw", "another firmware file is pending")
    parsed = parse_firmware(blob.data)
    if parsed is None or parsed[0] != sim.profile.firmware_package:
        raise invalid("blob-fw")
    _, version, note = parsed
    if version_tuple(version) < version_tuple(sim.min_firmware):
        raise ApiError(19, description="file version is lower than the required minimum")
    pending = PendingFirmware(new_file_id(), version)
    pending.reject_timer = asyncio.get_running_loop().call_later(
        sim.firmware_reject_after, sim.drop_firmware)
    sim.pending_firmware = pending
    downgrade = version_tuple(version) < version_tuple(sim.sw_version)
    if sim.profile.api == "2.11":
        return ok({"version": version, "downgrade": downgrade})
    return ok({"fileId": pending.file_id, "version": version, "downgrade": downgrade,
               "note": note})


def _pending(sim: TwoNSimulator, req: ApiRequest) -> PendingFirmware:
    pending = sim.pending_firmware
    if sim.profile.api != "2.11":
        file_id = req.require("fileId")
        if not _HEX.match(file_id):
            raise invalid("fileId", "invalid parameter")
        if pending is None or pending.file_id != file_id.lower():
            raise ApiError(14, description="new firmware not found")
    if pending is None:
        raise ApiError(14, description="new firmware not found")
    return pending


async def firmware_apply(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    pending = _pending(sim, req)
    sim.drop_firmware()
    sim.schedule_reboot(lambda: setattr(sim, "sw_version", pending.version))
    return ok()


async def firmware_reject(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    _pending(sim, req)
    sim.drop_firmware()
    return ok()


# -- configuration -----------------------------------------------------------------------
async def config_get(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    return web.Response(body=config_xml.build(sim), content_type="application/xml",
                        charset="utf-8")


async def config_put(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    blob = req.require_blob("blob-cfg")
    if sim.config_applying is not None:
        # Assumption: the manual says not to disturb the device while it applies; another
        # upload meanwhile is refused (error 18, request rejected) rather than queued.
        raise ApiError(18, "blob-cfg", "a configuration is still being applied")
    commit = config_xml.prepare(sim, blob.data)
    # The manual: the configuration is applied "with a delay of approx. 15 s". Validation
    # errors are answered at once; the commit waits ``config_apply_delay`` (0 = at once).
    if sim.config_apply_delay > 0:
        def apply_now() -> None:
            sim.config_applying = None
            commit()

        sim.config_applying = asyncio.get_running_loop().call_later(
            sim.config_apply_delay, apply_now)
    else:
        commit()
    return ok()


async def factory_reset(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    sim.schedule_factory_reset()
    return ok()


# -- holidays ----------------------------------------------------------------------------
async def holidays_get(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    return ok({"dates": list(sim.holidays)})


async def holidays_put(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    blob = req.require_blob("blob-json")
    text = blob.data.decode("utf-8", errors="replace")
    # Tolerance: the doc's examples write "01\01" (an invalid JSON escape) for "01\/01".
    text = re.sub(r"(\d)\\(\d)", r"\1/\2", text)
    try:
        data = json.loads(text)
    except ValueError:
        raise invalid("blob-json") from None
    dates = data.get("dates") if isinstance(data, dict) else None
    if not isinstance(dates, list) or not all(isinstance(d, str) for d in dates):
        raise invalid("blob-json")
    for date in dates:
        match = _DATE.match(date)
        if not match or not (1 <= int(match.group(1)) <= 31 and 1 <= int(match.group(2)) <= 12):
            raise invalid("blob-json")
    sim.holidays = list(dates)
    return ok()
