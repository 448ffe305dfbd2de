"""Bugs found by trying the window as an installer (issue 14): the camera grid opened twice,
a Discovery window restored from the saved layout, quitting with an edit not applied."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QCoreApplication, QEvent

from configurator.app import build_window
from configurator.ui.devices.tree import CAP_ROLE
from configurator.ui.dialogs.prompter import AutoPrompter

from .helpers import wait_until
from .test_paths_editing import HOLD_A, relay_form
from .test_window import close, open_window, session_at, start


def deferred_deletes() -> None:
    """Run the deleteLater()s Qt has queued (a closed WA_DeleteOnClose window is one)."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def test_ctrl_g_while_the_camera_grid_is_open_keeps_a_grid(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback(), model="verso")
        window = await open_window([sim])
        try:
            window.menus.camera_grid_action.trigger()  # Ctrl+G
            first = window.camera.grid
            assert first is not None and first.isVisible()
            window.menus.camera_grid_action.trigger()  # Ctrl+G again, the grid still open
            deferred_deletes()  # the first grid is gone now, its `destroyed` has fired
            await asyncio.sleep(0.05)
            grid = window.camera.grid
            assert grid is not None and grid is not first and grid.isVisible()
            assert len(grid.grid.views) == 1
            window.menus.camera_grid_action.trigger()  # and a third time
            deferred_deletes()
            assert window.camera.grid is not None and window.camera.grid.isVisible()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_discovery_window_restored_at_start_up_has_its_controls(qtbot, qloop):
    async def scenario():
        window = build_window(demo=True, prompter=AutoPrompter())
        window.show()
        window.discovery.show_discovery()
        assert window.docks.discovery.isVisible()
        window.close()
        await window.wait_closed()
        again = build_window(demo=True, prompter=AutoPrompter())
        again.show()
        try:
            dock = again.docks.discovery
            assert dock.isVisible()  # the saved layout shows it
            panel = again.discovery.panel
            assert panel is not None and dock.widget() is panel
            assert panel.ranges_edit.isVisible() and panel.start_button.isVisible()
        finally:
            again.close()
            await again.wait_closed()

    qloop.run_until_complete(scenario())


def test_discovery_shown_from_the_view_menu_has_its_controls(qtbot, qloop):
    async def scenario():
        window = build_window(demo=True, prompter=AutoPrompter())
        window.show()
        try:
            window.docks.discovery.toggleViewAction().trigger()  # View > Discovery
            await wait_until(lambda: window.docks.discovery.isVisible())
            assert window.discovery.panel is not None
            assert window.docks.discovery.widget() is window.discovery.panel
        finally:
            window.close()
            await window.wait_closed()

    qloop.run_until_complete(scenario())


def test_quitting_with_an_edit_not_applied_asks_first(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        prompter = AutoPrompter(quit=False)
        window = await open_window([sim], prompter)
        try:
            session, form = await relay_form(window, sim)
            form.rows[HOLD_A].set_value(40)
            window.close()  # the user says "keep working"
            await wait_until(lambda: ("quit", [f"{session.title}: Relays"]) in prompter.asked)
            await asyncio.sleep(0.1)
            assert window.isVisible() and not window.shutting_down
            prompter.quit = True
            window.close()
            await asyncio.wait_for(window.wait_closed(), 10)
            assert [k for k, _ in prompter.asked].count("quit") == 2
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_quitting_with_nothing_pending_does_not_ask(qtbot, qloop):
    async def scenario():
        prompter = AutoPrompter(quit=False)
        window = build_window(demo=True, prompter=prompter)
        window.show()
        window.close()
        await asyncio.wait_for(window.wait_closed(), 10)
        assert prompter.asked == []

    qloop.run_until_complete(scenario())


def test_tree_marks_a_draft_before_its_page_is_opened(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        session, form = await relay_form(window, sim)
        form.rows[HOLD_A].set_value(40)
        form.save_draft()
        window.close()
        await window.wait_closed()
        again = await open_window([sim])  # the next start: the page is not opened
        try:
            session = session_at(again, sim.host)
            await wait_until(lambda: session.key in again.watch.nodes)
            device_item = again.tree.devices[session.key]
            assert device_item.text().endswith(" *")
            assert "unsaved" in again.tree.status_items[session.key].text()
            relays = next(device_item.child(r) for r in range(device_item.rowCount())
                          if device_item.child(r).data(CAP_ROLE) == "relays")
            assert relays.text().endswith("•")
            others = [device_item.child(r).text() for r in range(device_item.rowCount())
                      if device_item.child(r).data(CAP_ROLE) != "relays"]
            assert others and not any(t.endswith("•") for t in others)
            # the page opened: the draft is in the form, the marks stay while it is there
            again.navigation.select_capability(session.key, "relays")
            view = again.navigation.views[(session.key, "relays")]
            await wait_until(lambda: view.forms[0].loaded)
            assert view.forms[0].rows[HOLD_A].typed == 40
            assert relays.text().endswith("•")
            # reverted: the marks go
            view.forms[0].revert()
            await wait_until(lambda: not relays.text().endswith("•"))
            assert not device_item.text().endswith(" *")
        finally:
            await close(again, [sim])

    qloop.run_until_complete(scenario())
