"""The FCM5600 IP-PBX behind the vendor-neutral :class:`Device` interface."""

from __future__ import annotations

import asyncio
import json
import secrets
import string
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import Any

from typing_extensions import override

from ...core import safejson
from ...core.device import ActionSpec, Capability, Device, DeviceInfo, MaintenanceSpec
from ...core.errors import (
    InvalidValue,
    NotSupported,
    Rejected,
)
from ...core.events import DeviceEvent
from ...core.params import Kind, ParamSpec, SettingsPage, TableSpec
from ...core.recordings import CALL_TYPES
from ...core.registration import RegistrationReport
from ...core.transport import Transport
from ...core.write import RowResult, RowWriter, TableChanges
from . import specs
from .client import FcmClient
from .events import extension_states, poll_events
from .protocol import EXTENSION_READ_ONLY, EXTENSION_WRITE_RENAMES, FUNCTIONS, RECORDING_KINDS
from .registration import addresses, registration_report

VENDOR = "FCM"

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("dial", "Dial", (
        ParamSpec("src", "Caller extension", Kind.STRING, required=True, pattern=r"\d{1,16}"),
        ParamSpec("dest", "Number to call", Kind.STRING, required=True,
                  pattern=r"[0-9*#+]{1,32}", help="With the correct dial prefix."),
    ), help="Make the caller's phone call a number.", capability="calls"),
    ActionSpec("hangup", "Hang up", (
        ParamSpec("extensions", "Extensions", Kind.STRING, required=True,
                  pattern=r"\d{1,16}(,\d{1,16})*", help="Extensions whose calls end, e.g. 100,101"),
    ), help="Terminate the calls of these extensions.", capability="calls"),
    ActionSpec("ldap-sync", "Sync phonebook to LDAP", help="Push phonebook contacts to LDAP.",
               capability="contacts"),
    ActionSpec("clear-phonebook", "Delete all contacts", dangerous=True, capability="contacts",
               confirm_text="Delete every phonebook contact on the PBX?"),
    ActionSpec("clear-callforward", "Delete all call forwards", dangerous=True,
               capability="extensions", confirm_text="Delete every call forward rule?"),
)

RowOp = Callable[[Mapping[str, Any]], Awaitable[Any]]


