"""Discovery as an installer expects it (issue 14): a device already in the site is marked,
the port and scheme are shown, and a device that could not be added says why next to it."""

from __future__ import annotations

import asyncio

from configurator.ui.dialogs.prompter import AutoPrompter
from configurator.ui.discovery.discovery_panel import COLUMNS, SITE_COLUMN
from configurator.ui.discovery.found_devices import covering_range

from .helpers import wait_until
from .test_window import close, open_window, start

PORT_COLUMN = [name for name, _ in COLUMNS].index("Port")


def cell(panel, address: str, column: int) -> str:
    model = panel.model
    row = next(r for r in range(model.rowCount()) if model.device(r).address == address)
    return model.data(model.index(row, column))


def test_found_devices_show_site_membership_port_and_why_not_added(qtbot, qloop, loopback):
    async def scenario():
        sims = [await start("2n", loopback(), model="verso", https_port=None),
                await start("2n", loopback(), model="style", https_port=None)]
        prompter = AutoPrompter(args={"user": sims[0].user, "password": "wrong password"})
        window = await open_window(sims[:1], prompter)  # the first is in the site already
        try:
            panel = window.discovery.show_discovery()
            panel.ranges_edit.setText(covering_range(s.host for s in sims))
            panel.ports_edit.setText(", ".join(str(s.port) for s in sims))
            await asyncio.wait_for(panel.start(), 20)
            assert cell(panel, sims[0].host, SITE_COLUMN) == "already added"
            assert cell(panel, sims[1].host, SITE_COLUMN) == ""
            assert cell(panel, sims[1].host, PORT_COLUMN) == f"http:{sims[1].port}"
            await window.discovery.add_discovered_devices(
                [panel.model.device(r) for r in range(panel.model.rowCount())
                 if panel.model.device(r).address == sims[1].host])
            reason = cell(panel, sims[1].host, SITE_COLUMN)
            assert reason and reason != "already added"
            assert any(word in reason.lower() for word in ("password", "credentials",
                                                            "refused", "auth"))
            assert "next to each" in window.statusBar().currentMessage()
            prompter.args["password"] = sims[1].password
            await window.discovery.add_discovered_devices(
                [panel.model.device(r) for r in range(panel.model.rowCount())
                 if panel.model.device(r).address == sims[1].host])
            await wait_until(lambda: cell(panel, sims[1].host, SITE_COLUMN)
                             == "added to the site")
        finally:
            await close(window, sims)

    qloop.run_until_complete(scenario())
