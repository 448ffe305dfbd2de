"""``TwoNDevice``: the vendor-neutral Device interface on top of the 2N HTTP API client."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from typing_extensions import override

from ...core import safejson
from ...core.abilities import DoorsFromAction
from ...core.device import (
    ActionSpec,
    CameraSource,
    Capability,
    Device,
    DeviceInfo,
    FirmwareImage,
    MaintenanceSpec,
    StepCallback,
    check_file,
    firmware_image,
)
from ...core.downloads import DeviceFile, find_file
from ...core.errors import (
    ConfiguratorError,
    InvalidValue,
    NotSupported,
    PermissionDenied,
    ServiceDisabled,
)
from ...core.events import DeviceEvent, SourceState
from ...core.params import Choice, Kind, ParamSpec, SettingsPage, TableSpec
from ...core.pictures import DisplayScreen
from ...core.plates import PlateSighting
from ...core.registration import RegistrationReport
from ...core.safexml import parse_xml_document
from ...core.transport import Transport
from ...core.write import RowResult, RowWriter, SendResult, TableChanges, send_each
from . import specs
from .calllog import CALLLOG_TABLE, clear_calllog, delete_records, read_calllog
from .caps import DetectedCaps, all_or_first_error, detect
from .capture import CAPTURE_FILE, LIVE_FILE, download_capture, download_live
from .client import HANGUP_REASONS, TwoNClient
from .events import TwoNEventSource
from .functions import Body, Reply, function
from .holidays import HOLIDAYS_TABLE, apply_holidays, clear_holidays, read_holidays
from .mobilekeys import KEYS_TABLE, apply_keys, clear_keys, read_keys
from .operator_actions import RUNNERS, operator_actions
from .pictures import screens_of
from .pictures import show as show_on_display
from .plates import picture_of, read_sightings
from .registration import NOT_OFFERED, registration_report
from .status import ACTIVE_CALLS_TABLE, read_active_calls, read_status, status_page

log = logging.getLogger(__name__)

_ABSENT = (NotSupported, ServiceDisabled, PermissionDenied)
TIME_TOLERANCE = 10  # s: a read-back device clock within this of the value counts as applied


def info_from_result(result: Mapping[str, Any]) -> DeviceInfo:
    """DeviceInfo from a ``system/info`` result (v2.11 and v2.38 shapes)."""
    extra = {k: result[k] for k in ("devType", "variantId", "customerId", "buildType",
                                    "firmwarePackage") if k in result}
    return DeviceInfo(
        vendor="2N", model=str(result.get("variant", "2N IP intercom")),
        serial=str(result.get("serialNumber", "")),
        mac=str(result.get("macAddr", "")).replace("-", ":"),
        firmware=str(result.get("swVersion", "")), hardware=str(result.get("hwVersion", "")),
        name=str(result.get("deviceName", "")), extra=extra)


class TwoNDevice(DoorsFromAction, Device):
    """A 2N IP intercom (HTTP API v2.11 and later); keeps its camera frames for 30 s
    (:class:`~configurator.core.abilities.KeepsPastFrames`)."""

    vendor = "2N"
    driver_id = "2n"
    past_frames_seconds = 30  # /api/camera/snapshot?time=-N, N <= 30
    #: "PUT uploads configuration with a delay of approx. 15 s" (manual, /api/config).
    config_apply_seconds = 15.0

    def __init__(self, transport: Transport, info: DeviceInfo | None = None, *,
                 event_options: Mapping[str, Any] | None = None) -> None:
        super().__init__(transport)
        self.client = TwoNClient(transport)
        self.info = info
        self.detected: DetectedCaps | None = None
        self.extra_pages: set[str] = set()
        self.dir_template: dict[str, Any] | None = None
        self.local: dict[str, Any] = {"log.filter": frozenset()}
        self.event_options = dict(event_options or {})
        self.event_source: TwoNEventSource | None = None

    # -- identity -------------------------------------------------------------------------
    @override
    async def read_info(self) -> DeviceInfo:
        self.info = info_from_result(await self.client.system_info())
        return self.info

    @override
    async def capabilities(self) -> frozenset[str]:
        self.detected = found = await detect(self.client)
        self.extra_pages = set()
        probes: dict[str, Callable[[], Awaitable[Any]]] = {
            "time": self.client.system_time, "holidays": self.client.holidays_get}
        if Capability.ACCESS in found.capabilities:
            probes["access"] = self.client.accesspoint_blocking_status
            probes["mobilekey"] = self.client.mobilekey_config_get
        if Capability.DIRECTORY in found.capabilities:
            probes["dir/template"] = self.client.dir_template
        answers = dict(zip(probes, await all_or_first_error(
            *(_try(probe) for probe in probes.values())), strict=True))
        self.extra_pages.update(name for name, answer in answers.items()
                                if answer is not None and name != "dir/template")
        if Capability.DIRECTORY in found.capabilities:
            template = answers["dir/template"]
            users = template.get("users") if isinstance(template, dict) else None
            if users and isinstance(users[0], dict):
                self.dir_template = users[0]
            else:
                found.capabilities.discard(Capability.DIRECTORY)
        if found.camera:
            self.local.setdefault("camera.resolution", specs.AUTO_RESOLUTION.value)
            src = specs.source_choices(found.camera)
            self.local.setdefault("camera.source", src[0].value if src else None)
        # /api/config (GET/PUT) is what backup and restore use; the configuration-file
        # editor is offered wherever they are.
        return frozenset({*(str(c) for c in found.capabilities), str(Capability.CONFIG_FILE)})

    def _caps(self) -> DetectedCaps:
        if self.detected is None:
            raise NotSupported("call capabilities() first", host=self.host)
        return self.detected

    # -- settings -------------------------------------------------------------------------
    @override
    def pages(self) -> Sequence[SettingsPage]:
        if self.detected is None:
            return ()
        found = self.detected
        out = [status_page(found.ports, Capability.PCAP in found.capabilities)]
        if found.switches:
            out.append(specs.switch_page(found.switches))
        if "time" in self.extra_pages:
            out.append(specs.time_page())
        if found.accounts:
            out.append(specs.sip_page(found.accounts))
        if found.camera:
            out.append(specs.camera_page(found.camera))
        if found.displays:
            out.append(specs.display_page(found.displays))
        if found.log_events:
            out.append(specs.events_page(found.log_events))
        if "access" in self.extra_pages:
            out.append(specs.access_page("mobilekey" in self.extra_pages))
        return out

    @override
    async def read_page(self, page_id: str) -> dict[str, Any]:
        page = self.page(page_id)
        reader = getattr(self, f"_read_{page_id}")
        values: dict[str, Any] = await reader()
        return {spec.key: values.get(spec.key) for spec in page.params}

    async def _read_status(self) -> dict[str, Any]:
        found = self._caps()
        return await read_status(self.client, with_ports=bool(found.ports),
                                 with_capture=Capability.PCAP in found.capabilities)

    async def _read_switches(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for row in await self.client.switch_caps() + await self.client.switch_status():
            n = row.get("switch")
            for key, value in row.items():
                if key != "switch":
                    values[f"switch.{n}.{key}"] = value
        return values

    async def _read_time(self) -> dict[str, Any]:
        result = await self.client.system_time()
        return {f"time.{k}": v for k, v in result.items()}

    async def _read_sip(self) -> dict[str, Any]:
        return {f"phone.{a.get('account')}.{k}": v
                for a in await self.client.phone_status() for k, v in a.items()}

    async def sip_registrations(self) -> RegistrationReport:
        """Every SIP account from ``phone/status`` (:mod:`.registration`)."""
        if not self._caps().accounts:
            return RegistrationReport(note=NOT_OFFERED)
        return registration_report(await self.client.phone_status())

    async def _read_display(self) -> dict[str, Any]:
        values = {}
        for d in await self.client.display_caps():
            res = d.get("resolution") or {}
            values[f"display.{d.get('display')}.resolution"] = (
                f"{res.get('width')}x{res.get('height')}")
        return values

    async def _read_camera(self) -> dict[str, Any]:
        return dict(self.local)

    async def _read_events(self) -> dict[str, Any]:
        return dict(self.local)

    async def _read_access(self) -> dict[str, Any]:
        values: dict[str, Any] = {f"accesspoint.{ap.get('id')}.blocked": ap.get("blocked")
                                  for ap in await self.client.accesspoint_blocking_status()}
        if "mobilekey" in self.extra_pages:
            values["mobilekey.location"] = (await self.client.mobilekey_config_get()).get(
                "location")
        return values

    @override
    async def write_values(self, page_id: str, values: Mapping[str, Any]) -> SendResult:
        """Each key through its writer in :data:`_WRITERS` (the HTTP API sets them one by
        one); the write contract in :mod:`configurator.core.write` does the rest."""
        return await send_each(values, self._write_key)

    async def _write_key(self, key: str, value: Any) -> None:
        for pattern, writer in _WRITERS:
            found = pattern.fullmatch(key)
            if found is not None:
                await writer(self, found, value)
                return
        raise NotSupported(f"{key} cannot be written through the HTTP API", host=self.host)

    async def _set_local(self, found: re.Match[str], value: Any) -> None:
        """A program-side setting (camera choice, log filter): kept here, not on the device."""
        key = found.group(0)
        self.local[key] = value
        if key == "log.filter" and self.event_source is not None:
            self.event_source.event_filter = sorted(value)
            self.event_source.channel = None  # next pull re-subscribes with the filter

    async def _set_time(self, found: re.Match[str], value: Any) -> None:
        await self.client.system_time_set(int(value))

    async def _set_blocking(self, found: re.Match[str], value: Any) -> None:
        await self.client.accesspoint_blocking_ctrl(int(found.group(1)), bool(value))

    async def _set_mobilekey(self, found: re.Match[str], value: Any) -> None:
        await self.client.mobilekey_config_put(location=value)

    @override
    def same_value(self, spec: ParamSpec, current: Any, wanted: Any) -> bool:
        """The device clock counts within :data:`TIME_TOLERANCE`."""
        if spec.key == "time.utcTime" and isinstance(current, int | float) and isinstance(
                wanted, int | float):
            return abs(int(current) - int(wanted)) <= TIME_TOLERANCE
        return super().same_value(spec, current, wanted)

    # -- directory ------------------------------------------------------------------------
    @override
    def tables(self) -> Sequence[TableSpec]:
        out: list[TableSpec] = []
        if self.dir_template is not None:
            out.append(specs.directory_table(self.dir_template))
        if "holidays" in self.extra_pages:
            out.append(HOLIDAYS_TABLE)
        if "mobilekey" in self.extra_pages:
            out.append(KEYS_TABLE)
        if self.detected is not None and Capability.CALLLOG in self.detected.capabilities:
            out.append(CALLLOG_TABLE)
        if self.detected is not None and Capability.CALLS in self.detected.capabilities:
            out.append(ACTIVE_CALLS_TABLE)
        return out

    @override
    async def read_table(self, table_id: str) -> list[dict[str, Any]]:
        table = self.table(table_id)
        if table.id == CALLLOG_TABLE.id:
            return await read_calllog(self.client)
        if table.id == ACTIVE_CALLS_TABLE.id:
            return await read_active_calls(self.client)
        if table.id == HOLIDAYS_TABLE.id:
            return await read_holidays(self.client)
        if table.id == KEYS_TABLE.id:
            return await read_keys(self.client)
        keys = {c.key for c in table.columns}
        result = await self.client.dir_query(fields=[])
        rows = []
        for user in result.get("users", []):
            if not isinstance(user, dict) or user.get("deleted") in (True, "true"):
                continue
            flat = specs.flatten(user)
            rows.append({k: v for k, v in flat.items() if k in keys})
        return rows

    @override
    async def change_table(self, table_id: str, changes: TableChanges) -> list[RowResult]:
        add, update, delete = changes.add, changes.update, changes.delete
        table = self.table(table_id)
        if table.id == CALLLOG_TABLE.id:
            if add or update:
                raise NotSupported("call log records can only be deleted", host=self.host)
            return await delete_records(self.client, delete)
        if table.id == HOLIDAYS_TABLE.id:
            if update:
                raise NotSupported("a holiday is added or deleted, not changed", host=self.host)
            return await apply_holidays(self.client, add, delete)
        if table.id == KEYS_TABLE.id:
            if update:
                raise NotSupported("a key is added or deleted, not changed", host=self.host)
            return await apply_keys(self.client, add, delete)
        template = self.dir_template or {}
        writer = RowWriter()

        def prepare(op: str, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
            ready = []
            for row in rows:
                try:
                    clean = table.validate_row(row)
                except InvalidValue as exc:
                    writer.refuse(op, row.get("uuid"), str(exc))
                    continue
                if op == "set" and not clean.get("uuid"):
                    writer.refuse(op, None, "uuid is required to update")
                    continue
                if not clean.get("uuid"):
                    clean.pop("uuid", None)
                ready.append(specs.unflatten(clean, template))
            return ready

        new_rows, changed_rows = prepare("add", add), prepare("set", update)
        uuids = [str(u) for u in delete]
        gone = [{"uuid": u} for u in uuids]
        for op, rows, call in (("add", new_rows, partial(self.client.dir_create, new_rows)),
                               ("set", changed_rows, partial(self.client.dir_update,
                                                             changed_rows)),
                               ("del", gone, partial(self.client.dir_delete, uuids))):
            await writer.rows(op, [r.get("uuid") for r in rows], call,
                              partial(_row_results, op, rows))
        return writer.results

    @override
    async def send_clear(self, table_id: str) -> None:
        """The call log and the holidays can be cleared (the directory has no "delete all")."""
        clear = {CALLLOG_TABLE.id: clear_calllog, HOLIDAYS_TABLE.id: clear_holidays,
                 KEYS_TABLE.id: clear_keys}
        if table_id not in clear:
            raise NotSupported(f"{table_id} cannot be cleared", host=self.host)
        await clear[table_id](self.client)

    # -- pictures on the display (core.pictures.ShowsPictures) -----------------------------
    def screens(self) -> Sequence[DisplayScreen]:
        """The displays ``display/caps`` reported."""
        return screens_of(self.detected.displays) if self.detected else []

    async def show_picture(self, screen: str, content: bytes, filename: str,
                           seconds: int | None = None) -> None:
        """Until removed without ``seconds`` (an overlay), else a notification."""
        await show_on_display(self.client, self.screens(), screen, content, filename, seconds)

    async def remove_picture(self, screen: str) -> None:
        """``display/image`` DELETE."""
        await self.client.display_image_delete(screen)

    # -- licence plates (core.plates.ReadsPlates) -----------------------------------------
    def reads_plates(self) -> bool:
        """Plate recognitions come with access control (lpr/licenseplate, lpr/image)."""
        return self.detected is not None and Capability.ACCESS in self.detected.capabilities

    async def plate_sightings(self) -> Sequence[PlateSighting]:
        """The LicensePlateRecognized events still in the device's log, newest first."""
        return await read_sightings(self.client)

    async def plate_picture(self, plate: str) -> bytes:
        """``lpr/image``: the newest picture received with ``plate``."""
        return await picture_of(self.client, plate)

    # -- files on the device (core.downloads.OffersFiles) ----------------------------------
    def files(self) -> Sequence[DeviceFile]:
        """The packet capture, where the device has one."""
        found = self.detected
        pcap = found is not None and Capability.PCAP in found.capabilities
        return [CAPTURE_FILE, LIVE_FILE] if pcap else []

    async def download(self, file_id: str) -> tuple[bytes, str]:
        """One of :meth:`files`."""
        try:
            find_file(self.files(), file_id)
        except KeyError as exc:
            raise NotSupported(exc.args[0], host=self.host) from None
        if file_id == LIVE_FILE.id:
            return await download_live(self.client)
        return await download_capture(self.client)

    # -- actions --------------------------------------------------------------------------
    @override
    def actions(self) -> Sequence[ActionSpec]:
        if self.detected is None:
            return ()
        caps, found = self.detected.capabilities, self.detected
        out: list[ActionSpec] = []
        if found.switches:
            ids = [s for s in found.switches if s.get("enabled", True)] or found.switches
            choices = tuple(Choice(int(s["switch"]), f"Switch {s['switch']}") for s in ids)
            switch = ParamSpec("switch", "Switch", Kind.ENUM, choices=choices,
                               default=choices[0].value, required=True)
            timeout = ParamSpec("timeout", "Release after", Kind.INT, minimum=1, maximum=86400,
                                unit="s", help="Defines when the switch is released again.")
            out.append(ActionSpec("open_door", "Open door", (switch,), capability="switches",
                                  help="The door on the chosen switch opens for the switch's "
                                       "set time, then locks again. (Technically: a "
                                       "monostable switch is activated, a bistable one "
                                       "toggled.)"))
            for action, label in (("on", "Switch on"), ("off", "Switch off"), ("hold", "Hold"),
                                  ("release", "Release"), ("lock", "Lock"),
                                  ("unlock", "Unlock")):
                out.append(ActionSpec(f"switch_{action}", label, (switch, timeout),
                                      capability="switches"))
        outputs = [p for p in found.ports if p.get("type") == "output"]
        if outputs:
            port = ParamSpec("port", "Output", Kind.ENUM, required=True,
                             choices=tuple(Choice(p["port"], p["port"]) for p in outputs))
            out += [ActionSpec("output_on", "Output on", (port,), capability="io"),
                    ActionSpec("output_off", "Output off", (port,), capability="io")]
        if Capability.CALLS in caps:
            session = ParamSpec("session", "Call", Kind.INT, minimum=0, required=True)
            out += [
                ActionSpec("dial", "Dial", (
                    ParamSpec("number", "Number or SIP URI"),
                    ParamSpec("users", "Users (uuids, comma-separated)")),
                    help="Give a number or users, not both.", capability="calls"),
                ActionSpec("answer", "Answer", (session,), capability="calls"),
                ActionSpec("hangup", "Hang up", (session, ParamSpec(
                    "reason", "Reason", Kind.ENUM, default="normal",
                    choices=tuple(Choice(r, r.capitalize()) for r in HANGUP_REASONS))),
                    capability="calls"),
            ]
        # Without system/caps (firmware before v2.29) the audio test is offered from v2.14,
        # where the document introduces audio/test (Helios IP v2.11 has none).
        if Capability.AUDIO in caps or (not self.detected.has_system_caps
                                        and firmware_at_least(self.info, (2, 14))):
            out.append(ActionSpec("audio_test", "Audio test", capability="audio",
                                  help="Test of the built-in microphone and speaker; the "
                                       "result arrives as an AudioLoopTest event."))
        out += operator_actions(caps, found.has_system_caps)
        out += [
            ActionSpec("restart", "Restart", capability="maintenance", dangerous=True,
                       confirm_text="Restart the intercom? Calls in progress are dropped."),
            ActionSpec("factory_reset", "Factory reset", capability="maintenance",
                       dangerous=True, confirm_text="Reset ALL settings to factory "
                       "defaults? This cannot be undone."),
        ]
        return out

    @override
    async def run_action(self, action_id: str, args: Mapping[str, Any]) -> Any:
        values = self.action_values(action_id, args)
        c = self.client
        if action_id in RUNNERS:
            return await RUNNERS[action_id](c, values)
        if action_id == "open_door":
            return await c.switch_ctrl(values["switch"], "trigger")
        if action_id.startswith("switch_"):
            return await c.switch_ctrl(values["switch"], action_id.removeprefix("switch_"),
                                       timeout=values.get("timeout"))
        if action_id.startswith("output_"):
            return await c.io_ctrl(values["port"], action_id.removeprefix("output_"))
        if action_id == "dial":
            users = [u.strip() for u in (values.get("users") or "").split(",") if u.strip()]
            return await c.call_dial(values.get("number") or None, users or None)
        if action_id == "answer":
            return await c.call_answer(values["session"])
        if action_id == "hangup":
            return await c.call_hangup(values["session"], values.get("reason"))
        simple: dict[str, Callable[[], Awaitable[Any]]] = {
            "audio_test": c.audio_test, "restart": c.system_restart,
            "factory_reset": c.config_factory_reset}
        return await simple[action_id]()

    # -- raw functions (CLI) --------------------------------------------------------------
    @override
    async def call_raw(self, function_name: str, args: Mapping[str, str]) -> Any:
        """Call any documented function; ``blob-*=@file`` reads a file, JSON bodies may be
        given whole as ``json=...`` or key by key (values parsed as JSON when they are)."""
        fn = function(function_name)
        c = self.client
        params = dict(args)
        if fn.body is Body.JSON:
            body = (_json_arg(params.pop("json")) if "json" in params
                    else {k: _maybe_json(v) for k, v in params.items()})
            return await c.call(fn.name, json_body=body)
        files = {k: (Path(v[1:]).name, _read_file(v[1:]), "application/octet-stream")
                 for k, v in params.items() if k.startswith("blob-") and v.startswith("@")}
        for key in files:
            params.pop(key)
        if fn.reply is Reply.STREAM:
            chunks = [chunk async for chunk in c.pcap_live(_int_arg(params.get("duration")))]
            return b"".join(chunks)
        if fn.reply is Reply.BINARY:
            return await c.call_binary(fn.name, params)
        if "response" in params and fn.name in ("switch/ctrl", "io/ctrl"):
            return await c.call_text(fn.name, params)
        return await c.call(fn.name, params, files=files or None)

    # -- events ---------------------------------------------------------------------------
    @override
    async def aclose(self) -> None:
        if self.event_source is not None:
            # A consumer that stopped iterating (``break``) leaves its channel subscribed:
            # unsubscribe now, while the connection is still open.
            await self.event_source.aclose()
        await super().aclose()

    @override
    def events(self) -> AsyncIterator[DeviceEvent]:
        """The event stream: a :class:`TwoNEventSource` (it retries by itself and reports its
        state through ``on_state``; see ``event_stream``)."""
        return self.event_stream()

    def event_stream(self, on_state: Callable[[SourceState, str], None] | None = None
                     ) -> TwoNEventSource:
        """A new ``TwoNEventSource``: ``async for`` it for DeviceEvents; its ``state`` /
        ``message`` and the ``on_state(state, reason)`` callback show connecting / live /
        retrying / disabled / stopped. The latest one is also kept in ``self.event_source``."""
        self.event_source = TwoNEventSource(
            self.client, self.host, event_filter=sorted(self.local.get("log.filter") or ()),
            on_state=on_state, **self.event_options)
        return self.event_source

    @override
    def program_settings(self) -> dict[str, Any]:
        return {key: sorted(value) if isinstance(value, set | frozenset) else value
                for key, value in self.local.items() if value is not None}

    @override
    def restore_program_settings(self, values: Mapping[str, Any]) -> list[str]:
        known = {spec.key: spec for page in self.pages() for spec in page.params
                 if spec.key in self.local}
        left_out = []
        for key, value in values.items():
            spec = known.get(key)
            try:
                if spec is None:
                    raise InvalidValue("not a setting of this device")
                self.local[key] = spec.validate(value)
            except InvalidValue as exc:
                log.info("%s: saved setting %s left out: %s", self.host, key, exc)
                left_out.append(key)
        return sorted(left_out)

    @override
    def cameras(self) -> Sequence[CameraSource]:
        camera = self.detected.camera if self.detected else {}
        if not camera:
            return ()
        resolutions = tuple((int(r["width"]), int(r["height"]))
                            for r in camera.get("jpegResolution", []))
        sources = [str(s["source"]) for s in camera.get("sources", [])] or [""]
        chosen_source = self.local.get("camera.source")
        if chosen_source in sources:  # the Camera page's source first
            sources.remove(chosen_source)
            sources.insert(0, chosen_source)
        preferred = self._chosen_resolution()
        if preferred not in resolutions:
            preferred = None
        return tuple(CameraSource(s, (s or "camera").capitalize(), resolutions, mjpeg=True,
                                  max_fps=0, preferred=preferred) for s in sources)

    def _chosen_resolution(self) -> tuple[int, int] | None:
        """The Camera page's resolution; None for Automatic."""
        width, _, height = str(self.local.get("camera.resolution") or "").partition("x")
        if width.isdigit() and height.isdigit():
            return int(width), int(height)
        return None

    def _resolution(self, width: int, height: int) -> tuple[int, int]:
        if width and height:
            return width, height
        chosen = self._chosen_resolution()
        if chosen is not None:
            return chosen
        cams = self.cameras()
        if cams and cams[0].resolutions:
            return cams[0].resolutions[-1]
        return 640, 480

    @override
    async def snapshot(self, source: str = "", width: int = 0, height: int = 0, *,
                       time: int = 0) -> bytes:
        """One JPEG; ``time`` (-30..0 s) asks for a frame from the device's memory."""
        w, h = self._resolution(width, height)
        return await self.client.camera_snapshot(
            w, h, source=source or self.local.get("camera.source") or None,
            time=int(time) or None)

    @override
    def mjpeg_request(self, source: str = "", width: int = 0, height: int = 0, fps: int = 10
                      ) -> tuple[str, dict[str, str]]:
        w, h = self._resolution(width, height)
        return self.client.mjpeg_request(
            w, h, fps=fps, source=source or self.local.get("camera.source") or None)

    # -- maintenance ----------------------------------------------------------------------
    @override
    async def backup(self) -> tuple[bytes, str]:
        return await self.client.config_get(), ".xml"

    async def config_file_get(self) -> bytes:
        """GET /api/config: the complete configuration XML (the EditsConfigFile ability)."""
        return await self.client.config_get()

    async def config_file_put(self, content: bytes) -> None:
        """PUT /api/config; the device applies it about 15 s after answering."""
        await self.client.config_put(content)

    @override
    def maintenance(self) -> MaintenanceSpec:
        return MaintenanceSpec(
            backup=True, restore=True, firmware=True, config_suffix=".xml",
            help="Restore uploads a configuration XML (PUT /api/config); the device applies it "
                 "in about 15 s. Firmware is checked by the device before you apply it.")

    @override
    async def restore(self, content: bytes, filename: str) -> None:
        check_file(content, filename, "a 2N configuration XML file", magic=(b"<?xml", b"<"))
        # A file that does not parse is refused here, in one line, before anything is sent.
        parse_xml_document(content, what=filename or "the file")
        await self.client.config_put(content)

    @override
    async def firmware_upload(self, content: bytes, filename: str) -> FirmwareImage:
        """PUT /api/firmware: the device checks the image and keeps it pending; its reply
        (version, downgrade, note, fileId) is shown before apply or reject."""
        image = await firmware_image(content, filename)
        reply = await self.client.firmware_upload(content, filename or "firmware.bin")
        return FirmwareImage(
            filename=image.filename, size=image.size, md5=image.md5,
            version=str(reply.get("version", "")), downgrade=bool(reply.get("downgrade")),
            note=str(reply.get("note", "")), file_id=str(reply.get("fileId") or ""),
            staged=True)

    @override
    async def firmware_apply(self, image: FirmwareImage,
                             on_step: StepCallback | None = None) -> None:
        if on_step is not None:
            on_step(f"Applying firmware {image.version or image.filename}…")
        await self.client.firmware_apply(image.file_id or None)

    @override
    async def firmware_reject(self, image: FirmwareImage) -> None:
        if not image.file_id:  # v2.11: no fileId and no reject; the device drops it itself
            raise NotSupported("this firmware version cannot discard an uploaded image; "
                               "it is dropped after 5 minutes or at the next restart",
                               host=self.host)
        await self.client.firmware_reject(image.file_id)


