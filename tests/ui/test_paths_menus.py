"""Device → Actions and the toolbar's Actions button (the actions of the selected device), the
device tree's context menu, and View → Reset layout; against real simulators on loopback."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from configurator.services.site import SiteDevice
from configurator.ui.dialogs.prompter import AutoPrompter

from .helpers import wait_until
from .test_window import close, open_window, session_at, start

TOP, LEFT, BOTTOM = (Qt.DockWidgetArea.TopDockWidgetArea, Qt.DockWidgetArea.LeftDockWidgetArea,
                     Qt.DockWidgetArea.BottomDockWidgetArea)


def opened(menu: QMenu) -> list[str]:
    """Open a menu the way Qt does before showing it; its entries' texts."""
    menu.aboutToShow.emit()
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def entry(menu: QMenu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def test_actions_menus_follow_the_selected_device_and_run_on_it(qtbot, qloop, loopback):
    async def scenario():
        onetouch = await start("onetouch", loopback(), time_scale=100)
        twon = await start("2n", loopback(), model="verso", switch_on_duration=60)
        prompter = AutoPrompter()
        window = await open_window([onetouch, twon], prompter)
        try:
            assert not window.menus.actions_menu.isEnabled()  # nothing selected
            window.navigation.select_device(onetouch.host)
            assert window.menus.actions_menu.isEnabled() and window.menus.actions_button.isEnabled()
            onetouch_texts = opened(window.menus.actions_menu)
            assert onetouch_texts[0] == "Open door (relay trigger)…"
            assert "Factory reset…" in onetouch_texts
            window.navigation.select_device(twon.host)
            twon_texts = opened(window.menus.toolbar_actions_menu)
            assert twon_texts[0] == "Open door…" and "Switch on…" in twon_texts
            assert twon_texts != onetouch_texts
            # Device → Actions → Open door… on the 2N: its switch 1 closes, the relay of the
            # other device stays as it was
            prompter.args = {"switch": 1}
            entry(window.menus.toolbar_actions_menu, "Open door…").trigger()
            await wait_until(lambda: twon.switches.items[1].active)
            assert prompter.asked == [("args", "open_door")]
            assert onetouch.state.relay_levels()["RelayA"] == 0
            await wait_until(lambda: window.statusBar().currentMessage()
                             == "Open door on 2N IP Verso: done")
            # the Device menu's Actions entry lists the device selected when it opens
            window.navigation.select_device(onetouch.host)
            assert opened(window.menus.actions_menu) == onetouch_texts
        finally:
            await close(window, [onetouch, twon])

    qloop.run_until_complete(scenario())


def test_a_device_not_connected_offers_no_actions(qtbot, qloop, loopback):
    async def scenario():
        window = await open_window([])
        try:
            host = loopback()  # nothing listens there
            window.watch.add_session(SiteDevice(address=host, port=8080, user="admin"), None)
            window.navigation.select_device(host)
            assert window.navigation.current_session() is not None
            menus = window.menus
            assert not menus.actions_menu.isEnabled() and not menus.actions_button.isEnabled()
            assert opened(window.menus.actions_menu) == ["No actions (device not connected)"]
            assert not window.menus.actions_menu.actions()[0].isEnabled()
        finally:
            await close(window, [])

    qloop.run_until_complete(scenario())


def context_menu(window, index) -> QMenu:
    """Right-click on ``index`` in the device tree; the popup menu it opened."""
    before = set(window.tree.findChildren(QMenu))
    pos = window.tree.visualRect(index).center() if index.isValid() else QPoint(5, 400)
    window.tree.customContextMenuRequested.emit(pos)
    [menu] = [m for m in window.tree.findChildren(QMenu) if m not in before
              and m.parent() is window.tree]
    return menu


def test_context_menu_selects_the_device_and_removes_it(qtbot, qloop, loopback):
    async def scenario():
        sims = [await start("onetouch", loopback()), await start("fanvil", loopback())]
        window = await open_window(sims)
        try:
            fanvil = session_at(window, sims[1].host)
            window.navigation.select_device(sims[0].host)
            menu = context_menu(window, window.tree.devices[fanvil.key].index())
            assert window.navigation.current_session() is fanvil  # a right-click selects
            texts = [a.text() for a in menu.actions() if not a.isSeparator()]
            assert texts == ["Actions", "Re&connect", "&Credentials…", "&Remove device"]
            actions = [a.text() for a in menu.actions()[0].menu().actions()]
            assert actions[:2] == ["Dial…", "Hang up"] and "Reboot…" in actions
            entry(menu, "&Remove device").trigger()
            await wait_until(lambda: any(isinstance(w, QMessageBox) and w.isVisible()
                                         for w in QApplication.topLevelWidgets()))
            box = next(w for w in QApplication.topLevelWidgets()
                       if isinstance(w, QMessageBox) and w.isVisible())
            assert box.text() == f"Remove Fanvil X6 ({sims[1].host}) from this site?"
            box.button(QMessageBox.StandardButton.Yes).click()
            await wait_until(lambda: fanvil.key not in window.tree.devices)
            assert window.ctx.site.find(fanvil.key) is None
            assert [s.entry.address for s in window.ctx.manager.sessions.values()] == [
                sims[0].host]
            assert window.ctx.tasks.count(fanvil.key) == 0
            # a right-click on empty space only offers to add a device
            empty = context_menu(window, window.tree.indexAt(QPoint(5, 400)))
            assert [a.text() for a in empty.actions()] == ["&Add device…"]
        finally:
            await close(window, sims)

    qloop.run_until_complete(scenario())


def test_reset_layout_puts_every_dock_back(qtbot, qloop):
    async def scenario():
        window = await open_window([])
        try:
            window.docks.tree.hide()
            window.addDockWidget(TOP, window.docks.camera)
            window.docks.events.setFloating(True)
            window.docks.discovery.show()
            window.menus.reset_layout_action.trigger()  # View → Reset layout
            for dock in (window.docks.tree, window.docks.events, window.docks.camera):
                assert dock.isVisible() and not dock.isFloating(), dock.objectName()
            assert window.dockWidgetArea(window.docks.tree) == LEFT
            assert window.dockWidgetArea(window.docks.events) == BOTTOM
            assert window.dockWidgetArea(window.docks.camera) == BOTTOM
            # issue 14: the camera beside the event log, both visible (no longer tabbed)
            assert window.tabifiedDockWidgets(window.docks.events) == []
            await wait_until(lambda: window.docks.camera.geometry().top()
                             == window.docks.events.geometry().top())
            events, camera = window.docks.events.geometry(), window.docks.camera.geometry()
            assert camera.left() >= events.right() and camera.top() == events.top()
            assert window.docks.discovery.isHidden()
            # the reset layout is what the next start shows
            window.close()
            await window.wait_closed()
            window = await open_window([])
            assert window.dockWidgetArea(window.docks.camera) == BOTTOM
            assert not window.docks.events.isFloating() and window.docks.tree.isVisible()
        finally:
            await close(window, [])

    qloop.run_until_complete(scenario())
