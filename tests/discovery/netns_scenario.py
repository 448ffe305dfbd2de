"""Run inside a network namespace made by test_multicast.py (``ip netns exec``): start
responders for simulated devices on the namespace's loopback, run multicast discovery and
print one JSON object with the results. Never run it outside such a namespace."""

from __future__ import annotations

import asyncio
import json
import sys

from configurator.discovery import DiscoveryOptions, discover
from configurator.discovery.model import Summary
from configurator.discovery.responders import (
    DeviceDescription,
    announce_sip_pnp,
    start_responders,
)

from .fakes import FakeDevice, fake_identifier

IFACE = "127.0.0.1"
VERSO = DeviceDescription("127.0.0.2", "2N", "IP Verso", serial="54-0000-0002",
                          mac="7C:1E:B3:00:00:02", firmware="2.38.0", name="Entrance")
PHONE = DeviceDescription("127.0.0.4", "Fanvil", "X3SG", mac="0C:38:3E:00:00:04",
                          firmware="2.4.1")


async def main() -> None:
    web = await FakeDevice("127.0.0.2", model="FK-WEB", serial="54-0000-0002",
                           mac="7C:1E:B3:00:00:02", firmware="2.38.0", port=80).start()
    responders = await start_responders(VERSO, IFACE)
    options = DiscoveryOptions(sweep=False, multicast=True, multicast_interfaces=[IFACE],
                               listen_seconds=float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)

    async def boot_phone() -> None:
        await asyncio.sleep(0.2)
        await announce_sip_pnp(PHONE, IFACE)

    phone = asyncio.create_task(boot_phone())
    summary = None
    async for event in discover(options, identifier=fake_identifier):
        if isinstance(event, Summary):
            summary = event
    await phone
    responders.close()
    await web.stop()
    assert summary is not None
    print(json.dumps({"devices": [d.to_json() for d in summary.devices],
                      "answered": responders.answered}))


if __name__ == "__main__":
    asyncio.run(main())
