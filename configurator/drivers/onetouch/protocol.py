"""Onetouch HTTP API v1.0 wire format: request shapes, reply parsing and error mapping.

Everything the device answers goes through :func:`parse_reply` (JSON replies) or
:func:`check_file_reply` (exported files), so error mapping lives in ONE place:

- HTTP 401 -> :class:`AuthError` (wrong or missing user/password; Basic or Digest realm HTTPAPI).
- HTTP 403 without a JSON body -> :class:`ServiceDisabled` (the document: "HTTP API Disabled:
  system always return HTTP 403 Forbidden status").
- HTTP 403 with a JSON negative reply -> :class:`PermissionDenied` (white list mode refused our
  source address).  # Assumption: the document does not show the white-list refusal.
- ``retcode != 0`` -> :class:`Rejected` carrying the device's ``message`` (``code`` = retcode);
  the document's "Wrong MD5" reply of firmware/upgrade becomes :class:`WrongMd5`.
- Anything that is not the documented JSON shape -> :class:`ProtocolError`.

The document's examples contain typos a real device may well reproduce (``"".`` instead of
``"",``, missing commas at line ends, trailing commas, keys with a space instead of ``_`` such as
``Config.Account1.ANONYMOUS CALL.Enable``); :func:`loads_lenient` and :func:`normalize_key`
tolerate them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from ...core import safejson
from ...core.errors import (
    AuthError,
    PermissionDenied,
    ProtocolError,
    Rejected,
    ServiceDisabled,
)

REALM = "HTTPAPI"


class WrongMd5(Rejected):
    """firmware/upgrade refused the uploaded image: its MD5 differs from the one given."""

    def __init__(self, message: str, *, host: str | None, md5: str, md5_calc: str) -> None:
        super().__init__(message, host=host, code=-1, description="Wrong MD5")
        self.md5 = md5
        self.md5_calc = md5_calc


@dataclass(frozen=True)
class ItemResult:
    """One entry of a batch reply (rfkey/dialreplace add/set/del): ``Ret`` and the row."""

    ret: int
    row: dict[str, str]

    @property
    def ok(self) -> bool:
        # Assumption: add answers Ret = the new ID (1, 2 in the example), del answers 0 for
        # success and -1 for "no such key"; so any negative Ret is a failure.
        """Whether the device accepted this item."""
        return self.ret >= 0


# -- lenient JSON ---------------------------------------------------------------------------

_FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r'"\s*\.\s*(\r?\n)'), r'",\1'),  # "value". at a line end
    (re.compile(r'("|\d|true|false|null|\}|\])(\s*\r?\n\s*")'), r"\1,\2"),  # missing comma
    (re.compile(r",(\s*[}\]])"), r"\1"),  # trailing comma
)


def _close_by_indent(text: str) -> str:
    """Insert the ``}`` a pretty-printed object lost: a key line at or left of the indentation
    of the line that opened the innermost object closes that object first (the sip/status
    example forgets the brace after ``Account1``)."""
    lines = text.splitlines()
    out: list[str] = []
    opened: list[int] = []  # indentation of each line that opened a still-open object
    for line in lines:
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if stripped.startswith('"'):
            while opened and indent <= opened[-1]:
                out.append(" " * opened.pop() + "}")
        if stripped.startswith("}") and opened:
            opened.pop()
        if stripped.endswith("{") and stripped.startswith('"'):
            opened.append(indent)
        out.append(line)
    return "\n".join(out)


def loads_lenient(text: str) -> Any:
    """``json.loads``, falling back to repairing the typos of the document's examples."""
    try:
        return safejson.loads(text)
    except ValueError:
        pass
    repaired = text.strip()
    if repaired.startswith('"'):  # the call/status example lost its opening brace
        repaired = "{\n" + repaired
    if repaired.count("{") > repaired.count("}"):
        repaired = _close_by_indent(repaired)
    for pattern, replacement in _FIXES:
        repaired = pattern.sub(replacement, repaired)
    try:
        return safejson.loads(repaired)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"the device sent invalid JSON ({exc.msg})") from None


def normalize_key(key: str) -> str:
    """``Config.Account1.ANONYMOUS CALL.Enable`` -> ``Config.Account1.ANONYMOUS_CALL.Enable``."""
    key = re.sub(r"_\s+", "_", key.strip())
    return re.sub(r"\s+", "_", key)


def normalize_keys(data: Mapping[str, Any]) -> dict[str, Any]:
    """Keys as the documented spelling (the firmware mixes cases)."""
    return {normalize_key(k): v for k, v in data.items()}


# -- replies --------------------------------------------------------------------------------

