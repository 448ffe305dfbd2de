"""Parsers for FCM5600 reply payloads (pure functions, tested on the document's examples).

Every function takes the ``data`` member of a reply and raises :class:`ProtocolError` with a
one-line message when the shape is not what the document describes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...core.errors import ProtocolError

# -- envelope --------------------------------------------------------------------------------


def unwrap(payload: Any, *, what: str = "") -> tuple[int, str, Any]:
    """``{"code":0,"message":"OK","data":...}`` -> (code, message, data)."""
    if not isinstance(payload, Mapping) or "code" not in payload:
        raise ProtocolError(f"{what or 'reply'}: not an FCM5600 reply (no 'code' member)")
    try:
        code = int(payload["code"])
    except (TypeError, ValueError):
        raise ProtocolError(f"{what or 'reply'}: 'code' is not a number") from None
    message = payload.get("message")
    return code, str(message) if message is not None else "", payload.get("data")


# -- paging ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a ``search-*-page`` / ``list`` reply."""

    items: list[dict[str, Any]]
    count: int
    page: int
    page_size: int


def parse_page(data: Any, *, what: str = "") -> Page:
    """``{"items":[...],"count":N,"page":P,"pageSize":S}``; a bare array is one complete page.

    Assumption: the wake-up call list answers a bare array although it takes paging
    parameters; we treat such an array as the only page.
    """
    if isinstance(data, list):
        items = [_row(item, what) for item in data]
        return Page(items, len(items), 1, max(len(items), 1))
    if not isinstance(data, Mapping):
        raise ProtocolError(f"{what or 'page'}: expected a page object, got {type(data).__name__}")
    raw_items = data.get("items")
    if raw_items is None:
        raw_items = []
    if not isinstance(raw_items, list):
        raise ProtocolError(f"{what or 'page'}: 'items' is not an array")
    items = [_row(item, what) for item in raw_items]
    return Page(
        items,
        _int(data.get("count", len(items)), f"{what} count"),
        _int(data.get("page", 1), f"{what} page"),
        _int(data.get("pageSize", len(items)), f"{what} pageSize"),
    )


def _row(item: Any, what: str) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        raise ProtocolError(f"{what or 'page'}: a row is not an object")
    return dict(item)


