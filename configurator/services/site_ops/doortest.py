"""A recorded door test: open each door, see its event come back, take a camera picture.

Per door of a device that opens doors (:class:`~configurator.core.abilities.OpensDoors`):
listen to the device's events, press "open door" at T, wait for the first door/relay/switch
event (seen at T+x, measured on this computer's clock when it arrives), take a snapshot where
the device has a camera, and journal a ``door test`` event (the report shows the newest one
per door). The door opening is also an audit entry: the program made the device do something.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from ...core.abilities import Door, OpensDoors
from ...core.device import Device
from ...core.errors import ConfiguratorError, NotSupported
from ...core.events import DeviceEvent, Severity, now_utc
from ..site import SiteDevice
from .audit import AuditTrail
from .results import DeviceResult, DeviceStatus

DOOR_TEST_TYPE = "door test"
DOOR_WORDS = ("door", "relay", "switch", "output")
SETTLE = 0.5  # s for the event subscription to be in place before the door is pressed
SNAPSHOT_SIZE = (320, 240)


def snapshot_dir(site_path: Path) -> Path:
    return site_path.with_name(site_path.stem + ".doortests")


def is_door_event(event: DeviceEvent) -> bool:
    text = event.type.lower()
    return any(word in text for word in DOOR_WORDS) and not text.startswith("poll.")


async def run_door_test(entry: SiteDevice, device: Device, *, wait: float = 5.0,
                     audit: AuditTrail | None = None,
                     snapshots: Path | None = None) -> DeviceResult:
    found = device.doors() if isinstance(device, OpensDoors) else []
    if not isinstance(device, OpensDoors) or not found:
        return DeviceResult(entry.key, entry.title, DeviceStatus.SKIPPED,
                            "the device has no open-door action")
    tested = []
    for door in found:
        tested.append(await _one_door(entry, device, device.open_door, door, wait=wait,
                                      audit=audit, snapshots=snapshots))
    seen = [t for t in tested if t["seen"]]
    status = DeviceStatus.SUCCEEDED if len(seen) == len(tested) else DeviceStatus.FAILED
    message = "" if status is DeviceStatus.SUCCEEDED else \
        f"{len(tested) - len(seen)} of {len(tested)} door(s) gave no event within {wait:g} s"
    return DeviceResult(entry.key, entry.title, status, message, details={"doors": tested})


async def _one_door(entry: SiteDevice, device: Device,
                    open_door: Callable[[Door], Awaitable[None]], door: Door, *,
                    wait: float, audit: AuditTrail | None,
                    snapshots: Path | None) -> dict[str, Any]:
    queue: asyncio.Queue[tuple[float, DeviceEvent]] = asyncio.Queue()

    async def listen() -> None:
        with contextlib.suppress(NotSupported, ConfiguratorError):
            async for event in device.events():
                queue.put_nowait((time.monotonic(), event))

    listener = asyncio.ensure_future(listen())
    try:
        await asyncio.sleep(SETTLE)
        while not queue.empty():  # what was already queued is not the door's answer
            queue.get_nowait()
        pressed_utc, pressed = now_utc(), time.monotonic()
        record: dict[str, Any] = {"door": door.label, "pressed_utc": pressed_utc.isoformat(),
                                  "seen": False}
        try:
            await open_door(door)
        except ConfiguratorError as exc:
            record["error"] = exc.message
            _journal(entry, audit, record, ok=False)
            return record
        snapshot = asyncio.ensure_future(_snapshot(device))
        deadline = pressed + wait
        while (left := deadline - time.monotonic()) > 0:
            try:
                async with asyncio.timeout(left):
                    arrived, event = await queue.get()
            except TimeoutError:
                break
            if is_door_event(event):
                record.update(seen=True, latency_ms=round((arrived - pressed) * 1000),
                              event_type=event.type, event_summary=event.summary)
                break
        picture = await snapshot
        if picture and snapshots is not None:
            record["snapshot"] = _save(snapshots, entry, door.label, picture)
        _journal(entry, audit, record, ok=record["seen"])
        return record
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await listener


async def _snapshot(device: Device) -> bytes:
    if not device.cameras():
        return b""
    try:
        return await device.snapshot("", *SNAPSHOT_SIZE)
    except ConfiguratorError:
        return b""


def _save(folder: Path, entry: SiteDevice, label: str, picture: bytes) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    stem = "".join(c if c.isalnum() else "-" for c in f"{entry.key}-{label}")
    name = f"{stem}-{now_utc().strftime('%Y%m%d-%H%M%S')}.jpg"
    (folder / name).write_bytes(picture)
    return name


def _journal(entry: SiteDevice, audit: AuditTrail | None, record: dict[str, Any], *,
             ok: bool) -> None:
    if audit is None:
        return
    result = (f"event after {record['latency_ms']} ms" if record.get("seen")
              else record.get("error") or "no event")
    audit.action(entry.address, entry.title, f"open {record['door']} (door test)", result, ok=ok)
    summary = f"{record['door']}: " + (
        f"{record.get('event_type')} seen after {record['latency_ms']} ms" if ok else result)
    event = DeviceEvent(device=entry.address, type=DOOR_TEST_TYPE, utc=now_utc(), summary=summary,
                        params={**record, "title": entry.title, "user": audit.user},
                        severity=Severity.INFO if ok else Severity.WARNING,
                        source="configurator")
    audit.record(event)
