"""Fault injection into a write (issue 12): the device restarts the moment the first key's
write reaches it. Every key gets one result, and none is reported applied that the device
does not hold once it is back (nothing reported applied that was not read back)."""

from __future__ import annotations

import asyncio

import pytest

from configurator.core.device import WriteOutcome
from configurator.simulators.base import SeenRequest

from ..contract.test_write_contract import VENDORS, _values, opened


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_restart_mid_apply_reports_nothing_applied_that_is_not_there(vendor,
                                                                           loopback) -> None:
    async with opened(vendor, loopback()) as (sim, device):
        restarted: list[asyncio.Task] = []

        def restart_on_first_write(request: SeenRequest) -> bool:
            if restarted or not vendor.is_write_of_first(request):
                return False
            reboot = getattr(sim, "reboot", None)
            if reboot is not None:
                restarted.append(asyncio.ensure_future(reboot()))
            else:
                restarted.append(asyncio.ensure_future(asyncio.sleep(0)))
            return True  # the connection drops before the answer, as a restart does

        sim.lose_answers(restart_on_first_write)
        written = dict([vendor.first, vendor.second])
        report = await device.write_page(vendor.page, written)
        results = report.by_key()
        assert set(results) == set(written)  # one result per key, no exception
        await asyncio.gather(*restarted)
        for _ in range(100):
            if not getattr(sim, "down", False):
                break
            await asyncio.sleep(0.05)
        now = await _values(vendor, sim, device)
        for key, value in written.items():
            if results[key].outcome is WriteOutcome.APPLIED:
                assert now[key] == value, f"{key} reported applied but the device has {now[key]}"
