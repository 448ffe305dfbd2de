"""Live status of a 2N device: ``system/status`` (time, up time), ``io/status`` (the state of
every input and output) and ``call/status`` (the calls in progress), read-only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...core.device import Capability
from ...core.durations import running_time
from ...core.params import Category, Choice, Kind, ParamSpec, SettingsPage, TableSpec
from .client import TwoNClient


def _ro(key: str, label: str, kind: Kind = Kind.STRING, **extra: Any) -> ParamSpec:
    return ParamSpec(key, label, kind, read_only=True, category=Category.STATUS, **extra)


def status_page(ports: Sequence[Mapping[str, Any]], with_capture: bool = False) -> SettingsPage:
    """System time and up time, one line per input/output with its state, and the live
    capture's figures where the device has packet capture."""
    params = [
        _ro("status.systemTime", "Device time", Kind.DATETIME, group="System",
            help="The device's clock (system/status)."),
        _ro("status.upTime", "Running for", group="System",
            help="Time since the last restart (system/status)."),
    ]
    for port in ports:
        name = str(port.get("port", ""))
        if not name:
            continue
        kind = "Output" if port.get("type") == "output" else "Input"
        params.append(_ro(f"io.{name}.state", f"{kind} {name}", Kind.BOOL,
                          group="Inputs and outputs",
                          help=f"{kind} state: on (1) or off (0) (io/status)."))
    if with_capture:
        params += [
            _ro("pcap.live.running", "Live capture running", Kind.BOOL, group="Packet capture",
                help="A chunked live capture is running (pcap/live/stats)."),
            _ro("pcap.live.bytesSent", "Sent", Kind.INT, unit="bytes", group="Packet capture"),
            _ro("pcap.live.packetsSent", "Packets sent", Kind.INT, group="Packet capture"),
        ]
    return SettingsPage("status", "Status", tuple(params), capability=str(Capability.SYSTEM),
                        help="What the device reports now; press Reload to read it again.")


async def read_status(client: TwoNClient, with_ports: bool,
                      with_capture: bool = False) -> dict[str, Any]:
    """Values of :func:`status_page`."""
    system = await client.system_status()
    values: dict[str, Any] = {"status.systemTime": system.get("systemTime"),
                              "status.upTime": running_time(system.get("upTime"))}
    if with_ports:
        for port in await client.io_status():
            values[f"io.{port.get('port')}.state"] = bool(port.get("state"))
    if with_capture:
        live = await client.pcap_live_stats()
        values.update({f"pcap.live.{k}": live.get(k)
                       for k in ("running", "bytesSent", "packetsSent")})
    return values


ACTIVE_CALLS_TABLE = TableSpec(
    "activecalls", "Calls in progress",
    (
        _ro("session", "Call", Kind.INT, help="Call identifier (for answer / hang up)."),
        _ro("direction", "Direction", Kind.ENUM,
            choices=(Choice("incoming", "Incoming"), Choice("outgoing", "Outgoing"))),
        _ro("state", "State", Kind.ENUM,
            choices=(Choice("connecting", "Connecting"), Choice("ringing", "Ringing"),
                     Choice("connected", "Connected"))),
    ),
    row_key="session", operations=frozenset(), capability=str(Capability.CALLS),
    help="The calls of the device right now (call/status); Reload to refresh.")


async def read_active_calls(client: TwoNClient) -> list[dict[str, Any]]:
    """Rows of :data:`ACTIVE_CALLS_TABLE`."""
    return [{c.key: call.get(c.key) for c in ACTIVE_CALLS_TABLE.columns}
            for call in await client.call_status() if isinstance(call, Mapping)]
