"""Every parser that reads device, file or network input, as fuzz targets.

A target takes one ``bytes`` input and may fail only with the program's own typed errors
(``allowed``); anything else - and any input that takes longer than the time limit - is a
finding. Seeds are well-formed inputs that mutations start from.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from configurator.core import safejson
from configurator.core.errors import ConfiguratorError
from configurator.core.mjpeg import MjpegError, MjpegParser, boundary_from_content_type
from configurator.core.params import Kind, ParamSpec
from configurator.discovery.multicast import sightings_from_datagram
from configurator.drivers.fanvil.protocol import parse_nc_text, parse_reply
from configurator.drivers.fcm5600.parsers import parse_page, parse_rows, unwrap
from configurator.drivers.onetouch.protocol import parse_reply as onetouch_reply
from configurator.drivers.twon.events import TwoNEventSource
from configurator.drivers.twon.reply import (
    explain_auth_failure,
    parse_json_reply,
    parse_pull_reply,
)
from configurator.live.httpwire import HttpExchange
from configurator.services.site import Site

from ..live.answer_head import mjpeg_body

TYPED = (ConfiguratorError,)


@dataclass
class Target:
    name: str
    run: Callable[[bytes], object]
    seeds: list[bytes]
    allowed: tuple[type[BaseException], ...] = TYPED
    inputs: int = field(default=0, compare=False)


def _split(data: bytes) -> list[bytes]:
    """The input cut into pieces at places its first byte chooses (as a socket delivers)."""
    if not data:
        return [b""]
    step = 1 + data[0] % 97
    return [data[i:i + step] for i in range(0, len(data), step)]


# -- camera streams ------------------------------------------------------------------------
JPEG = b"\xff\xd8" + b"\x10" * 40 + b"\xff\xd9"
PART = b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: 44\r\n\r\n" + JPEG + b"\r\n"


def _mjpeg(data: bytes) -> object:
    parser = MjpegParser(b"frame", max_part_size=64 * 1024)
    for piece in _split(data):
        try:
            parser.feed(piece)
        except MjpegError:
            pass  # counted by the stream; the parser must go on
    return parser.buffered


def _chunked_mjpeg(data: bytes) -> object:
    body = mjpeg_body(MjpegParser(b"frame", max_part_size=64 * 1024), chunked=True)
    for piece in _split(data):
        body.feed(piece)
    body.feed(b"", closed=True)
    return body.parse_errors


def _boundary(data: bytes) -> object:
    return boundary_from_content_type(data.decode("latin-1"))


def _head(data: bytes) -> object:
    exchange = HttpExchange("camera")
    exchange.request(httpx.Request("GET", "http://camera/stream"))
    return any(exchange.feed_head(piece) is not None for piece in _split(data))


# -- device replies ------------------------------------------------------------------------
def _response(data: bytes, status: int = 200, ctype: str = "application/json") -> httpx.Response:
    return httpx.Response(status, content=data, headers={"content-type": ctype},
                          request=httpx.Request("GET", "http://device/api/system/info"))


def _twon_reply(data: bytes) -> object:
    status = 401 if data[:1] == b"\x01" else 200
    try:
        return parse_json_reply(_response(data, status), function="system/info", host="d")
    finally:
        explain_auth_failure(_response(data, 401))


def _twon_events(data: bytes) -> object:
    """A ``log/pull`` answer, decoded as the event source does: the reply (the good events
    around a broken one salvaged), then each item (lenient numbers, per-event skip)."""
    items = parse_pull_reply(_response(data), host="d")
    source = TwoNEventSource(None, "door")  # type: ignore[arg-type]
    return [source._decode(item) for item in items]


def _onetouch_reply(data: bytes) -> object:
    return onetouch_reply(_response(data), "d", "system/info")


def _fanvil_reply(data: bytes) -> object:
    return parse_reply(data)


def _fanvil_nc(data: bytes) -> object:
    return parse_nc_text(data.decode("utf-8", "replace"))


def _fcm_reply(data: bytes) -> object:
    try:
        payload = safejson.loads(data)
    except ValueError:
        return None
    _code, _message, body = unwrap(payload, what="x")
    try:
        parse_page(body, what="x")
    except ConfiguratorError:
        pass
    return parse_rows(body, what="x")


def _json(data: bytes) -> object:
    try:
        return safejson.loads(data)
    except ValueError:
        return None  # JSONDecodeError is the promised error


# -- files and datagrams -------------------------------------------------------------------
_TMP = Path(tempfile.mkdtemp(prefix="configurator-fuzz-"))


def _site_file(data: bytes) -> object:
    path = _TMP / "site.json"
    path.write_bytes(data)
    return Site.load(path)


def _datagram(data: bytes) -> object:
    return sightings_from_datagram(data, "192.0.2.1")


_SPECS = [ParamSpec("k", "K", kind) for kind in Kind]  # every kind with default bounds
_SPECS += [ParamSpec("k", "K", kind, minimum=1, maximum=10, unit="s")
           for kind in (Kind.INT, Kind.FLOAT, Kind.PORT)]


def _param_text(data: bytes) -> object:
    text = data[1:].decode("utf-8", "replace")
    spec = _SPECS[data[0] % len(_SPECS)] if data else _SPECS[0]
    value = spec.parse(text)
    return spec.format(value)


TARGETS: list[Target] = [
    Target("mjpeg", _mjpeg, [PART * 3, PART.replace(b"44", b"9" * 30)]),
    Target("chunked-mjpeg", _chunked_mjpeg,
           [b"%x\r\n" % len(PART) + PART + b"\r\n0\r\n\r\n", b"-6\r\nabcdef\r\n"]),
    Target("mjpeg-boundary", _boundary, [b"multipart/x-mixed-replace; boundary=frame"],
           allowed=(ValueError,)),
    Target("http-head", _head, [
        b"HTTP/1.1 200 OK\r\nServer: C\xe1mara\r\nContent-Type: x\r\n\r\n",
        b"HTTP/1.0 401 No\r\nWWW-Authenticate: Digest realm=\"x\"\r\n\r\n"]),
    Target("2n-reply", _twon_reply, [
        b'{"success": true, "result": {"variant": "v", "serialNumber": "1", "swVersion": "2"}}',
        b'{"success": false, "error": {"code": 12, "param": "port", "description": "bad"}}',
        b'{"success" : true,}']),
    Target("2n-events", _twon_events, [
        b'{"success": true, "result": {"events": [{"id": 1, "tzShift": 60, "utcTime": '
        b'1700000000, "upTime": 5, "event": "KeyPressed", "params": {"key": "1"}}]}}',
        b'{"success": true, "result": {"events": [{"id": 1e999}, 7, {"upTime": 1e300}, '
        + b"[" * 70 + b"]" * 70 + b', "a\x01b",],}}']),
    Target("onetouch-reply", _onetouch_reply, [
        b'{"retcode": 0, "message": "OK", "data": {"Status": {"Model": "R20"}}}',
        b'{"retcode": -1, "message": "bad", "data": {}}']),
    Target("fanvil-reply", _fanvil_reply, [
        b"<ConfigurationResult><RetCode>0</RetCode><info><item>a.b=1</item></info>"
        b"</ConfigurationResult>", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x/>"]),
    Target("fanvil-nc-file", _fanvil_nc, [b"<<VOIP CONFIG FILE>>\nVersion:2.0\n a :1\n"]),
    Target("fcm-reply", _fcm_reply, [
        b'{"code": 0, "message": "ok", "data": {"list": [{"exten": "100"}], "total": 1}}',
        b'{"code": 0, "message": "ok", "data": [{"a": 1}]}']),
    Target("json", _json, [b'{"a": [1, 2.5, "x", null, true]}', b"[" * 70 + b"]" * 70]),
    Target("site-file", _site_file, [
        b'{"name": "s", "devices": [{"address": "10.0.0.5", "driver": "2n"}]}']),
    Target("discovery-datagram", _datagram, [
        b"HTTP/1.1 200 OK\r\nLOCATION: http://10.0.0.5:99999/d.xml\r\nUSN: uuid:1\r\n\r\n",
        b"SUBSCRIBE sip:MAC0c383e0102@224.0.1.75 SIP/2.0\r\nEvent: ua-profile;vendor=x\r\n\r\n",
        bytes.fromhex("000084000000000100000000") + b"\x05_http\x04_tcp\x05local\x00"
        + bytes.fromhex("000c0001000000780002c000"),
        b"<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'/>"]),
    Target("param-text", _param_text, [b"\x00on", b"\x03" + b"9" * 400, b"\x05 1.5e999",
                                       bytes([len(Kind)]) + b"9" * 400]),
]

__all__ = ["TARGETS", "Target"]
