"""Table of every documented 2N HTTP API function (v2.38 manual and Helios IP v2.11).

One row per function: path, HTTP method, how the parameters travel, what the reply is and
whether repeating the request is harmless. The client's typed methods and the CLI's raw
``call`` both go through this table, so nothing about a function is written twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Body(StrEnum):
    """How a function's parameters travel."""

    QUERY = "query"  # parameters in the URL
    JSON = "json"  # application/json body (dir, lpr, mobilekey PUT)
    MULTIPART = "multipart"  # blob-* parameters (firmware, config, holidays, display image)


class Reply(StrEnum):
    """What a function answers."""

    JSON = "json"
    BINARY = "binary"  # JPEG, XML config, pcap
    STREAM = "stream"  # chunked pcap live


@dataclass(frozen=True)
class Function:
    """One documented function: name, HTTP method, body, reply and whether repeating it is
    harmless."""

    name: str  # "switch/ctrl"
    method: str
    idempotent: bool
    body: Body = Body.QUERY
    reply: Reply = Reply.JSON
    since: str = "2.11"  # first documented API version

    @property
    def path(self) -> str:
        """The URL path (``/api/`` and the name without its ``:method`` suffix)."""
        return "/api/" + self.name.split(":", 1)[0]


def _f(name: str, method: str, idempotent: bool, body: Body = Body.QUERY,
       reply: Reply = Reply.JSON, since: str = "2.11") -> Function:
    return Function(name, method, idempotent, body, reply, since)


_R, _C = True, False  # read (idempotent) / control
_J, _M = Body.JSON, Body.MULTIPART

FUNCTIONS: dict[str, Function] = {f.name: f for f in (
    _f("system/info", "GET", _R),
    _f("system/status", "GET", _R),
    _f("system/restart", "GET", _C),
    _f("system/caps", "GET", _R, since="2.29"),
    _f("system/time", "GET", _R, since="2.35"),
    _f("system/time/set", "GET", _C, since="2.35"),
    _f("firmware", "PUT", _C, _M),
    _f("firmware/apply", "GET", _C),
    _f("firmware/reject", "GET", _C, since="2.32"),
    _f("config", "GET", _R, reply=Reply.BINARY),
    _f("config:put", "PUT", _C, _M),
    _f("config/factoryreset", "GET", _C),
    _f("config/holidays", "GET", _R, since="2.27"),
    _f("config/holidays:put", "PUT", _C, _M, since="2.27"),
    _f("switch/caps", "GET", _R),
    _f("switch/status", "GET", _R),
    _f("switch/ctrl", "GET", _C),
    _f("io/caps", "GET", _R),
    _f("io/status", "GET", _R),
    _f("io/ctrl", "GET", _C),
    _f("phone/status", "GET", _R),
    _f("phone/calllog", "GET", _R, since="2.36"),
    _f("phone/calllog:delete", "DELETE", _C, since="2.36"),
    _f("call/status", "GET", _R),
    _f("call/dial", "GET", _C),
    _f("call/answer", "GET", _C),
    _f("call/hangup", "GET", _C),
    _f("camera/caps", "GET", _R),
    _f("camera/snapshot", "GET", _R, reply=Reply.BINARY),
    _f("display/caps", "GET", _R),
    _f("display/image", "PUT", _C, _M),
    _f("display/image:delete", "DELETE", _C),
    _f("log/caps", "GET", _R, since="2.13"),
    _f("log/subscribe", "GET", _C, since="2.13"),
    _f("log/pull", "GET", _C, since="2.13"),
    _f("log/unsubscribe", "GET", _C, since="2.13"),
    _f("audio/test", "GET", _C, since="2.14"),
    _f("email/send", "GET", _C, since="2.14"),
    _f("pcap", "GET", _R, reply=Reply.BINARY, since="2.14"),
    _f("pcap/restart", "GET", _C, since="2.14"),
    _f("pcap/stop", "GET", _C, since="2.14"),
    _f("pcap/live", "GET", _C, reply=Reply.STREAM, since="2.34"),
    _f("pcap/live/stop", "GET", _C, since="2.34"),
    _f("pcap/live/stats", "GET", _R, since="2.34"),
    _f("dir/template", "GET", _R, since="2.27"),
    _f("dir/create", "PUT", _C, _J, since="2.27"),
    _f("dir/update", "PUT", _C, _J, since="2.27"),
    _f("dir/delete", "PUT", _C, _J, since="2.27"),
    _f("dir/get", "POST", _R, _J, since="2.27"),
    _f("dir/query", "POST", _R, _J, since="2.27"),
    _f("mobilekey/config", "GET", _R, since="2.31"),
    _f("mobilekey/config:put", "PUT", _C, _J, since="2.31"),
    _f("lpr/licenseplate", "POST", _C, _J, since="2.32"),
    _f("lpr/image", "GET", _R, reply=Reply.BINARY, since="2.32"),
    _f("accesspoint/blocking/ctrl", "GET", _C, since="2.26"),
    _f("accesspoint/blocking/status", "GET", _R, since="2.26"),
    _f("accesspoint/grantaccess", "GET", _C, since="2.37"),
    _f("lift/grantaccess", "GET", _C, since="2.34"),
    _f("automation/trigger", "GET", _C, since="2.27"),
)}


def function(name: str) -> Function:
    """Look a function up by name; ``name:put``/``name:delete`` select the other method."""
    from ...core.errors import NotSupported

    try:
        return FUNCTIONS[name.strip().strip("/").removeprefix("api/")]
    except KeyError:
        raise NotSupported(f"unknown 2N function {name!r} (see 'configurator call --list')"
                           ) from None
