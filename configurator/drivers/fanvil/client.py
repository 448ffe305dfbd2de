"""Typed async client of the Fanvil / OpenVox XML HTTP API (``POST /xmlService``).

One method per documented function (config get/set/del, list insert, information query,
execute Led/Key/Cmd/Dial/Shell) plus ``/ncConfig.txt``. Every reply goes through
:meth:`FanvilClient._exchange`: HTTP status, authentication, the source-address restriction,
reply parsing and ``RetCode`` mapping live there and nowhere else.

``Shell:`` runs arbitrary commands on the device: the client refuses it unless it was created
with ``allow_shell=True`` (the GUI and the normal CLI never do).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from ...core.errors import (
    AuthError,
    ConfiguratorError,
    InvalidValue,
    NotSupported,
    PermissionDenied,
    ProtocolError,
    Rejected,
)
from ...core.transport import Transport
from . import protocol
from .protocol import Reply

XML_PATH = "/xmlService"
NC_CONFIG_PATH = "/ncConfig.txt"

# Assumption: the document's appendix of return codes is missing; these are the codes the
# simulator uses and the texts shown for them. Any other non-zero code is still an error.
RET_CODES: dict[int, str] = {
    1: "request not understood",
    2: "unknown parameter",
    3: "invalid value",
    4: "read-only parameter",
    5: "operation not supported",
}

_LIST_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_RECORD_KEY = re.compile(r"^(?P<list>[A-Za-z][A-Za-z0-9_]*)\.(?P<index>\d+)\.(?P<field>\w+)$")


class ShellNotAllowed(ConfiguratorError):
    """``Shell:`` execute items were requested without the explicit opt-in."""


class FanvilError(Rejected):
    """The phone answered with a non-zero ``RetCode``."""


def _nc_value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


class FanvilClient:
    """The phone's XML configuration API: typed ``get``/``set``/``del`` and ``Execute``."""

    def __init__(self, transport: Transport, *, allow_shell: bool = False,
                 beep: bool | None = None) -> None:
        self.transport = transport
        self.allow_shell = allow_shell
        self.beep = beep  # Beep attribute of writes; None: not sent (it is optional)

    @property
    def host(self) -> str:
        """The phone's address (for messages)."""
        return self.transport.endpoint.host

    # -- the one place replies are interpreted ---------------------------------------------
    async def _exchange(self, body: bytes, *, idempotent: bool) -> Reply:
        response = await self.transport.request(
            "POST", XML_PATH, content=body, idempotent=idempotent,
            headers={"Content-Type": "text/xml; charset=utf-8"},
        )
        self._check_http(response, "XML API")
        try:
            reply = protocol.parse_reply(response.content)
        except ProtocolError as exc:
            raise ProtocolError(exc.message, host=self.host) from exc
        if reply.ret_code != 0:
            param = reply.items[0][0] if reply.items else None
            reason = RET_CODES.get(reply.ret_code, "request failed")
            where = f" ({param})" if param else ""
            raise FanvilError(f"phone rejected the request: {reason}{where} "
                              f"[RetCode {reply.ret_code}]", host=self.host,
                              code=reply.ret_code, param=param, description=reason)
        return reply

    def _check_http(self, response: httpx.Response, what: str) -> None:
        status = response.status_code
        if status == 401:
            why = " ('Enable Push XML Auth' is on)" if what == "XML API" else ""
            if self.transport.credentials is None:
                raise AuthError(
                    f"{what}: the phone requires its web administrator account{why}: "
                    "give the admin user and password", host=self.host)
            raise AuthError(f"{what}: web administrator user or password rejected",
                            host=self.host)
        if status == 403:
            raise PermissionDenied(
                f"{what}: the phone accepts requests only from the address set in "
                "'PUSH XML Server IP', and this computer is not it", host=self.host)
        if status in (404, 405, 501):
            raise NotSupported(f"{what}: not offered by this device (HTTP {status})",
                               host=self.host)
        self.transport.raise_for_http_status(response, what)

    # -- 2.1 Config ------------------------------------------------------------------------
    async def get(self, *keys: str) -> dict[str, str]:
        """Values of keys or whole nodes (``sip.line.1.``; ``.`` is everything).

        A key the phone cannot read comes back with an empty value (doc 2.1.1).
        """
        if not keys:
            raise InvalidValue("get needs at least one key or prefix")
        reply = await self._exchange(protocol.build_get(keys), idempotent=True)
        return reply.values()

    async def get_all(self) -> dict[str, str]:
        """Every NC key of the phone (``get .``)."""
        return await self.get(".")

    async def set(self, values: Mapping[str, Any], *, beep: bool | None = None) -> None:
        """Set NC keys; the phone stops at the first bad item and answers an error."""
        if not values:
            return
        text = {key: _nc_value(value) for key, value in values.items()}
        for key in text:
            if key.startswith("info."):
                raise InvalidValue(f"{key} is a read-only status item", param=key)
        await self._exchange(protocol.build_set(text, beep=self._beep(beep)), idempotent=False)

    async def delete(self, *items: str, beep: bool | None = None) -> None:
        """Delete dynamic-list records (``mmifilter.1``) or clear lists (``mmifilter.``)."""
        if not items:
            raise InvalidValue("del needs at least one list record or list")
        await self._exchange(protocol.build_del(items, beep=self._beep(beep)), idempotent=False)

    async def clear_list(self, name: str) -> None:
        """Delete every record of a dynamic list (``del <name>.``)."""
        await self.delete(f"{_check_list(name)}.")

    # -- 2.1.4 lists -------------------------------------------------------------------------
    async def get_list(self, name: str) -> list[dict[str, str]]:
        """Records of a dynamic list, each with its 1-based ``index``."""
        values = await self.get(f"{_check_list(name)}.")
        return records_from_values(name, values)

    async def insert_records(self, name: str, records: Sequence[Mapping[str, Any]],
                             index: int | None = None, *, beep: bool | None = None) -> None:
        """Insert records at ``index`` (1-based; later records move down) or append."""
        _check_list(name)
        if not records:
            return
        if index is None:
            index = len(await self.get_list(name)) + 1
        if index < 1:
            raise InvalidValue(f"{name}: index must be 1 or more", param="index")
        values: dict[str, Any] = {}
        for offset, record in enumerate(records):
            if not record:
                raise InvalidValue(f"{name}: an empty record cannot be inserted")
            for field, value in record.items():
                values[f"{name}.{index + offset}.{field}"] = value
        await self.set(values, beep=beep)

    # -- 2.2 Information --------------------------------------------------------------------
    async def info(self, *keys: str) -> dict[str, str]:
        """Values of ``info.*`` status keys (all of them when none are named)."""
        keys = keys or ("info.",)
        for key in keys:
            if not protocol.normalize_key(key).startswith("info."):
                raise InvalidValue(f"{key} is not an information item (info.*)", param=key)
        return await self.get(*keys)

    # -- 2.3 Execute -------------------------------------------------------------------------
    async def execute(self, *uris: tuple[str, str], beep: bool | None = None) -> Reply:
        """Run ``(type, param)`` execute items, e.g. ``("Cmd", "reboot")``."""
        if not uris:
            raise InvalidValue("execute needs at least one item")
        if any(kind == "Shell" for kind, _ in uris) and not self.allow_shell:
            raise ShellNotAllowed(
                "Shell commands run arbitrary programs on the device and are disabled; "
                "create the client with allow_shell=True to use them", host=self.host)
        body = protocol.build_execute((protocol.execute_uri(k, p) for k, p in uris),
                                      beep=self._beep(beep))
        return await self._exchange(body, idempotent=False)

    async def reboot(self) -> None:
        """Restart the phone (``Execute Cmd:reboot``)."""
        await self.execute(("Cmd", "reboot"))

    async def factory_reset(self) -> None:
        """Restore factory settings (``Execute Cmd:reset``)."""
        await self.execute(("Cmd", "reset"))

    async def dial(self, number: str) -> None:
        """Make the phone dial a number or SIP URI (``Execute Dial``)."""
        if not re.fullmatch(r"[0-9A-Za-z*#+@._:-]{1,64}", number):
            raise InvalidValue(f"{number!r} is not a number or SIP URI to dial", param="number")
        await self.execute(("Dial", number))

    async def key(self, name: str) -> None:
        """Simulate a key press (``Execute Key``)."""
        if not re.fullmatch(r"[A-Za-z0-9_*#]{1,32}", name):
            raise InvalidValue(f"{name!r} is not a key name (e.g. OK, ONHOOK, 5)", param="key")
        await self.execute(("Key", name))

    async def led(self, param: str) -> None:
        """Switch an LED (``Execute Led``, e.g. ``LINE1_GREEN=on``)."""
        if not re.fullmatch(r"[A-Za-z0-9_]{1,32}=[A-Za-z0-9_]{1,16}", param):
            raise InvalidValue(f"{param!r} is not an LED command (e.g. LINE1_GREEN=on)",
                               param="led")
        await self.execute(("Led", param))

    async def shell(self, command: str) -> str:
        """Run a shell command on the device (requires ``allow_shell=True``)."""
        reply = await self.execute(("Shell", command))
        return reply.text

    # -- 4.1 NC configuration file ------------------------------------------------------------
    async def nc_config_text(self) -> str:
        """``/ncConfig.txt`` of door phones and entry-level phones (doc 4.1)."""
        response = await self.transport.request("GET", NC_CONFIG_PATH)
        self._check_http(response, "ncConfig.txt")
        return response.text

    async def nc_config(self) -> dict[str, str]:
        """``/ncConfig.txt`` parsed into NC keys and values."""
        return protocol.parse_nc_text(await self.nc_config_text())

    def _beep(self, beep: bool | None) -> bool | None:
        return self.beep if beep is None else beep


def _check_list(name: str) -> str:
    if not _LIST_NAME.match(name):
        raise InvalidValue(f"{name!r} is not a list name (e.g. mmifilter)", param=name)
    return name


def records_from_values(name: str, values: Mapping[str, str]) -> list[dict[str, str]]:
    """``{'mmifilter.2.StartIP': ..}`` -> ``[{'index': '2', 'StartIP': ..}]`` sorted by index."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in values.items():
        match = _RECORD_KEY.match(key)
        if not match or match["list"] != name:
            continue
        index = int(match["index"])
        rows.setdefault(index, {"index": str(index)})[match["field"]] = value
    return [rows[i] for i in sorted(rows)]
