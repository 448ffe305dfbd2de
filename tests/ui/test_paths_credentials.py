"""Device → Credentials…: the dialog changes the user/password the window uses for a device,
which reconnects at once: online with the right password, "auth failed" with a wrong one.
Against a real Onetouch simulator (Digest auth) on loopback."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialogButtonBox

from configurator.core.transport import Credentials
from configurator.services.sessions import DeviceState
from configurator.ui.dialogs.awaitable import ArgsDialog

from .helpers import wait_until
from .test_window import HOLD_A, close, open_view, open_window, session_at, start


def open_dialog() -> ArgsDialog | None:
    shown = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, ArgsDialog) and w.isVisible()]
    return shown[0] if len(shown) == 1 else None


async def enter_credentials(window, user: str, password: str) -> ArgsDialog:
    """Device menu → Credentials…, fill in the dialog and press OK."""
    window.menus.credentials_action.trigger()
    await wait_until(lambda: open_dialog() is not None, 3)
    dialog = open_dialog()
    assert dialog is not None
    dialog.form.rows["user"].set_value(user)
    dialog.form.rows["password"].set_value(password)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    return dialog


def state_of(window, key: str) -> DeviceState | None:
    """The device's state (None while Credentials… swaps its session)."""
    session = window.ctx.manager.get(key)
    return session.state if session is not None else None


async def password_changed_on_device(window, sim, password: str):
    """The installer changes the device's password elsewhere; a reconnect notices."""
    session = session_at(window, sim.host)
    window.navigation.select_device(sim.host)
    sim.password = password
    window.menus.reconnect_action.trigger()
    await wait_until(lambda: state_of(window, session.key) is DeviceState.AUTH_FAILED)
    assert window.tree.status_items[session.key].text() == "auth failed"
    return session


def test_new_password_reconnects_and_the_device_is_online_again(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            old = await password_changed_on_device(window, sim, "n3w-Secret")
            assert window.menus.credentials_action.isEnabled()
            dialog = await enter_credentials(window, "admin", "n3w-Secret")
            await wait_until(lambda: state_of(window, old.key) is DeviceState.ONLINE)
            session = session_at(window, sim.host)
            assert not dialog.isVisible()
            assert session.credentials == Credentials("admin", "n3w-Secret")
            assert window.ctx.credentials.get(session.key) == Credentials("admin", "n3w-Secret")
            assert old.device is None  # the old client was closed and dropped
            assert window.tree.status_items[session.key].text() == "online"
            # the reconnected device really answers: its settings can be read
            view = await open_view(window, session, "relays")
            assert view.forms[0].rows[HOLD_A].baseline == 5
            assert window.ctx.tasks.count(session.key) >= 1  # watched again (status monitor)
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_wrong_password_in_the_dialog_shows_auth_failed(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            window.navigation.select_device(sim.host)
            await enter_credentials(window, "admin", "not-the-password")
            await wait_until(lambda: state_of(window, session.key) is DeviceState.AUTH_FAILED)
            session = session_at(window, sim.host)
            assert window.tree.status_items[session.key].text() == "auth failed"
            assert session.device is None
            assert window.ctx.credentials.get(session.key) == Credentials("admin",
                                                                      "not-the-password")
            # the monitor gave up and waits for the user: no request loop on a wrong password
            await wait_until(lambda: window.ctx.tasks.count(session.key) == 0)
            assert window.counts_label.text().startswith(
                "1 device(s)  ·  0 online  ·  1 with problems")
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_cancelled_dialog_keeps_the_connection(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            device = session.device
            window.navigation.select_device(sim.host)
            app_tasks = window.ctx.tasks.count("app")
            window.menus.credentials_action.trigger()
            assert window.ctx.tasks.count("app") == app_tasks + 1
            await wait_until(lambda: open_dialog() is not None, 3)
            dialog = open_dialog()
            assert dialog.form.rows["user"].editor.raw() == "admin"  # prefilled
            dialog.reject()
            await wait_until(lambda: window.ctx.tasks.count("app") == app_tasks)
            assert session_at(window, sim.host) is session and session.device is device
            assert session.state is DeviceState.ONLINE
            assert session.credentials == Credentials("admin", "httpapi")
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_open_page_works_after_new_credentials(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            await open_view(window, session_at(window, sim.host), "relays")
            old = await password_changed_on_device(window, sim, "n3w-Secret")
            window.navigation.select_device(sim.host)
            await enter_credentials(window, "admin", "n3w-Secret")
            await wait_until(lambda: state_of(window, old.key) is DeviceState.ONLINE)
            sim.state.config[HOLD_A] = "44"
            view = window.navigation.select_capability(old.key, "relays")
            assert view is not None
            form = view.forms[0]
            assert await form.load(), form.banner.text()
            assert form.rows[HOLD_A].baseline == 44
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())
