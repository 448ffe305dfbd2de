"""Sweep a small loopback range holding real simulators; the real driver probes identify them."""

from __future__ import annotations

import importlib
import os

import pytest

from configurator.core.transport import Credentials
from configurator.discovery import DiscoveryOptions, Summary, discover
from configurator.simulators.fleet import SIMULATOR_FACTORIES, factory

ROOT = os.geteuid() == 0

# (vendor id, address, options) - scattered over 127.0.97.0/27
PLAN = [
    ("2n", "127.0.97.3", {"model": "verso"}),
    ("2n", "127.0.97.11", {"model": "style"}),
    ("fanvil", "127.0.97.18", {}),
    ("onetouch", "127.0.97.25", {}),
    ("fcm5600", "127.0.97.29", {}),
]


def _available(vendor: str) -> bool:
    try:
        importlib.import_module(SIMULATOR_FACTORIES[vendor].partition(":")[0])
        importlib.import_module(f"configurator.drivers.{'twon' if vendor == '2n' else vendor}")
    except ModuleNotFoundError:
        return False
    return True


def _ports(vendor: str) -> dict[str, int]:
    if vendor == "fcm5600":  # an HTTPS-only PBX
        return {"https_port": 443 if ROOT else 0}
    return {"http_port": 80 if ROOT else 0}


async def test_sweep_identifies_every_simulator_with_vendor_model_firmware() -> None:
    plan = [p for p in PLAN if _available(p[0])]
    if not plan:
        pytest.skip("no simulator/driver pair is present in this build")
    devices = []
    try:
        for vendor, address, options in plan:
            device = factory(vendor)(address, **options, **_ports(vendor))
            await device.start()
            devices.append(device)
        extra = [] if ROOT else sorted({p for d in devices for p in d.ports.values()})
        known = list(dict.fromkeys(Credentials(d.user, d.password) for d in devices))
        locked = await _summary(DiscoveryOptions(ranges=["127.0.97.0/27"], extra_ports=extra))
        opened = await _summary(DiscoveryOptions(ranges=["127.0.97.0/27"], extra_ports=extra,
                                                 credentials=known))
    finally:
        for device in devices:
            await device.stop()
    addresses = sorted(address for _v, address, _o in plan)
    assert locked.addresses_probed == opened.addresses_probed == 30
    # Without credentials: every device is still found and recognised by its driver.
    assert sorted(d.address for d in locked.devices) == addresses
    assert {d.address: d.driver for d in locked.devices} == {a: v for v, a, _o in plan}
    for result in locked.devices:
        assert result.vendor and (result.auth_required or result.firmware), result
    # With the site's credentials: model and firmware of every device.
    found = {d.address: d for d in opened.devices}
    assert sorted(found) == addresses
    for vendor, address, _options in plan:
        result = found[address]
        assert result.driver == vendor, (address, result)
        assert result.vendor and result.model and result.firmware, result
        assert result.mac, result


async def _summary(options: DiscoveryOptions) -> Summary:
    summary = None
    async for event in discover(options):
        if isinstance(event, Summary):
            summary = event
    assert summary is not None
    return summary
