"""The Fanvil / OpenVox phone as a vendor-neutral :class:`Device`."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping, Sequence
from functools import partial
from typing import Any

from typing_extensions import override

from ...core.device import ActionSpec, Capability, Device, DeviceInfo, MaintenanceSpec
from ...core.errors import AuthError, InvalidValue, NotSupported
from ...core.events import DeviceEvent
from ...core.params import Kind, ParamSpec, SettingsPage, TableSpec
from ...core.registration import RegistrationReport
from ...core.transport import Transport
from ...core.write import RowResult, RowWriter, SendResult, TableChanges
from ..polling import PolledEvents
from . import specs
from .client import FanvilClient, FanvilError, ShellNotAllowed
from .events import POLL_KEYS, StatusTracker
from .protocol import parse_nc_line, render_nc_text
from .registration import line_keys, registration_report

INFO_KEYS = ("info.dev.Model", "info.dev.Vendor", "info.dev.Mac", "info.dev.SN",
             "info.sys.FwVersion", "info.sys.HwVersion", "info.sys.UpTime")
_LINE = re.compile(r"^sip\.line\.(\d+)\.")

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("dial", "Dial", (ParamSpec("number", "Number", Kind.STRING, required=True,
                                          max_length=64, pattern=r"[0-9A-Za-z*#+@._:-]+"),),
               help="Call a number from the phone (Execute Dial).", capability="calls"),
    ActionSpec("hangup", "Hang up", help="End the current call (Execute Key:ONHOOK; key name "
               "assumed).", capability="calls"),
    ActionSpec("key", "Press key", (ParamSpec("name", "Key", Kind.STRING, required=True,
                                              pattern=r"[A-Za-z0-9_*#]{1,32}",
                                              help="e.g. OK, CANCEL, OFFHOOK, 5, DSSKEY1"),),
               help="Simulate a key press (Execute Key).", capability="calls"),
    ActionSpec("led", "Set LED", (ParamSpec("param", "LED command", Kind.STRING, required=True,
                                            pattern=r"[A-Za-z0-9_]+=[A-Za-z0-9_]+",
                                            help="e.g. LINE1_GREEN=on (syntax assumed)"),),
               help="Switch a phone LED (Execute Led).", capability="system"),
    ActionSpec("reboot", "Reboot", help="Restart the phone (Execute Cmd:reboot).",
               capability="maintenance", dangerous=True,
               confirm_text="Reboot the phone? Calls in progress are dropped."),
    ActionSpec("factory_reset", "Factory reset", help="Restore factory settings "
               "(Execute Cmd:reset).", capability="maintenance", dangerous=True,
               confirm_text="Erase all settings of this phone (SIP accounts included)?"),
)

RAW_FUNCTIONS = ("get", "set", "del", "list", "info", "execute", "reboot", "reset", "dial",
                 "key", "led", "ncconfig", "shell")


def info_from_values(values: Mapping[str, str]) -> DeviceInfo:
    """The identity in the phone's ``info.*`` values (its probe and ``read_info``)."""
    return DeviceInfo(
        vendor=values.get("info.dev.Vendor") or "Fanvil",
        model=values.get("info.dev.Model", ""),
        serial=values.get("info.dev.SN", ""),
        mac=values.get("info.dev.Mac", ""),
        firmware=values.get("info.sys.FwVersion", ""),
        hardware=values.get("info.sys.HwVersion", ""),
    )


def _names(args: Mapping[str, str], list_arg: str) -> list[str]:
    """``keys=a,b`` or bare names given as ``a= b=`` (CLI ``call`` k=v syntax)."""
    if list_arg in args:
        return [k.strip() for k in args[list_arg].split(",") if k.strip()]
    return list(args)


