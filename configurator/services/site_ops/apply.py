"""Bulk apply: the same write path as one device (``Device.write_page`` / ``apply_table``),
called for every targeted device with bounded concurrency.

Per device: resolve every wanted key against the device's own descriptors (a key the device
lacks is *skipped* with the reason; a value its descriptor refuses is *rejected* before
anything is sent), read the current values (the diff preview and the audit trail's "old"),
then ``write_page`` per page - which sends only the changed keys and reads back - and table
rows through ``apply_table``. A device that stops answering leaves its remaining keys
*unreachable*: nothing is reported applied that was not read back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...core.device import Device, WriteOutcome
from ...core.errors import AuthError, ConfiguratorError, InvalidValue, NotSupported, Unreachable
from ...core.params import Kind, ParamSpec, SettingsPage
from ..site import Site, SiteDevice
from .audit import AuditTrail
from .changes import ChangeSource, DeviceChanges, SettingWanted, TableWanted
from .credentials import SiteCredentials
from .results import (
    DeviceResult,
    DeviceStatus,
    KeyChange,
    KeyOutcome,
    RowChange,
    status_from_keys,
)
from .runner import DEFAULT_CONCURRENCY, Cancel, Progress, run_devices, with_device

# The write contract's outcomes (core/write.py) in site words: its "skipped" (the device
# stopped before the key) is a failure here, "not sent"; a site's "skipped" is a setting the
# device does not have, which is no failure.
_OUTCOMES = {WriteOutcome.APPLIED: KeyOutcome.APPLIED, WriteOutcome.REJECTED: KeyOutcome.REJECTED,
             WriteOutcome.NOT_VERIFIED: KeyOutcome.NOT_VERIFIED,
             WriteOutcome.READ_ONLY: KeyOutcome.SKIPPED,
             WriteOutcome.SKIPPED: KeyOutcome.NOT_SENT}


@dataclass
class BulkApply:
    """One bulk change over a site: ``run`` (or ``preview`` for a dry run), then ``retry``."""

    site: Site
    source: ChangeSource
    credentials: SiteCredentials
    audit: AuditTrail | None = None
    concurrency: int = DEFAULT_CONCURRENCY

    async def run(self, devices: Sequence[SiteDevice], *, dry_run: bool = False,
                  cancel: Cancel | None = None,
                  progress: Progress | None = None) -> list[DeviceResult]:
        async def job_or_skip(entry: SiteDevice) -> DeviceResult:
            changes = self.source.for_device(self.site, entry)
            if changes.empty:  # nothing asked: do not even connect
                return DeviceResult(entry.key, entry.title, DeviceStatus.SKIPPED,
                                    changes.reason or "nothing to change")

            async def job(entry: SiteDevice, device: Device) -> DeviceResult:
                result = await apply_changes(entry, device, changes, dry_run=dry_run)
                if self.audit is not None and not dry_run:
                    self.audit.device_result(result, entry.address)
                return result

            return await with_device(job, self.credentials)(entry)

        results = await run_devices(devices, job_or_skip, concurrency=self.concurrency,
                                    cancel=cancel, progress=progress)
        if self.audit is not None:
            self.audit.flush()
        return results


async def apply_changes(entry: SiteDevice, device: Device, changes: DeviceChanges, *,
                        dry_run: bool = False) -> DeviceResult:
    result = DeviceResult(entry.key, entry.title, DeviceStatus.SUCCEEDED)
    for page, key, reason in changes.unfillable:
        result.keys.append(KeyChange(page, key, outcome=KeyOutcome.SKIPPED, message=reason))
    by_page, planned = resolve(device, changes.settings)
    result.keys.extend(planned)
    try:
        await _settings(device, by_page, result.keys, dry_run=dry_run)
        for table in changes.tables:
            result.rows.extend(await _table(device, table, dry_run=dry_run))
    except (Unreachable, AuthError) as exc:
        for change in result.keys:
            if change.outcome is None:
                change.outcome = KeyOutcome.UNREACHABLE
                change.message = f"the device stopped answering ({exc.message}); not verified"
        result.status = DeviceStatus.AUTH_FAILED if isinstance(exc, AuthError) else \
            DeviceStatus.UNREACHABLE
        result.message = exc.message
        return result
    if dry_run:
        rejected = any(k.outcome is KeyOutcome.REJECTED for k in result.keys)
        result.status = DeviceStatus.FAILED if rejected else DeviceStatus.SUCCEEDED
        result.details["dry_run"] = True
        return result
    keys_status = status_from_keys(result.keys) if result.keys else DeviceStatus.SKIPPED
    rows_ok = all(r.ok for r in result.rows)
    if result.rows and not rows_ok:
        result.status = DeviceStatus.FAILED
    elif result.rows and keys_status is DeviceStatus.SKIPPED:
        result.status = DeviceStatus.SUCCEEDED
    else:
        result.status = keys_status
    if result.status is DeviceStatus.SKIPPED:
        result.message = "the device has none of the settings asked for"
    return result


def site_outcome(outcome: WriteOutcome) -> KeyOutcome:
    """The write contract's outcome of a key in site words."""
    return _OUTCOMES[outcome]


