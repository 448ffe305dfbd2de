"""Simulated FCM5600 IP-PBX: the REST API over HTTPS (self-signed certificate), stateful.

``create(host, **options)`` options:
    model          device model reported by systeminfo/version (default "FIBERME-FCM5600")
    user/password  the admin account (default admin / admin)
    https_port     HTTPS port (0 = OS picks; default 8443, or 443 as root)
    http_port      also serve plain HTTP on this port (default: HTTPS only, like the device)
    token_ttl      seconds a login token lives (default one month, as documented)
    max_calls      concurrent call limit (systeminfo/calls ``maxcalls``)
    clock          callable returning the PBX's local ``datetime`` (wake-up validation, logs)

Test hooks (drive the PBX from outside):
    sim.register(exten, addr)        an endpoint registers the extension (status Idle)
    sim.unregister(exten)            it goes away (status Unavailable)
    sim.set_trunk_status(name, st)   a SIP/IAX trunk changes state (Registered, Rejected...)
    sim.expire_tokens()              every issued token expires now (next request -> 401)
    sim.state                        the :class:`PbxState` (extensions, calls, logs, files...)
    sim.requests                     list of (method, path) served, for tests
    sim.downloads_held               an ``asyncio.Event`` (or None): recording downloads wait
                                     until it is set (a slow PBX, for Cancel tests)

Wire behaviour: replies ``{"code":0,"message":"OK","data":...}``; a bad parameter or a missing
record answers HTTP 400 ``{"code":400,"message":...,"data":null}``; no or an expired token
answers HTTP 401. Login details: :data:`.document.LOGIN` (the simulator's own reading).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from ..base import Listener, SimulatedDevice, default_ports
from .document import DOCUMENTED, LOGIN, RECORDING_PATHS, TOKEN_QUERY, Documented
from .state import PbxState, SimError

ONE_MONTH = 30 * 86400.0

Handler = Callable[[dict[str, Any]], Any]


class FcmSimulator(SimulatedDevice):
    vendor = "FCM"
    driver_id = "fcm5600"

    def __init__(
        self,
        host: str,
        *,
        listeners: tuple[Listener, ...],
        user: str = "admin",
        password: str = "admin",
        model: str = "FIBERME-FCM5600",
        token_ttl: float = ONE_MONTH,
        max_calls: int = 30,
        clock: Callable[[], dt.datetime] = dt.datetime.now,
    ) -> None:
        super().__init__(host, listeners=listeners, user=user, password=password, model=model)
        self.token_ttl = token_ttl
        self.state = PbxState(model=model, max_calls=max_calls, clock=clock)
        self.tokens: dict[str, float] = {}  # token -> expiry (monotonic)
        self.requests: list[tuple[str, str]] = []
        self.logins = 0
        self.downloads_held: asyncio.Event | None = None
        seed(self.state)

    # -- hooks ----------------------------------------------------------------------------
    def register(self, exten: str, addr: str = "192.168.10.50:5060") -> None:
        if exten not in self.state.extensions:
            raise KeyError(exten)
        self.state.registrations.setdefault(exten, []).append(
            {"addr": addr, "uri": f"sip:{exten}@{addr}", "roundtripUsec": "1500"})

    def unregister(self, exten: str) -> None:
        self.state.registrations.pop(exten, None)

    def set_trunk_status(self, name: str, status: str) -> None:
        for trunk in self.state.trunks:
            if trunk.get("name") == name:
                trunk["status"] = status
                return
        raise KeyError(name)

    def expire_tokens(self) -> None:
        self.tokens = {token: 0.0 for token in self.tokens}

    # -- HTTP -----------------------------------------------------------------------------
    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._log_request])
        app.router.add_post(LOGIN.path, self._login)
        app.router.add_post(LOGIN.logout_path, self._logout)
        handlers = self._handlers()
        for fn in DOCUMENTED:
            path = fn.url + ("/{arg}" if fn.params == "path" else "")
            name = fn.url.split("/", 2)[2]  # the URL without /pbx/ or /api/
            app.router.add_route(fn.method, path, self._endpoint(fn, handlers[name]))
        for prefix in RECORDING_PATHS.values():
            app.router.add_get(prefix + "/{tail:.+}", self._download)
        return app

    @web.middleware
    async def _log_request(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append((request.method, request.path))
        return await handler(request)

    async def _login(self, request: web.Request) -> web.Response:
        body = await _json_object(request)
        if body is None:
            return _error(400, "parameter error")
        user, password = body.get(LOGIN.user_field), body.get(LOGIN.password_field)
        if user != self.user or not isinstance(password, str) or not secrets.compare_digest(
                password.encode(), self.password.encode()):
            return _error(400, "not equal", data="")
        token = secrets.token_urlsafe(24)
        self.tokens[token] = time.monotonic() + self.token_ttl
        self.logins += 1
        return _ok(token)

    async def _logout(self, request: web.Request) -> web.Response:
        token = self._token_of(request)
        if token is None:
            return _error(401, "not logged in")
        del self.tokens[token]
        return _ok({})

    def _token_of(self, request: web.Request) -> str | None:
        header = request.headers.get(LOGIN.header, "")
        token = LOGIN.token_in(header) if header else request.query.get(TOKEN_QUERY)
        if not token or token not in self.tokens:
            return None
        if self.tokens[token] <= time.monotonic():
            del self.tokens[token]
            return None
        return token

    def _endpoint(self, fn: Documented, handler: Handler
                  ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def serve(request: web.Request) -> web.Response:
            if self._token_of(request) is None:
                return _error(401, "not logged in or the login expired")
            body: dict[str, Any] | None = {}
            if fn.params == "json":
                body = await _json_object(request)
            elif fn.params == "form":
                body = dict(await request.post())
            elif fn.params == "query":
                body = dict(request.query)
            if body is None:
                return _error(400, "parameter error: the body is not a JSON object")
            if fn.params == "path":
                body["exten"] = request.match_info["arg"]
            try:
                return _ok(handler(body))
            except SimError as exc:
                return _error(400, str(exc))

        return serve

    async def _download(self, request: web.Request) -> web.Response:
        if self._token_of(request) is None:
            return _error(401, "not logged in or the login expired")
        data = self.state.files.get(request.path)
        if data is None:
            return _error(400, "record does not exist")
        if self.downloads_held is not None:
            await self.downloads_held.wait()
        name = request.path.rsplit("/", 1)[-1]
        return web.Response(body=data, content_type="audio/x-wav",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})

    # -- the documented functions ---------------------------------------------------------
    def _handlers(self) -> dict[str, Handler]:
        s = self.state

        def forward_available(_: dict[str, Any]) -> list[dict[str, Any]]:
            return [{"exten": e, "name": r["username"] or e, "type": "voip"}
                    for e, r in s.extensions.items()]

        def gen_add(body: dict[str, Any]) -> str:
            if body.get("name") != "extension":
                raise SimError("name must be extension")
            return s.gen_extension()

        def search_ext(body: dict[str, Any]) -> dict[str, Any]:
            rows = s.search_extensions(str(body.get("keyWord") or ""),
                                       str(body.get("order") or ""),
                                       str(body.get("columnKey") or "exten"))
            return page_of(rows, body, first=0)  # "page ... starts from 0" (the document)

        def add_ext(body: dict[str, Any]) -> bool:
            s.add_extension(body)
            return True

        def update_ext(body: dict[str, Any]) -> bool:
            s.update_extension(body)
            return True

        def dial(body: dict[str, Any]) -> dict[str, str]:
            s.dial(body.get("src"), body.get("dest"))
            return {"msg": "ami dial"}

        def hangup(body: dict[str, Any]) -> dict[str, str]:
            s.hangup(body.get("extensions"))
            return {"msg": "ami hangup"}

        def log_search(rows: Callable[[], list[dict[str, Any]]]) -> Handler:
            return lambda body: page_of(s.search_log(rows(), body), body)

        def forward_save(update: bool) -> Handler:
            def save(body: dict[str, Any]) -> bool:
                s.save_forward(body, update=update)
                return True
            return save

        def contact_add(body: dict[str, Any]) -> bool:
            s.save_contact(body, update=False)
            return True

        def contact_update(body: dict[str, Any]) -> dict[str, Any]:
            s.save_contact(body, update=True)
            return {}

        def delete_forwards(body: dict[str, Any]) -> bool:
            s.delete_ids(s.forwards, body.get("ids"), "call forward")
            return True

        def delete_contacts(body: dict[str, Any]) -> bool:
            s.delete_ids(s.contacts, body.get("ids"), "contact")
            return True

        def delete_wakeups(body: dict[str, Any]) -> dict[str, Any]:
            s.delete_ids(s.wakeups, body.get("ids"), "wake-up call")
            return {}

        def clear(table: dict[int, dict[str, Any]]) -> Handler:
            def run(_: dict[str, Any]) -> dict[str, Any]:
                table.clear()
                return {}
            return run

        def ldap_sync(_: dict[str, Any]) -> bool:
            s.ldap_syncs += 1
            return True

        def recording_search(kind: str) -> Handler:
            return log_search(lambda: s.recordings[kind])

        def add_wakeups(body: dict[str, Any]) -> dict[str, Any]:
            s.add_wakeups(body)
            return {}

        def update_wakeups(body: dict[str, Any]) -> dict[str, Any]:
            s.update_wakeups(body)
            return {}

        return {
            "systeminfo/system-current-time": lambda _: s.clock().strftime("%Y-%m-%d %H:%M"),
            "extension-digital/search-extension-page": search_ext,
            "extension-digital/extension-info": lambda _: [
                {"exten": e, "name": r["username"] or e, "type": "voip"}
                for e, r in s.extensions.items()],
            "extension-common/gen-add-extension": gen_add,
            "extension-digital/is-extension-available": lambda b: s.is_available(b["exten"]),
            "extension-digital/add-extension": add_ext,
            "extension-digital/update-extension": update_ext,
            "extension-digital/delete-extension": lambda b: s.delete_extensions(
                b.get("extensions")),
            "systeminfo/version": lambda _: self._version(),
            "systeminfo/cpu": lambda _: [26.666666665373164, 27.835051547613567,
                                         17.85714285703679, 24.873096445841846],
            "systeminfo/mem": lambda _: MEM_EXAMPLE,
            "systeminfo/disk": lambda _: {"rcdtotal": "0", "rcdused": "", "systotal": "5403",
                                          "sysused": "2354", "usbtotall": "0", "usbused": "0"},
            "systeminfo/calls": lambda _: {"calls": str(len(s.calls)),
                                           "maxcalls": str(s.max_calls)},
            "systeminfo/extension-status": lambda _: s.extension_status(),
            "systeminfo/trunk-info": lambda _: s.trunk_info(),
            "systeminfo/trunk-status": lambda _: s.trunk_status(),
            "call-forward/list": lambda b: page_of(
                sorted(s.forwards.values(), key=lambda r: r["id"]), b),
            "call-forward/available": forward_available,
            "call-forward/add": forward_save(False),
            "call-forward/update": forward_save(True),
            "call-forward/delete": delete_forwards,
            "call-forward/delete-all": clear(s.forwards),
            # Documented answer: a bare array (paging parameters accepted, all rows returned).
            "wakeup-call/list": lambda b: [dict(w) for w in s.wakeups.values()],
            "wakeup-call/add": add_wakeups,
            "wakeup-call/update": update_wakeups,
            "wakeup-call/delete": delete_wakeups,
            "call-log/search-calllog-page": log_search(lambda: s.call_log),
            "call-log/search-general-recording-page": recording_search("general"),
            "call-log/search-conference-recording-page": recording_search("conference"),
            "call-log/search-onetouch-recording-page": recording_search("onetouch"),
            "voice-file/list-music-on-hold-voice-file-folder": lambda _: s.moh_folders,
            "dial-context/list-dial-plan-simple-info": lambda _: s.dial_plans,
            "phone-book/list": lambda b: page_of(
                s.search_contacts(str(b.get("keyword") or "")), b),
            "phone-book/add": contact_add,
            "phone-book/update": contact_update,
            "phone-book/delete-contact": delete_contacts,
            "phone-book/delete-all": clear(s.contacts),
            "phone-book-ldap/sync": ldap_sync,
            "time-rule/list-time-rule-simple-info": lambda _: s.time_rules,
            "call-dial/dial": dial,
            "call-dial/hangup": hangup,
        }

    def _mac(self) -> str:
        """A MAC of its own per simulated PBX, from its address (one OUI, like one vendor)."""
        tail = self.host.split(".")[-3:] if self.host.count(".") == 3 else ["0", "0", "1"]
        return "00:E0:70:" + ":".join(f"{int(x) % 256:02X}" for x in tail)

    def _version(self) -> dict[str, str]:
        return {"1model": self.model, "2DeviceName": "System", "3WAN-IP": self.host,
                "4WAN-Mac": self._mac(), "5LAN-IP": "192.168.10.100",
                "6LAN-Mac": "00:E0:70:33:24:A3", "7hardwareVersion": "V4",
                "8version": "v4.0.0", "9Uptime": self.state.uptime()}


def page_of(rows: list[dict[str, Any]], body: Mapping[str, Any], *,
            first: int = 1) -> dict[str, Any]:
    """One page of ``rows``; pages are numbered from ``first``.

    The document says of the extension search "page ... starts from 0" (so ``first=0``
    there, strictly: page 0 is the first page); the other paged functions only show
    examples asking for page 1, so they count from 1. A page below ``first`` is refused,
    so a client numbering the wrong way sees an error instead of silently skipping rows.
    """
    try:
        page = int(body.get("page", first))
        size = int(body.get("pageSize", 20))
    except (TypeError, ValueError):
        raise SimError("page and pageSize must be numbers") from None
    if size < 1:
        raise SimError("pageSize must be at least 1")
    if page < first:
        raise SimError(f"page starts from {first}")
    start = (page - first) * size
    items = rows[start: start + size]
    return {"items": [dict(r) for r in items], "count": len(rows), "page": page,
            "pageSize": size}


async def _json_object(request: web.Request) -> dict[str, Any] | None:
    raw = await request.read()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _ok(data: Any) -> web.Response:
    return web.json_response({"code": 0, "message": "OK", "data": data})


def _error(status: int, message: str, *, data: Any = None) -> web.Response:
    return web.json_response({"code": status, "message": message, "data": data}, status=status)


MEM_EXAMPLE: dict[str, Any] = {
    "swap": {"total": 500166656, "used": 1572864, "free": 498593792,
             "usedPercent": 0.31446798404730125, "sin": 1867776, "sout": 4386816},
    "virtual": {"total": 4017598464, "available": 2547400704, "used": 1192071168,
                "usedPercent": 29.671237150293774, "free": 1970675712, "buffers": 46747648,
                "cached": 808103936, "shared": 41365504},
}


def seed(state: PbxState) -> None:
    """The factory demo content: two extensions (100 registered), trunks, a few log rows."""
    for exten, name in (("100", "测试 1"), ("101", "Reception")):
        state.add_extension({"exten": exten, "username": name, "password": "123456",
                             "recording": "both" if exten == "100" else "none"})
    state.registrations["100"] = [{"addr": "192.168.10.21:5060",
                                   "uri": "sip:100@192.168.10.21:5060", "roundtripUsec": "1800"}]
    state.trunks = [
        *({"kind": "analog", "serial": str(n), "channel": str(n),
           "type": "FXS" if n <= 2 else "none", "status": "", "channel_status": "", "blf": ""}
          for n in range(1, 9)),
        {"kind": "iax", "name": "iaxto10", "type": "client", "ip": "192.168.17.30",
         "delay": "2", "status": "Registered"},
        {"kind": "sip", "name": "eeee", "type": "server", "ip": "", "delay": "0.00",
         "status": "Unregistered"},
    ]
    past = {"id": 0, "callFrom": "100", "callSrc": "100", "callTo": "1100",
            "destNum": "trunk-test11111", "startTime": "2022-07-01 21:45:17", "duration": 2,
            "callStatus": "ANSWERED", "callType": "outgoing", "pinCode": "",
            "trunkName": "eeee", "recordingFile": ""}
    state.call_log.append({**past, "id": state.next_id("calllog")})
    for kind in ("conference", "onetouch"):
        state.add_recording(kind, {**past, "callFrom": kind, "startTime": "2022-11-01 22:45:00"})
    state.forwards[1] = {"id": state.next_id("forward"), "exten": "101", "type": "busy",
                         "dest": "100", "timeout": 5, "enable": True}
    state.contacts[1] = {"id": state.next_id("contact"), "name": "22", "phoneNumber": "333444",
                         "email": "", "company": "", "addByRole": "extension", "addUser": "100",
                         "dialCode": ""}


def create(host: str, **options: Any) -> FcmSimulator:
    """Build (not start) a simulated FCM5600 on ``host``."""
    http_port, https_port = options.pop("http_port", None), options.pop("https_port", None)
    listeners = [Listener("https", default_ports()[1] if https_port is None else https_port)]
    if http_port is not None:
        listeners.append(Listener("http", http_port))
    options.setdefault("model", "FIBERME-FCM5600")
    if not options["model"]:
        options["model"] = "FIBERME-FCM5600"
    return FcmSimulator(host, listeners=tuple(listeners), **options)
