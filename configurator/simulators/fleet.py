"""Start and stop a fleet of simulated devices, each on its own loopback address."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .base import SimulatedDevice

# vendor id -> "module:factory"; the factory takes (host, **options) and returns a device.
# Lazy so that importing the fleet does not import every simulator.
SIMULATOR_FACTORIES: dict[str, str] = {
    "2n": "configurator.simulators.twon.device:create",
    "onetouch": "configurator.simulators.onetouch.device:create",
    "fanvil": "configurator.simulators.fanvil.device:create",
    "fcm5600": "configurator.simulators.fcm5600.device:create",
}


@dataclass(frozen=True)
class FleetMember:
    vendor: str
    options: dict[str, Any] = field(default_factory=dict)


def factory(vendor: str) -> Callable[..., SimulatedDevice]:
    try:
        target = SIMULATOR_FACTORIES[vendor]
    except KeyError:
        known = ", ".join(sorted(SIMULATOR_FACTORIES))
        raise ValueError(f"no simulator for vendor {vendor!r} (known: {known})") from None
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def loopback_addresses(first: str = "127.0.50.1") -> Iterable[str]:
    """127.0.50.1, 127.0.50.2, ... (all of 127.0.0.0/8 reaches the loopback interface)."""
    a, b, c, d = (int(x) for x in first.split("."))
    while True:
        yield f"{a}.{b}.{c}.{d}"
        d += 1
        if d > 254:
            d, c = 1, c + 1


class Fleet:
    def __init__(self, members: Iterable[FleetMember], *, first_address: str = "127.0.50.1",
                 **common: Any) -> None:
        self.members = list(members)
        self.first_address = first_address
        self.common = common
        self.devices: list[SimulatedDevice] = []

    async def start(self) -> list[SimulatedDevice]:
        """Start every member at once (each on the next address, in member order); if one
        fails, all of them are stopped again and the first error is raised."""
        addresses = loopback_addresses(self.first_address)
        devices = [factory(member.vendor)(next(addresses), **{**self.common, **member.options})
                   for member in self.members]
        self.devices.extend(devices)  # stop() also cleans up one that failed half-way
        try:
            results = await asyncio.gather(*(device.start() for device in devices),
                                           return_exceptions=True)
        except BaseException:  # cancelled while starting
            await self.stop()
            raise
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            await self.stop()
            raise failures[0]
        return self.devices

    async def stop(self) -> None:
        while self.devices:
            await self.devices.pop().stop()

    async def __aenter__(self) -> list[SimulatedDevice]:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def demo_fleet() -> list[FleetMember]:
    """The devices `configurator --demo` and `configurator simulate` start by default."""
    members = [
        FleetMember("2n", {"model": "verso"}),
        FleetMember("2n", {"model": "style"}),
        FleetMember("2n", {"model": "vario"}),
        FleetMember("onetouch", {}),
        FleetMember("onetouch", {"relays": 2}),
        FleetMember("fanvil", {"model": "x6"}),
        FleetMember("fanvil", {"model": "i30"}),
        FleetMember("fcm5600", {}),
    ]
    return [m for m in members if _importable(SIMULATOR_FACTORIES[m.vendor])]


def _importable(target: str) -> bool:
    try:
        importlib.import_module(target.partition(":")[0])
    except ModuleNotFoundError:
        return False
    return True