class FcmDevice(Device):
    """The FCM5600 IP-PBX behind the vendor-neutral Device interface."""

    vendor = VENDOR
    driver_id = "fcm5600"
    fixed_actions = ACTIONS

    def __init__(self, transport: Transport, *, poll_interval: float = 2.0,
                 max_backoff: float = 30.0) -> None:
        super().__init__(transport)
        self.client = FcmClient(transport)
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self._caps: frozenset[str] | None = None

    # -- identity -------------------------------------------------------------------------
    @override
    async def read_info(self) -> DeviceInfo:
        version = await self.client.version()
        extra: dict[str, Any] = {k: version[k] for k in ("lan_ip", "lan_mac", "wan_ip", "uptime")
                                 if k in version}
        self.info = DeviceInfo(vendor=VENDOR, model=version.get("model", ""),
                               mac=version.get("wan_mac", ""),
                               firmware=version.get("firmware", ""),
                               hardware=version.get("hardware", ""),
                               name=version.get("device_name", ""), extra=extra)
        return self.info

    @override
    async def capabilities(self) -> frozenset[str]:
        """Each capability is detected by calling its list function once."""
        probes: dict[str, Callable[[], Awaitable[Any]]] = {
            Capability.SYSTEM: self.client.version,
            Capability.EXTENSIONS: self.client.extension_info,
            Capability.TRUNKS: self.client.trunk_status,
            Capability.CALLS: self.client.calls,
            Capability.CALLLOG: lambda: self.client.search_call_log(page_size=1),
            Capability.CONTACTS: lambda: self.client.phonebook(page_size=1),
        }
        found: set[str] = set()
        for name, probe in probes.items():
            try:
                await probe()
            except (NotSupported, Rejected):
                continue
            found.add(str(name))
        if Capability.EXTENSIONS in found:
            found.add(str(Capability.EVENTS))
        self._caps = frozenset(found)
        return self._caps

    # -- pages ----------------------------------------------------------------------------
    @override
    def pages(self) -> Sequence[SettingsPage]:
        return (specs.STATUS_PAGE,)

    @override
    async def read_page(self, page_id: str) -> dict[str, Any]:
        self.page(page_id)
        c = self.client
        version, now, cpu, mem, disk, calls = await asyncio.gather(
            c.version(), c.system_time(), c.cpu(), c.mem(), c.disk(), c.calls())
        values: dict[str, Any] = {k: version.get(k, "") for k in (
            "model", "device_name", "firmware", "hardware", "uptime", "wan_ip", "wan_mac",
            "lan_ip", "lan_mac")}
        values.update(
            time=now, cpu=round(sum(cpu) / len(cpu), 1) if cpu else 0.0,
            mem_used=round(mem["used_percent"], 1), mem_total=int(mem["total"] // 2**20),
            sys_used=disk["sysused"], sys_total=disk["systotal"], rcd_used=disk["rcdused"],
            rcd_total=disk["rcdtotal"], usb_used=disk["usbused"], usb_total=disk["usbtotal"],
            calls=calls["calls"], maxcalls=calls["maxcalls"],
        )
        return values

    # -- tables ---------------------------------------------------------------------------
    @override
    def tables(self) -> Sequence[TableSpec]:
        return specs.ALL_TABLES

    @override
    async def read_table(self, table_id: str) -> list[dict[str, Any]]:
        spec = self.table(table_id)
        c = self.client
        readers: dict[str, Callable[[], Awaitable[list[dict[str, Any]]]]] = {
            "extensions": lambda: _collect(c.all_extensions()),
            "callforward": lambda: _collect(c.all_call_forwards()),
            "forwardable": c.call_forward_available,
            "wakeup": lambda: _collect(c.all_wakeup_calls()),
            "phonebook": lambda: _collect(c.all_contacts()),
            "trunks": self._trunk_rows,
            "registrations": c.extension_status,
            "calllog": lambda: _collect(c.all_call_logs()),
            "moh": c.moh_folders,
            "dialplans": c.dial_plans,
            "timeconditions": c.time_conditions,
        }
        rows = await readers[table_id]()
        return [_typed_row(spec, row) for row in rows]

    async def sip_registrations(self) -> RegistrationReport:
        """Trunks and extensions (:mod:`.registration`)."""
        caps = self._caps or frozenset()
        trunks = await self.client.trunk_status() if Capability.TRUNKS in caps else []
        rows = await self.client.extension_status() if Capability.EXTENSIONS in caps else []
        return registration_report(trunks, extension_states(rows), addresses(rows))

    async def _trunk_rows(self) -> list[dict[str, Any]]:
        info, status = await asyncio.gather(self.client.trunk_info(), self.client.trunk_status())
        states = {(s.get("trunkType"), s.get("name")): s for s in status}
        rows = []
        for row in info:
            name = row.get("name") or f"{row['kind']}-{row.get('serial', '')}"
            live = states.get((row["kind"], row.get("name")), {})
            rows.append({"kind": row["kind"], "name": name, "type": row.get("type", ""),
                         "ip": live.get("server") or row.get("ip", ""),
                         "delay": live.get("delay") or row.get("delay", ""),
                         "status": live.get("status") or row.get("status", ""),
                         "channel_status": row.get("channel_status", "")})
        return rows

    @override
    async def change_table(self, table_id: str, changes: TableChanges) -> list[RowResult]:
        add, update, delete = changes.add, changes.update, changes.delete
        spec = self.table(table_id)
        ops: dict[str, tuple[RowOp, RowOp, Callable[[RowWriter, Sequence[Any]], Awaitable[None]]]]
        ops = {
            "extensions": (self._add_extension, self._update_extension, self._delete_extensions),
            "callforward": (self._add_forward, self._update_forward, self._delete_forwards),
            "wakeup": (self._add_wakeup, self._update_wakeup, self._delete_wakeups),
            "phonebook": (self._add_contact, self._update_contact, self._delete_contacts),
        }
        if table_id not in ops:
            raise NotSupported(f"table {table_id} is read-only", host=self.host)
        do_add, do_update, do_delete = ops[table_id]
        writer = RowWriter()
        for op, rows, runner in (("add", add, do_add), ("set", update, do_update)):
            for row in rows:
                await writer.row(op, row.get(spec.row_key),
                                 partial(_write_row, spec, row, op, runner),
                                 key_of=_answer_is_key)
        await do_delete(writer, delete)
        return writer.results

    # extensions
    async def _add_extension(self, row: Mapping[str, Any]) -> str:
        exten = row.get("exten") or await self.client.gen_add_extension()
        if not await self.client.is_extension_available(exten):
            raise Rejected(f"extension {exten} already exists or is not allowed")
        body = {c.key: c.default for c in specs.EXTENSION_COLUMNS
                if not c.read_only and c.default is not None}
        # Assumption: a new extension without a password gets a random strong one.
        body.update(username=exten, password=_strong_password(), exten=exten)
        body.update({k: v for k, v in row.items() if v is not None})
        await self.client.add_extension(_extension_body(body))
        return exten

    async def _update_extension(self, row: Mapping[str, Any]) -> str:
        exten = str(_need(row, "exten"))
        current = await self._find_extension(exten)
        merged = {**current, **row}
        await self.client.update_extension(_extension_body(merged))
        return exten

    async def _find_extension(self, exten: str) -> dict[str, Any]:
        async for row in self.client.all_extensions(exten):
            if str(row.get("exten")) == exten:
                return row
        raise Rejected(f"extension {exten} does not exist")

    async def _delete_extensions(self, writer: RowWriter, keys: Sequence[Any]) -> None:
        if not keys:
            return
        existing = {str(r["exten"]) for r in await self.client.extension_info()}
        wanted = [str(k) for k in keys]
        present = [k for k in wanted if k in existing]
        for key in wanted:
            if key not in existing:
                writer.refuse("del", key, "extension does not exist")

        def per_row(count: int) -> list[RowResult]:
            ok = count == len(present)
            message = "" if ok else f"the PBX deleted {count} of {len(present)}"
            return [RowResult("del", k, ok, message) for k in present]

        await writer.rows("del", present, partial(self.client.delete_extensions, present),
                          per_row)

    # call forward
    async def _add_forward(self, row: Mapping[str, Any]) -> None:
        body = {**_defaults(specs.CALL_FORWARD), **row}
        await self.client.add_call_forward(_forward_body(body))

    async def _update_forward(self, row: Mapping[str, Any]) -> int:
        rid = int(_need(row, "id"))
        current = await _find(self.client.all_call_forwards(), rid, "call forward")
        await self.client.update_call_forward(_forward_body({**current, **row}) | {"id": rid})
        return rid

    async def _delete_forwards(self, writer: RowWriter, keys: Sequence[Any]) -> None:
        await writer.delete_each(keys, lambda rid: self.client.delete_call_forwards([rid]))

    # wake-up calls
    async def _add_wakeup(self, row: Mapping[str, Any]) -> None:
        await self.client.add_wakeup_call(_need(row, "callDateTime"), [_need(row, "exten")],
                                          int(row.get("musicID") or 0))

    async def _update_wakeup(self, row: Mapping[str, Any]) -> int:
        rid = int(_need(row, "id"))
        current = await _find(self.client.all_wakeup_calls(), rid, "wake-up call")
        if "exten" in row and str(row["exten"]) != str(current.get("exten")):
            raise Rejected("the extension of a wake-up call cannot be changed")
        merged = {**current, **row}
        await self.client.update_wakeup_calls([rid], str(merged["callDateTime"]),
                                              int(merged.get("musicID") or 0))
        return rid

    async def _delete_wakeups(self, writer: RowWriter, keys: Sequence[Any]) -> None:
        await writer.delete_each(keys, lambda rid: self.client.delete_wakeup_calls([rid]))

    # phonebook
    async def _add_contact(self, row: Mapping[str, Any]) -> None:
        await self.client.add_contact({k: ("" if v is None else v) for k, v in row.items()})

    async def _update_contact(self, row: Mapping[str, Any]) -> int:
        rid = int(_need(row, "id"))
        current = await _find(self.client.all_contacts(), rid, "contact")
        await self.client.update_contact({**current, **row, "id": rid})
        return rid

    async def _delete_contacts(self, writer: RowWriter, keys: Sequence[Any]) -> None:
        await writer.delete_each(keys, lambda rid: self.client.delete_contacts([rid]))

    # -- actions --------------------------------------------------------------------------
    @override
    async def run_action(self, action_id: str, args: Mapping[str, Any]) -> Any:
        values = self.action_values(action_id, args)
        if action_id == "dial":
            return await self.client.dial(values["src"], values["dest"])
        if action_id == "hangup":
            return await self.client.hangup(values["extensions"].split(","))
        if action_id == "ldap-sync":
            return await self.client.ldap_sync()
        if action_id == "clear-phonebook":
            return await self.client.delete_all_contacts()
        return await self.client.delete_all_call_forwards()

    @override
    async def send_clear(self, table_id: str) -> None:
        """``phone-book/delete-all`` and ``call-forward/delete-all``."""
        clear = {"phonebook": self.client.delete_all_contacts,
                 "callforward": self.client.delete_all_call_forwards}
        await clear[table_id]()

    @override
    async def call_raw(self, function: str, args: Mapping[str, str]) -> Any:
        """``function`` is a documented URL without ``/pbx/``/``/api/`` (e.g.
        ``systeminfo/version``, ``call-dial/dial``), or ``play`` with ``url=<playUrl>`` to
        download a recording. Argument values are JSON when they parse as JSON (numbers,
        booleans, arrays), else text."""
        name = function.strip().strip("/")
        for prefix in ("pbx/", "api/"):
            name = name.removeprefix(prefix)
        if name == "play" or name.startswith("play/"):
            url = args.get("url") or "/pbx/" + name
            return await self.client.download_recording(url)
        if name not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise NotSupported(f"no function {function!r} (known: {known}, play)",
                               host=self.host)
        return await self.client.call(name, {k: _cli_value(v) for k, v in args.items()})

    # -- events ---------------------------------------------------------------------------
    @override
    def events(self) -> AsyncIterator[DeviceEvent]:
        return poll_events(self.client, interval=self.poll_interval,
                           max_backoff=self.max_backoff)

    @override
    async def backup(self) -> tuple[bytes, str]:
        # The REST API document has no configuration export or backup function (only
        # recordings can be downloaded), so there is nothing to call.
        raise NotSupported("the FCM5600 REST API offers no configuration export; make a backup "
                           "in the PBX web interface", host=self.host)

    @override
    def maintenance(self) -> MaintenanceSpec:
        # The document has no backup, restore, firmware, or phonebook import/export function.
        return MaintenanceSpec(help="The FCM5600 REST API offers no configuration backup, "
                                    "restore or firmware upload; use the PBX web interface.")

    # -- recordings -----------------------------------------------------------------------
    async def recordings(self, kind: str = "general", *, extension: str = "",
                         date_from: str = "", date_to: str = "",
                         call_type: str = "all") -> list[dict[str, Any]]:
        """Recordings of ``kind`` (general, conference, onetouch), newest first, optionally
        of calls from or to ``extension``, between two dates (``yyyy-MM-dd``) and of one call
        type (all, incoming, outgoing, internal)."""
        if call_type not in CALL_TYPES:
            raise InvalidValue(f"call type must be one of {', '.join(CALL_TYPES)}, "
                               f"not {call_type!r}")
        dates = {"from": date_from, "to": date_to, "type": call_type}
        searches = [{**dates, "src": extension}, {**dates, "dest": extension}] if extension \
            else [dates]
        found: dict[Any, dict[str, Any]] = {}
        for filters in searches:
            async for row in self.client.all_recordings(kind, filters):
                found.setdefault(row.get("id"), row)
        return sorted(found.values(), key=lambda r: str(r.get("startTime", "")), reverse=True)

    async def download_recording(self, play_url: str) -> bytes:
        """The sound file of a recording (its ``playUrl`` from :meth:`recordings`)."""
        return await self.client.download_recording(play_url)

    @override
    async def aclose(self) -> None:
        await self.client.aclose()


# -- helpers -------------------------------------------------------------------------------

async def _collect(rows: AsyncIterator[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row async for row in rows]


def _typed_row(spec: TableSpec, row: Mapping[str, Any]) -> dict[str, Any]:
    """A device row in the table's columns, values validated where they are valid."""
    out: dict[str, Any] = {}
    for column in spec.columns:
        value = row.get(column.key)
        try:
            out[column.key] = column.validate(value)
        except InvalidValue:
            out[column.key] = value  # show what the device said rather than losing the row
    return out


def _writable(spec: TableSpec, row: Mapping[str, Any], op: str) -> dict[str, Any]:
    if op == "set":  # a change names the row key and only the cells that change
        clean = {key: spec.column(key).validate(value) for key, value in row.items()}
    else:
        clean = spec.validate_row(row)
    read_only = [c.key for c in spec.columns if c.read_only and c.key in clean
                 and c.key != spec.row_key]
    if read_only:
        raise InvalidValue(f"table {spec.id}: {', '.join(read_only)} cannot be written")
    if op == "set" and clean.get(spec.row_key) in (None, ""):
        raise InvalidValue(f"table {spec.id}: {spec.row_key} is required to change a row")
    return clean


def _need(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key)
    if value in (None, ""):
        raise InvalidValue(f"{key} is required", param=key)
    return value


def _defaults(spec: TableSpec) -> dict[str, Any]:
    return {c.key: c.default for c in spec.columns if c.default is not None}


def _extension_body(row: Mapping[str, Any]) -> dict[str, Any]:
    """A query-shaped extension -> the add/update body (write spellings, no derived keys)."""
    return {EXTENSION_WRITE_RENAMES.get(k, k): ("" if v is None else v) for k, v in row.items()
            if k not in EXTENSION_READ_ONLY}


def _forward_body(row: Mapping[str, Any]) -> dict[str, Any]:
    # The document's examples send enable as 0/1 (the query answers true/false).
    return {"dest": row["dest"], "enable": 1 if row.get("enable") else 0,
            "exten": row["exten"], "timeout": int(row.get("timeout") or 0), "type": row["type"]}


async def _find(rows: AsyncIterator[dict[str, Any]], rid: int, what: str) -> dict[str, Any]:
    async for row in rows:
        if row.get("id") == rid:
            return row
    raise Rejected(f"{what} record {rid} does not exist")


async def _write_row(spec: TableSpec, row: Mapping[str, Any], op: str, runner: RowOp) -> Any:
    """Validate the writable cells of a row, then add or update it."""
    return await runner(_writable(spec, row, op))


def _answer_is_key(found: Any) -> Any:
    """The add/update helpers answer with the row's key (None: unchanged)."""
    return found


def _strong_password(length: int = 12) -> str:
    alphabet = string.ascii_letters + string.digits + "#@%"
    while True:
        text = "".join(secrets.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in text) and any(c.isupper() for c in text):
            return text


def _cli_value(text: str) -> Any:
    try:
        return safejson.loads(text)
    except (json.JSONDecodeError, TypeError):
        return text


__all__ = ["ACTIONS", "RECORDING_KINDS", "FcmDevice"]
