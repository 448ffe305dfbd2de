"""The simulated 2N IP intercom: one aiohttp server speaking the 2N HTTP API (v2.38 / v2.11).

Start one with ``create(host, model="verso")`` and ``await sim.start()``; see
``resources/docs/2n-simulator.md`` for every option. Driving the device from tests::

    sim.press_button("%1")                 # KeyPressed + KeyReleased, then a doorbell call
    sim.set_input("input1", True)          # InputChanged
    sim.incoming_call("sip:2229@10.0.0.5")  # CallStateChanged incoming/ringing -> session id
    sim.emit("CardEntered", uid="4BD9E903", valid=True)   # any event, doc parameter names
    sim.events_history                     # list of every event dict still in the 10,000 ring
    sim.start_event_burst(500.0)           # KeyPressed/KeyReleased at ~500 events/s
    sim.stop_event_burst()
    sim.restart()                          # upTime restarts, DeviceState startup, channels closed
    sim.set_registration(1, "unregistered")  # SIP account 1 loses its registrar (phone/status
                                           # and a RegistrationStateChanged event, v2.38)

Default credentials: ``admin`` / ``2n-Demo-1`` (all privileges). Default security: every
service enabled, connection type HTTP (HTTP or HTTPS accepted), Digest; Camera without auth.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import ipaddress
import logging
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from ...core.errors import InvalidValue
from ..base import HttpAuthGate, Listener, SimulatedDevice, default_ports
from . import config_xml
from .camera import Camera
from .directory import Directory
from .eventlog import Clock, EventLog
from .firmware import PendingFirmware
from .functions import OPEN_TO_ALL, UNLICENSED_211, table_for
from .handlers.access import AccessState
from .handlers.phone import PhoneState
from .hardware import Ports, Switches
from .models import BASE_EVENTS
from .models import model as model_profile
from .pcap import Capture
from .protocol import MAX_BODY, ApiError, error_reply, ok, parse_request
from .security import (
    ApiUser,
    Group,
    Service,
    ServiceSecurity,
    check_users,
    credentials,
    default_security,
)

log = logging.getLogger("configurator.simulators.twon")

DEFAULT_USER = "admin"
DEFAULT_PASSWORD = "2n-Demo-1"

#: Which privilege group a subscriber needs to receive an event (doc 5.10.2 table).
EVENT_PRIVILEGES: dict[str, Group] = {
    "KeyPressed": Group.KEYPAD, "KeyReleased": Group.KEYPAD, "CodeEntered": Group.KEYPAD,
    "CardEntered": Group.UID,
    "InputChanged": Group.IO, "OutputChanged": Group.IO, "SwitchStateChanged": Group.IO,
    "CallStateChanged": Group.PHONE, "RegistrationStateChanged": Group.PHONE,
}


class TwoNSimulator(SimulatedDevice):
    vendor = "2N"
    driver_id = "2n"

    def __init__(
        self,
        host: str = "127.0.0.1",
        *,
        model: str = "verso",
        user: str = DEFAULT_USER,
        password: str = DEFAULT_PASSWORD,
        http_port: int | None = 0,
        https_port: int | None = 0,
        security: Mapping[str, ServiceSecurity] | None = None,
        users: list[ApiUser] | None = None,
        licensed: bool | None = None,
        firmware_reject_after: float = 300.0,
        log_channel_expiry: float | None = None,
        switch_on_duration: float = 5.0,
        tz_shift: int = 0,
        call_ring_after: float = 0.2,
        call_answer_after: float | None = 2.0,
        audio_test_duration: float = 0.2,
        min_firmware: str | None = None,
        dir_capacity: int = 10_000,
        restart_downtime: float = 3.0,
        keep_event_ids: bool = False,
        config_apply_delay: float = 0.0,
    ) -> None:
        profile = model_profile(model)
        listeners = tuple(
            Listener(scheme, port)  # type: ignore[arg-type]
            for scheme, port in (("http", http_port), ("https", https_port))
            if port is not None
        )
        if not listeners:
            raise InvalidValue("2N simulator: enable at least one of http_port / https_port")
        accounts = check_users(list(users) if users else [ApiUser(user, password)])
        super().__init__(host, listeners=listeners, user=accounts[0].name,
                         password=accounts[0].password, model=profile.variant)
        # Each simulated unit has its own serial (and so MAC), derived from its address,
        # like separate devices of one model on a LAN.
        self.profile = dataclasses.replace(profile, serial=unit_serial(profile.serial, host))
        self.users = accounts
        self.security = self._security(security)
        self.licensed = (not profile.needs_licence) if licensed is None else licensed
        self.functions = table_for(profile.api)
        self.gate = HttpAuthGate(realm="HTTP API")
        self.firmware_reject_after = firmware_reject_after
        self.log_channel_expiry = log_channel_expiry
        self.call_ring_after = call_ring_after
        self.call_answer_after = call_answer_after
        self.audio_test_duration = audio_test_duration
        # v2.11 has no error 19: no minimum version there.
        self.min_firmware = min_firmware or ("2.30.0.0.0" if profile.api != "2.11" else "0.0.0")
        self.switch_on_duration = switch_on_duration
        self.restart_downtime = restart_downtime
        self.keep_event_ids = keep_event_ids
        self.config_apply_delay = config_apply_delay
        self.config_applying: asyncio.TimerHandle | None = None  # an upload not applied yet
        self.down = False  # true while rebooting: listeners closed
        self._booting = True  # the next server start-up emits the start-up events
        self.event_types: tuple[str, ...] = (
            (*BASE_EVENTS, *profile.extra_events) if profile.api != "2.11" else ())
        self.clock = Clock(tz_shift)
        self.events = EventLog(self.clock)
        self.sw_version = profile.sw_version
        self.device_name = profile.variant
        self.io = Ports(profile.ports, self._emit)
        self.switches = Switches(profile.switches, self._emit, duration=switch_on_duration,
                                 relays=self.io)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._burst: asyncio.Task[None] | None = None
        self.restarts = 0
        self.stopping = False
        self.pending_firmware: PendingFirmware | None = None
        self.holidays: list[str] = []
        # Firmware faults for tests of the write contract, by "METHOD /api/path": requests
        # answered with success but not carried out, and requests refused with an error.
        self.ignored_requests: set[str] = set()
        self.refused_requests: dict[str, ApiError] = {}
        self.config_extra: list[bytes] = config_xml.default_extra()
        self.dir_capacity = dir_capacity
        self.extensions: dict[str, Any] = {}  # per-group state of the other handler modules
        self._install()

    def _install(self) -> None:
        self.extensions.update({
            "phone": PhoneState(self),
            "camera": Camera(self.profile.variant),
            "display": {},
            "mail": [],
            "pcap": Capture(self.host),
            "dir": Directory(photo=bool(self.profile.displays), capacity=self.dir_capacity),
            "access": AccessState(self),
        })

    @property
    def sent_emails(self) -> list[dict[str, Any]]:
        return list(self.extensions["mail"])

    # -- configuration ------------------------------------------------------------------
    def _security(self, overrides: Mapping[str, ServiceSecurity] | None
                  ) -> dict[Service, ServiceSecurity]:
        table = default_security()
        for name, value in (overrides or {}).items():
            try:
                service = Service(name)
            except ValueError:
                known = ", ".join(s.value for s in Service)
                raise InvalidValue(f"unknown 2N service {name!r} (known: {known})") from None
            if not isinstance(value, ServiceSecurity):
                raise InvalidValue(f"security[{name!r}] must be a ServiceSecurity")
            table[service] = value
        return table

    def channel_duration(self, requested: int) -> float:
        """Channel lifetime; ``log_channel_expiry`` (tests) overrides what clients ask for."""
        return self.log_channel_expiry if self.log_channel_expiry is not None else requested

    def account(self, name: str) -> ApiUser | None:
        return next((u for u in self.users if u.name == name and u.enabled), None)

    def event_filter_for(self, user: str) -> Callable[[str], bool]:
        account = self.account(user) if user else None
        if account is None:  # service without authentication: every event
            return lambda kind: True
        return lambda kind: (kind not in EVENT_PRIVILEGES
                             or account.has_group(EVENT_PRIVILEGES[kind]))

    # -- the HTTP server ------------------------------------------------------------------
    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/api", self._dispatch)
        app.router.add_route("*", "/api/{tail:.*}", self._dispatch)
        app.on_startup.append(self._on_startup)
        app.on_response_prepare.append(self._server_header)
        return app

    async def _server_header(self, request: web.Request, response: web.StreamResponse) -> None:
        response.headers["Server"] = "HIP" + self.sw_version

    async def _on_startup(self, app: web.Application) -> None:
        if self._booting:
            self._booting = False
            self._startup_events()

    async def start(self) -> None:
        self.stopping = False
        await super().start()

    async def stop(self) -> None:
        self.stopping = True
        self.drop_firmware()
        self.drop_config_upload()
        self.stop_event_burst()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.switches.reset()
        self.events.close_all()
        for hook in list(self.extensions.values()):
            stop = getattr(hook, "stop", None)
            if stop is not None:
                stop()
        await super().stop()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path.rstrip("/") or "/"
        try:
            function = self.functions.get(path)
            if function is None:
                raise ApiError(2)
            if request.method not in function.methods:
                raise ApiError(3)
            if not self.licensed and path not in UNLICENSED_211:
                raise ApiError(5)
            security = self.security[function.service]
            if not security.enabled:
                raise ApiError(4)
            if security.connection == "https" and request.scheme != "https":
                raise ApiError(7)
            auth = "none" if path in OPEN_TO_ALL else security.auth
            user, reason = self.gate.authenticate(request, auth, credentials(self.users))
            if reason == "wrong_method":
                raise ApiError(8)
            if reason is not None or user is None:
                raise ApiError(9, status=401, headers=self.gate.challenge_headers(
                    security.auth, stale=reason == "stale"))
            account = self.account(user) if user else None
            if account is not None and not account.allows(function.privilege_for(
                    request.method)):
                raise ApiError(10)
            api_request = await parse_request(request, path)
            api_request.user = user
            self._observe(request)
            route = f"{request.method} {path}"
            if route in self.refused_requests:
                raise self.refused_requests[route]
            if route in self.ignored_requests:
                return ok()
            return await function.handlers[request.method](self, api_request)
        except ApiError as err:
            return error_reply(err)

    def _observe(self, request: web.Request) -> None:
        capture = self.extensions.get("pcap")
        if capture is not None:
            capture.observe(request)

    # -- events -------------------------------------------------------------------------
    def _emit(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        return self.events.emit(kind, params)

    def emit(self, event_type: str, **params: Any) -> dict[str, Any]:
        """Emit any event (document parameter names) as if the device produced it."""
        return self.events.emit(event_type, params)

    @property
    def events_history(self) -> list[dict[str, Any]]:
        return list(self.events.history)

    def _startup_events(self) -> None:
        self.events.emit("DeviceState", {"state": "startup"})
        if self.profile.api != "2.11":
            self.events.emit("RegistrationStateChanged", {"sipAccount": 1, "state": "registered"})

    def start_event_burst(self, rate_per_s: float, event_type: str = "KeyPressed") -> None:
        """Emit ``event_type`` events at ``rate_per_s`` (benchmarks of the event pipeline)."""
        if rate_per_s <= 0:
            raise InvalidValue("event burst rate must be positive")
        self.stop_event_burst()
        self._burst = asyncio.get_running_loop().create_task(
            self._run_burst(rate_per_s, event_type))

    def stop_event_burst(self) -> None:
        if self._burst is not None:
            self._burst.cancel()
            self._burst = None

    async def _run_burst(self, rate: float, kind: str) -> None:
        loop = asyncio.get_running_loop()
        start, sent = loop.time(), 0
        while True:
            due = int((loop.time() - start) * rate) + 1
            for _ in range(due - sent):
                self.events.emit(kind, {"key": str(sent % 10)})
                sent += 1
            await asyncio.sleep(max(0.001, 1.0 / rate))

    # -- driving the device from outside --------------------------------------------------
    def set_input(self, port: str, state: bool) -> None:
        ports = self.io.get(port)
        if ports[0].type != "input":
            raise InvalidValue(f"{port} is not an input")
        self.io.set(port, state)

    def set_output(self, port: str, state: bool) -> None:
        self.io.set(port, state)

    def press_button(self, key: str = "%1", *, call: bool = True) -> None:
        """A visitor presses a key: KeyPressed/KeyReleased; speed-dial keys also ring."""
        self.events.emit("KeyPressed", {"key": key})
        self.events.emit("KeyReleased", {"key": key})
        phone = self.extensions.get("phone")
        if call and key.startswith("%") and phone is not None:
            phone.doorbell(self)

    def set_registration(self, account: int, state: str) -> None:
        """SIP ``account`` moves to ``state`` (registered / unregistered / registering /
        unregistering, the event's words): ``phone/status`` says registered or not, and
        firmware with the event (v2.38) emits RegistrationStateChanged."""
        if state not in ("registered", "unregistered", "registering", "unregistering"):
            raise InvalidValue(f"unknown registration state {state!r}")
        phone = self.extensions.get("phone")
        found = [a for a in getattr(phone, "accounts", []) if a["account"] == account]
        if not found:
            raise InvalidValue(f"this model has no SIP account {account}")
        found[0]["registered"] = state == "registered"
        if state == "registered":
            found[0]["registerTime"] = self.clock.utc()
        if self.profile.api != "2.11":
            self.events.emit("RegistrationStateChanged", {"sipAccount": account,
                                                          "state": state})

    def incoming_call(self, peer: str = "sip:2229@10.0.97.150:5062;user=phone") -> int:
        phone = self.extensions.get("phone")
        if phone is None:
            raise InvalidValue("this model has no phone")
        return phone.incoming(self, peer)

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- restart ------------------------------------------------------------------------
    def drop_firmware(self) -> None:
        """Forget the uploaded firmware image (reject, apply or the 5-minute timer)."""
        pending, self.pending_firmware = self.pending_firmware, None
        if pending is not None and pending.reject_timer is not None:
            pending.reject_timer.cancel()

    def schedule_factory_reset(self, delay: float = 0.05) -> None:
        self.schedule_reboot(self.factory_defaults, delay)

    def factory_reset(self) -> None:
        """Factory defaults, then an instant restart (test hook; the HTTP function reboots)."""
        self.factory_defaults()
        self.restart()

    def factory_defaults(self) -> None:
        """Return the configuration to its defaults.

        Assumption: HTTP API accounts and service security survive (otherwise the simulator
        would lock out its own clients); everything else returns to its default."""
        self.device_name = self.profile.variant
        self.holidays = []
        self.config_extra = config_xml.default_extra()
        for sw in self.switches.items.values():
            sw.config.enabled = sw.n <= 2
            sw.config.mode, sw.config.type = "monostable", "normal"
            sw.config.duration = self.switch_on_duration
        self.extensions["dir"].clear()
        self.extensions["phone"].call_log.clear()
        self.extensions["display"].clear()
        self.extensions["access"] = AccessState(self)

    def schedule_restart(self, delay: float = 0.05) -> None:
        """Instant restart shortly after the current reply (no down time)."""
        asyncio.get_running_loop().call_later(delay, self.restart)

    def schedule_reboot(self, before_boot: Callable[[], None] | None = None,
                        delay: float = 0.05) -> None:
        """What system/restart, firmware/apply and factory reset do: reply first, then
        :meth:`reboot` (``before_boot`` runs while the device is down)."""
        async def later() -> None:
            await asyncio.sleep(delay)
            await self.reboot(before_boot)
        self.spawn(later())

    async def reboot(self, before_boot: Callable[[], None] | None = None) -> None:
        """A real restart: the listeners close (connections refused, open ones reset) for
        ``restart_downtime`` seconds, then the device is back with upTime from 0, a
        ``DeviceState startup`` event and - as the manual says - event ids from 1 (the log is
        lost), or ids that keep counting with ``keep_event_ids``."""
        if self.down:
            return
        self.down = True
        self.restarts += 1
        self.events.close_all()  # pending pulls answer before the listeners go
        self._power_off()
        if self._runner is not None:
            # aiohttp waits up to 60 s for running handlers (MJPEG streams) by default;
            # a device that loses power does not wait.
            self._runner._shutdown_timeout = 0.1
            await self._runner.cleanup()
            self._runner = None
        log.info("%s %s rebooting (%.1f s)", self.profile.variant, self.host,
                 self.restart_downtime)
        try:
            if before_boot is not None:
                before_boot()
            self.clock.restart()
            if not self.keep_event_ids:
                self.events.clear()
            await asyncio.sleep(self.restart_downtime)
            self._booting = True
            self.listeners = tuple(  # come back on the same ports
                Listener(listener.scheme, self.ports.get(listener.scheme, listener.port))
                for listener in self.listeners)
            if not self.stopping:
                await SimulatedDevice.start(self)
        finally:
            self.down = False

    def restart(self) -> None:
        """Instant restart (test hook; the HTTP functions use :meth:`reboot`): upTime from 0,
        switches/outputs off, calls dropped, channels closed, ``DeviceState startup``; event ids
        start at 1 again unless ``keep_event_ids``."""
        self.restarts += 1
        self.events.close_all()
        self._power_off()
        self.clock.restart()
        if not self.keep_event_ids:
            self.events.clear()
        self._startup_events()
        log.info("%s %s restarted", self.profile.variant, self.host)

    def drop_config_upload(self) -> None:
        """Switched off while applying (the manual warns against it): the upload is lost."""
        if self.config_applying is not None:
            self.config_applying.cancel()
            self.config_applying = None

    def _power_off(self) -> None:
        self.drop_firmware()
        self.drop_config_upload()
        self.stop_event_burst()
        self.switches.reset()
        self.io.reset()
        for hook in list(self.extensions.values()):
            reset = getattr(hook, "on_restart", None)
            if reset is not None:
                reset(self)


def unit_serial(model_serial: str, host: str) -> str:
    """The model's serial with its last block replaced by a number taken from the address."""
    try:
        number = int(ipaddress.ip_address(host)) % 10_000
    except ValueError:
        number = sum(host.encode()) % 10_000
    head, _, _ = model_serial.rpartition("-")
    return f"{head}-{number:04d}" if head else model_serial


def create(host: str, **options: Any) -> TwoNSimulator:
    """Factory used by the fleet: ``create("127.0.50.1", model="style", http_port=0)``.

    Without port options the device listens where a real one does: 80 and 443 (8080 and 8443
    when not root), so ``configurator info 127.0.50.1`` reaches it like a device on the LAN.
    """
    http_default, https_default = default_ports()
    options.setdefault("http_port", http_default)
    options.setdefault("https_port", https_default)
    return TwoNSimulator(host, **options)