def resolve(device: Device, wanted: Sequence[SettingWanted]
            ) -> tuple[dict[str, dict[str, tuple[ParamSpec, Any]]], list[KeyChange]]:
    """Wanted settings -> {page id: {key: (spec, typed value)}} plus one KeyChange per key
    (skipped/rejected ones already decided)."""
    by_page: dict[str, dict[str, tuple[ParamSpec, Any]]] = {}
    changes: list[KeyChange] = []
    for item in wanted:
        try:
            page, spec = _find(device, item)
        except NotSupported as exc:
            changes.append(KeyChange(item.page or "", item.key, new=item.value,
                                     outcome=KeyOutcome.SKIPPED, message=exc.message))
            continue
        except InvalidValue as exc:
            changes.append(KeyChange(item.page or "", item.key, new=item.value,
                                     outcome=KeyOutcome.REJECTED, message=exc.message))
            continue
        secret = spec.kind is Kind.SECRET
        if spec.read_only:
            changes.append(KeyChange(page.id, spec.key, new=item.value, secret=secret,
                                     outcome=KeyOutcome.SKIPPED,
                                     message="read-only on this device"))
            continue
        try:
            value = spec.parse(item.value) if isinstance(item.value, str) else \
                spec.validate(item.value)
        except InvalidValue as exc:
            changes.append(KeyChange(page.id, spec.key, new=item.value, secret=secret,
                                     outcome=KeyOutcome.REJECTED, message=exc.message))
            continue
        by_page.setdefault(page.id, {})[spec.key] = (spec, value)
        changes.append(KeyChange(page.id, spec.key, new=value, secret=secret))
    return by_page, changes


def _find(device: Device, item: SettingWanted) -> tuple[SettingsPage, ParamSpec]:
    if item.page:
        page = device.page(item.page)  # NotSupported: no such page here
        try:
            return page, page.spec(item.key)
        except InvalidValue as exc:
            if "ambiguous" in exc.message:
                raise
            raise NotSupported(f"this device has no setting {item.key!r} on {page.id}") \
                from None
    found: list[tuple[SettingsPage, ParamSpec]] = []
    for page in device.pages():
        try:
            found.append((page, page.spec(item.key)))
        except InvalidValue:
            continue
    if not found:
        raise NotSupported(f"this device has no setting {item.key!r}")
    if len(found) > 1:
        pages = ", ".join(p.id for p, _ in found)
        raise InvalidValue(f"{item.key!r} is on several pages ({pages}): write page/key")
    return found[0]


async def _settings(device: Device, by_page: dict[str, dict[str, tuple[ParamSpec, Any]]],
                    keys: list[KeyChange], *, dry_run: bool) -> None:
    index = {(k.page, k.key): k for k in keys if k.outcome is None}
    for page_id, wanted in by_page.items():
        current = await device.read_page(page_id)
        for key in wanted:
            index[(page_id, key)].old = current.get(key)
        if dry_run:
            continue
        try:
            report = await device.write_page(page_id, {k: v for k, (_, v) in wanted.items()})
        except (Unreachable, AuthError):
            raise
        except ConfiguratorError as exc:  # the whole page refused (e.g. NotSupported)
            for key in wanted:
                index[(page_id, key)].outcome = KeyOutcome.REJECTED
                index[(page_id, key)].message = exc.message
            continue
        by_key = report.by_key()
        for key in wanted:
            change = index[(page_id, key)]
            reported = by_key.get(key)
            if reported is None:
                change.outcome = KeyOutcome.NOT_VERIFIED
                change.message = "the device's write report does not mention this key"
                continue
            change.outcome = _OUTCOMES[reported.outcome]
            change.value = reported.value
            change.message = reported.message


async def _table(device: Device, wanted: TableWanted, *, dry_run: bool) -> list[RowChange]:
    try:
        spec = device.table(wanted.table)
    except NotSupported as exc:
        return [RowChange(wanted.table, "skip", "-", ok=True, message=exc.message)]
    rows: list[dict[str, Any]] = []
    planned: list[RowChange] = []
    for raw in wanted.add:
        key = raw.get(spec.row_key, "")
        try:
            texts = {k: str(v) if not isinstance(v, str) else v for k, v in raw.items()}
            rows.append(spec.parse_row(texts))
            planned.append(RowChange(spec.id, "add", key))
        except InvalidValue as exc:
            planned.append(RowChange(spec.id, "add", key, ok=False, message=exc.message))
    deletes: list[Any] = []
    for raw_key in wanted.remove:
        try:
            deletes.append(spec.column(spec.row_key).parse(str(raw_key)))
            planned.append(RowChange(spec.id, "del", raw_key))
        except InvalidValue as exc:
            planned.append(RowChange(spec.id, "del", raw_key, ok=False, message=exc.message))
    if dry_run or not (rows or deletes):
        return planned
    results = await device.apply_table(spec.id, add=rows, delete=deletes)
    done = [RowChange(spec.id, r.op, r.key, ok=r.ok, message=r.message) for r in results]
    refused = [p for p in planned if p.ok is False]
    return refused + done
