"""The commissioning report's content: the site, every device, door tests, problems, audit.

Collected live from the devices (identity, SIP registration, key settings: relays, SIP
accounts, inputs) plus the site's journal (door tests, audit trail). Rendering is separate:
``report_html`` (no Qt) and the PDF through Qt's printing under ``ui/site``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ...core.device import Device
from ...core.errors import ConfiguratorError
from ...core.events import DeviceEvent, Severity
from ...core.params import Category, Kind
from ...core.registration import RegRole, ReportsRegistration, summarize
from ...live.journal import EventJournal
from ..site import Site, SiteDevice
from .audit import AUDIT_TYPE, os_user
from .credentials import SiteCredentials
from .doortest import DOOR_TEST_TYPE, snapshot_dir
from .results import DeviceResult, DeviceStatus
from .runner import Progress, run_devices, with_device

KEY_CAPABILITIES = ("relays", "sip", "inputs", "switches")
MAX_SETTINGS_PER_PAGE = 10
MAX_AUDIT = 400
MAX_SNAPSHOT_BYTES = 400_000
# Reading for a report changes nothing on the devices: more of them at once than a bulk
# change (most of a device's time is waiting for its answers).
REPORT_CONCURRENCY = 16


@dataclass
class Setting:
    page: str
    label: str
    value: str


@dataclass
class DoorTest:
    door: str
    pressed: str  # ISO time
    seen: bool
    latency_ms: int | None = None
    event: str = ""
    snapshot: bytes = b""  # JPEG
    error: str = ""


@dataclass
class DeviceReport:
    entry: SiteDevice
    state: str  # "online", "offline", "auth failed", ...
    message: str = ""
    sip: str = ""  # "registered", "not registered", "" unknown
    settings: list[Setting] = field(default_factory=list)
    doors: list[DoorTest] = field(default_factory=list)


@dataclass
class SiteReport:
    site: Site
    created: datetime
    author: str
    devices: list[DeviceReport]
    audit: list[DeviceEvent]
    problems: list[tuple[str, str]]  # (device title, problem)


def sip_state(values: dict[str, Any], device: Device) -> str:
    """Registration from a STATUS setting about registration on a SIP page."""
    for page in device.pages():
        if page.capability != "sip":
            continue
        states = [values.get(p.key) for p in page.params if p.category is Category.STATUS
                  and "regist" in (p.key + p.label).lower() and p.key in values]
        known = [v if isinstance(v, bool) else str(v).lower() in (
            "1", "true", "registered", "yes", "ok") for v in states if v is not None]
        if known:
            return "registered" if any(known) else "not registered"
    return ""


async def read_device(entry: SiteDevice, device: Device) -> DeviceReport:
    info = await device.read_info()
    entry.model, entry.serial = info.model or entry.model, info.serial or entry.serial
    entry.mac, entry.firmware = info.mac or entry.mac, info.firmware or entry.firmware
    report = DeviceReport(entry, "online")
    status_values: dict[str, Any] = {}
    for page in device.pages():
        if page.capability not in KEY_CAPABILITIES:
            continue
        try:
            values = await device.read_page(page.id)
        except ConfiguratorError as exc:
            report.settings.append(Setting(page.title, "(not readable)", exc.message))
            continue
        status_values.update(values)
        shown = 0
        for spec in page.params:
            if spec.category is not Category.BASIC or spec.key not in values:
                continue
            if shown >= MAX_SETTINGS_PER_PAGE:
                break
            value = values[spec.key]
            text = ("set" if value else "not set") if spec.kind is Kind.SECRET else \
                spec.format(value)
            label = f"{spec.group} · {spec.label}" if spec.group else spec.label
            report.settings.append(Setting(page.title, label, text + (
                f" {spec.unit}" if spec.unit and text else "")))
            shown += 1
    report.sip = await registration_state(device) or sip_state(status_values, device)
    return report


async def registration_state(device: Device) -> str:
    """"registered" when every account the device registers itself is, "not registered"
    when one is not, "" when it has none in use or cannot tell (the vendor-neutral records of
    :mod:`configurator.core.registration`)."""
    if not isinstance(device, ReportsRegistration):
        return ""
    try:
        report = await device.sip_registrations()
    except ConfiguratorError:
        return ""
    own = summarize(r for r in report.accounts if r.role is RegRole.OWN)
    if not own.in_use:
        return ""
    return "registered" if own.all_registered else "not registered"


async def collect(site: Site, devices: list[SiteDevice], credentials: SiteCredentials,
                  journal: EventJournal | None, *, concurrency: int = REPORT_CONCURRENCY,
                  progress: Progress | None = None, snapshots: Path | None = None
                  ) -> tuple[SiteReport, list[DeviceResult]]:
    """Read the devices and the journal; door-test pictures come from ``snapshots``
    (default: the folder next to the site file)."""
    reports: dict[str, DeviceReport] = {}

    async def job(entry: SiteDevice, device: Device) -> DeviceResult:
        reports[entry.key] = await read_device(entry, device)
        return DeviceResult(entry.key, entry.title, DeviceStatus.SUCCEEDED)

    results = await run_devices(devices, with_device(job, credentials), concurrency=concurrency,
                                progress=progress)
    ordered: list[DeviceReport] = []
    for entry, result in zip(devices, results, strict=True):
        report = reports.get(entry.key) or DeviceReport(entry, str(result.status),
                                                        result.message)
        ordered.append(report)
    audit: list[DeviceEvent] = []
    if journal is not None:
        addresses = sorted({d.address for d in devices})
        tests = journal.search(devices=addresses, types=[DOOR_TEST_TYPE], limit=None)
        folder = snapshots or (snapshot_dir(site.path) if site.path else None)
        attach_door_tests(ordered, tests, folder)
        audit = journal.search(devices=addresses, types=[AUDIT_TYPE], limit=MAX_AUDIT,
                               newest_first=True)
    return SiteReport(site, datetime.now().astimezone(), os_user(), ordered, audit,
                      problems(ordered, audit)), results


def attach_door_tests(devices: list[DeviceReport], events: list[DeviceEvent],
                      folder: Path | None) -> None:
    """The newest test of every door goes to its device."""
    newest: dict[tuple[str, str], DeviceEvent] = {}
    for event in events:
        newest[(event.device, str(event.params.get("door", "")))] = event
    by_key = {d.entry.address: d for d in devices}
    for (device, door), event in newest.items():
        target = by_key.get(device)
        if target is None:
            continue
        p = event.params
        picture = b""
        name = str(p.get("snapshot") or "")
        if folder is not None and name and "/" not in name and "\\" not in name:
            path = folder / name
            if path.is_file() and path.stat().st_size <= MAX_SNAPSHOT_BYTES:
                picture = path.read_bytes()
        target.doors.append(DoorTest(door, str(p.get("pressed_utc", "")), bool(p.get("seen")),
                                     p.get("latency_ms"), str(p.get("event_type") or ""),
                                     picture, str(p.get("error") or "")))
    for d in devices:
        d.doors.sort(key=lambda t: t.door)


def problems(devices: list[DeviceReport], audit: list[DeviceEvent]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for d in devices:
        title = d.entry.title
        if d.state != "online":
            out.append((title, f"{d.state}: {d.message}" if d.message else d.state))
        if d.sip == "not registered":
            out.append((title, "SIP account not registered"))
        for t in d.doors:
            if not t.seen:
                out.append((title, f"door test of {t.door}: "
                                   f"{t.error or 'no event seen after opening'}"))
        if d.state == "online" and not d.doors and _has_doors(d):
            out.append((title, "no door test recorded"))
    # Failed changes that no later change of the same key (or action) succeeded.
    latest: dict[tuple[str, str], DeviceEvent] = {}
    for event in sorted(audit, key=lambda e: e.utc):
        what = str(event.params.get("key") or event.params.get("table") or
                   event.params.get("action") or "")
        latest[(event.device, what)] = event
    titles = {d.entry.address: d.entry.title for d in devices}
    for (device, _what), event in latest.items():
        if event.severity is Severity.WARNING and "door test" not in event.summary:
            out.append((titles.get(device, device), f"change not applied: {event.summary}"))
    return out


def _has_doors(d: DeviceReport) -> bool:
    return any(s.page.lower().startswith(("relay", "switch")) for s in d.settings)


def data_uri(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
