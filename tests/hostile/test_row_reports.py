"""Low findings of issue 12 on what a write reports: Fanvil ``add mmifilter`` printed
"add None: ok" (the phone numbers a new row itself), and a Fanvil refusal that names no item
said "the phone stopped at None"."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from configurator.cli import main
from configurator.core.device import WriteOutcome
from configurator.simulators.base import SeenRequest, SimulatedDevice
from configurator.simulators.fleet import demo_fleet

from ..drivers.test_fanvil_device import FAST, _device
from ..drivers.test_fanvil_device import create as create_fanvil
from .fleet_thread import fleet_in_thread, target

FIRST = f"127.{150 + os.getpid() % 50}.214.1"  # per process: suites of other worktrees


def is_set(seen: SeenRequest) -> bool:
    return re.search(rb'cmd\s*=\s*"set"', seen.body, re.IGNORECASE) is not None


@pytest.fixture(scope="module")
def fanvil() -> Iterator[SimulatedDevice]:
    with fleet_in_thread(demo_fleet(), FIRST) as (_, devices):
        yield next(d for d in devices if d.describe()["driver"] == "fanvil")


def test_adding_a_row_the_phone_numbers_itself_says_new_row(capsys, fanvil) -> None:
    code = main(["add", *target(fanvil), "mmifilter", "StartIP=172.16.9.1",
                 "EndIP=172.16.9.9"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 0, text
    assert "(new row)" in text and "None" not in text, text


async def test_a_refusal_that_names_no_item_does_not_say_stopped_at_none(loopback) -> None:
    refusal = (b'<?xml version="1.0" encoding="UTF-8" ?>\n<FanvilConfiguration cmd="set">\n'
               b"<RetCode>3</RetCode>\n</FanvilConfiguration>\n")
    async with create_fanvil(loopback(), **FAST) as sim:
        device = await _device(sim)
        try:
            sim.garble_answers(lambda seen, body: refusal if is_set(seen) else None)
            sim.state.kept_keys.update({"time.NtpServer1", "time.TimeZone"})  # not applied
            report = await device.write_page("all", {"time.NtpServer1": "ntp.example.org",
                                                     "time.TimeZone": "1"})
        finally:
            await device.aclose()
    assert not report.ok
    messages = [r.message for r in report.results]
    assert len(messages) == 2 and all("None" not in m for m in messages), messages
    assert not any(r.outcome is WriteOutcome.APPLIED for r in report.results)
