"""Site-scale tests: simulators on fresh loopback addresses, a site file and a credentials
file (mode 0600) built from what each simulator says about itself."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from configurator.services.site import Site, SiteDevice
from configurator.services.site_ops.credentials import SiteCredentials, write_private
from configurator.simulators.base import SimulatedDevice
from configurator.simulators.fleet import factory


@contextlib.asynccontextmanager
async def running(loopback: Any, members: Sequence[tuple[str, dict[str, Any]]]
                  ) -> AsyncIterator[list[SimulatedDevice]]:
    sims = [factory(vendor)(loopback(), **options) for vendor, options in members]
    try:
        for sim in sims:
            await sim.start()
        yield sims
    finally:
        for sim in sims:
            with contextlib.suppress(Exception):
                await sim.stop()


def entry_for(sim: SimulatedDevice, **extra: Any) -> SiteDevice:
    return SiteDevice(sim.host, sim.port, sim.scheme, sim.driver_id, **extra)


def make_site(tmp_path: Path, sims: Sequence[SimulatedDevice], *, fields: bool = True,
              wrong_password: Sequence[SimulatedDevice] = ()) -> tuple[Site, SiteCredentials]:
    """A saved site of ``sims`` (named door1.., fields sip_user 2001..) and a credentials
    file with each simulator's account (a wrong password for ``wrong_password``)."""
    site = Site("Block C", path=tmp_path / "block-c.json")
    accounts: dict[str, dict[str, str]] = {}
    for n, sim in enumerate(sims, start=1):
        entry = entry_for(sim, name=f"door{n}",
                          fields={"sip_user": str(2000 + n)} if fields else {})
        site.add(entry)
        password = "wrong-password" if sim in wrong_password else sim.password
        accounts[entry.key] = {"user": sim.user, "password": password}
    site.save()
    creds_file = tmp_path / "block-c.credentials.json"
    write_private(creds_file, json.dumps({"devices": accounts}))
    return site, SiteCredentials(file=creds_file)


@pytest.fixture
def site_fleet(loopback):
    return lambda members: running(loopback, members)