class FanvilDevice(Device):
    """A Fanvil / OpenVox phone behind the vendor-neutral Device interface."""

    vendor = "Fanvil"
    driver_id = "fanvil"
    fixed_actions = ACTIONS

    def __init__(self, transport: Transport, *, allow_shell: bool = False,
                 poll_interval: float = 2.0, max_backoff: float = 30.0) -> None:
        super().__init__(transport)
        self.client = FanvilClient(transport, allow_shell=allow_shell)
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self._lines: list[int] = [1]
        self._lists: list[str] = list(specs.LIST_COLUMNS)
        self._all_keys: list[str] = []
        self._caps: frozenset[str] | None = None

    # -- identity ---------------------------------------------------------------------------
    @override
    async def read_info(self) -> DeviceInfo:
        values = await self.client.info(*INFO_KEYS)
        self.info = info_from_values(values)
        self.info.extra = {"uptime": values.get("info.sys.UpTime", "")}
        return self.info

    @override
    async def capabilities(self) -> frozenset[str]:
        """Lines and lists are detected: an unknown node comes back as ``name. =`` (empty)."""
        prefixes = ["sip.line."] + [f"{specs.list_name(t)}." for t in specs.LIST_COLUMNS]
        values = await self.client.get(*prefixes)
        self._lines = sorted({int(m[1]) for k in values if (m := _LINE.match(k))}) or [1]
        missing = {k[:-1] for k, v in values.items() if k.endswith(".") and v == ""}
        self._lists = [t for t in specs.LIST_COLUMNS if specs.list_name(t) not in missing]
        caps: set[str] = {Capability.SYSTEM, Capability.SIP, Capability.CALLS,
                          Capability.EVENTS, Capability.MAINTENANCE}
        caps |= {specs.LIST_COLUMNS[t][3] for t in self._lists}
        self._caps = frozenset(str(c) for c in caps)
        return self._caps

    # -- settings -----------------------------------------------------------------------------
    @override
    def pages(self) -> Sequence[SettingsPage]:
        return [*specs.build_pages(self._lines), specs.all_page(self._all_keys)]

    @override
    async def read_page(self, page_id: str) -> dict[str, Any]:
        page = self.page(page_id)
        if page_id == "all":
            raw = await self.client.get_all()
            self._all_keys = list(raw)
            page = self.page("all")
        else:
            raw = await self.client.get(*(s.key for s in page.params))
        return {s.key: specs.from_nc(s, raw.get(s.key, "")) for s in page.params}

    @override
    async def writable_page(self, page_id: str) -> SettingsPage:
        """The "all" page is built from the phone's own key list: read it when empty."""
        if page_id == "all" and not self._all_keys:
            self._all_keys = list(await self.client.get_all())
        return self.page(page_id)

    @override
    async def read_values(self, page_id: str, keys: Sequence[str]) -> dict[str, Any]:
        """Only these keys (``get`` with their names), typed; a key the phone answers
        with an empty value it does not have is left out."""
        page = self.page(page_id)
        raw = await self.client.get(*keys)
        return {key: specs.from_nc(page.spec(key), raw[key]) for key in keys if key in raw}

    @override
    async def write_values(self, page_id: str, values: Mapping[str, Any]) -> SendResult:
        """One ``set``; the phone stops at the first item it refuses (doc 2.1.2) and names
        it, so the keys after it were not processed."""
        page = self.page(page_id)
        try:
            await self.client.set({k: specs.to_nc(page.spec(k), v) for k, v in values.items()})
        except FanvilError as exc:
            if exc.param is None or exc.param not in values:
                raise
            return SendResult(refused={exc.param: exc.description or exc.message},
                              stopped=f"the phone stopped at {exc.param}")
        return SendResult()

    # -- tables ---------------------------------------------------------------------------------
    @override
    def tables(self) -> Sequence[TableSpec]:
        return [specs.build_table(t) for t in self._lists]

    @override
    async def read_table(self, table_id: str) -> list[dict[str, Any]]:
        spec = self.table(table_id)
        rows = await self.client.get_list(specs.list_name(table_id))
        return [{c.key: specs.from_nc(c, row.get(c.key, "")) for c in spec.columns}
                for row in rows]

    @override
    async def change_table(self, table_id: str, changes: TableChanges) -> list[RowResult]:
        """Updates first (insert the new record at its index, then delete the old one, so a
        failure never loses the record), then deletes from the bottom up, then adds."""
        add, update, delete = changes.add, changes.update, changes.delete
        spec = self.table(table_id)
        name = specs.list_name(table_id)
        writer = RowWriter()
        current = {int(r["index"]): r for r in await self.client.get_list(name)}
        for row in update:
            await writer.row("set", row.get("index"),
                             partial(self._update_row, spec, name, row, current))
        for index in sorted((int(spec.column("index").validate(i)) for i in delete),
                            reverse=True):
            await writer.row("del", index, partial(self.client.delete, f"{name}.{index}"))
        for row in add:
            await writer.row("add", row.get("index"), partial(self._add_row, spec, name, row))
        return writer.results

    @override
    async def send_clear(self, table_id: str) -> None:
        """``cmd="del"`` with the list name ending in "." clears the whole list (document)."""
        await self.client.delete(f"{specs.list_name(table_id)}.")

    async def _add_row(self, spec: TableSpec, name: str, row: Mapping[str, Any]) -> None:
        clean = spec.validate_row(row)
        index = clean.pop("index", None)
        record = {k: specs.to_nc(spec.column(k), v) for k, v in clean.items()}
        await self.client.insert_records(name, [record], index)

    async def _update_row(self, spec: TableSpec, name: str, row: Mapping[str, Any],
                          current: Mapping[int, Mapping[str, str]]) -> None:
        unknown = set(row) - {c.key for c in spec.columns}
        if unknown:
            raise InvalidValue(f"table {spec.id}: unknown column(s) {', '.join(sorted(unknown))}")
        clean = {k: spec.column(k).validate(v) for k, v in row.items()}  # partial rows allowed
        index = clean.pop("index", None)
        if index not in current:
            raise InvalidValue(f"{spec.id}: no row with index {index}", param="index")
        merged = {c.key: current[index].get(c.key, "") for c in spec.columns if c.key != "index"}
        merged.update({k: specs.to_nc(spec.column(k), v) for k, v in clean.items()})
        await self.client.insert_records(name, [merged], index)
        await self.client.delete(f"{name}.{index + 1}")

    # -- actions --------------------------------------------------------------------------------
    @override
    async def run_action(self, action_id: str, args: Mapping[str, Any]) -> Any:
        values = self.action_values(action_id, args)
        if action_id == "dial":
            await self.client.dial(values["number"])
        elif action_id == "hangup":
            await self.client.key("ONHOOK")
        elif action_id == "key":
            await self.client.key(values["name"])
        elif action_id == "led":
            await self.client.led(values["param"])
        elif action_id == "reboot":
            await self.client.reboot()
        elif action_id == "factory_reset":
            await self.client.factory_reset()
        return None

    # -- raw calls (CLI ``call``) ----------------------------------------------------------------
    @override
    async def call_raw(self, function: str, args: Mapping[str, str]) -> Any:
        c = self.client
        if function == "get":
            return await c.get(*(_names(args, "keys") or ["."]))
        if function == "info":
            return await c.info(*_names(args, "keys"))
        if function == "set":
            await c.set(dict(args))
            return await c.get(*args) if args else {}
        if function == "del":
            await c.delete(*_names(args, "items"))
            return {"deleted": _names(args, "items")}
        if function == "list":
            return await c.get_list(args.get("name", ""))
        if function == "execute":
            kind, _, param = args.get("uri", "").partition(":")
            reply = await c.execute((kind, param))
            return {"retcode": reply.ret_code, "output": reply.text}
        if function == "shell":
            if not c.allow_shell:
                raise ShellNotAllowed("Shell commands are disabled for this device "
                                      "(opt in with allow_shell=True)", host=self.host)
            return {"output": await c.shell(args.get("command", ""))}
        if function in ("reboot", "reset"):
            await (c.reboot() if function == "reboot" else c.factory_reset())
            return {"ok": True}
        if function in ("dial", "key", "led"):
            arg = {"dial": "number", "key": "name", "led": "param"}[function]
            await getattr(c, function)(args.get(arg, ""))
            return {"ok": True}
        if function == "ncconfig":
            return await c.nc_config()
        raise NotSupported(f"unknown function {function!r} (known: {', '.join(RAW_FUNCTIONS)})",
                           host=self.host)

    async def sip_registrations(self) -> RegistrationReport:
        """Every line: its registration code and whether it is meant to register."""
        keys = [k for n in self._lines for k in line_keys(n)]
        return registration_report(self._lines, await self.client.get(*keys))

    # -- events -------------------------------------------------------------------------------
    @override
    def events(self) -> AsyncIterator[DeviceEvent]:
        """Changes of the polled ``info.*`` status; errors and backoff: :mod:`..polling`."""
        tracker = StatusTracker(self.host)

        async def poll() -> list[DeviceEvent]:
            return tracker.update(await self.client.get(*POLL_KEYS))

        return PolledEvents(self.host, poll, interval=self.poll_interval,
                            max_backoff=self.max_backoff, source="fanvil.poll")

    # -- maintenance ----------------------------------------------------------------------------
    @override
    async def backup(self) -> tuple[bytes, str]:
        """``/ncConfig.txt`` where the model has it (doc 4.1), else the full ``get .`` tree
        written in the same ``key = value`` syntax."""
        try:
            text = await self.client.nc_config_text()
            if all(parse_nc_line(line)[0] for line in text.splitlines() if line.strip()):
                return text.encode("utf-8"), ".txt"
        except (NotSupported, AuthError):
            pass  # no page on this model, or no web account given: the XML API still answers
        return render_nc_text(await self.client.get_all()).encode("utf-8"), ".txt"

    @override
    def maintenance(self) -> MaintenanceSpec:
        # The XML API has no configuration import or firmware upload (the document names
        # "Export configurations file" only in the web UI): backup only.
        return MaintenanceSpec(backup=True, config_suffix=".txt",
                               help="This phone's API offers no restore or firmware upload; "
                                    "use its web interface for those.")
