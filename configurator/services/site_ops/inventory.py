"""Adding devices to a site: detect the vendor, read the identity, keep it in the entry."""

from __future__ import annotations

from collections.abc import Sequence

from ...core.device import DeviceInfo
from ...core.errors import AuthError, NotSupported
from ...core.transport import Transport
from ..site import Site, SiteDevice
from .credentials import SiteCredentials
from .results import DeviceResult, DeviceStatus
from .runner import DEFAULT_CONCURRENCY, Progress, run_devices


async def identify_entry(entry: SiteDevice, credentials: SiteCredentials) -> DeviceResult:
    """Find the driver (probe without credentials), then log in and read the identity.
    The entry is updated with whatever was learnt, even when the login fails."""
    from ...drivers.registry import connect, identify

    if not entry.driver:
        transport = Transport(entry.endpoint)
        try:
            found = await identify(transport)
        finally:
            await transport.aclose()
        if found is None:
            raise NotSupported("no supported device answers here (is it a 2N, Onetouch, "
                               "Fanvil or FCM5600 device, and are the scheme and port right?)",
                               host=entry.address)
        entry.driver = found.driver
        fill_entry(entry, found.info)
    creds = credentials.for_device(entry)
    device = await connect(entry.endpoint, creds, driver_id=entry.driver)
    try:
        try:
            fill_entry(entry, await device.read_info())
            await device.capabilities()  # some identities need no login: this one does
        except AuthError as exc:
            return DeviceResult(entry.key, entry.title, DeviceStatus.AUTH_FAILED, exc.message,
                                details=identity(entry))
        if creds is not None and not entry.user:
            entry.user = creds.user
    finally:
        await device.aclose()
    return DeviceResult(entry.key, entry.title, DeviceStatus.SUCCEEDED, details=identity(entry))


def fill_entry(entry: SiteDevice, info: DeviceInfo) -> None:
    """Take what the device said about itself (the entry's name stays the user's)."""
    entry.take_identity(info, name=False)


def identity(entry: SiteDevice) -> dict[str, str]:
    return {"address": entry.address, "port": str(entry.port or ""), "driver": entry.driver,
            "vendor": entry.vendor, "model": entry.model, "serial": entry.serial,
            "mac": entry.mac, "firmware": entry.firmware}


async def add_devices(site: Site, entries: Sequence[SiteDevice], credentials: SiteCredentials,
                      *, concurrency: int = DEFAULT_CONCURRENCY,
                      progress: Progress | None = None) -> list[DeviceResult]:
    """Identify every entry; those that answered (even with an auth failure) join the site."""
    async def job(entry: SiteDevice) -> DeviceResult:
        return await identify_entry(entry, credentials)

    results = await run_devices(entries, job, concurrency=concurrency, progress=progress)
    for entry, result in zip(entries, results, strict=True):
        if result.status in (DeviceStatus.SUCCEEDED, DeviceStatus.AUTH_FAILED):
            site.add(entry)
    return results
