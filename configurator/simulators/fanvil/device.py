"""Simulated Fanvil / OpenVox phone speaking the XML HTTP API (``POST /xmlService``).

``create(host, **options)`` options:
    model               "x6" (desk phone, default) or "i30" (door phone)
    user, password      the web administrator account (default admin/admin)
    push_xml_auth       True: "Enable Push XML Auth" on (doc 4.1; off by default)
    auth_scheme         "basic" (default) or "digest" when auth is on (Assumption)
    push_xml_server_ip  "PUSH XML Server IP": only this client address is served (doc 1.1)
    http_port, https_port  listeners (0 = OS picks). Default: HTTP only, on 80 (root) or 8080;
                        with only https_port given there is no HTTP listener
    vendor              info.dev.Vendor (default "Fanvil"; "OpenVox" for rebranded phones)
    register_delay      seconds a SIP line stays at registerCode 100 before its outcome (0: at once)
    answer_delay        seconds until a dialled call is answered (None: never)
    reboot_time         seconds the phone is away after Cmd:reboot / Cmd:reset
    quirks              True (default): replies end with the document's ``</ FanvilConfiguration>``

Test hooks:
    sim.state                      the PhoneState (config, lists, reg_codes, call_state, leds...)
    sim.set_registrar(addr, code)  REGISTER to ``addr`` now answers ``code`` (e.g. 403, 408)
    sim.incoming_call(number)      a call rings (answered at once with AutoAnswer, refused in DND)
    sim.remote_hangup()            the far end hangs up
    sim.requests                   list of (cmd, items) received, for assertions
    sim.rebooting                  True while the phone is away

The phone never runs a real shell: ``Shell:`` answers a few canned commands (Assumption).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from typing import Any, cast
from xml.sax.saxutils import escape

from aiohttp import web
from lxml import etree

from ...core.errors import InvalidValue
from ..base import HttpAuthGate, Listener, SimulatedDevice, default_ports
from ..tls import server_context
from . import state as st
from .state import MODELS, PhoneState

_CURLY = str.maketrans({"“": '"', "”": '"'})
_TAG_SPACE = re.compile(r"<(/?)\s+(?=[A-Za-z])")
_ATTR_GLUE = re.compile(r'"(?=[A-Za-z_][\w.-]*\s*=)')  # Beep="yes"cmd="set" (doc section 2)
_URI = re.compile(r'^\s*URI\s*=\s*"?(?P<type>[A-Za-z]+):(?P<param>.*?)"?\s*$')
_RECORD = re.compile(r"^(?P<list>[A-Za-z]\w*)\.(?P<index>\d+)\.(?P<field>\w+)$")
_LIST_ITEM = re.compile(r"^(?P<list>[A-Za-z]\w*)\.(?P<index>\d*)$")


def _parse_request(raw: bytes) -> etree._Element | None:
    text = _TAG_SPACE.sub(r"<\1", raw.decode("utf-8", "replace"))
    text = re.sub(r"<[^<>]*>",
                  lambda m: _ATTR_GLUE.sub('" ', m.group(0).translate(_CURLY)), text)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                             huge_tree=False, load_dtd=False)
    try:
        return etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return None


def _item(text: str) -> tuple[str, str, bool]:
    key, eq, value = text.strip().partition("=")
    return "".join(key.split()), value.strip(), bool(eq)


class FanvilSimulator(SimulatedDevice):
    vendor = "Fanvil"
    driver_id = "fanvil"

    def __init__(self, host: str, *, model: str = "x6", user: str = "admin",
                 password: str = "admin", push_xml_auth: bool = False,
                 auth_scheme: str = "basic", push_xml_server_ip: str = "",
                 http_port: int | None = None, https_port: int | None = None,
                 vendor: str = "Fanvil", register_delay: float = 1.0,
                 answer_delay: float | None = 3.0, reboot_time: float = 5.0,
                 quirks: bool = True) -> None:
        try:
            spec = MODELS[model.lower()]
        except KeyError:
            known = ", ".join(MODELS)
            raise InvalidValue(f"unknown Fanvil model {model!r} (known: {known})") from None
        listeners = []
        if http_port is not None or https_port is None:
            listeners.append(Listener("http", default_ports()[0] if http_port is None
                                      else http_port))
        if https_port is not None:
            listeners.append(Listener("https", https_port))
        super().__init__(host, listeners=tuple(listeners), user=user, password=password,
                         model=spec.name)
        octets = [int(x) for x in host.split(".")] if host.count(".") == 3 else [0, 0, 0, 1]
        mac = "00a859" + "".join(f"{o:02x}" for o in octets[1:])
        self.state = PhoneState(spec, mac, f"FV{spec.name.upper()}{mac[-6:].upper()}", vendor)
        self.state.config["xml.EnablePushXmlAuth"] = "1" if push_xml_auth else "0"
        self.state.config["xml.PushXmlServerIP"] = push_xml_server_ip
        self.auth_scheme = cast(Any, auth_scheme)
        self.register_delay = register_delay
        self.answer_delay = answer_delay
        self.reboot_time = reboot_time
        self.quirks = quirks
        self.gate = HttpAuthGate(f"{vendor} {spec.name}")
        self.requests: list[tuple[str, list[str]]] = []
        self.rebooting = False
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._registration_started = False

    # -- lifecycle ---------------------------------------------------------------------------
    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.router.add_post("/xmlService", self._xml_service)
        app.router.add_get("/ncConfig.txt", self._nc_config)
        return app

    async def start(self) -> None:
        await super().start()
        if not self._registration_started:
            self._registration_started = True
            for n in range(1, self.state.model.lines + 1):
                self._update_registration(n)

    async def stop(self) -> None:
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await super().stop()

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "kind": self.state.model.kind,
                "push_xml_auth": self.state.config["xml.EnablePushXmlAuth"] == "1"}

    # -- test hooks --------------------------------------------------------------------------
    def set_registrar(self, address: str, code: int) -> None:
        self.state.registrar_codes[address] = code
        for n in range(1, self.state.model.lines + 1):
            if self.state.config[f"sip.line.{n}.RegisterAddr"] == address:
                self._update_registration(n)

    def incoming_call(self, number: str) -> None:
        s = self.state
        if s.config.get("call.port.1.EnableDND") == "1" or s.call_state != st.CALL_IDLE:
            s.missed.append(number)
            return
        s.call_number = number
        s.call_state = (st.CALL_TALKING if s.config.get("sip.line.1.AutoAnswer") == "1"
                        else st.CALL_RINGING)

    def remote_hangup(self) -> None:
        self._cancel_timer("answer")
        self.state.call_state, self.state.call_number = st.CALL_IDLE, ""

    # -- HTTP ------------------------------------------------------------------------------
    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self.rebooting:  # keep-alive connections of a rebooting phone just drop
            if request.transport is not None:
                request.transport.close()
            raise web.HTTPServiceUnavailable()
        allowed = self.state.config.get("xml.PushXmlServerIP", "")
        if allowed and request.remote != allowed:
            return web.Response(status=403, text="403 Forbidden: client address is not the "
                                "PUSH XML Server IP\n")
        if request.path == "/ncConfig.txt" and not self.state.model.nc_config_page:
            raise web.HTTPNotFound()
        protected = (request.path == "/ncConfig.txt"
                     or self.state.config.get("xml.EnablePushXmlAuth") == "1")
        if protected:
            users = {self.user: self.password}
            user, reason = self.gate.authenticate(request, self.auth_scheme, users)
            if user is None:
                headers = self.gate.challenge_headers(self.auth_scheme, stale=reason == "stale")
                return web.Response(status=401, headers=headers, text="401 Unauthorized\n")
        return await handler(request)

    async def _nc_config(self, request: web.Request) -> web.Response:
        text = "".join(f"{k} = {v}\n" for k, v in self.state.all_values().items())
        return web.Response(text=text, content_type="text/plain")

    async def _xml_service(self, request: web.Request) -> web.Response:
        root = _parse_request(await request.read())
        if root is None or not isinstance(root.tag, str):
            return self._reply("FanvilConfiguration", "", st.BAD_REQUEST)
        if root.tag == "FanvilPhoneExecute":
            return self._execute(root)
        if root.tag != "FanvilConfiguration":
            return self._reply("FanvilConfiguration", "", st.BAD_REQUEST)
        attrs = {k.lower(): v.strip().lower() for k, v in root.attrib.items()}
        cmd = attrs.get("cmd", "")
        items = ["".join(el.itertext()) for el in root if el.tag == "Item"]
        self.requests.append((cmd, items))
        if attrs.get("beep") == "yes":
            self.state.beeps += 1
        if cmd == "get":
            return self._reply(root.tag, cmd, st.OK, self._get(items))
        if cmd == "set":
            code, bad = self._set(items)
            return self._reply(root.tag, cmd, code, bad)
        if cmd == "del":
            code, bad = self._del(items)
            return self._reply(root.tag, cmd, code, bad)
        return self._reply(root.tag, cmd, st.BAD_REQUEST)

    def _reply(self, root: str, cmd: str, code: int,
               items: list[tuple[str, str]] | None = None, extra: str = "") -> web.Response:
        attr = f' cmd="{escape(cmd)}"' if cmd else ""
        lines = ['<?xml version="1.0" encoding="UTF-8" ?>', f"<{root}{attr}>",
                 f"<RetCode>{code}</RetCode>"]
        if items or extra:
            lines.append("<info>")
            lines += [f"<Item> {escape(k)} = {escape(v)} </Item>" for k, v in items or ()]
            if extra:
                lines.append(extra)
            lines.append("</info>")
        lines.append(f"</ {root}>" if self.quirks else f"</{root}>")
        return web.Response(text="\n".join(lines) + "\n", content_type="text/xml")

    # -- config ----------------------------------------------------------------------------
    def _get(self, items: list[str]) -> list[tuple[str, str]]:
        s = self.state
        out: list[tuple[str, str]] = []
        for raw in items:
            key = "".join(raw.split())
            if key.lower().startswith("info."):
                key = "info." + key[5:]
            if key == ".":
                out += list(s.all_values().items())
                continue
            source = s.info() if key.startswith("info.") else s.all_values()
            if key.endswith("."):
                found = [(k, v) for k, v in source.items() if k.startswith(key)]
                if found:
                    out += found
                elif key[:-1] not in s.lists:  # an empty known list answers nothing
                    out.append((key, ""))
                continue
            out.append((key, source.get(key, "")))  # doc 2.1.1: unknown -> emptied value
        return out

    def _set(self, items: list[str]) -> tuple[int, list[tuple[str, str]]]:
        s = self.state
        pending: dict[tuple[str, int], dict[str, str]] = {}
        changed_lines: set[int] = set()
        result: tuple[int, list[tuple[str, str]]] = (st.OK, [])
        for raw in items:  # doc 2.1.2: stop at the first bad item
            key, value, has_eq = _item(raw)
            record = _RECORD.match(key)
            if not has_eq:
                result = (st.BAD_REQUEST, [(key, value)])
            elif key.startswith("info."):
                result = (st.READ_ONLY, [(key, value)])
            elif record and record["list"] in s.lists:
                if (record["field"] not in st.LIST_FIELDS[record["list"]]
                        or int(record["index"]) < 1):
                    result = (st.UNKNOWN_PARAM, [(key, value)])
                elif not st.value_ok(key, value):
                    result = (st.BAD_VALUE, [(key, value)])
                else:
                    pending.setdefault((record["list"], int(record["index"])), {})[
                        record["field"]] = value
                    continue
            elif key not in s.config:
                result = (st.UNKNOWN_PARAM, [(key, value)])
            elif not st.value_ok(key, value) or key in s.refused_keys:
                result = (st.BAD_VALUE, [(key, value)])
            else:
                if key not in s.kept_keys:
                    s.config[key] = value
                line = re.match(r"sip\.line\.(\d+)\.(\w+)$", key)
                if line and line[2] in st.SIP_REG_KEYS:
                    changed_lines.add(int(line[1]))
                continue
            break
        for (name, index), fields in pending.items():  # doc 2.1.4: insert at index or append
            rows = s.lists[name]
            record = {f: fields.get(f, "") for f in st.LIST_FIELDS[name]}
            rows.insert(index - 1 if index <= len(rows) + 1 else len(rows), record)
        for n in changed_lines:
            self._update_registration(n)
        return result

    def _del(self, items: list[str]) -> tuple[int, list[tuple[str, str]]]:
        s = self.state
        for raw in items:
            key = "".join(raw.split())
            match = _LIST_ITEM.match(key)
            if not match or match["list"] not in s.lists:
                code = st.UNSUPPORTED if key in s.config else st.UNKNOWN_PARAM
                return code, [(key, "")]
            rows = s.lists[match["list"]]
            if not match["index"]:
                rows.clear()
                continue
            index = int(match["index"])
            if not 1 <= index <= len(rows):
                return st.BAD_VALUE, [(key, "")]
            del rows[index - 1]
        return st.OK, []

    # -- registration and calls -----------------------------------------------------------------
    def _update_registration(self, n: int) -> None:
        s = self.state
        self._cancel_timer(f"reg{n}")
        if not s.line_wants_registration(n):
            s.reg_codes[n] = 0
            return
        if self.register_delay <= 0:
            s.reg_codes[n] = s.registration_outcome(n)
            return
        s.reg_codes[n] = 100

        def done() -> None:
            self._timers.pop(f"reg{n}", None)
            s.reg_codes[n] = s.registration_outcome(n)

        self._later(f"reg{n}", self.register_delay, done)

    def _later(self, name: str, delay: float, callback: Any) -> None:
        self._timers[name] = asyncio.get_running_loop().call_later(delay, callback)

    def _cancel_timer(self, name: str) -> None:
        handle = self._timers.pop(name, None)
        if handle is not None:
            handle.cancel()

    # -- execute ---------------------------------------------------------------------------
    def _execute(self, root: etree._Element) -> web.Response:
        tag = root.tag
        uris = ["".join(el.itertext()) for el in root if el.tag == "ExecuteItem"]
        self.requests.append(("execute", uris))
        if {k.lower(): v for k, v in root.attrib.items()}.get("beep", "").lower() == "yes":
            self.state.beeps += 1
        if not uris:
            return self._reply(tag, "", st.BAD_REQUEST)
        output = ""
        for uri in uris:
            match = _URI.match(uri.translate(_CURLY))
            if not match:
                return self._reply(tag, "", st.BAD_REQUEST)
            code, text = self._execute_one(match["type"], match["param"])
            if code != st.OK:
                return self._reply(tag, "", code)
            output += text
        if output:
            data = output.replace("]]>", "]]]]><![CDATA[>")
            extra = f"<len> {len(output.encode())} </len>\n<![CDATA[{data}]]>"
            return self._reply(tag, "", st.OK, extra=extra)
        return self._reply(tag, "", st.OK)

    def _execute_one(self, kind: str, param: str) -> tuple[int, str]:
        s = self.state
        if kind == "Cmd":
            if param not in ("reboot", "reset"):
                return st.BAD_VALUE, ""
            self._spawn(self._reboot(factory_reset=param == "reset"))
            return st.OK, ""
        if kind == "Dial":
            if not re.fullmatch(r"[0-9A-Za-z*#+@._:-]{1,64}", param):
                return st.BAD_VALUE, ""
            if s.call_state != st.CALL_IDLE:
                return st.UNSUPPORTED, ""  # Assumption: one call at a time
            s.call_state, s.call_number = st.CALL_CALLING, param
            if self.answer_delay is not None:
                self._later("answer", self.answer_delay, self._answered)
            return st.OK, ""
        if kind == "Key":
            if param not in st.KEYS:
                return st.BAD_VALUE, ""
            s.pressed.append(param)
            if param in ("ONHOOK", "CANCEL") and s.call_state != st.CALL_IDLE:
                self.remote_hangup()
            elif param in ("OFFHOOK", "OK") and s.call_state == st.CALL_RINGING:
                s.call_state = st.CALL_TALKING
            return st.OK, ""
        if kind == "Led":
            name, _, value = param.partition("=")
            if not s.model.leds:
                return st.UNSUPPORTED, ""
            if not re.fullmatch(r"[A-Z0-9_]{1,32}", name) or value not in st.LED_STATES:
                return st.BAD_VALUE, ""
            s.leds[name] = value
            return st.OK, ""
        if kind == "Shell":
            return st.OK, self._fake_shell(param)
        return st.UNSUPPORTED, ""

    def _fake_shell(self, command: str) -> str:
        """Canned answers only: the simulator never runs anything (Assumption)."""
        words = command.split()
        if not words:
            return ""
        if words[0] == "echo":
            return " ".join(words[1:]) + "\n"
        if words[0] == "uptime":
            return self.state.info()["info.sys.UpTime"] + "\n"
        return f"sh: {words[0]}: not found\n"

    def _answered(self) -> None:
        self._timers.pop("answer", None)
        if self.state.call_state == st.CALL_CALLING:
            self.state.call_state = st.CALL_TALKING

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reboot(self, *, factory_reset: bool) -> None:
        """The reply goes out first; then the phone is away for ``reboot_time``."""
        await asyncio.sleep(0.05)
        self.rebooting = True
        runner = self._runner
        if runner is not None:
            for site in list(runner.sites):
                await site.stop()
        for name in list(self._timers):
            self._cancel_timer(name)
        self.remote_hangup()
        if factory_reset:
            self.state.factory_reset()
        self.state.reg_codes.clear()
        await asyncio.sleep(self.reboot_time)
        self.state.boot = time.monotonic()
        if runner is not None and self._runner is runner:
            for scheme, port in self.ports.items():
                ctx = server_context(f"{self.vendor} {self.model}", self.host) \
                    if scheme == "https" else None
                site = web.TCPSite(runner, self.host, port, ssl_context=ctx, reuse_address=True)
                await site.start()
        self.rebooting = False
        for n in range(1, self.state.model.lines + 1):
            self._update_registration(n)


def create(host: str, **options: Any) -> FanvilSimulator:
    return FanvilSimulator(host, **options)
