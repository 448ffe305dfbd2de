"""The one place where 2N HTTP API replies are parsed and device errors become typed errors.

Replies (both documents, section 2.3): ``{"success": true, "result": {...}}`` or
``{"success": false, "error": {"code": 12, "param": "port", "description": "..."}}``, with HTTP
status 200 or 401. Binary functions (snapshot, config, pcap, lpr image) answer JSON only on error.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from ...core import safejson
from ...core.errors import (
    AuthError,
    Busy,
    DeviceError,
    InsecureConnectionRequired,
    MalformedReply,
    NotSupported,
    PermissionDenied,
    ProtocolError,
    Rejected,
    ServiceDisabled,
)
from ...core.jsonsalvage import salvage_array

# The manual's own examples carry trailing commas (``{"success" : true,}``); accept them.
# Assumption: a real device may follow its examples, so the client tolerates trailing commas.
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")

# code -> (error class, user words). 5 exists in v2.11 only (licence), 16 is not documented.
_ERRORS: dict[int, tuple[type[DeviceError], str]] = {
    1: (NotSupported, "function is not supported by this model"),
    2: (NotSupported, "function is not available (invalid request path)"),
    3: (ProtocolError, "invalid request method"),
    4: (ServiceDisabled, "function is disabled (enable it in Services / HTTP API)"),
    5: (NotSupported, "licence required (Enhanced Integration licence key)"),
    7: (InsecureConnectionRequired, "switch to HTTPS (the service requires a secure connection)"),
    8: (AuthError, "wrong authentication method for this service (e.g. Basic where Digest "
                   "is required)"),
    9: (AuthError, "authorisation required (check user and password)"),
    10: (PermissionDenied, "insufficient user privileges for this function"),
    11: (Rejected, "missing mandatory parameter"),
    12: (Rejected, "invalid parameter value"),
    13: (Rejected, "parameter data too big"),
    14: (Rejected, "processing error"),
    15: (Rejected, "no data available"),
    17: (Rejected, "parameter should not be present (parameter collision)"),
    18: (Busy, "request rejected by the device (cannot be processed now)"),
    19: (Rejected, "file version is lower than the required minimum"),
}


def error_from_body(body: Any, *, function: str, host: str | None = None) -> DeviceError:
    """Build the typed error for a ``success: false`` reply."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return ProtocolError(f"{function}: the device reported a failure without details",
                             host=host)
    raw_code = error.get("code")
    try:
        code: int | str | None = int(raw_code)  # type: ignore[arg-type]  # checked below
    except (TypeError, ValueError):
        code = raw_code if raw_code is None else str(raw_code)
    param = error.get("param")
    param = str(param) if param not in (None, "") else None
    description = str(error.get("description") or "")
    cls, words = _ERRORS.get(code, (Rejected, "")) if isinstance(code, int) else (Rejected, "")
    text = words or description or f"error {code}"
    if description and words and description.lower() not in words.lower():
        text = f"{words}: {description}"
    if param:
        text += f" (parameter {param!r})"
    return cls(f"{function}: {text} [2N error {code}]", host=host, code=code, param=param,
               description=description or None)


