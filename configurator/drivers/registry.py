"""Driver factory table keyed by fingerprint: which driver speaks to a device.

Every driver package exposes two functions (imported lazily, so a broken optional driver
cannot stop the others from loading):

    async def probe(transport: Transport) -> Fingerprint | None
        Identify the device with as few requests as possible, without raising for
        "not mine" (return None). ``Unreachable`` propagates. A device that requires
        credentials the probe does not have is still recognised (``auth_required=True``).

    def create(transport: Transport, fingerprint: Fingerprint) -> Device
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType

from ..core.device import Device, DeviceInfo
from ..core.errors import AuthError, NotSupported, ProtocolError, Unreachable
from ..core.transport import (
    AuthMode,
    Credentials,
    Endpoint,
    MemoryPinStore,
    PinStore,
    Transport,
    TrustOnFirstUse,
    trust_always,
)


@dataclass(frozen=True)
class Fingerprint:
    """What a driver's probe learned: the driver id, the device's identity, whether it needs a
    login."""

    driver: str  # DriverEntry.id
    info: DeviceInfo
    auth_required: bool = False
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class DriverEntry:
    """One driver: its id, vendor and module (imported when first needed)."""

    id: str
    vendor: str
    module: str
    description: str

    def load(self) -> ModuleType:
        """The driver's module (imported now)."""
        return importlib.import_module(self.module)


DRIVERS: tuple[DriverEntry, ...] = (
    DriverEntry("2n", "2N", "configurator.drivers.twon", "2N IP intercoms (HTTP API v2.11-v2.38)"),
    DriverEntry("onetouch", "Onetouch", "configurator.drivers.onetouch",
                "Onetouch IP door intercoms (HTTP API v1.0)"),
    DriverEntry("fanvil", "Fanvil", "configurator.drivers.fanvil",
                "Fanvil / OpenVox IP phones (XML API)"),
    DriverEntry("fcm5600", "FCM", "configurator.drivers.fcm5600", "FCM5600 IP-PBX (REST API)"),
)


@dataclass(frozen=True)
class DocumentedFunction:
    """A function of a vendor document as ``configurator call`` names it."""

    name: str
    methods: str  # "GET", "GET/POST", "PUT"...
    note: str = ""


def documented_functions(driver_id: str) -> list[DocumentedFunction]:
    """Every documented function of a driver (``configurator call --list``), by name."""
    module = driver(driver_id).load()
    return sorted(module.documented_functions(), key=lambda f: f.name)


def driver(driver_id: str) -> DriverEntry:
    """The registered driver with this id (:class:`NotSupported` when there is none)."""
    for entry in DRIVERS:
        if entry.id == driver_id:
            return entry
    known = ", ".join(e.id for e in DRIVERS)
    raise NotSupported(f"unknown driver {driver_id!r} (known: {known})")


def available_drivers() -> list[DriverEntry]:
    """Drivers whose package is present in this build."""
    found = []
    for entry in DRIVERS:
        try:
            module = entry.load()
        except ModuleNotFoundError:
            continue
        if hasattr(module, "probe") and hasattr(module, "create"):
            found.append(entry)
    return found


async def identify(transport: Transport, candidates: Sequence[DriverEntry] | None = None
                   ) -> Fingerprint | None:
    """Run each driver's probe until one recognises the device."""
    for entry in candidates or available_drivers():
        try:
            found: Fingerprint | None = await entry.load().probe(transport)
        except (ProtocolError, NotSupported):
            continue
        if found is not None:
            return found
    return None


async def connect(
    endpoint: Endpoint,
    credentials: Credentials | None = None,
    *,
    driver_id: str | None = None,
    auth: AuthMode = "auto",
    pins: PinStore | None = None,
    trust: TrustOnFirstUse = trust_always,
) -> Device:
    """Open a device: identify it (or use ``driver_id``) and return its driver's Device.

    Without ``driver_id`` the device is identified without credentials first: a password
    only ever goes to a device whose vendor is known (a host that merely answers is not
    sent one, in clear or otherwise). The recognised driver's probe then runs again with
    the credentials, for the details a login shows.
    """
    pins = pins if pins is not None else MemoryPinStore()
    candidates = [driver(driver_id)] if driver_id else None
    if candidates is None and credentials is not None:
        anonymous = Transport(endpoint, None, auth=auth, pins=pins, trust=trust)
        try:
            known = await identify(anonymous)
        finally:
            await anonymous.aclose()
        if known is None:
            raise _nothing_here(endpoint)
        candidates = [driver(known.driver)]
    transport = Transport(endpoint, credentials, auth=auth, pins=pins, trust=trust)
    try:
        found = await identify(transport, candidates)
        if found is None:
            raise _nothing_here(endpoint)
        if found.auth_required and credentials is None:
            raise AuthError(
                f"{found.info.vendor} {found.info.model} requires a user and password",
                host=endpoint.host,
            )
        entry = driver(found.driver)
        device: Device = entry.load().create(transport, found)
        return device
    except BaseException:
        await transport.aclose()
        raise


def _nothing_here(endpoint: Endpoint) -> NotSupported:
    return NotSupported(
        "no supported device answers here (is it a 2N, Onetouch, Fanvil or FCM5600 "
        "device, and are the scheme and port right? A device that shows nothing before a "
        "login can be named with --vendor)",
        host=endpoint.host,
    )


__all__ = ["DRIVERS", "DriverEntry", "Fingerprint", "Unreachable", "available_drivers",
           "connect", "driver", "identify"]
