"""Site backup into one dated folder with a manifest, and restore of one device from it.

The folder (mode 0700; files 0600: configurations hold SIP passwords) has one configuration
file per device that offers ``backup()``, the device's own export file of every table it can
both export and import (RF cards, dial rules...), and ``manifest.json``: per file the device,
model, serial, MAC, firmware, kind, file name, size, SHA-256 and time; per device its status.

Restore finds the device's files by serial (else MAC, else address), checks the SHA-256,
previews what changes against the device's current configuration, and only with ``confirm``
sends the file back.
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ...core.device import Device
from ...core.errors import ConfiguratorError, InvalidValue, NotSupported
from ...core.events import now_utc
from ...core.params import TableOp
from ..site import Site, SiteDevice
from .audit import AuditTrail, os_user
from .credentials import SiteCredentials, write_private
from .results import DeviceResult, DeviceStatus
from .runner import DEFAULT_CONCURRENCY, Cancel, Progress, run_devices, with_device

MANIFEST = "manifest.json"
FORMAT = "configurator-site-backup"
_SECRET_LINE = re.compile(r"pass|pwd|secret|token|key=", re.IGNORECASE)
PREVIEW_LINES = 40


@dataclass
class SiteBackup:
    folder: Path
    results: list[DeviceResult] = field(default_factory=list)


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "device"


async def backup_site(site: Site, devices: Sequence[SiteDevice], credentials: SiteCredentials,
                      out: Path, *, concurrency: int = DEFAULT_CONCURRENCY,
                      cancel: Cancel | None = None, progress: Progress | None = None,
                      now: datetime | None = None) -> SiteBackup:
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = Path(out) / f"{slug(site.name)}-{stamp}"
    try:
        folder.mkdir(parents=True, exist_ok=False, mode=0o700)
    except FileExistsError:
        raise InvalidValue(f"{folder} already exists") from None
    except OSError as exc:
        raise InvalidValue(f"cannot create {folder}: {exc.strerror or exc}") from None
    files: list[dict[str, Any]] = []
    used: set[str] = set()

    async def job(entry: SiteDevice, device: Device) -> DeviceResult:
        info = await device.read_info()
        identity = {"device": entry.key, "title": entry.title, "vendor": info.vendor,
                    "model": info.model, "serial": info.serial, "mac": info.mac,
                    "firmware": info.firmware}
        stem = _unique(slug(f"{entry.title}-{info.serial or info.mac or entry.address}"), used)
        written: list[dict[str, Any]] = []
        if device.maintenance().backup:
            content, suffix = await device.backup()
            written.append(await _write(folder, f"{stem}{suffix}", content,
                                        {**identity, "kind": "configuration"}))
        for spec in device.tables():
            if TableOp.EXPORT in spec.operations and TableOp.IMPORT in spec.operations:
                content, suffix = await device.export_table(spec.id)
                written.append(await _write(folder, f"{stem}.{spec.id}{suffix}", content,
                                            {**identity, "kind": "table", "table": spec.id}))
        files.extend(written)
        if not written:
            return DeviceResult(entry.key, entry.title, DeviceStatus.SKIPPED,
                                "the device offers no configuration backup")
        return DeviceResult(entry.key, entry.title, DeviceStatus.SUCCEEDED,
                            details={"files": [f["file"] for f in written]})

    results = await run_devices(devices, with_device(job, credentials), concurrency=concurrency,
                                cancel=cancel, progress=progress)
    manifest = {
        "format": FORMAT, "version": 1, "site": site.name, "created": now_utc().isoformat(),
        "user": os_user(),
        "files": sorted(files, key=lambda f: f["file"]),
        "devices": [{"device": r.device, "title": r.title, "status": str(r.status),
                     "message": r.message} for r in results],
    }
    write_private(folder / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    return SiteBackup(folder, results)


def _unique(stem: str, used: set[str]) -> str:
    name, n = stem, 2
    while name in used:
        name, n = f"{stem}-{n}", n + 1
    used.add(name)
    return name


async def _write(folder: Path, name: str, content: bytes, identity: dict[str, Any]
                 ) -> dict[str, Any]:
    digest = await asyncio.to_thread(lambda: hashlib.sha256(content).hexdigest()) \
        if len(content) > 1 << 20 else hashlib.sha256(content).hexdigest()
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    return {**identity, "file": name, "size": len(content), "sha256": digest,
            "time": now_utc().isoformat()}


# -- restore ----------------------------------------------------------------------------------
def read_manifest(folder: Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidValue(f"{folder} is not a site backup ({MANIFEST}: "
                           f"{exc.strerror or exc})") from None
    except ValueError as exc:
        raise InvalidValue(f"{path} is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or \
            not isinstance(data.get("files"), list):
        raise InvalidValue(f"{path} is not a site backup manifest")
    return data


def files_for(manifest: dict[str, Any], entry: SiteDevice) -> list[dict[str, Any]]:
    """The backup's files of this device: by serial, else MAC, else site address."""
    for field_name, value in (("serial", entry.serial), ("mac", entry.mac),
                              ("device", entry.key)):
        if value:
            found = [f for f in manifest["files"] if str(f.get(field_name, "")).lower()
                     == value.lower()]
            if found:
                return found
    return []


