"""Simulated Onetouch IP door intercom speaking the Onetouch HTTP API v1.0.

Requests: ``GET /api/<target>/<action>?k=v``, ``POST /api/`` with ``{"target", "action",
"data"}``, and ``POST /api/<target>/<action>`` with a form upload (field ``file``) for
firmware/upload and the imports. POST-only functions (set/add/del/import/upload) refuse GET and
GET-only exports refuse POST with ``{"retcode": -1, "message": "unsupport method"}``.
# Assumption: the document does not say how a wrong method is answered.

Options of :func:`create`:
    model ("OT-IP-LP-C9"), user ("admin"), password ("httpapi"), http_port / https_port
    (0 = OS picks; give neither for the default 8080/80), auth: "none" | "basic" | "digest"
    (default) | "whitelist" | "disabled", whitelist (source addresses allowed in white list mode,
    default ("127.0.0.1",)), relays (1-3, default 3), time_scale (multiplies every device timer:
    relay hold, call answer, pcap auto stop; tests use 0.01), answer_delay (s until a dialled
    call is answered, default 2), clock (a ``time.time`` replacement).

Auth modes (document "HTTP API Configuration"): "disabled" answers HTTP 403 to everything;
"whitelist" answers 403 with a JSON negative reply to addresses not in the list
(# Assumption: the refusal's shape is not documented); "basic" / "digest" (realm HTTPAPI, MD5)
answer 401 with a challenge and the JSON negative reply.

Test hooks (drive the device from outside, as a person at the door would):
    sim.swipe_card(code, door="A", at=None) -> bool     RF card at a reader; logs to the door log
    sim.enter_pin(code, door="A") -> bool               private key (PIN) at the keypad
    sim.enter_public_code(code, door="A") -> bool       public code at the keypad
    sim.set_input(door, level)                           GPIO input level (may trigger a relay)
    sim.incoming_call(number, name="") / sim.answer_call() / sim.remote_hangup()
    sim.set_registration(account, status)                SIP account 1/2 reports sip/status
                                                         Status (e.g. "3" failed; None: back
                                                         to what its settings give)
    sim.state                                            the OnetouchState (inspect anything)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Literal

from aiohttp import web

from ...core.errors import InvalidValue
from ..base import HttpAuthGate, Listener, SimulatedDevice, default_ports
from .files import ExportFile, Upload
from .state import OnetouchState
from .stores import SimError

AuthOption = Literal["none", "basic", "digest", "whitelist", "disabled"]
POST_ONLY = ("set", "add", "del", "import", "upload")
GET_ONLY = ("export",)
MAX_UPLOAD = 64 * 1024 * 1024


class OnetouchSimulator(SimulatedDevice):
    vendor = "Onetouch"
    driver_id = "onetouch"

    def __init__(self, host: str, *, listeners: tuple[Listener, ...], user: str,
                 password: str, model: str, auth: AuthOption, whitelist: tuple[str, ...],
                 relays: int, time_scale: float, answer_delay: float,
                 clock: Callable[[], float] | None) -> None:
        super().__init__(host, listeners=listeners, user=user, password=password, model=model)
        if auth not in ("none", "basic", "digest", "whitelist", "disabled"):
            raise InvalidValue(f"unknown auth mode {auth!r} (none, basic, digest, whitelist, "
                               "disabled)")
        self.auth = auth
        self.whitelist = whitelist
        self.gate = HttpAuthGate("HTTPAPI")
        extra = {"clock": clock} if clock else {}
        self.state = OnetouchState(host, model=model, relays=relays, time_scale=time_scale,
                                   answer_delay=answer_delay, **extra)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "auth": self.auth}

    # -- test hooks -----------------------------------------------------------------------
    def swipe_card(self, code: str, door: str = "A", at: datetime | None = None) -> bool:
        return self.state.present("rfkey", "Card", code, door, at)

    def enter_pin(self, code: str, door: str = "A") -> bool:
        return self.state.present("privatekey", "Password", code, door)

    def enter_public_code(self, code: str, door: str = "A") -> bool:
        return self.state.public_code(code, door)

    def set_input(self, door: str, level: int) -> None:
        self.state.set_input(door, level)

    def set_registration(self, account: int, status: str | None) -> None:
        self.state.forced_sip_status[account] = status

    def incoming_call(self, number: str, name: str = "") -> None:
        self.state.incoming_call(number, name)

    def answer_call(self) -> None:
        self.state.answer()

    def remote_hangup(self) -> None:
        self.state.end_call()

    # -- HTTP -----------------------------------------------------------------------------
    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._auth_middleware], client_max_size=MAX_UPLOAD)
        app.router.add_post("/api", self._post_json)
        app.router.add_post("/api/", self._post_json)
        app.router.add_get("/api/{target}/{action}", self._get)
        app.router.add_post("/api/{target}/{action}", self._post_path)
        return app

    @web.middleware
    async def _auth_middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.can_read_body and request.content_type != "multipart/form-data":
            # A refusal must not leave the body unread: aiohttp would keep the connection
            # lingering (up to a second) after answering, a task outliving a quick shutdown.
            await request.read()
        if self.auth == "disabled":
            return web.Response(status=403, text="403 Forbidden")
        if self.auth == "whitelist":
            if request.remote not in self.whitelist:
                return _json({"retcode": -1, "action": "unknow",
                              "message": "Forbidden: not in white list"}, status=403)
            return await handler(request)
        user, reason = self.gate.authenticate(request, self.auth,  # type: ignore[arg-type]
                                              {self.user: self.password})
        if user is None:
            headers = self.gate.challenge_headers(self.auth,  # type: ignore[arg-type]
                                                  stale=reason == "stale")
            return _json({"retcode": -1, "action": "unknow", "message": "Unauthorized"},
                         status=401, headers=headers)
        return await handler(request)

    async def _get(self, request: web.Request) -> web.StreamResponse:
        target, action = request.match_info["target"], request.match_info["action"]
        if action in POST_ONLY:
            return _negative(action, "unsupport method")
        return self._run(target, action, dict(request.query), None)

    async def _post_json(self, request: web.Request) -> web.StreamResponse:
        try:
            body = json.loads(await request.text())
        except ValueError:
            return _negative("unknow", "invalid json")
        if not isinstance(body, dict) or not isinstance(body.get("target"), str) or \
                not isinstance(body.get("action"), str):
            return _negative("unknow", "unsupport action")
        action = body["action"]
        data = body.get("data") or {}
        if not isinstance(data, dict):
            return _negative(action, "invalid param data")
        if action in GET_ONLY:
            return _negative(action, "unsupport method")
        return self._run(body["target"], action, data, None)

    async def _post_path(self, request: web.Request) -> web.StreamResponse:
        target, action = request.match_info["target"], request.match_info["action"]
        if action in GET_ONLY:
            return _negative(action, "unsupport method")
        params: dict[str, Any] = dict(request.query)
        upload = None
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            for name, value in form.items():
                if hasattr(value, "file"):
                    upload = Upload(value.file.read(), value.filename or name)
                else:
                    params[name] = str(value)
        elif request.can_read_body:
            try:
                body = json.loads(await request.text() or "{}")
            except ValueError:
                return _negative(action, "invalid json")
            params |= body.get("data", body) if isinstance(body, dict) else {}
        return self._run(target, action, params, upload)

    def _run(self, target: str, action: str, data: Mapping[str, Any],
             upload: Upload | None) -> web.StreamResponse:
        try:
            result = self.state.handle(f"{target}/{action}", data, upload)
        except SimError as err:
            reply: dict[str, Any] = {"retcode": err.retcode,
                                     "action": action if err.message != "unsupport action"
                                     else "unknow", "message": err.message}
            if err.data is not None:
                reply["data"] = err.data
            return _json(reply)
        if isinstance(result, ExportFile):
            return web.Response(body=result.content, headers={
                "Content-Type": result.content_type,
                "Content-Disposition": f"attachment;filename={result.filename}"})
        reply = {"retcode": 0, "action": action, "message": "OK"}
        if result is not None:
            reply["data"] = result
        return _json(reply)


def _json(body: dict[str, Any], status: int = 200,
          headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(text=json.dumps(body, indent=4), status=status,
                        content_type="application/json", headers=headers)


def _negative(action: str, message: str) -> web.Response:
    return _json({"retcode": -1, "action": action, "message": message})


def create(host: str, **options: Any) -> OnetouchSimulator:
    """A simulated Onetouch intercom on ``host`` (see the module docstring for options)."""
    http_port = options.pop("http_port", None)
    https_port = options.pop("https_port", None)
    listeners: list[Listener] = []
    if http_port is not None:
        listeners.append(Listener("http", http_port))
    if https_port is not None:
        listeners.append(Listener("https", https_port))
    if not listeners:
        listeners.append(Listener("http", default_ports()[0]))
    known = {"model", "user", "password", "auth", "whitelist", "relays", "time_scale",
             "answer_delay", "clock"}
    unknown = set(options) - known
    if unknown:
        raise InvalidValue(f"unknown onetouch simulator option(s): {', '.join(sorted(unknown))}")
    return OnetouchSimulator(
        host,
        listeners=tuple(listeners),
        user=options.get("user", "admin"),
        password=options.get("password", "httpapi"),
        model=options.get("model") or "OT-IP-LP-C9",
        auth=options.get("auth", "digest"),
        whitelist=tuple(options.get("whitelist", ("127.0.0.1",))),
        relays=int(options.get("relays", 3)),
        time_scale=float(options.get("time_scale", 1.0)),
        answer_delay=float(options.get("answer_delay", 2.0)),
        clock=options.get("clock"),
    )
