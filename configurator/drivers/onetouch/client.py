"""Typed async client of the Onetouch HTTP API v1.0: one method per documented function.

Both documented request forms are spoken:

- ``form="post"`` (default): ``POST /api/`` with ``{"target", "action", "data"}``;
- ``form="get"``: ``GET /api/<target>/<action>?k=v`` for every function the function table
  marks GET; functions marked POST-only (``*/set``, ``*/add``, ``*/del``) still go as POST JSON,
  because the device accepts nothing else for them.

Exports are ``GET /api/<target>/export`` and return the file; imports and the firmware upload
are ``POST /api/<target>/<action>`` with a standard form upload (field ``file``).
# Assumption: the document names no form field for uploads; ``file`` is the common choice.

Reply parsing and error mapping live in :mod:`.protocol`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ...core.errors import InvalidValue
from ...core.transport import Transport
from .protocol import (
    ItemResult,
    as_text_map,
    check_file_reply,
    parse_item_results,
    parse_items,
    parse_reply,
)
from .specs import LOG_TYPE, PCAP_START_PARAMS

Form = Literal["post", "get"]
Kind = Literal["json", "file", "upload"]


@dataclass(frozen=True)
class Function:
    """One documented function: ``target/action``, its methods and its kind."""

    target: str
    action: str
    methods: str  # "GP" = GET and POST, "P" = POST only, "G" = GET only
    kind: Kind = "json"

    @property
    def name(self) -> str:
        """``target/action``."""
        return f"{self.target}/{self.action}"


def _table(spec: str) -> dict[str, Function]:
    functions: dict[str, Function] = {}
    for line in spec.split(";"):
        target, _, actions = line.strip().partition(":")
        for item in actions.split():
            action, _, methods = item.partition("=")
            kind: Kind = "json"
            if action == "export":
                kind = "file"
            elif action in ("import", "upload"):
                kind = "upload"
            fn = Function(target, action, methods, kind)
            functions[fn.name] = fn
    return functions


# The clean right-hand column of the document's function table.
# Assumption: dialreplace/import is listed as GET/POST but is a file upload, so POST only.
FUNCTIONS: dict[str, Function] = _table(
    "system: info=GP status=GP reboot=GP;"
    "firmware: status=GP prepare=GP upload=P upgrade=GP;"
    "config: get=GP set=P export=G import=P reset_factory=GP;"
    "relay: get=GP set=P status=GP trig=GP;"
    "input: get=GP set=P status=GP;"
    "publiccode: get=GP set=P;"
    "privatekey: get=GP add=P set=P del=P clear=GP export=G import=P;"
    "rfkey: get=GP add=P set=P del=P clear=GP export=G import=P;"
    "contact: get=GP add=P set=P del=P clear=GP export=G import=P;"
    "group: get=GP add=P set=P del=P clear=GP;"
    "call: status=GP dial=GP hangup=GP;"
    "sip: get=GP set=P status=GP;"
    "dialreplace: get=GP add=P set=P del=P clear=GP export=G import=P;"
    "log: get=GP set=P export=G clear=GP;"
    "calllog: get=GP del=P clear=GP export=G;"
    "doorlog: get=GP del=P clear=GP export=G;"
    "pcap: status=GP start=GP stop=GP export=G"
)

LOG_TYPES = tuple(c.value for c in LOG_TYPE.choices)  # log, kmsg, log_debug
CALLLOG_TYPES = ("All", "Dialed", "Received", "Missed", "Forwarded", "Unknow")


#: The file name each table's own export carries, used when an import names none.
IMPORT_FILE_NAMES = {"rfkey": "ICKey.xml", "privatekey": "PrivateKey.xml",
                     "dialreplace": "DialReplace.xml"}


@dataclass(frozen=True)
class ExportedFile:
    """A file the device exported: its name and content."""

    content: bytes
    filename: str


class TableFunctions:
    """``<target>/get``, ``add``, ``set``, ``del``, ``clear``, ``export`` and ``import`` of
    one item table; ``del`` items select rows by any of their fields (all given must match)."""

    def __init__(self, client: OnetouchClient, target: str) -> None:
        self.client = client
        self.target = target

    async def get(self) -> list[dict[str, str]]:
        """Every row."""
        return await self.client.table_get(self.target)

    async def add(self, items: Sequence[Mapping[str, Any]]) -> list[ItemResult]:
        """Add rows; one result per item."""
        return await self.client.table_add(self.target, items)

    async def set(self, items: Sequence[Mapping[str, Any]]) -> list[ItemResult]:
        """Change rows (selected by ID); one result per item."""
        return await self.client.table_set(self.target, items)

    async def delete(self, items: Sequence[Mapping[str, Any]]) -> list[ItemResult]:
        """Delete the rows the items select; one result per item."""
        return await self.client.table_del(self.target, items)

    async def clear(self) -> None:
        """Delete every row."""
        await self.client.table_clear(self.target)

    async def export(self) -> ExportedFile:
        """The table's export file."""
        return await self.client.table_export(self.target)

    async def import_file(self, content: bytes, filename: str | None = None) -> None:
        """Replace the table with a file (named as the device's own export by default)."""
        name = filename or IMPORT_FILE_NAMES.get(self.target)
        if not name:
            raise InvalidValue(f"name the file to import into {self.target}")
        await self.client.table_import(self.target, content, name)


