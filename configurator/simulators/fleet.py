"""Start and stop a fleet of simulated devices, each on its own loopback address."""

from __future__ import annotations

import asyncio
import importlib
import ipaddress
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


LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")


def check_loopback(address: str) -> ipaddress.IPv4Address:
    """``address`` as an IPv4 loopback address; ValueError for anything else (a name, an
    address outside 127.0.0.0/8): simulators never listen beyond this machine."""
    try:
        parsed = ipaddress.IPv4Address(address.strip())
    except ValueError:
        raise ValueError(f"{address!r} is not an IPv4 address") from None
    if parsed not in LOOPBACK:
        raise ValueError(f"{address} is not a loopback address (127.0.0.0/8): simulators "
                         "only ever listen on this machine")
    return parsed


def loopback_addresses(first: str = "127.0.50.1") -> Iterable[str]:
    """127.0.50.1, 127.0.50.2, ... skipping .0 and .255 (all of 127.0.0.0/8 reaches the
    loopback interface). Always addresses, never names; ValueError past 127.255.255.254."""
    current = int(check_loopback(first))
    last = int(LOOPBACK.broadcast_address) - 1
    while True:
        if current > last:
            raise ValueError("no loopback addresses left after 127.255.255.254")
        address = ipaddress.IPv4Address(current)
        current += 1
        if address.packed[3] in (0, 255):
            continue
        yield str(address)


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
        # The manual's "approx. 15 s" between a configuration upload and its effect.
        FleetMember("2n", {"model": "verso", "config_apply_delay": 15.0}),
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
