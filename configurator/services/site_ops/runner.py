"""Run one job on many devices: bounded concurrency, cancel between devices, progress.

Cancel is cooperative: a device already started finishes its job (a half-made change is
worse than a late stop); every device not started yet is left untouched and reported
``not started``. ``retry`` runs the same job again on the devices that did not succeed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from ...core.device import Device
from ...core.errors import ConfiguratorError
from ..site import SiteDevice
from .credentials import SiteCredentials
from .results import DeviceResult, DeviceStatus, error_text, status_for_error
from .targets import open_device

log = logging.getLogger("configurator.site")

DEFAULT_CONCURRENCY = 8

Job = Callable[[SiteDevice], Awaitable[DeviceResult]]
DeviceJob = Callable[[SiteDevice, Device], Awaitable[DeviceResult]]


class Cancel:
    """Set ``cancel()`` from anywhere on the loop; jobs check it between devices."""

    def __init__(self) -> None:
        self.requested = False

    def cancel(self) -> None:
        self.requested = True


class Progress:
    """Callbacks for a UI or CLI; all optional."""

    def __init__(self, on_start: Callable[[SiteDevice], None] | None = None,
                 on_done: Callable[[DeviceResult], None] | None = None) -> None:
        self.on_start = on_start or (lambda entry: None)
        self.on_done = on_done or (lambda result: None)


async def run_devices(devices: Sequence[SiteDevice], job: Job, *,
                      concurrency: int = DEFAULT_CONCURRENCY, cancel: Cancel | None = None,
                      progress: Progress | None = None) -> list[DeviceResult]:
    """``job`` on every device, at most ``concurrency`` at once; results in device order."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    slots = asyncio.Semaphore(concurrency)
    progress = progress or Progress()
    results: list[DeviceResult | None] = [None] * len(devices)

    async def one(index: int, entry: SiteDevice) -> None:
        async with slots:
            if cancel is not None and cancel.requested:
                result = not_started(entry, "cancelled before its turn: left untouched")
            else:
                progress.on_start(entry)
                result = await guarded(entry, job)
            results[index] = result
            progress.on_done(result)

    await asyncio.gather(*(one(i, d) for i, d in enumerate(devices)))
    return [r for r in results if r is not None]


async def guarded(entry: SiteDevice, job: Job) -> DeviceResult:
    """The job's result, or the failure it raised as a result (never an exception)."""
    started = time.monotonic()
    try:
        result = await job(entry)
    except ConfiguratorError as exc:
        result = DeviceResult(entry.key, entry.title, status_for_error(exc), error_text(exc))
    except Exception as exc:  # a bug must not stop the other devices
        log.error("%s: unexpected error", entry.key, exc_info=exc)
        result = DeviceResult(entry.key, entry.title, DeviceStatus.FAILED, error_text(exc))
    result.seconds = time.monotonic() - started
    return result


def not_started(entry: SiteDevice, reason: str) -> DeviceResult:
    return DeviceResult(entry.key, entry.title, DeviceStatus.NOT_STARTED, reason)


def with_device(job: DeviceJob, credentials: SiteCredentials) -> Job:
    """A job that opens the device (its capabilities read), runs ``job``, closes it."""
    async def run(entry: SiteDevice) -> DeviceResult:
        device = await open_device(entry, credentials)
        try:
            await device.capabilities()
            return await job(entry, device)
        finally:
            await device.aclose()
    return run


def failed_devices(devices: Sequence[SiteDevice],
                   results: Sequence[DeviceResult]) -> list[SiteDevice]:
    """The devices to retry: those whose result is a failure (not started included)."""
    bad = {r.device for r in results if not r.ok}
    return [d for d in devices if d.key in bad]


def merge(previous: Sequence[DeviceResult], retried: Sequence[DeviceResult]
          ) -> list[DeviceResult]:
    """The first run's results with the retried devices' new results in their place."""
    newer = {r.device: r for r in retried}
    return [newer.get(r.device, r) for r in previous]
