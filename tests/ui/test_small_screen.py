"""The window at 1024x700 (issue 14): every page of every device fits or scrolls, the device
names are not cut (the address has its own column), the event sources stay readable, the
camera and the event log are both visible."""

from __future__ import annotations

import asyncio

from configurator.ui.devices.tree import CAP_ROLE

from .helpers import wait_until
from .test_window import close, open_window, session_at, start

SMALL = (1024, 700)


def test_every_page_is_usable_at_1024_by_700(qtbot, qloop, loopback):
    async def scenario():
        sims = [await start("2n", loopback(), model="verso"), await start("onetouch", loopback()),
                await start("fanvil", loopback())]
        window = await open_window(sims)
        window.resize(*SMALL)
        try:
            stack = window.navigation.stack
            pages = []
            for sim in sims:  # every page built (the stack is as wide as its widest page)
                session = session_at(window, sim.host)
                item = window.tree.devices[session.key]
                for row in range(item.rowCount()):
                    capability = item.child(row).data(CAP_ROLE)
                    view = window.navigation.select_capability(session.key, capability)
                    pages += [(capability, view.tabs.widget(i)) for i in range(view.tabs.count())]
                    pages.append((capability, view))
            await asyncio.sleep(0.2)
            assert (window.width(), window.height()) == SMALL  # nothing forced it larger
            for capability, page in pages:
                need = page.minimumSizeHint()
                assert need.width() <= stack.width(), (capability, need, stack.size())
                assert need.height() <= stack.height(), (capability, need, stack.size())
            tree = window.tree
            for sim in sims:  # every name whole: the address is in its own column
                item = tree.devices[session_at(window, sim.host).key]
                shown = tree.visualRect(item.index()).width()
                assert shown >= tree.fontMetrics().horizontalAdvance(item.text()), item.text()
            assert window.live.sources.width() >= 200  # the event sources stay readable
            assert window.docks.camera.isVisible() and window.docks.events.isVisible()
            assert window.tabifiedDockWidgets(window.docks.events) == []
        finally:
            await close(window, sims)

    qloop.run_until_complete(scenario())


def test_the_tree_takes_its_width_back_when_the_window_grows(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback(), model="verso")
        window = await open_window([sim])
        try:
            window.resize(700, 600)
            await asyncio.sleep(0.1)
            window.resize(1600, 1000)
            item = window.tree.devices[session_at(window, sim.host).key]
            await wait_until(lambda: window.tree.visualRect(item.index()).width()
                             >= window.tree.fontMetrics().horizontalAdvance(item.text()))
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())