def load_checked(folder: Path, item: dict[str, Any]) -> bytes:
    name = str(item.get("file", ""))
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise InvalidValue(f"the manifest names an invalid file {name!r}")
    try:
        content = (Path(folder) / name).read_bytes()
    except OSError as exc:
        raise InvalidValue(f"cannot read {name}: {exc.strerror or exc}") from None
    if hashlib.sha256(content).hexdigest() != item.get("sha256"):
        raise InvalidValue(f"{name} does not match its SHA-256 in the manifest "
                           "(changed or damaged since the backup)")
    return content


def preview(current: bytes, saved: bytes, name: str) -> dict[str, Any]:
    """What restoring ``saved`` over ``current`` changes (secret lines masked)."""
    if current == saved:
        return {"file": name, "identical": True, "summary": "identical to the device's "
                                                            "current configuration"}
    try:
        old = current.decode("utf-8").splitlines()
        new = saved.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return {"file": name, "identical": False,
                "summary": f"binary file differs ({len(current)} -> {len(saved)} bytes)",
                "diff": []}
    diff = [line for line in difflib.unified_diff(old, new, "device now", name, n=0,
                                                  lineterm="")
            if not line.startswith(("---", "+++"))]
    removed = sum(1 for line in diff if line.startswith("-"))
    added = sum(1 for line in diff if line.startswith("+"))
    shown = [line if line.startswith("@@") or not _SECRET_LINE.search(line)
             else f"{line[0]} (a line with a secret value)" for line in diff[:PREVIEW_LINES]]
    more = len(diff) - len(shown)
    return {"file": name, "identical": False,
            "summary": f"{removed} line(s) replaced or removed, {added} added",
            "diff": shown + ([f"... {more} more line(s)"] if more > 0 else [])}


async def restore_device(site: Site, folder: Path, entry: SiteDevice,
                         credentials: SiteCredentials, *, confirm: bool,
                         audit: AuditTrail | None = None) -> DeviceResult:
    manifest = read_manifest(folder)
    items = files_for(manifest, entry)
    config = [f for f in items if f.get("kind") == "configuration"]
    if not config:
        raise InvalidValue(f"the backup {folder} has no configuration of {entry.title}")
    item = config[0]
    saved = load_checked(folder, item)

    async def job(entry: SiteDevice, device: Device) -> DeviceResult:
        if not device.maintenance().restore:
            raise NotSupported("this device offers no configuration restore", host=entry.address)
        current, _ = await device.backup()
        shown = preview(current, saved, str(item["file"]))
        details: dict[str, Any] = {"preview": shown, "backup_time": item.get("time"),
                                   "firmware_then": item.get("firmware")}
        tables = [f["file"] for f in items if f.get("kind") == "table"]
        if tables:
            details["table_files"] = tables
        if shown["identical"]:
            return DeviceResult(entry.key, entry.title, DeviceStatus.SUCCEEDED,
                                "nothing to restore: the configuration is identical",
                                details=details)
        if not confirm:
            return DeviceResult(entry.key, entry.title, DeviceStatus.NOT_STARTED,
                                "preview only: add --yes to restore", details=details)
        try:
            await device.restore(saved, str(item["file"]))
        except ConfiguratorError as exc:
            if audit is not None:
                audit.action(entry.address, entry.title, "restore", f"failed: {exc.message}",
                             ok=False, file=item["file"])
            raise
        if audit is not None:
            audit.action(entry.address, entry.title, "restore", f"{item['file']} sent",
                         ok=True, file=item["file"], sha256=item["sha256"])
        restarts = device.maintenance().restore_restarts
        return DeviceResult(entry.key, entry.title, DeviceStatus.SUCCEEDED,
                            "restored" + (" (the device restarts)" if restarts else
                                          " (the device applies it within about 15 s)"),
                            details=details)

    results = await run_devices([entry], with_device(job, credentials), concurrency=1)
    if audit is not None:
        audit.flush()
    return results[0]
