"""The main window against real drivers and simulators over loopback."""

from __future__ import annotations

import asyncio

from configurator.app import add_simulators, build_window
from configurator.services.sessions import DeviceState
from configurator.simulators.fleet import factory
from configurator.ui.devices.tree import CAP_ROLE, KEY_ROLE
from configurator.ui.dialogs.prompter import AutoPrompter

from .helpers import run_without_warnings, wait_until

HOLD_A = "Config.DoorSetting.RELAY.HoldDelayA"
NAME_A = "Config.DoorSetting.RELAY.NameA"


async def start(vendor: str, host: str, **options):
    simulator = factory(vendor)(host, http_port=0, **options)
    await simulator.start()
    return simulator


async def open_window(simulators, prompter=None):
    window = build_window(demo=True, prompter=prompter or AutoPrompter())
    window.show()
    add_simulators(window, simulators)
    await wait_until(lambda: all(s.key in window.watch.nodes
                                 or s.state is not DeviceState.CONNECTING
                                 for s in window.ctx.manager.sessions.values()), 15)
    return window


async def close(window, simulators):
    window.close()
    await window.wait_closed()
    for simulator in simulators:
        await simulator.stop()


def session_at(window, host):
    return next(s for s in window.ctx.manager.sessions.values() if s.entry.address == host)


async def open_view(window, session, capability):
    view = window.navigation.select_capability(session.key, capability)
    assert view is not None, capability
    await wait_until(lambda: all(f.loaded for f in view.forms)
                     and all(t.loaded for t in view.tables))
    return view


def test_tree_lists_the_fleet_with_vendors_and_models(qtbot, qloop, loopback):
    async def scenario():
        sims = [await start("2n", loopback(), model="verso"), await start("onetouch", loopback()),
                await start("fanvil", loopback())]
        window = await open_window(sims)
        try:
            found = {s.entry.address: (s.entry.vendor, s.entry.model, s.state)
                     for s in window.ctx.manager.sessions.values()}
            assert found == {
                sims[0].host: ("2N", "2N IP Verso", DeviceState.ONLINE),
                sims[1].host: ("Onetouch", "OT-IP-LP-C9", DeviceState.ONLINE),
                sims[2].host: ("Fanvil", "X6", DeviceState.ONLINE),
            }
            item = window.tree.devices[session_at(window, sims[1].host).key]
            assert item.text() == "Onetouch OT-IP-LP-C9"  # the address has its own column
            address = window.tree.address_items[item.data(KEY_ROLE)].text()
            assert address == f"{sims[1].host}:{sims[1].port}"  # not the default port: shown
            children = [item.child(i).data(CAP_ROLE) for i in range(item.rowCount())]
            assert children[:6] == ["system", "relays", "inputs", "sip", "calls", "rfkeys"]
            assert "maintenance" in children
            assert window.tree.status_items[session_at(window, sims[1].host).key].text() \
                == "online"
            assert window.counts_label.text().startswith("3 device(s)  ·  3 online")
            assert window.navigation.select_device(sims[2].host)  # e.g. from an event row
            assert window.navigation.current_session().entry.address == sims[2].host
            assert window.navigation.stack.currentWidget() is window.navigation.device_page
        finally:
            await close(window, sims)

    qloop.run_until_complete(scenario())