class OnetouchClient:
    """All documented functions of one device, over a :class:`Transport`."""

    def __init__(self, transport: Transport, *, form: Form = "post") -> None:
        self.transport = transport
        self.form: Form = form

    @property
    def host(self) -> str:
        """The intercom's address (for messages)."""
        return self.transport.endpoint.host

    # -- the three request shapes ---------------------------------------------------------
    def function(self, name: str) -> Function:
        """The documented function of this name (:class:`NotSupported` when unknown)."""
        try:
            return FUNCTIONS[name]
        except KeyError:
            raise InvalidValue(f"unknown Onetouch function {name!r} "
                               f"(known: {', '.join(sorted(FUNCTIONS))})") from None

    async def call(self, name: str, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run a JSON function and return the reply's ``data``."""
        fn = self.function(name)
        if fn.kind != "json":
            raise InvalidValue(f"{name} transfers a file; use export()/upload()")
        read_only = fn.action in ("get", "status", "info")
        flat = data is None or all(not isinstance(v, list | dict) for v in data.values())
        if self.form == "get" and "G" in fn.methods and flat:
            params = {k: str(v) for k, v in (data or {}).items()}
            response = await self.transport.request(
                "GET", f"/api/{fn.target}/{fn.action}", params=params or None)
        else:
            body: dict[str, Any] = {"target": fn.target, "action": fn.action}
            if data is not None:
                body["data"] = dict(data)
            response = await self.transport.request("POST", "/api/", json=body,
                                                    idempotent=read_only)
        return parse_reply(response, self.host, name)

    async def export(self, name: str, params: Mapping[str, Any] | None = None) -> ExportedFile:
        """Download a file function's answer (configuration, table export)."""
        fn = self.function(name)
        if fn.kind != "file":
            raise InvalidValue(f"{name} does not export a file")
        response = await self.transport.request(
            "GET", f"/api/{fn.target}/{fn.action}",
            params={k: str(v) for k, v in (params or {}).items()} or None)
        content, filename = check_file_reply(response, self.host, name)
        return ExportedFile(content, filename)

    async def upload(self, name: str, content: bytes, filename: str,
                     params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Upload a file to a file function (configuration, table import, firmware)."""
        fn = self.function(name)
        if fn.kind != "upload":
            raise InvalidValue(f"{name} does not take a file")
        response = await self.transport.request(
            "POST", f"/api/{fn.target}/{fn.action}",
            params={k: str(v) for k, v in (params or {}).items()} or None,
            files={"file": (filename, content, "application/octet-stream")},
            read_timeout=120.0)
        return parse_reply(response, self.host, name)

    async def _items(self, name: str, data: Mapping[str, Any] | None = None
                     ) -> list[dict[str, str]]:
        return parse_items(await self.call(name, data), self.host, name)

    async def _batch(self, name: str, items: Sequence[Mapping[str, Any]]) -> list[ItemResult]:
        rows = [{k: str(v) for k, v in item.items()} for item in items]
        data = await self.call(name, {"item": rows})
        return parse_item_results(data, self.host, name)

    async def _flat(self, name: str) -> dict[str, str]:
        return as_text_map(await self.call(name))

    async def _set(self, name: str, values: Mapping[str, Any]) -> dict[str, Any]:
        return await self.call(name, {k: str(v) for k, v in values.items()})

    # -- system ---------------------------------------------------------------------------
    async def system_info(self) -> dict[str, dict[str, str]]:
        """Run the device's ``system/info`` function."""
        data = await self.call("system/info")
        return {k: as_text_map(v) for k, v in data.items() if isinstance(v, dict)}

    async def system_status(self) -> dict[str, int]:
        """Run the device's ``system/status`` function."""
        data = await self.call("system/status")
        return {k: int(v) for k, v in data.items() if str(v).lstrip("-").isdigit()}

    async def system_reboot(self) -> None:
        """Run the device's ``system/reboot`` function."""
        await self.call("system/reboot")

    # -- firmware -------------------------------------------------------------------------
    async def firmware_status(self) -> dict[str, str]:
        """Run the device's ``firmware/status`` function."""
        return await self._flat("firmware/status")

    async def firmware_prepare(self) -> None:
        """Run the device's ``firmware/prepare`` function."""
        await self.call("firmware/prepare")

    async def firmware_upload(self, content: bytes, filename: str = "firmware.rom", *,
                              silent: bool = False) -> None:
        """Run the device's ``firmware/upload`` function."""
        await self.upload("firmware/upload", content, filename, {"silent": int(silent)})

    async def firmware_upgrade(self, md5: str | None = None) -> None:
        """Run the device's ``firmware/upgrade`` function."""
        await self.call("firmware/upgrade", {"md5": md5} if md5 else None)

    # -- config ---------------------------------------------------------------------------
    async def config_get(self) -> dict[str, str]:
        """Run the device's ``config/get`` function."""
        return await self._flat("config/get")

    async def config_set(self, values: Mapping[str, Any]) -> None:
        """Run the device's ``config/set`` function."""
        await self._set("config/set", values)

    async def config_export(self) -> ExportedFile:
        """Run the device's ``config/export`` function."""
        return await self.export("config/export")

    async def config_import(self, content: bytes, filename: str = "Config.tgz") -> None:
        """Run the device's ``config/import`` function."""
        await self.upload("config/import", content, filename)

    async def config_reset_factory(self) -> None:
        """Run the device's ``config/reset_factory`` function."""
        await self.call("config/reset_factory")

    # -- relay and input ------------------------------------------------------------------
    async def relay_get(self) -> dict[str, str]:
        """Run the device's ``relay/get`` function."""
        return await self._flat("relay/get")

    async def relay_set(self, values: Mapping[str, Any]) -> None:
        """Run the device's ``relay/set`` function."""
        await self._set("relay/set", values)

    async def relay_status(self) -> dict[str, int]:
        """Run the device's ``relay/status`` function."""
        return _levels(await self.call("relay/status"))

    async def relay_trig(self, num: int, *, mode: int = 0, level: int = 1,
                         delay: int = 5) -> None:
        """``mode`` 0 auto close / 1 manual; ``num`` 1-3 = relay A-C; level; delay 0-65535 s."""
        await self.call("relay/trig", {"mode": mode, "num": num, "level": level,
                                       "delay": delay})

    async def input_get(self) -> dict[str, str]:
        """Run the device's ``input/get`` function."""
        return await self._flat("input/get")

    async def input_set(self, values: Mapping[str, Any]) -> None:
        """Run the device's ``input/set`` function."""
        await self._set("input/set", values)

    async def input_status(self) -> dict[str, int]:
        """Run the device's ``input/status`` function."""
        return _levels(await self.call("input/status"))

    # -- public code ----------------------------------------------------------------------
    async def publiccode_get(self) -> dict[str, str]:
        """Run the device's ``publiccode/get`` function."""
        return await self._flat("publiccode/get")

    async def publiccode_set(self, values: Mapping[str, Any]) -> None:
        """Run the device's ``publiccode/set`` function."""
        await self._set("publiccode/set", values)

    # -- item tables: privatekey, rfkey, dialreplace, group, contact ------------------------
    async def table_get(self, target: str) -> list[dict[str, str]]:
        """Every row of an item table (``<target>/get``)."""
        return await self._items(f"{target}/get")

    async def table_add(self, target: str, items: Sequence[Mapping[str, Any]]
                        ) -> list[ItemResult]:
        """Add rows (``<target>/add``); one result per row."""
        return await self._batch(f"{target}/add", items)

    async def table_set(self, target: str, items: Sequence[Mapping[str, Any]]
                        ) -> list[ItemResult]:
        """Change rows (``<target>/set``); one result per row."""
        return await self._batch(f"{target}/set", items)

    async def table_del(self, target: str, items: Sequence[Mapping[str, Any]]
                        ) -> list[ItemResult]:
        """Delete rows (``<target>/del``); one result per row."""
        return await self._batch(f"{target}/del", items)

    async def table_clear(self, target: str) -> None:
        """Delete every row (``<target>/clear``)."""
        await self.call(f"{target}/clear")

    async def table_export(self, target: str) -> ExportedFile:
        """The table's export file (``<target>/export``)."""
        return await self.export(f"{target}/export")

    async def table_import(self, target: str, content: bytes, filename: str) -> None:
        """Replace the table with a file (``<target>/import``)."""
        await self.upload(f"{target}/import", content, filename)

    def rows(self, target: str) -> TableFunctions:
        """The documented functions of the item table ``target`` (rfkey, privatekey,
        dialreplace, group) as one object."""
        return TableFunctions(self, target)

    # contacts: the document's only example adds ONE contact with flat data and answers it.
    async def contact_get(self) -> list[dict[str, str]]:
        """Run the device's ``contact/get`` function."""
        return await self.table_get("contact")

    async def contact_add(self, name: str, phone: str, **extra: Any) -> dict[str, str]:
        """Run the device's ``contact/add`` function."""
        data = await self.call("contact/add", {"name": name, "phone": phone, **extra})
        return as_text_map(data)

    async def contact_set(self, contact_id: str, **values: Any) -> dict[str, str]:
        """Run the device's ``contact/set`` function."""
        data = await self.call("contact/set", {"id": contact_id, **values})
        return as_text_map(data)

    async def contact_del(self, contact_id: str) -> None:
        """Run the device's ``contact/del`` function."""
        await self.call("contact/del", {"id": contact_id})

    async def contact_clear(self) -> None:
        """Run the device's ``contact/clear`` function."""
        await self.table_clear("contact")

    async def contact_export(self) -> ExportedFile:
        """Run the device's ``contact/export`` function."""
        return await self.table_export("contact")

    async def contact_import(self, content: bytes, filename: str = "Contact.csv") -> None:
        """Run the device's ``contact/import`` function."""
        await self.table_import("contact", content, filename)

    # -- calls and SIP --------------------------------------------------------------------
    async def call_status(self) -> str:
        """Run the device's ``call/status`` function."""
        return str((await self.call("call/status")).get("Status", ""))

    async def call_dial(self, phone: str, display_name: str = "") -> None:
        """Run the device's ``call/dial`` function."""
        data = {"Phone": phone}
        if display_name:
            data["DisplayName"] = display_name
        await self.call("call/dial", data)

    async def call_hangup(self) -> None:
        """Run the device's ``call/hangup`` function."""
        await self.call("call/hangup")

    async def sip_get(self) -> dict[str, str]:
        """Run the device's ``sip/get`` function."""
        return await self._flat("sip/get")

    async def sip_set(self, values: Mapping[str, Any]) -> None:
        """Run the device's ``sip/set`` function."""
        await self._set("sip/set", values)

    async def sip_status(self) -> dict[str, dict[str, str]]:
        """Run the device's ``sip/status`` function."""
        data = await self.call("sip/status")
        return {k: as_text_map(v) for k, v in data.items() if isinstance(v, dict)}

    # -- logs -----------------------------------------------------------------------------
    async def log_get(self) -> dict[str, str]:
        """Run the device's ``log/get`` function."""
        return await self._flat("log/get")

    async def log_set(self, level: int) -> dict[str, str]:
        """Run the device's ``log/set`` function."""
        return as_text_map(await self.call("log/set",
                                           {"Config.Settings.LOGLEVEL.Level": str(level)}))

    async def log_export(self, log_type: str = "log") -> ExportedFile:
        """Run the device's ``log/export`` function."""
        _check_choice("log type", log_type, LOG_TYPES)
        return await self.export("log/export", {"type": log_type})

    async def log_clear(self, log_type: str = "log") -> None:
        """Run the device's ``log/clear`` function."""
        _check_choice("log type", log_type, LOG_TYPES)
        await self.call("log/clear", {"type": log_type})

    async def calllog_get(self, call_type: str = "All") -> list[dict[str, str]]:
        """Run the device's ``calllog/get`` function."""
        _check_choice("call log type", call_type, CALLLOG_TYPES)
        return await self._items("calllog/get",
                                 None if call_type == "All" else {"Type": call_type})

    async def calllog_del(self, entry_id: str) -> None:
        """Run the device's ``calllog/del`` function."""
        await self.call("calllog/del", {"ID": str(entry_id)})

    async def calllog_clear(self, call_type: str = "All") -> None:
        """Run the device's ``calllog/clear`` function."""
        _check_choice("call log type", call_type, CALLLOG_TYPES)
        await self.call("calllog/clear", {"Type": call_type})

    async def calllog_export(self) -> ExportedFile:
        """Run the device's ``calllog/export`` function."""
        return await self.export("calllog/export")

    async def doorlog_get(self) -> list[dict[str, str]]:
        """Run the device's ``doorlog/get`` function."""
        return await self._items("doorlog/get")

    async def doorlog_del(self, entry_id: str) -> None:
        """Run the device's ``doorlog/del`` function."""
        await self.call("doorlog/del", {"ID": str(entry_id)})

    async def doorlog_clear(self) -> None:
        """Run the device's ``doorlog/clear`` function."""
        await self.call("doorlog/clear")

    async def doorlog_export(self) -> ExportedFile:
        """Run the device's ``doorlog/export`` function."""
        return await self.export("doorlog/export")

    # -- packet capture -------------------------------------------------------------------
    async def pcap_status(self) -> dict[str, str]:
        """Run the device's ``pcap/status`` function."""
        return as_text_map(await self.call("pcap/status"))

    async def pcap_start(self, capture_type: str = "auto", filter: str = "ip",
                         time: int = 60, size: int = 1048576) -> dict[str, str]:
        """Run the device's ``pcap/start`` function."""
        given = {"type": capture_type, "filter": filter, "time": time, "size": size}
        data = {spec.key: str(spec.validate(given[spec.key])) for spec in PCAP_START_PARAMS}
        return as_text_map(await self.call("pcap/start", data))

    async def pcap_stop(self) -> dict[str, str]:
        """Run the device's ``pcap/stop`` function."""
        return as_text_map(await self.call("pcap/stop"))

    async def pcap_export(self) -> ExportedFile:
        """Run the device's ``pcap/export`` function."""
        return await self.export("pcap/export")


def _levels(data: Mapping[str, Any]) -> dict[str, int]:
    levels: dict[str, int] = {}
    for key, value in data.items():
        try:
            levels[key] = int(value)
        except (TypeError, ValueError):
            continue
    return levels


def _check_choice(what: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise InvalidValue(f"{what} {value!r} is not one of: {', '.join(allowed)}")