def _json_body(response: httpx.Response) -> Any:
    text = response.text.strip()
    if not text or text[0] not in '{["':  # '"': a reply that lost its opening brace
        return None
    try:
        return loads_lenient(text)
    except ProtocolError:
        return None


def check_http(response: httpx.Response, host: str, what: str) -> Any:
    """Map HTTP-level refusals; returns the parsed JSON body (or None) otherwise."""
    body = _json_body(response)
    status = response.status_code
    if status == 401:
        raise AuthError(f"{what}: authentication failed (check the HTTP API user and password)",
                        host=host, code=401)
    if status == 403:
        if isinstance(body, dict) and "retcode" in body:
            device = str(body.get("message") or "forbidden")
            raise PermissionDenied(
                f"{what}: refused ({device}); is this computer's address in the device's "
                "HTTP API white list?", host=host, code=403, description=device)
        raise ServiceDisabled(f"{what}: the HTTP API is disabled on the device "
                              "(Intercom > HTTP API) or access is forbidden (HTTP 403)",
                              host=host, code=403)
    if status == 404:
        raise ProtocolError(f"{what}: the device has no such function (HTTP 404)", host=host,
                            code=404)
    if status >= 400 and not (isinstance(body, dict) and "retcode" in body):
        raise ProtocolError(f"{what}: the device answered HTTP {status}", host=host, code=status)
    return body


def parse_reply(response: httpx.Response, host: str, what: str) -> dict[str, Any]:
    """Validate a JSON reply and return its ``data`` (``{}`` when the reply has none)."""
    body = check_http(response, host, what)
    if body is None:
        raise ProtocolError(f"{what}: the device did not answer JSON", host=host)
    return reply_data(body, host, what)


def reply_data(body: Any, host: str, what: str) -> dict[str, Any]:
    """``data`` of a parsed reply, raising the typed error of a negative reply."""
    if not isinstance(body, dict) or "retcode" not in body:
        raise ProtocolError(f"{what}: unexpected reply (no retcode)", host=host)
    try:
        retcode = int(body["retcode"])
    except (TypeError, ValueError):
        raise ProtocolError(f"{what}: retcode {body['retcode']!r} is not a number",
                            host=host) from None
    data = body.get("data")
    message = str(body.get("message") or "")
    if retcode != 0:
        if message == "Wrong MD5" and isinstance(data, dict):
            md5, calc = str(data.get("md5", "")), str(data.get("md5_calc", ""))
            raise WrongMd5(f"{what}: Wrong MD5 (given {md5}, firmware file has {calc})",
                           host=host, md5=md5, md5_calc=calc)
        raise Rejected(f"{what}: {message or 'error'} (retcode {retcode})", host=host,
                       code=retcode, description=message)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ProtocolError(f"{what}: reply data is not an object", host=host)
    return data


def parse_items(data: Mapping[str, Any], host: str, what: str) -> list[dict[str, str]]:
    """``{"num": n, "item": [...]}`` -> list of rows with string values."""
    items = data.get("item", [])
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ProtocolError(f"{what}: 'item' is not a list of objects", host=host)
    return [{str(k): _text(v) for k, v in item.items()} for item in items]


def parse_item_results(data: Mapping[str, Any], host: str, what: str) -> list[ItemResult]:
    """Per-item ``Ret`` of a batch add/set/del reply."""
    results = []
    for row in parse_items(data, host, what):
        raw = row.pop("Ret", None)
        try:
            ret = int(raw) if raw is not None else 0
        except ValueError:
            raise ProtocolError(f"{what}: Ret {raw!r} is not a number", host=host) from None
        results.append(ItemResult(ret, row))
    return results


def check_file_reply(response: httpx.Response, host: str, what: str) -> tuple[bytes, str]:
    """Content and file name of an export; a JSON negative reply raises its error."""
    body = check_http(response, host, what)
    ctype = response.headers.get("content-type", "")
    if "json" in ctype and isinstance(body, dict) and "retcode" in body:
        reply_data(body, host, what)  # raises for a negative reply
        raise ProtocolError(f"{what}: expected a file, got a JSON reply", host=host)
    return response.content, filename_of(response)


_FILENAME = re.compile(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?', re.IGNORECASE)


def filename_of(response: httpx.Response) -> str:
    """The file name of a download (its Content-Disposition, else empty)."""
    match = _FILENAME.search(response.headers.get("content-disposition", ""))
    return match.group(1).strip() if match else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def as_text_map(data: Mapping[str, Any]) -> dict[str, str]:
    """A flat key/value reply (config, relay get...) with normalised keys and string values."""
    return {normalize_key(k): _text(v) for k, v in data.items() if not isinstance(v, dict | list)}
