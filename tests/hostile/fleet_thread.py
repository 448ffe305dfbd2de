"""A simulated fleet running in a background thread with its own event loop, so that tests
can call the CLI's ``main`` (which runs ``asyncio.run``) against it from the test thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from configurator.simulators.base import SimulatedDevice
from configurator.simulators.fleet import Fleet, FleetMember


@contextmanager
def fleet_in_thread(members: list[FleetMember], first_address: str, **common: Any
                    ) -> Iterator[tuple[asyncio.AbstractEventLoop, list[SimulatedDevice]]]:
    loop = asyncio.new_event_loop()
    started = threading.Event()
    fleet = Fleet(members, first_address=first_address, **common)
    failure: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(fleet.start())
        except BaseException as exc:  # reported to the test thread
            failure.append(exc)
            started.set()
            return
        started.set()
        loop.run_forever()
        loop.run_until_complete(fleet.stop())

    thread = threading.Thread(target=run, name="fleet", daemon=True)
    thread.start()
    assert started.wait(30), "the fleet did not start"
    if failure:
        raise failure[0]
    try:
        yield loop, fleet.devices
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()


def target(device: SimulatedDevice) -> list[str]:
    """CLI arguments naming ``device`` with its login."""
    info = device.describe()
    return [f"{info['scheme']}://{info['address']}:{info['port']}", "--user", info["user"],
            "--password", info["password"]]
