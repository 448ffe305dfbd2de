"""/api/system/*: info, status, restart, caps, time, time/set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from ..models import mac_for
from ..protocol import ApiRequest, ok

if TYPE_CHECKING:
    from ..device import TwoNSimulator

#: /api/system/caps options (doc 5.1.4), "licensed" where the doc marks it.
_LICENSED = ("codecG722", "audioLoopTest", "noiseDetection", "userSounds", "cameraPtz",
             "motionDetection", "sips", "srtp", "rtspServer", "rtspClient", "smtpClient",
             "ftpClient", "onvif", "snmp", "tr069", "informacast", "autoProv", "httpApi",
             "eap", "rioManager", "advancedSwitches", "liftControl", "limitFailedAccess",
             "silentAlarm", "scrambleKeypad", "tamperBlockSwitch", "antiPassback",
             "automation", "nfc")
_ACTIVE = ("codecG729", "codecL16", "adaptiveVolume", "antiHowling", "keyBeep", "camera",
           "video", "encH264", "encJpeg", "phone", "phoneVideo", "callAnswerMode",
           "doorOpenCallback", "audioMulticast", "knocker", "my2n", "vpn", "localCalls",
           "switches", "switchUserCodes", "securedInput", "rexInput", "tamperInput",
           "doorSensor", "keypad", "buttons", "dir", "dirDeputy", "licDownload", "profiles",
           "licensing", "accessControl", "doorControl", "cardReader", "bleReader",
           "wiegand", "audioInput", "lightSensor", "irLed", "backlight")


async def info(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    m = sim.profile
    if m.api == "2.11":
        return ok({"variant": m.variant, "serialNumber": m.serial, "hwVersion": m.hw_version,
                   "swVersion": sim.sw_version, "buildType": "", "deviceName": sim.device_name})
    return ok({
        "devType": m.dev_type, "variant": m.variant, "variantId": m.variant_id,
        "customerId": 0, "serialNumber": m.serial, "macAddr": mac_for(m.serial),
        "hwVersion": m.hw_version, "swVersion": sim.sw_version, "buildType": "release",
        "firmwarePackage": m.firmware_package, "deviceName": sim.device_name,
    })


async def status(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    return ok({"systemTime": sim.clock.utc(), "upTime": sim.clock.uptime()})


async def restart(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    sim.schedule_reboot()
    return ok()


async def caps(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    options = {name: "active,licensed" for name in _LICENSED}
    options.update({name: "active" for name in _ACTIVE})
    if sim.profile.displays:
        options["display"] = "active"
    if sim.profile.video_display:
        options["fpReader"] = "active"
    return ok({"options": dict(sorted(options.items()))})


async def time_get(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    return ok({"utcTime": sim.clock.utc(), "source": sim.clock.source,
               "automatic": sim.clock.automatic})


async def time_set(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    value = req.int_param("time", minimum=0, maximum=2147483647, required=True)
    assert value is not None
    sim.clock.set_utc(value)
    sim.clock.automatic = False
    sim.clock.source = "api"  # one of the documented sources (doc 5.1.5)
    return ok()
