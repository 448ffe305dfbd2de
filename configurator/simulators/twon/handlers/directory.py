"""/api/dir/*: template, create, update, delete, get, query."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..directory import UUID, Directory
from ..protocol import ApiError, ApiRequest, invalid, ok

if TYPE_CHECKING:
    from ..device import TwoNSimulator


def _dir(sim: TwoNSimulator) -> Directory:
    return sim.extensions["dir"]


def _body(req: ApiRequest) -> dict[str, Any]:
    data = req.json_body()
    if not isinstance(data, dict):
        raise invalid("json")
    return data


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise invalid(key)
    return value


def _fields(data: dict[str, Any]) -> list[str] | None:
    if "fields" not in data:
        return None
    fields = data["fields"]
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise invalid("fields")
    return fields


async def template(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    directory = _dir(sim)
    return ok({"series": directory.series, "users": [copy.deepcopy(directory.template)]})


async def create(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    data, directory = _body(req), _dir(sim)
    force = data.get("force", False)
    if not isinstance(force, bool):
        raise invalid("force")
    users = [directory.create(item, force) for item in _list(data, "users")]
    return ok({"series": directory.series, "users": users})


async def update(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    data, directory = _body(req), _dir(sim)
    if "users" not in data:
        raise ApiError(11, "users")
    users = [directory.update(item) for item in _list(data, "users")]
    return ok({"series": directory.series, "users": users})


async def delete(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    data, directory = _body(req), _dir(sim)
    if "users" in data:
        items = _list(data, "users")
        users = [directory.delete(item.get("uuid") if isinstance(item, dict) else None)
                 for item in items]
    elif "owner" in data:
        if not isinstance(data["owner"], str):
            raise invalid("owner")
        users = directory.delete_owner(data["owner"])
    else:
        raise ApiError(11, "users")
    return ok({"series": directory.series, "users": users})


async def get(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    data, directory = _body(req), _dir(sim)
    fields = _fields(data)
    users = []
    for item in _list(data, "users"):
        given = item.get("uuid") if isinstance(item, dict) else None
        if not isinstance(given, str) or not UUID.match(given):
            users.append({"uuid": given, "errors": [{"code": "EDIR_UUID_INVALID_FORMAT"}]})
        elif (entry := directory.get(given)) is None:
            users.append({"uuid": given, "errors": [{"code": "EDIR_UUID_DOES_NOT_EXIST"}]})
        else:
            users.append(directory.view(entry, fields))
    return ok({"series": directory.series, "users": users})


async def query(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    data, directory = _body(req), _dir(sim)
    fields = _fields(data)
    series = data.get("series", directory.series)
    iterator = data.get("iterator", {"timestamp": 0})
    if not isinstance(iterator, dict) or not isinstance(iterator.get("timestamp", 0), int):
        raise invalid("iterator")
    since = iterator.get("timestamp", 0)
    if series != directory.series or since > directory.timestamp or (
            since and since <= directory.invalid):
        # Unknown history: the client must start over (doc 5.14.6).
        return ok({"series": directory.series, "users": [],
                   "timestamp": directory.timestamp, "invalid": directory.invalid})
    entries = sorted(directory.entries.values(), key=lambda e: e["timestamp"])
    if since == 0:
        chosen = [e for e in entries if not e["deleted"]]
    else:
        chosen = [e for e in entries if e["timestamp"] >= since]
    return ok({"series": directory.series,
               "users": [directory.view(e, fields) for e in chosen]})
