"""First start and menus as an installer meets them (issue 14): the welcome page offers
Discover, Add and the demo; Help has Getting started; dangerous device actions stand apart."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from configurator.app import build_window
from configurator.ui.dialogs.prompter import AutoPrompter

from .helpers import wait_until
from .test_window import close, open_window, session_at, start


def test_welcome_offers_discover_add_and_the_demo(qtbot, qloop):
    async def scenario():
        window = build_window(demo=False, prompter=AutoPrompter())
        window.show()
        try:
            welcome = window.navigation.welcome
            assert window.navigation.stack.currentWidget() is welcome
            assert welcome.discover_button.isVisible() and welcome.add_button.isVisible()
            assert welcome.demo_button.isVisible()
            welcome.discover_button.click()
            await wait_until(lambda: window.docks.discovery.isVisible())
            assert window.discovery.panel is not None
            help_menu = next(a.menu() for a in window.menuBar().actions()
                             if a.text() == "&Help")
            assert [a.text() for a in help_menu.actions()][:2] == ["&Getting started",
                                                                    "&About"]
        finally:
            window.close()
            await window.wait_closed()

    qloop.run_until_complete(scenario())


def test_demo_window_does_not_offer_the_demo_again(qtbot, qloop):
    async def scenario():
        window = build_window(demo=True, prompter=AutoPrompter())
        window.show()
        assert not window.navigation.welcome.demo_button.isVisible()
        window.close()
        await window.wait_closed()

    qloop.run_until_complete(scenario())


def test_dangerous_actions_come_last_in_a_section_of_their_own(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback(), model="verso")
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            menu = QMenu()
            window.menus.fill_actions(menu, session)
            entries = [(a.isSeparator(), a.text()) for a in menu.actions()]
            section = next(i for i, (sep, _) in enumerate(entries) if sep)
            dangerous = {a.label for a in session.device.actions() if a.dangerous}
            safe = {a.label for a in session.device.actions() if not a.dangerous}
            assert dangerous and safe
            assert {t.rstrip("…") for _, t in entries[:section]} == safe
            assert {t.rstrip("…") for _, t in entries[section + 1:]} == dangerous
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())
