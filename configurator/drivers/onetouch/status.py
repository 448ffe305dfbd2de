"""Pages beyond the documented setting groups: the live status (``system/status``,
``firmware/status``, ``call/status``, ``pcap/status``, read-only) and "All settings", the whole
configuration (``config/get`` / ``config/set``) with the typed specs of the other pages where
they know a key and plain text elsewhere."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ...core.device import Capability
from ...core.durations import running_time
from ...core.params import Category, Kind, ParamSpec, SettingsPage
from .client import OnetouchClient


def _ro(key: str, label: str, group: str, kind: Kind = Kind.STRING, **extra: Any) -> ParamSpec:
    return ParamSpec(key, label, kind, read_only=True, category=Category.STATUS, group=group,
                     **extra)


def status_page(with_capture: bool) -> SettingsPage:
    """What the device reports now; the capture lines where it has packet capture."""
    params = [
        _ro("status.SystemTime", "Device time", "System", Kind.DATETIME,
            help="Unix time (system/status)."),
        _ro("status.UpTime", "Running for", "System",
            help="Device online time (system/status)."),
        _ro("firmware.Model", "Model", "Firmware"),
        _ro("firmware.FirmwareVersion", "Firmware", "Firmware"),
        _ro("firmware.HardwareVersion", "Hardware", "Firmware"),
        _ro("firmware.MAC", "MAC address", "Firmware", help="(firmware/status)"),
        _ro("call.Status", "Call", "Calls",
            help="The intercom's call state (call/status), e.g. READY."),
    ]
    if with_capture:
        params += [_ro("pcap.Status", "Packet capture", "Packet capture",
                       help="run or stop (pcap/status)."),
                   _ro("pcap.FileSize", "Capture size", "Packet capture", Kind.INT, unit="B")]
    return SettingsPage("status", "Status", tuple(params), capability=str(Capability.SYSTEM),
                        help="What the intercom reports now; press Reload to read it again.")


async def read_status(client: OnetouchClient, with_capture: bool) -> dict[str, Any]:
    """Values of :func:`status_page`."""
    system = await client.system_status()
    values: dict[str, Any] = {"status.SystemTime": system.get("SystemTime"),
                              "status.UpTime": running_time(system.get("UpTime"))}
    values.update({f"firmware.{k}": v for k, v in (await client.firmware_status()).items()})
    values["call.Status"] = await client.call_status()
    if with_capture:
        capture = await client.pcap_status()
        values["pcap.Status"] = capture.get("Status", "")
        size = str(capture.get("FileSize", ""))
        values["pcap.FileSize"] = int(size) if size.isdigit() else None
    return values


ALL_SETTINGS = "all"


def all_settings_page(keys: Iterable[str], typed: Sequence[SettingsPage]) -> SettingsPage:
    """Every key of ``config/get``; a key another page describes keeps its type and help."""
    known = {spec.key: spec for page in typed for spec in page.params}
    params = []
    for key in keys:
        if key in known:
            params.append(known[key])
            continue
        group = key.split(".")[1] if key.count(".") >= 2 else "Other"
        params.append(ParamSpec(key, key.rsplit(".", 1)[-1], Kind.STRING, group=group,
                                category=Category.ADVANCED,
                                help=f"{key} (config/get; the document describes only "
                                     "some keys)"))
    return SettingsPage(ALL_SETTINGS, "All settings", tuple(params),
                        capability=str(Capability.SYSTEM),
                        help="The intercom's whole configuration as config/get reports it; "
                             "changes go through config/set and are read back.")
