"""Startup path (issue 4): what the first frame does not need is not imported, demo devices go
straight to their own driver, and devices connect concurrently up to a bound."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap

from configurator.app import add_simulators, build_window
from configurator.drivers.registry import connect
from configurator.services.sessions import DeviceState
from configurator.services.site import SiteDevice
from configurator.simulators.fleet import factory
from configurator.ui.dialogs.prompter import AutoPrompter

from .fakes import MemoryDevice
from .helpers import wait_until

# Heavy modules the window does not need before its first frame (camera decoding, discovery,
# the keyring, the simulators' HTTP server).
LAZY = ("numpy", "configurator.live.decode", "configurator.live.camera",
        "configurator.discovery", "configurator.ui.discovery.discovery_panel", "keyring", "aiohttp")


def test_demo_window_shows_without_the_heavy_modules(tmp_path):
    script = textwrap.dedent(f"""
        import asyncio, sys
        from PySide6.QtWidgets import QApplication
        from qasync import QEventLoop
        app = QApplication([])
        app.setQuitOnLastWindowClosed(False)
        loop = QEventLoop(app)
        asyncio.set_event_loop(loop)
        from configurator.app import build_window
        from configurator.ui.dialogs.prompter import AutoPrompter

        async def scenario():
            window = build_window(demo=True, prompter=AutoPrompter())
            window.show()
            await asyncio.sleep(0.05)
            loaded = [m for m in {LAZY!r} if m in sys.modules]
            window.close()
            await window.wait_closed()
            return loaded

        print("LOADED", loop.run_until_complete(scenario()))
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "CONFIGURATOR_CONFIG_DIR": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("LOADED"))
    assert line == "LOADED []"


def test_a_demo_device_is_opened_with_its_own_driver(qtbot, qloop, loopback):
    used: list[str | None] = []

    async def spy(endpoint, credentials, *, driver_id=None, **kwargs):
        used.append(driver_id)
        return await connect(endpoint, credentials, driver_id=driver_id, **kwargs)

    async def scenario():
        simulator = factory("fanvil")(loopback(), http_port=0, model="x6")
        await simulator.start()
        window = build_window(demo=True, prompter=AutoPrompter(), connector=spy)
        try:
            add_simulators(window, [simulator])
            session = next(iter(window.ctx.manager.sessions.values()))
            await wait_until(lambda: session.key in window.watch.nodes, 15)
            assert used == ["fanvil"]
            assert session.state is DeviceState.ONLINE
            assert session.entry.driver == "fanvil"
            assert "X6" in session.entry.model.upper()
        finally:
            window.close()
            await window.wait_closed()
            await simulator.stop()

    qloop.run_until_complete(scenario())


async def test_sessions_connect_concurrently_up_to_the_bound():
    from configurator.core.transport import MemoryPinStore
    from configurator.services.sessions import SessionManager

    active = {"now": 0, "max": 0}

    async def connector(endpoint, credentials, **kwargs):
        active["now"] += 1
        active["max"] = max(active["max"], active["now"])
        await asyncio.sleep(0.02)
        active["now"] -= 1
        return MemoryDevice(host=endpoint.host)

    manager = SessionManager(pins=MemoryPinStore(), connector=connector, max_connects=3)
    sessions = [manager.add(SiteDevice(f"127.0.70.{n}"), None) for n in range(1, 9)]
    await asyncio.gather(*(manager.connect(s) for s in sessions))
    assert active["max"] == 3  # concurrent, but never more than the bound
    assert all(s.state is DeviceState.ONLINE for s in sessions)
    assert [s.entry.model for s in sessions] == ["Memory"] * 8
    await manager.close_all()
