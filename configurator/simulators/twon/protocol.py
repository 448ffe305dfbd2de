"""Wire format of the 2N HTTP API: request parameters and JSON replies.

Parameters arrive in the query string, a form-urlencoded body or a multipart/form-data body
(doc 2.2); when they are combined the last occurrence wins. ``blob-*`` parameters are only
accepted from multipart bodies. Replies are ``{"success": true[, "result": {...}]}`` or
``{"success": false, "error": {"code", "param", "description"}}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, web

from ...core.errors import Rejected

#: Error codes and their descriptions (doc 2.3; code 5 from the v2.11 document).
ERROR_DESCRIPTIONS: dict[int, str] = {
    1: "function is not supported",
    2: "invalid request path",
    3: "invalid request method",
    4: "function is disabled",
    5: "function is licensed",
    7: "invalid connection type",
    8: "invalid authentication method",
    9: "authorisation required",
    10: "insufficient user privileges",
    11: "missing mandatory parameter",
    12: "invalid parameter value",
    13: "parameter data too big",
    14: "unspecified processing error",
    15: "no data available",
    17: "parameter shouldn't be present",
    18: "request is rejected",
    19: "file version is lower than minimum",
}

#: Largest request body we accept (firmware images are a few tens of MB).
MAX_BODY = 64 * 1024 * 1024


class ApiError(Rejected):
    """A negative reply of the simulated device (code, param, description)."""

    def __init__(self, code: int, param: str | None = None, description: str | None = None,
                 *, status: int = 200, headers: dict[str, str] | None = None) -> None:
        text = description or ERROR_DESCRIPTIONS.get(code, "error")
        super().__init__(f"2N error {code}: {text}" + (f" ({param})" if param else ""),
                         code=code, param=param, description=text)
        self.status = status
        self.headers = headers or {}


def missing(param: str) -> ApiError:
    return ApiError(11, param)


def invalid(param: str, description: str | None = None) -> ApiError:
    return ApiError(12, param, description)


def dumps(payload: Any) -> str:
    """JSON the way the device writes it: indented, with ``/`` escaped as ``\\/``."""
    return json.dumps(payload, indent=2, ensure_ascii=False).replace("/", "\\/")


def json_reply(payload: dict[str, Any], *, status: int = 200,
               headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=dumps(payload), status=status, headers=headers,
                        content_type="application/json", charset="utf-8")


def ok(result: dict[str, Any] | None = None) -> web.Response:
    payload: dict[str, Any] = {"success": True}
    if result is not None:
        payload["result"] = result
    return json_reply(payload)


def error_reply(err: ApiError) -> web.Response:
    body: dict[str, Any] = {"code": err.code}
    if err.param:
        body["param"] = err.param
    body["description"] = err.description
    return json_reply({"success": False, "error": body}, status=err.status, headers=err.headers)


@dataclass
class Blob:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ApiRequest:
    """One parsed API request, handed to the function handlers."""

    method: str
    path: str
    scheme: str
    params: dict[str, str] = field(default_factory=dict)
    blobs: dict[str, Blob] = field(default_factory=dict)
    body: bytes = b""
    content_type: str = ""
    user: str = ""
    http: web.Request | None = None

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.params.get(name, default)

    def require(self, name: str) -> str:
        value = self.params.get(name)
        if value is None:
            raise missing(name)
        return value

    def require_blob(self, name: str) -> Blob:
        """The uploaded file part ``name``, or error 11 (missing mandatory parameter)."""
        blob = self.blobs.get(name)
        if blob is None:
            raise missing(name)
        return blob

    def int_param(self, name: str, *, default: int | None = None, minimum: int | None = None,
                  maximum: int | None = None, required: bool = False) -> int | None:
        text = self.params.get(name)
        if text is None or (text == "" and not required):
            if required:
                raise missing(name)
            return default
        try:
            value = int(text.strip(), 10)
        except ValueError:
            raise invalid(name) from None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise invalid(name)
        return value

    def choice(self, name: str, choices: tuple[str, ...], *, default: str | None = None,
               required: bool = False) -> str | None:
        value = self.params.get(name)
        if value is None:
            if required:
                raise missing(name)
            return default
        if value not in choices:
            raise invalid(name)
        return value

    def json_body(self) -> Any:
        """The request body as JSON (dir, lpr, mobilekey); error 12 when it is not JSON."""
        raw = self.body
        if not raw and "blob-json" in self.blobs:
            raw = self.blobs["blob-json"].data
        if not raw:
            raise missing("json")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise invalid("json", "invalid JSON") from None


async def parse_request(request: web.Request, path: str) -> ApiRequest:
    """Collect parameters from the query string and the body (last occurrence wins)."""
    api = ApiRequest(method=request.method, path=path, scheme=request.scheme,
                     content_type=request.content_type, http=request)
    for key, value in request.query.items():
        if not key.startswith("blob-"):
            api.params[key] = value
    if request.method not in ("POST", "PUT", "DELETE") or not request.can_read_body:
        return api
    if request.content_type == "multipart/form-data":
        await _read_multipart(request, api)
        return api
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise ApiError(13, "body")
    body = await request.content.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise ApiError(13, "body")
    api.body = body
    if request.content_type == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise ApiError(12, "body", "invalid form data") from None
        for key, value in pairs:
            if not key.startswith("blob-"):
                api.params[key] = value
    return api


async def _read_multipart(request: web.Request, api: ApiRequest) -> None:
    try:
        reader = await request.multipart()
    except (ValueError, AssertionError):
        raise ApiError(12, "body", "invalid multipart data") from None
    total = 0
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader):
            continue  # nested multipart: not used by the API
        name = part.name or ""
        data = bytearray()
        while chunk := await part.read_chunk(65536):
            data.extend(chunk)
            total += len(chunk)
            if total > MAX_BODY:
                raise ApiError(13, name or "body")
        if name.startswith("blob-"):
            api.blobs[name] = Blob(part.filename or "", part.headers.get("Content-Type", ""),
                                   bytes(data))
        elif name:
            api.params[name] = bytes(data).decode("utf-8", errors="replace")