def test_edit_and_apply_changes_the_simulator(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        prompter = AutoPrompter()
        window = await open_window([sim], prompter)
        try:
            session = session_at(window, sim.host)
            view = await open_view(window, session, "relays")
            form = view.forms[0]
            assert form.rows[HOLD_A].editor.raw() == 5
            form.rows[HOLD_A].set_value(12)
            form.rows[NAME_A].set_value("Front door")
            assert session.dirty_pages == {"relay"}
            assert window.tree.devices[session.key].text().endswith(" *")
            assert window.menus.apply_action.isEnabled()
            assert await form.apply()
            assert sim.state.config[HOLD_A] == "12"
            assert sim.state.config[NAME_A] == "Front door"
            assert form.rows[HOLD_A].outcome == "applied"
            assert form.rows[NAME_A].marker.property("state") == "applied"
            assert [r.spec.key for r in prompter.asked[0][1]] == [HOLD_A, NAME_A]
            assert not session.dirty_pages
            assert not window.tree.devices[session.key].text().endswith(" *")
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_out_of_range_value_cannot_be_applied(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        prompter = AutoPrompter()
        window = await open_window([sim], prompter)
        try:
            view = await open_view(window, session_at(window, sim.host), "relays")
            form = view.forms[0]
            form.rows[HOLD_A].set_value(75)
            assert form.rows[HOLD_A].message.text() == "75 is above the maximum 60 s"
            assert not form.apply_button.isEnabled()
            assert not await form.apply()
            assert prompter.asked == []
            assert sim.state.config[HOLD_A] == "5"
            assert "Hold delay: 75 is above the maximum 60 s" in form.banner.text()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_adding_a_table_row_creates_it_on_the_device(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            view = await open_view(window, session_at(window, sim.host), "rfkeys")
            table = view.tables[0]
            assert table.model.rows == []
            # the document's example card: "Code":"12345678", door A
            assert table.add_row({"Name": "Janitor", "Code": "12345678",
                                  "DoorNum": frozenset({"A"})}), table.banner.text()
            session = session_at(window, sim.host)
            assert session.dirty_pages == {"table:rfkey"}
            assert view.tabs.tabText(0) == "RF cards •"
            assert await table.apply()
            assert session.dirty_pages == set() and view.tabs.tabText(0) == "RF cards"
            stored = sim.state.tables["rfkey"].rows
            assert [(r["Name"], r["Code"]) for r in stored] == [("Janitor", "12345678")]
            assert [(r.values["Name"], r.state) for r in table.model.rows] == [
                ("Janitor", "clean")]
            assert table.model.rows[0].values["ID"] == int(stored[0]["ID"])
            assert sim.swipe_card("12345678", "A")
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


class VanishingPrompter(AutoPrompter):
    """Confirms the preview, then the device disappears before the write."""

    def __init__(self, simulator):
        super().__init__()
        self.simulator = simulator

    async def confirm_changes(self, parent, title, rows):
        await self.simulator.stop()
        return True


def test_device_gone_mid_apply_fails_per_field_without_crash(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim], VanishingPrompter(sim))
        try:
            session = session_at(window, sim.host)
            view = await open_view(window, session, "relays")
            form = view.forms[0]
            form.rows[HOLD_A].set_value(20)
            form.rows[NAME_A].set_value("Gate")
            assert not await form.apply()
            for key in (HOLD_A, NAME_A):
                row = form.rows[key]
                assert row.outcome == "rejected" and row.dirty
                assert row.message.text().startswith("Rejected by the device: not applied")
                assert "connection refused" in row.message.text()
            assert session.state is DeviceState.OFFLINE
            assert window.tree.status_items[session.key].text().startswith("offline")
            assert form.apply_button.isEnabled()  # the edits are kept for a retry
        finally:
            await close(window, [])

    qloop.run_until_complete(scenario())


def test_closing_while_requests_run_shuts_down_cleanly(qtbot, qloop, loopback, caplog):
    async def scenario():
        sims = [await start("2n", loopback(), model="verso"), await start("onetouch", loopback())]
        window = await open_window(sims)
        devices = [s.device for s in window.ctx.manager.sessions.values()]
        session = session_at(window, sims[1].host)
        view = window.navigation.select_capability(session.key, "sip")  # loads in the background
        assert view is not None
        await asyncio.sleep(0)
        assert window.ctx.tasks.count() > 0  # monitors, event streams, the page load
        window.close()
        await asyncio.wait_for(window.wait_closed(), 10)
        assert window.ctx.tasks.count() == 0
        assert all(d.transport.client.is_closed for d in devices)
        assert window.ctx.manager.sessions == {}
        for sim in sims:
            await sim.stop()

    run_without_warnings(qloop, caplog, scenario())


def test_add_device_with_auto_scheme_prefers_https_and_falls_back_to_http(qtbot, qloop,
                                                                           loopback):
    from configurator.core.transport import Credentials
    from configurator.services.site import SiteDevice
    from configurator.simulators.twon.device import DEFAULT_PASSWORD, DEFAULT_USER

    async def scenario():
        plain = await start("2n", loopback(), https_port=None)
        secure = factory("2n")(loopback(), http_port=None, https_port=0)
        await secure.start()
        window = await open_window([])
        creds = Credentials(DEFAULT_USER, DEFAULT_PASSWORD)
        try:
            # HTTP only: the HTTPS attempt finds no TLS on that port, HTTP is used
            assert await window.devices.add_device(SiteDevice(plain.host, plain.port, "auto"),
                                           creds) == ""
            # HTTPS only: used at once
            assert await window.devices.add_device(
                SiteDevice(secure.host, secure.ports["https"], "auto"), creds) == ""
            sessions = window.ctx.manager.sessions.values()
            schemes = {s.entry.address: s.entry.scheme for s in sessions}
            assert schemes == {plain.host: "http", secure.host: "https"}
            # nothing on either: the message says both were tried
            nobody = loopback()
            message = await window.devices.add_device(SiteDevice(nobody, 8080, "auto"), creds)
            assert message.startswith(f"Cannot reach {nobody}: cannot connect: connection "
                                      "refused") and "HTTPS was tried first" in message
        finally:
            await close(window, [plain, secure])

    qloop.run_until_complete(scenario())


def test_add_device_by_address_with_clear_failures(qtbot, qloop, loopback):
    from configurator.core.transport import Credentials
    from configurator.services.site import SiteDevice

    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([])
        try:
            def entry(host=sim.host, port=sim.port):
                return SiteDevice(address=host, port=port, scheme="http", user="admin")

            wrong = await window.devices.add_device(entry(), Credentials("admin", "nope"))
            assert "wrong user name or password" in wrong
            nobody = loopback()
            refused = await window.devices.add_device(entry(nobody, 8080), None)
            assert refused.startswith(f"Cannot reach {nobody}: cannot connect: connection "
                                      "refused")
            assert window.ctx.manager.sessions == {} and window.ctx.site.devices == []
            assert await window.devices.add_device(entry(), Credentials("admin", "httpapi")) == ""
            session = session_at(window, sim.host)
            assert (session.entry.vendor, session.entry.model) == ("Onetouch", "OT-IP-LP-C9")
            assert session.state is DeviceState.ONLINE
            assert window.ctx.credentials.get(session.key) == Credentials("admin", "httpapi")
            again = await window.devices.add_device(entry(), Credentials("admin", "httpapi"))
            assert again == f"http://{sim.host}:{sim.port} is already in this site."
            device = session.device
            await window.devices.remove_device(session.key)
            assert device.transport.client.is_closed
            assert window.ctx.tasks.count(session.key) == 0
            assert window.ctx.site.devices == [] and window.tree.devices == {}
            assert window.ctx.credentials.get(session.key) is None
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_actions_run_and_dangerous_ones_need_confirmation(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback(), time_scale=100)
        prompter = AutoPrompter(args={"num": 1, "mode": 1})
        window = await open_window([sim], prompter)
        try:
            session = session_at(window, sim.host)
            device = session.device
            from PySide6.QtWidgets import QMenu

            menu = QMenu()
            window.menus.fill_actions(menu, session)  # the tree's context menu and the toolbar's
            texts = [a.text() for a in menu.actions()]
            assert texts[0] == "Open door (relay trigger)…"
            assert "Factory reset…" in texts and "Hang up" in texts
            await window.commands.run_action(session, device.action("open_door"))
            assert prompter.asked == [("args", "open_door")]
            assert sim.state.relay_levels()["RelayA"] == 1
            sim.state.config[HOLD_A] = "33"
            prompter.answer = False
            await window.commands.run_action(session, device.action("factory_reset"))
            assert prompter.asked[-1] == ("action", "factory_reset")
            assert sim.state.config[HOLD_A] == "33"  # not reset: the user declined
            assert window.statusBar().currentMessage() == "Factory reset cancelled"
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_wrong_password_shows_auth_failed_and_stops_polling(qtbot, qloop, loopback):
    from configurator.core.transport import Credentials
    from configurator.services.site import SiteDevice

    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([])
        try:
            entry = SiteDevice(address=sim.host, port=sim.port, user="admin")
            session = window.watch.add_session(entry, Credentials("admin", "wrong"))
            await wait_until(lambda: session.state is DeviceState.AUTH_FAILED)
            assert window.tree.status_items[session.key].text() == "auth failed"
            assert "authentication" in session.message.lower() or "password" in \
                session.message.lower()
            await wait_until(lambda: window.ctx.tasks.count(session.key) == 0)  # waits for the user
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())
