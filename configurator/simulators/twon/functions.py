"""The function overview table (doc chapter 5): path -> methods, service, privilege.

The v2.11 firmware (Helios IP Vario) offers only the functions of its own document; there the
functions marked "Licence: Yes" need the Enhanced Integration licence (error 5 without it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

from .handlers import access, directory, hw, log, maintenance, media, pcap, phone, system
from .protocol import ApiRequest
from .security import Group, Privilege, Service

if TYPE_CHECKING:
    from .device import TwoNSimulator

Handler = Callable[["TwoNSimulator", ApiRequest], Awaitable[web.StreamResponse]]

MON, CTL = "monitoring", "control"


@dataclass(frozen=True)
class Function:
    path: str
    methods: frozenset[str]
    service: Service
    privilege: Privilege | None
    handlers: Mapping[str, Handler]  # method -> handler
    method_privileges: Mapping[str, Privilege | None] = field(default_factory=dict)

    def privilege_for(self, method: str) -> Privilege | None:
        return self.method_privileges.get(method, self.privilege)


def _f(path: str, methods: str, service: Service, privilege: Privilege | None,
       handler: Handler | Mapping[str, Handler],
       method_privileges: Mapping[str, Privilege | None] | None = None) -> Function:
    allowed = frozenset(methods.split("/"))
    handlers = handler if isinstance(handler, Mapping) else dict.fromkeys(allowed, handler)
    return Function(path, allowed, service, privilege, handlers, method_privileges or {})


def _p(group: Group, level: str) -> Privilege:
    return Privilege(group, level)  # type: ignore[arg-type]


S = Service
G = Group

FUNCTIONS_238: dict[str, Function] = {f.path: f for f in (
    _f("/api/system/info", "GET/POST", S.SYSTEM, None, system.info),
    _f("/api/system/status", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL), system.status),
    _f("/api/system/restart", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL), system.restart),
    _f("/api/system/caps", "GET", S.SYSTEM, _p(G.SYSTEM, MON), system.caps),
    _f("/api/system/time", "GET/POST", S.SYSTEM, _p(G.SYSTEM, MON), system.time_get),
    _f("/api/system/time/set", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL), system.time_set),
    _f("/api/switch/caps", "GET/POST", S.SWITCH, _p(G.SWITCHES, MON), hw.switch_caps),
    _f("/api/switch/status", "GET/POST", S.SWITCH, _p(G.SWITCHES, MON), hw.switch_status),
    _f("/api/switch/ctrl", "GET/POST", S.SWITCH, _p(G.SWITCHES, CTL), hw.switch_ctrl),
    _f("/api/io/caps", "GET/POST", S.IO, _p(G.IO, MON), hw.io_caps),
    _f("/api/io/status", "GET/POST", S.IO, _p(G.IO, MON), hw.io_status),
    # Assumption: the overview table says "Monitoring" for io/ctrl, its section says
    # "I/O Control"; controlling an output needs CONTROL.
    _f("/api/io/ctrl", "GET/POST", S.IO, _p(G.IO, CTL), hw.io_ctrl),
    _f("/api/firmware", "PUT", S.SYSTEM, _p(G.SYSTEM, CTL), maintenance.firmware_put),
    _f("/api/firmware/apply", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL),
       maintenance.firmware_apply),
    _f("/api/firmware/reject", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL),
       maintenance.firmware_reject),
    _f("/api/config", "GET/POST/PUT", S.SYSTEM, _p(G.SYSTEM, CTL),
       {"GET": maintenance.config_get, "POST": maintenance.config_get,
        "PUT": maintenance.config_put}),
    _f("/api/config/factoryreset", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL),
       maintenance.factory_reset),
    _f("/api/config/holidays", "GET/PUT", S.SYSTEM, _p(G.SYSTEM, CTL),
       {"GET": maintenance.holidays_get, "PUT": maintenance.holidays_put}),
    _f("/api/holidays", "GET/PUT", S.SYSTEM, _p(G.SYSTEM, CTL),
       {"GET": maintenance.holidays_get, "PUT": maintenance.holidays_put}),
    _f("/api/phone/status", "GET/POST", S.PHONE, _p(G.PHONE, MON), phone.phone_status),
    _f("/api/phone/calllog", "GET/POST/DELETE", S.PHONE, _p(G.PHONE, MON),
       {"GET": phone.calllog_get, "POST": phone.calllog_get, "DELETE": phone.calllog_delete},
       {"DELETE": _p(G.PHONE, CTL)}),
    _f("/api/call/status", "GET/POST", S.PHONE, _p(G.PHONE, MON), phone.call_status),
    _f("/api/call/dial", "GET/POST", S.PHONE, _p(G.PHONE, CTL), phone.dial),
    _f("/api/call/answer", "GET/POST", S.PHONE, _p(G.PHONE, CTL), phone.answer),
    _f("/api/call/hangup", "GET/POST", S.PHONE, _p(G.PHONE, CTL), phone.hangup),
    _f("/api/camera/caps", "GET/POST", S.CAMERA, _p(G.CAMERA, MON), media.camera_caps),
    _f("/api/camera/snapshot", "GET/POST", S.CAMERA, _p(G.CAMERA, MON), media.snapshot),
    _f("/api/display/caps", "GET/POST", S.DISPLAY, _p(G.DISPLAY, CTL), media.display_caps),
    _f("/api/display/image", "PUT/DELETE", S.DISPLAY, _p(G.DISPLAY, CTL),
       {"PUT": media.display_put, "DELETE": media.display_delete}),
    _f("/api/audio/test", "GET/POST", S.AUDIO, _p(G.AUDIO, CTL), media.audio_test),
    _f("/api/email/send", "GET/POST", S.EMAIL, _p(G.EMAIL, CTL), media.email_send),
    _f("/api/pcap", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL), pcap.download),
    _f("/api/pcap/restart", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL), pcap.restart),
    _f("/api/pcap/stop", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL), pcap.stop),
    _f("/api/pcap/live", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL), pcap.live),
    _f("/api/pcap/live/stop", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL), pcap.live_stop),
    _f("/api/pcap/live/stats", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL), pcap.live_stats),
    _f("/api/dir/template", "GET/POST", S.SYSTEM, _p(G.SYSTEM, CTL), directory.template),
    _f("/api/dir/create", "PUT", S.SYSTEM, _p(G.SYSTEM, CTL), directory.create),
    _f("/api/dir/update", "PUT", S.SYSTEM, _p(G.SYSTEM, CTL), directory.update),
    _f("/api/dir/delete", "PUT", S.SYSTEM, _p(G.SYSTEM, CTL), directory.delete),
    _f("/api/dir/get", "POST", S.SYSTEM, _p(G.SYSTEM, CTL), directory.get),
    _f("/api/dir/query", "POST", S.SYSTEM, _p(G.SYSTEM, CTL), directory.query),
    # Assumption: the table gives "Monitoring" for both methods; writing (PUT) needs
    # Access Control - Control.
    _f("/api/mobilekey/config", "GET/PUT", S.ACCESS, _p(G.ACCESS, MON),
       {"GET": access.mobilekey_get, "PUT": access.mobilekey_put}, {"PUT": _p(G.ACCESS, CTL)}),
    _f("/api/lpr/licenseplate", "POST", S.ACCESS, _p(G.ACCESS, CTL), access.lpr_licenseplate),
    _f("/api/lpr/image", "GET/POST", S.ACCESS, _p(G.ACCESS, MON), access.lpr_image),
    _f("/api/accesspoint/blocking/ctrl", "GET/POST", S.ACCESS, _p(G.ACCESS, CTL),
       access.blocking_ctrl),
    _f("/api/accesspoint/blocking/status", "GET/POST", S.ACCESS, _p(G.ACCESS, MON),
       access.blocking_status),
    _f("/api/accesspoint/grantaccess", "GET/POST", S.ACCESS, _p(G.ACCESS, CTL),
       access.grantaccess),
    _f("/api/lift/grantaccess", "GET/POST", S.ACCESS, _p(G.ACCESS, CTL),
       access.lift_grantaccess),
    _f("/api/automation/trigger", "GET", S.AUTOMATION, _p(G.AUTOMATION, CTL),
       access.automation_trigger),
    _f("/api/log/caps", "GET/POST", S.LOGGING, None, log.caps),
    _f("/api/log/subscribe", "GET/POST", S.LOGGING, None, log.subscribe),
    _f("/api/log/unsubscribe", "GET/POST", S.LOGGING, None, log.unsubscribe),
    _f("/api/log/pull", "GET/POST", S.LOGGING, None, log.pull),
)}

#: Paths of the v2.11 document (a subset; their v2.11 methods may differ, see below).
PATHS_211: dict[str, str] = {
    "/api/system/info": "GET/POST", "/api/system/status": "GET/POST",
    "/api/system/restart": "GET/POST", "/api/firmware": "PUT",
    "/api/firmware/apply": "GET/POST", "/api/config": "GET/POST/PUT",
    "/api/config/factoryreset": "GET/POST", "/api/switch/caps": "GET/POST",
    "/api/switch/status": "GET/POST", "/api/switch/ctrl": "GET/POST",
    "/api/io/caps": "GET/POST", "/api/io/status": "GET/POST", "/api/io/ctrl": "GET/POST",
    "/api/phone/status": "GET/POST", "/api/call/status": "GET/POST",
    "/api/call/dial": "GET/POST", "/api/call/answer": "GET/POST",
    "/api/call/hangup": "GET/POST", "/api/camera/caps": "GET/POST",
    "/api/camera/snapshot": "GET/POST", "/api/display/caps": "GET/POST",
    "/api/display/image": "PUT/DELETE",
}
#: v2.11 functions that work without the Enhanced Integration licence.
UNLICENSED_211 = frozenset({"/api/system/info", "/api/camera/caps", "/api/camera/snapshot"})
#: Functions that answer without authentication or privileges: "The function is available in
#: all device types regardless of the set access rights" (manual 5.1.1, system/info; unlike
#: every other function it names no privilege). The service's enable switch and HTTPS setting
#: still apply (assumption: "access rights" are the accounts and their privileges).
OPEN_TO_ALL = frozenset({"/api/system/info"})


def table_for(api: str) -> dict[str, Function]:
    if api != "2.11":
        return FUNCTIONS_238
    table: dict[str, Function] = {}
    for path, methods in PATHS_211.items():
        base = FUNCTIONS_238.get(path)
        if base is None:
            continue
        allowed = frozenset(methods.split("/"))
        handlers = {m: h for m, h in base.handlers.items() if m in allowed}
        table[path] = Function(path, allowed, base.service, base.privilege, handlers,
                               base.method_privileges)
    return table