def loads(text: bytes | str, *, lenient_numbers: bool = False) -> Any:
    """JSON with the manual's trailing commas tolerated; ValueError when it is not JSON
    (see :func:`.safejson.loads` for the bounds and ``lenient_numbers``)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    try:
        return safejson.loads(text, lenient_numbers=lenient_numbers)
    except ValueError:
        return safejson.loads(_TRAILING_COMMA.sub(r"\1", text), lenient_numbers=lenient_numbers)


def is_json(response: httpx.Response) -> bool:
    """Whether the answer is JSON (by its content type, else by its first byte)."""
    ctype = response.headers.get("content-type", "").lower()
    if "json" in ctype:
        return True
    head = response.content[:1].strip()
    return not ctype and head in (b"{", b"[")


def parse_json_reply(response: httpx.Response, *, function: str, host: str | None = None,
                     lenient_numbers: bool = False) -> dict[str, Any]:
    """Return ``result`` (``{}`` when the reply has none) or raise the typed device error."""
    try:
        body = loads(response.content, lenient_numbers=lenient_numbers)
    except ValueError:
        raise _non_json(response, function, host) from None
    if not isinstance(body, dict) or not isinstance(body.get("success"), bool):
        raise MalformedReply(f"{function}: unexpected reply (no 'success' flag)", host=host)
    if not body["success"]:
        raise error_from_body(body, function=function, host=host)
    if response.status_code == 401:
        raise AuthError(f"{function}: authentication failed (check user and password)",
                        host=host, code=401)
    result = body.get("result", {})
    if result is None:
        result = {}
    if not isinstance(result, dict):
        raise MalformedReply(f"{function}: 'result' is not an object", host=host)
    return result


# A pull answer that is not JSON as a whole is searched for its good events up to this size
# (128 call events, indented as the manual shows them: 45 KB); past it, it is malformed as a
# whole. The search is Python, linear in the text (128 KB of one-character junk items took
# 0.65 s of CPU on the loaded 2-core machine): this bounds what one hostile answer costs.
MAX_SALVAGED_PULL = 128 * 1024


def parse_pull_reply(response: httpx.Response, *, host: str | None = None) -> list[Any]:
    """The items of a ``log/pull`` answer: event objects, other JSON values (the source skips
    them) or :class:`.UndecodableItem` where one event's text is not bounded JSON; the good
    events around a bad one are kept. Typed device errors as :func:`parse_json_reply`; an
    answer that is complete but not a pull reply (no JSON object, ``events`` not a list...) is
    a :class:`.MalformedReply`."""
    function = "log/pull"
    try:
        result = parse_json_reply(response, function=function, host=host, lenient_numbers=True)
    except MalformedReply as exc:
        return _salvage_pull(response, exc, host)
    events = result.get("events", [])
    if not isinstance(events, list):
        raise MalformedReply(f"{function}: 'events' is a {type(events).__name__}, not a list",
                             host=host)
    return events


def _salvage_pull(response: httpx.Response, error: MalformedReply, host: str | None
                  ) -> list[Any]:
    """The answer as a whole is not a 2N reply: maybe only some events in it are broken."""
    if len(response.content) > MAX_SALVAGED_PULL:
        raise error
    text = response.content.decode("utf-8", errors="replace")
    salvaged = salvage_array(text, ("result", "events"))
    if salvaged is None:
        raise error
    envelope, items = salvaged
    # The rest must still be a successful reply (else its own typed error).
    parse_json_reply(httpx.Response(response.status_code, headers=response.headers,
                                    content=envelope.encode()),
                     function="log/pull", host=host, lenient_numbers=True)
    return items


def raise_for_binary(response: httpx.Response, *, function: str, host: str | None = None) -> None:
    """For functions answering with data: a JSON body (or HTTP error) means failure."""
    if is_json(response):
        parse_json_reply(response, function=function, host=host)
        raise ProtocolError(f"{function}: expected data, the device answered JSON", host=host)
    if response.status_code >= 400:
        raise _non_json(response, function, host)


def _non_json(response: httpx.Response, function: str, host: str | None) -> DeviceError:
    status = response.status_code
    if status == 401:
        return AuthError(f"{function}: authentication failed (check user and password)",
                         host=host, code=401)
    if status == 403:
        return PermissionDenied(f"{function}: access forbidden (HTTP 403)", host=host, code=403)
    if status in (404, 405, 501):
        return NotSupported(f"{function}: not offered by this device (HTTP {status})",
                            host=host, code=status)
    if status >= 400:
        return ProtocolError(f"{function}: device answered HTTP {status} without a 2N error",
                             host=host, code=status)
    return MalformedReply(f"{function}: the reply is not JSON", host=host)


def json_body(response: httpx.Response) -> Any:
    """The reply's JSON body, or None when it is not JSON (by type or by content)."""
    if not is_json(response):
        return None
    try:
        return loads(response.content)
    except ValueError:
        return None


def explain_auth_failure(response: httpx.Response) -> AuthError | None:
    """The device's own words for a final 401 (``Transport.explain_auth_failure`` hook): error 8
    (Basic where Digest is required) or 9, with its code, instead of a generic message."""
    body = json_body(response)
    if body is None:
        return None
    error = error_from_body(body, function=response.url.path.removeprefix("/api/"),
                            host=response.url.host)
    if isinstance(error, AuthError):
        return error
    return None