def _int(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ProtocolError(f"{what.strip()}: {value!r} is not a number") from None


def parse_rows(data: Any, *, what: str = "") -> list[dict[str, Any]]:
    """An array of objects (extension-info, MOH folders, dial plans...); null is empty."""
    if data is None or data == {}:
        return []
    if not isinstance(data, list):
        raise ProtocolError(f"{what or 'reply'}: expected an array")
    return [_row(item, what) for item in data]


# -- system info -----------------------------------------------------------------------------

# The version keys carry a numeric ordering prefix ("1model", "3WAN-IP"); strip it.
VERSION_KEYS = {
    "model": "model",
    "devicename": "device_name",
    "wan-ip": "wan_ip",
    "wan-mac": "wan_mac",
    "lan-ip": "lan_ip",
    "lan-mac": "lan_mac",
    "hardwareversion": "hardware",
    "version": "firmware",
    "uptime": "uptime",
}


def parse_version(data: Any) -> dict[str, str]:
    """``{"1model":"FIBERME-FCM5600","2DeviceName":...}`` -> ``{"model":..., ...}``."""
    if not isinstance(data, Mapping):
        raise ProtocolError("systeminfo/version: expected an object")
    out: dict[str, str] = {}
    for key, value in data.items():
        name = str(key).lstrip("0123456789").lower()
        out[VERSION_KEYS.get(name, name)] = "" if value is None else str(value)
    return out


def parse_cpu(data: Any) -> list[float]:
    """Per-core usage in percent (the document's "(usage/100) * 100%" formula is identity)."""
    if not isinstance(data, list):
        raise ProtocolError("systeminfo/cpu: expected an array of numbers")
    try:
        return [float(v) for v in data]
    except (TypeError, ValueError):
        raise ProtocolError("systeminfo/cpu: a value is not a number") from None


def parse_mem(data: Any) -> dict[str, float]:
    """Physical memory: total/available/used bytes and used percent."""
    if not isinstance(data, Mapping) or not isinstance(data.get("virtual"), Mapping):
        raise ProtocolError("systeminfo/mem: no 'virtual' memory object")
    virtual = data["virtual"]
    try:
        return {
            "total": float(virtual.get("total", 0)),
            "available": float(virtual.get("available", 0)),
            "used": float(virtual.get("used", 0)),
            "used_percent": float(virtual.get("usedPercent", 0)),
        }
    except (TypeError, ValueError):
        raise ProtocolError("systeminfo/mem: a value is not a number") from None


def _num_text(value: Any) -> int:
    """Disk and call counters come as strings, sometimes empty ("" -> 0)."""
    if value in (None, ""):
        return 0
    try:
        return int(float(value))
    except (TypeError, ValueError):
        raise ProtocolError(f"{value!r} is not a number") from None


def parse_disk(data: Any) -> dict[str, int]:
    """Storage in MB. Accepts the document's ``usbtotall`` typo and ``usbtotal``."""
    if not isinstance(data, Mapping):
        raise ProtocolError("systeminfo/disk: expected an object")
    return {
        "rcdtotal": _num_text(data.get("rcdtotal")),
        "rcdused": _num_text(data.get("rcdused")),
        "systotal": _num_text(data.get("systotal")),
        "sysused": _num_text(data.get("sysused")),
        "usbtotal": _num_text(data.get("usbtotall", data.get("usbtotal"))),
        "usbused": _num_text(data.get("usbused")),
    }


def parse_calls(data: Any) -> dict[str, int]:
    """Current and maximum calls.

    Assumption: the document's example (``"data":["calls":"","maxcalls":""]``) is garbled;
    we read an object ``{"calls":"2","maxcalls":"30"}`` and tolerate it wrapped in an array.
    """
    if isinstance(data, list) and len(data) == 1:
        data = data[0]
    if not isinstance(data, Mapping):
        raise ProtocolError("systeminfo/calls: expected an object with calls and maxcalls")
    return {"calls": _num_text(data.get("calls")), "maxcalls": _num_text(data.get("maxcalls"))}


# -- trunks ----------------------------------------------------------------------------------

ANALOG_FIELDS = ("serial", "channel", "type", "status", "channel_status", "blf")
VOIP_FIELDS = ("name", "type", "ip", "delay", "status")


def parse_trunk_info(data: Any) -> list[dict[str, str]]:
    """trunk-info strings (rows split by newline, fields by colon) -> one row per trunk.

    Each row has ``kind`` (analog/digital/iax/sip) plus the documented fields: analog
    ``Serial number:Channel:Trunk type:Status:Channel status:BLF``, IAX/SIP
    ``Name:Trunk type:Ip:Delayed:Status``. Missing trailing fields are empty. An IP with a
    port (``10.0.0.1:5060``) is kept whole: name and type come first, delay and status last.
    Assumption: digital trunks use the analog layout (the document shows only an empty string).
    """
    if not isinstance(data, Mapping):
        raise ProtocolError("systeminfo/trunk-info: expected an object")
    rows: list[dict[str, str]] = []
    for kind, key in (("analog", "analogOut"), ("digital", "digitalOut"),
                      ("iax", "iaxOut"), ("sip", "sipOut")):
        text = data.get(key) or ""
        if not isinstance(text, str):
            raise ProtocolError(f"systeminfo/trunk-info: {key} is not text")
        for line in text.replace("\\n", "\n").splitlines():
            if not line.strip():
                continue
            parts = line.split(":")
            if kind in ("iax", "sip"):
                rows.append({"kind": kind, **_voip_fields(parts)})
            else:
                padded = [*parts, *[""] * len(ANALOG_FIELDS)][: len(ANALOG_FIELDS)]
                rows.append({"kind": kind, **dict(zip(ANALOG_FIELDS, padded, strict=True))})
    return rows


def _voip_fields(parts: list[str]) -> dict[str, str]:
    if len(parts) > len(VOIP_FIELDS):
        parts = [parts[0], parts[1], ":".join(parts[2:-2]), parts[-2], parts[-1]]
    padded = [*parts, *[""] * len(VOIP_FIELDS)][: len(VOIP_FIELDS)]
    return dict(zip(VOIP_FIELDS, padded, strict=True))