async def _try(call: Callable[[], Awaitable[Any]]) -> Any | None:
    try:
        return await call()
    except _ABSENT:
        return None


_Writer = Callable[["TwoNDevice", "re.Match[str]", Any], Awaitable[None]]
#: Which writer sets which key (the first pattern that matches the whole key).
_WRITERS: tuple[tuple[re.Pattern[str], _Writer], ...] = (
    (re.compile(r"camera\.source|camera\.resolution|log\.filter"), TwoNDevice._set_local),
    (re.compile(r"time\.utcTime"), TwoNDevice._set_time),
    (re.compile(r"accesspoint\.(\d+)\.blocked"), TwoNDevice._set_blocking),
    (re.compile(r"mobilekey\.location"), TwoNDevice._set_mobilekey),
)


def _row_results(op: str, sent: Sequence[Mapping[str, Any]], reply: Mapping[str, Any]
                 ) -> list[RowResult]:
    answered = reply.get("users", [])
    results = []
    for index, row in enumerate(sent):
        item = answered[index] if index < len(answered) and isinstance(answered[index], dict) \
            else {}
        key = item.get("uuid") or row.get("uuid")
        errors = item.get("errors")
        if errors:
            text = ", ".join(f"{e.get('code')}" + (f" ({e['field']})" if e.get("field") else "")
                             for e in errors if isinstance(e, dict))
            results.append(RowResult(op, key, False, text))
        elif "timestamp" in item:
            results.append(RowResult(op, key, True))
        else:
            results.append(RowResult(op, key, False, "the device did not confirm this row"))
    return results


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InvalidValue(f"cannot read {path}: {exc.strerror}") from None


def _json_arg(text: str) -> Any:
    try:
        return safejson.loads(text)
    except ValueError:
        raise InvalidValue("json=... is not valid JSON") from None


def _maybe_json(text: str) -> Any:
    try:
        return safejson.loads(text)
    except ValueError:
        return text


def _int_arg(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidValue(f"{text!r} is not a whole number") from None


__all__ = ["ConfiguratorError", "TwoNDevice", "info_from_result"]


def firmware_at_least(info: DeviceInfo | None, version: tuple[int, int]) -> bool:
    """Whether the firmware (``2.11.0.19.2``) is at least ``version`` (major, minor); an
    unknown or unreadable version counts as new enough (nothing is hidden by a guess)."""
    parts = (info.firmware if info else "").split(".")
    try:
        return (int(parts[0]), int(parts[1])) >= version
    except (IndexError, ValueError):
        return True
