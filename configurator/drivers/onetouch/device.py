"""The Onetouch intercom behind the vendor-neutral :class:`Device` interface."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from typing_extensions import override

from ...core import safejson
from ...core.abilities import DoorsFromAction
from ...core.device import (
    ActionSpec,
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
from ...core.errors import InvalidValue, NotSupported, ProtocolError, Rejected
from ...core.events import DeviceEvent
from ...core.params import Choice, Kind, ParamSpec, SettingsPage, TableOp, TableSpec
from ...core.registration import RegistrationReport
from ...core.transport import Transport
from ...core.write import RowResult, RowWriter, SendResult, TableChanges
from .client import Form, OnetouchClient
from .events import OnetouchPoller
from .protocol import ItemResult
from .registration import registration_report
from .specs import (
    ALL_DOORS,
    ALL_TABLES,
    LOG_TYPE,
    PCAP_START_PARAMS,
    TABLE_TARGETS,
    decode,
    decode_row,
    encode,
    encode_row,
    input_page,
    log_page,
    publiccode_page,
    relay_page,
    sip_page,
)
from .status import ALL_SETTINGS, all_settings_page, read_status, status_page

PAGE_TARGETS = {"relay": "relay", "input": "input", "sip": "sip", "log": "log",
                "publiccode": "publiccode"}
# Optional functions probed to detect what this model offers: capability -> function.
_PROBES = {
    Capability.INPUTS: "input/status", Capability.SIP: "sip/status",
    Capability.CALLS: "call/status", Capability.RFKEYS: "rfkey/get",
    Capability.ACCESS: "privatekey/get", Capability.DIALREPLACE: "dialreplace/get",
    Capability.CONTACTS: "contact/get", Capability.CALLLOG: "calllog/get",
    Capability.DOORLOG: "doorlog/get", Capability.PCAP: "pcap/status",
    "publiccode": "publiccode/get", "groups": "group/get",
}


def _action(id_: str, label: str, *params: ParamSpec, **kw: Any) -> ActionSpec:
    return ActionSpec(id_, label, tuple(params), **kw)


class OnetouchDevice(DoorsFromAction, Device):
    """An Onetouch intercom behind the vendor-neutral Device interface."""

    vendor = "Onetouch"
    driver_id = "onetouch"

    def __init__(self, transport: Transport, *, form: Form = "post",
                 poll_interval: float = 2.0, max_backoff: float = 30.0) -> None:
        super().__init__(transport)
        self.client = OnetouchClient(transport, form=form)
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.relay_letters: tuple[str, ...] = ALL_DOORS
        self._config_keys: list[str] = []
        self._caps: frozenset[str] | None = None

    # -- identity and capabilities --------------------------------------------------------
    @override
    async def read_info(self) -> DeviceInfo:
        info = await self.client.system_info()
        status = info.get("Status", {})
        if not status.get("Model"):
            raise ProtocolError("system/info has no Status.Model", host=self.host)
        self.info = DeviceInfo(
            vendor=self.vendor, model=status["Model"], mac=status.get("MAC", ""),
            firmware=status.get("FirmwareVersion", ""),
            hardware=status.get("HardwareVersion", ""), name=status["Model"],
            extra={k: v for k, v in info.items() if k != "Status"})
        return self.info

    async def _offers(self, function: str) -> bool:
        try:
            await self.client.call(function)
        except (Rejected, ProtocolError):
            return False
        return True

    @override
    async def capabilities(self) -> frozenset[str]:
        relays = await self.client.relay_status()
        self.relay_letters = tuple(d for d in ALL_DOORS if f"Relay{d}" in relays)
        names = list(_PROBES)
        found = await asyncio.gather(*(self._offers(_PROBES[n]) for n in names))
        caps = {str(n) for n, ok in zip(names, found, strict=True) if ok}
        caps |= {Capability.SYSTEM, Capability.MAINTENANCE}
        if self.relay_letters:
            caps.add(Capability.RELAYS)
        if caps & {Capability.DOORLOG, Capability.CALLLOG}:
            caps.add(Capability.EVENTS)
        self._caps = frozenset(str(c) for c in caps)
        # The keys of the whole configuration (config/get) make the "All settings" page.
        self._config_keys = sorted(await self.client.config_get())
        return self._caps

    def _has(self, capability: str) -> bool:
        return self._caps is None or capability in self._caps

    # -- settings -------------------------------------------------------------------------
    @override
    def pages(self) -> Sequence[SettingsPage]:
        pages = [status_page(self._has(Capability.PCAP))]
        if self._has(Capability.RELAYS):
            pages.append(relay_page(self.relay_letters))
        if self._has(Capability.INPUTS):
            pages.append(input_page(self.relay_letters))
        if self._has(Capability.SIP):
            pages.append(sip_page())
        pages.append(log_page())
        if self._has("publiccode"):
            pages.append(publiccode_page())
        if self._config_keys:
            pages.append(all_settings_page(self._config_keys, pages))
        return pages

    @override
    async def read_page(self, page_id: str) -> dict[str, Any]:
        page = self.page(page_id)
        if page.id == "status":
            return await read_status(self.client, self._has(Capability.PCAP))
        if page.id == ALL_SETTINGS:
            raw = await self.client.config_get()
            return {s.key: decode(s, raw[s.key]) for s in page.params if s.key in raw}
        raw = await self.client._flat(f"{PAGE_TARGETS[page_id]}/get")
        return {s.key: decode(s, raw[s.key]) for s in page.params if s.key in raw}

    @override
    async def write_values(self, page_id: str, values: Mapping[str, Any]) -> SendResult:
        """One ``<target>/set`` call; the device takes all the keys or none (a refusal is
        the whole call's)."""
        page = self.page(page_id)
        if page.id == ALL_SETTINGS:
            await self.client.config_set({k: encode(page.spec(k), v) for k, v in values.items()})
            return SendResult()
        await self.client.call(f"{PAGE_TARGETS[page_id]}/set",
                               {k: encode(page.spec(k), v) for k, v in values.items()})
        return SendResult()

    # -- tables ---------------------------------------------------------------------------
    @override
    def tables(self) -> Sequence[TableSpec]:
        needs = {"privatekey": Capability.ACCESS, "groups": "groups"}
        return [t for t in ALL_TABLES if self._has(needs.get(t.id, t.capability))]

    @override
    async def read_table(self, table_id: str) -> list[dict[str, Any]]:
        spec = self.table(table_id)
        rows = await self.client.table_get(TABLE_TARGETS[table_id])
        return [decode_row(spec, row) for row in rows]

    @override
    async def change_table(self, table_id: str, changes: TableChanges) -> list[RowResult]:
        add, update, delete = changes.add, changes.update, changes.delete
        spec = self.table(table_id)
        target = TABLE_TARGETS[table_id]
        adds = [_without(encode_row(spec, dict(row)), spec.row_key) for row in add]
        updates = [_partial(spec, row) for row in update]
        writer = RowWriter()
        if table_id in ("calllog", "doorlog"):
            if add or update:
                raise NotSupported(f"{table_id} rows can only be deleted", host=self.host)
            for key in delete:
                await writer.row("del", key, partial(self.client.call, f"{target}/del",
                                                     {"ID": str(key)}))
            return writer.results
        if table_id == "contacts":
            for key in delete:
                await writer.row("del", key, partial(self.client.contact_del, str(key)))
            for row in updates:
                await writer.row("set", row["id"], partial(self.client.contact_set, row["id"],
                                                           **_without(row, "id")))
            for row in adds:
                await writer.row("add", row.get("name"), partial(self.client.contact_add, **row),
                                 key_of=_new_id)
            return writer.results
        await self._batch(writer, "del", [{spec.row_key: str(k)} for k in delete], target,
                          spec.row_key)
        await self._batch(writer, "set", updates, target, spec.row_key)
        await self._batch(writer, "add", [{spec.row_key: "0", **r} for r in adds], target,
                          spec.row_key)
        return writer.results

    async def _batch(self, writer: RowWriter, op: str, items: list[dict[str, str]],
                     target: str, row_key: str) -> None:
        call = partial(getattr(self.client, f"table_{op}"), target, items)
        await writer.rows(op, [_key(i, row_key) for i in items], call,
                          partial(_item_results, op, items, row_key))

    # -- actions --------------------------------------------------------------------------
    @override
    def actions(self) -> Sequence[ActionSpec]:
        doors = tuple(Choice(i + 1, f"Relay {d}") for i, d in enumerate(self.relay_letters))
        return (
            _action("open_door", "Open door (relay trigger)",
                    ParamSpec("num", "Relay", Kind.ENUM, choices=doors, default=1),
                    ParamSpec("mode", "Closing", Kind.ENUM, default=0,
                              choices=(Choice(0, "Auto close"), Choice(1, "Manual")),
                              help="Auto close: the door locks again by itself after the "
                                   "time below; Manual: it stays open until closed (the "
                                   "API's Mode)."),
                    ParamSpec("level", "Lock wiring", Kind.ENUM, default=1,
                              choices=(Choice(0, "NO - COM"), Choice(1, "NC - COM")),
                              help="The relay contacts the lock is wired to, as on the "
                                   "relay page (the API's Level)."),
                    ParamSpec("delay", "Open for", Kind.INT, 0, 65535, unit="s", default=0,
                              help="0~65535 (Second); 0 = the relay's hold delay (the API's "
                                   "Delay)."),
                    capability=Capability.RELAYS,
                    help="Opens the door on the chosen relay; the settings below are "
                         "normally left as they are."),
            _action("dial", "Dial", ParamSpec("phone", "Number or address", required=True),
                    ParamSpec("display_name", "Display name", default=""),
                    capability=Capability.CALLS),
            _action("hangup", "Hang up", capability=Capability.CALLS),
            _action("pcap_start", "Start packet capture", *PCAP_START_PARAMS,
                    capability=Capability.PCAP),
            _action("pcap_stop", "Stop packet capture", capability=Capability.PCAP),
            _action("log_clear", "Clear a system log", LOG_TYPE,
                    capability=Capability.MAINTENANCE, dangerous=True,
                    confirm_text="Delete the chosen system log on the intercom? Download it "
                                 "first if support may need it."),
            _action("reboot", "Reboot", capability=Capability.MAINTENANCE, dangerous=True,
                    confirm_text="Reboot the intercom? Calls in progress are dropped."),
            _action("factory_reset", "Factory reset", capability=Capability.MAINTENANCE,
                    dangerous=True, confirm_text="Erase ALL settings, cards and logs?"),
        )

    @override
    async def run_action(self, action_id: str, args: Mapping[str, Any]) -> Any:
        spec = self.action(action_id)
        values = {p.key: p.default for p in spec.params}
        for key, raw in args.items():
            param = next((p for p in spec.params if p.key == key), None)
            if param is None:
                raise InvalidValue(f"{action_id} has no argument {key!r}", param=key)
            values[key] = param.parse(raw) if isinstance(raw, str) else param.validate(raw)
        for param in spec.params:
            if param.required and not values.get(param.key):
                raise InvalidValue(f"{action_id}: {param.label} is required", param=param.key)
        c = self.client
        if action_id == "open_door":
            return await c.relay_trig(values["num"], mode=values["mode"],
                                      level=values["level"], delay=values["delay"])
        if action_id == "dial":
            return await c.call_dial(values["phone"], values["display_name"] or "")
        if action_id == "log_clear":
            return await c.log_clear(values["type"])
        if action_id == "pcap_start":
            return await c.pcap_start(values["type"], values["filter"], values["time"],
                                      values["size"])
        simple = {"hangup": c.call_hangup, "pcap_stop": c.pcap_stop,
                  "reboot": c.system_reboot, "factory_reset": c.config_reset_factory}
        return await simple[action_id]()

    # -- files on the device (core.downloads.OffersFiles) ------------------------------------
    def files(self) -> Sequence[DeviceFile]:
        """The system logs (log/export) and, with packet capture, the capture (pcap/export)."""
        # The document names the files log.txt, kmsg.txt and log_debug.tar.gz.
        suffixes = {"log": ".txt", "kmsg": ".txt", "log_debug": ".tar.gz"}
        out = [DeviceFile(f"log-{c.value}", str(c.label), suffixes.get(str(c.value), ""),
                          f"log/export type={c.value}") for c in LOG_TYPE.choices]
        if self._has(Capability.PCAP):
            out.append(DeviceFile("capture", "Packet capture", ".pcap",
                                  "pcap/export: the last capture (start and stop it with the "
                                  "packet capture actions)"))
        return out

    async def download(self, file_id: str) -> tuple[bytes, str]:
        """One of :meth:`files`, with the name the device gave it."""
        try:
            find_file(self.files(), file_id)
        except KeyError as exc:
            raise NotSupported(exc.args[0], host=self.host) from None
        if file_id == "capture":
            exported = await self.client.pcap_export()
        else:
            exported = await self.client.log_export(file_id.removeprefix("log-"))
        return exported.content, exported.filename

    # -- raw calls, events, backup --------------------------------------------------------
    @override
    async def call_raw(self, function: str, args: Mapping[str, str]) -> Any:
        fn = self.client.function(function)
        data = {k: _maybe_json(v) for k, v in args.items()}
        if fn.kind == "file":
            return (await self.client.export(function, data)).content
        if fn.kind == "upload":
            path = data.pop("file", None)
            if not path:
                raise InvalidValue(f"{function} needs file=PATH")
            try:
                content = Path(str(path)).read_bytes()
            except OSError as exc:
                raise InvalidValue(f"cannot read {path}: {exc.strerror}") from None
            return await self.client.upload(function, content, Path(str(path)).name, data)
        return await self.client.call(function, data or None)

    async def sip_registrations(self) -> RegistrationReport:
        """Both accounts from ``sip/status`` (:mod:`.registration`)."""
        if not self._has(Capability.SIP):
            return RegistrationReport(note="This intercom does not answer sip/status.")
        return registration_report(await self.client.sip_status())

    @override
    def events(self) -> AsyncIterator[DeviceEvent]:
        return OnetouchPoller(self.client, interval=self.poll_interval,
                              max_backoff=self.max_backoff).run()

    @override
    async def backup(self) -> tuple[bytes, str]:
        exported = await self.client.config_export()
        return exported.content, ".tgz"

    # -- maintenance: restore, firmware, the device's own table files --------------------------
    @override
    def maintenance(self) -> MaintenanceSpec:
        return MaintenanceSpec(
            backup=True, restore=True, firmware=True, config_suffix=".tgz",
            restore_restarts=True,
            help="Restore imports a Config.tgz exported from an Onetouch intercom (the device "
                 "restarts). Firmware: prepare, upload, then upgrade checked by MD5.")

    @override
    async def restore(self, content: bytes, filename: str) -> None:
        # The device accepts "only tgz file" (config/import); check before sending.
        check_file(content, filename, "a Config.tgz configuration archive",
                   suffixes=(".tgz",), magic=b"\x1f\x8b")
        await self.client.config_import(content, filename)

    @override
    async def firmware_upload(self, content: bytes, filename: str) -> FirmwareImage:
        # Assumption: the image is only checked here (size, MD5); prepare/upload/upgrade run
        # together in firmware_apply so a cancelled upgrade leaves the device untouched (the
        # API has no way to discard a prepared upload).
        return await firmware_image(content, filename, staged=False)

    @override
    async def firmware_apply(self, image: FirmwareImage,
                             on_step: StepCallback | None = None) -> None:
        step = on_step or (lambda text: None)
        step("Preparing the device for the upgrade (1/3)…")
        await self.client.firmware_prepare()
        step(f"Uploading {image.filename} (2/3)…")
        await self.client.firmware_upload(image.content, image.filename or "firmware.rom")
        step("Upgrading, checked by MD5 (3/3)…")
        await self.client.firmware_upgrade(image.md5)

    @override
    async def send_clear(self, table_id: str) -> None:
        """``<target>/clear``: the seven tables that have it (rfkey, privatekey, contact,
        group, dialreplace, calllog, doorlog)."""
        await self.client.table_clear(TABLE_TARGETS[table_id])

    def _file_table(self, table_id: str, op: TableOp) -> tuple[TableSpec, str]:
        spec = self.table(table_id)
        if op not in spec.operations:
            word = "export" if op is TableOp.EXPORT else "import"
            raise NotSupported(f"{spec.title} has no {word} file on this device", host=self.host)
        return spec, TABLE_TARGETS[spec.id]

    @override
    async def export_table(self, table_id: str) -> tuple[bytes, str]:
        spec, target = self._file_table(table_id, TableOp.EXPORT)
        exported = await self.client.export(f"{target}/export")
        suffix = Path(exported.filename).suffix or f".{spec.export_format or 'bin'}"
        return exported.content, suffix

    @override
    async def import_table(self, table_id: str, content: bytes,
                           filename: str) -> list[RowResult] | None:
        spec, target = self._file_table(table_id, TableOp.IMPORT)
        suffix = f".{spec.export_format}" if spec.export_format else ""
        magic = b"<" if spec.export_format == "xml" else b""
        check_file(content, filename, f"a {spec.title} file exported from the device",
                   suffixes=(suffix,) if suffix else (), magic=magic)
        # Assumption: the device replaces the whole table, all or nothing (no per-row reply).
        await self.client.table_import(target, content, filename)
        return None


def _new_id(answer: Any) -> int | None:
    """The id the device gave an added row, when its answer names one."""
    if isinstance(answer, dict) and answer.get("id"):
        return int(answer["id"])
    return None


def _item_results(op: str, items: Sequence[Mapping[str, str]], row_key: str,
                  replies: Sequence[ItemResult]) -> list[RowResult]:
    """Per-row results of a batch call, from the device's per-item answers."""
    results = []
    for index, item in enumerate(items):
        reply = replies[index] if index < len(replies) else None
        if reply is None:
            results.append(RowResult(op, _key(item, row_key), False, "no result from device"))
            continue
        key = _key(reply.row, row_key) if reply.row.get(row_key) else _key(item, row_key)
        if op == "add" and reply.ok:
            key = reply.ret
        message = "" if reply.ok else f"refused by the device (Ret {reply.ret})"
        results.append(RowResult(op, key, reply.ok, message))
    return results


def _without(row: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != key}


def _key(row: Mapping[str, Any], row_key: str) -> Any:
    value = row.get(row_key, row.get("Name", row.get("Code")))
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _partial(spec: TableSpec, row: Mapping[str, Any]) -> dict[str, str]:
    """An update row: its key plus only the cells given, validated and encoded."""
    if spec.row_key not in row:
        raise InvalidValue(f"table {spec.id}: an update needs the row key {spec.row_key}")
    cells = {}
    for key, value in row.items():
        column = spec.column(key)
        typed = column.parse(value) if isinstance(value, str) else column.validate(value)
        cells[key] = encode(column, typed)
    return cells


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return safejson.loads(value)
        except ValueError:
            raise InvalidValue(f"argument {value[:30]!r} is not valid JSON") from None
    return value
