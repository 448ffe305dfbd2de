"""SIP registration per account in the tree and on the SIP pages, for every vendor, following
the simulators live; and status fields that follow the device (a switch going on)."""

from __future__ import annotations

from configurator.simulators.fleet import factory

from .helpers import wait_until
from .test_live_integration import subscribed
from .test_window import close, open_view, open_window, session_at, start


async def start_fcm(host):
    simulator = factory("fcm5600")(host, https_port=0)
    await simulator.start()
    return simulator


async def polled(client, function: str) -> None:
    """Wait until the device's event poller has read ``function`` once more: changes made
    after that are changes it sees (one made before its first poll is its baseline)."""
    calls = []
    original = getattr(client, function)

    async def counting(*args, **kwargs):
        result = await original(*args, **kwargs)
        calls.append(1)  # answered: what it read is the poller's previous state
        return result

    setattr(client, function, counting)
    try:
        await wait_until(lambda: calls, 15)
    finally:
        setattr(client, function, original)


def rows(window, session, capability="sip"):
    return window.tree.registration_rows(session.key, capability)


def device_status(window, session):
    return window.tree.status_items[session.key].text()


def test_2n_accounts_in_the_tree_and_on_the_sip_page_follow_the_device(qtbot, qloop,
                                                                        loopback):
    async def scenario():
        sim = await start("2n", loopback(), model="verso")
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            # account 2 is disabled on the device: no row of its own, the node says so
            await wait_until(lambda: rows(window, session) == [("SIP account 1", "Registered")])
            assert "5207" in window.tree.registration_tooltips(session.key, "sip")[0]
            assert device_status(window, session) == "SIP registered"
            assert window.tree.status_items[session.key].toolTip().startswith("online")
            tip = window.tree.status_items[session.key].toolTip()
            assert "SIP account 2: Disabled (account disabled)" in tip
            assert "registered=true" in tip  # the device's own value stays at hand
            view = await open_view(window, session, "sip")
            assert view.registration.texts() == [("SIP account 1 · 5207", "Registered"),
                                                 ("SIP account 2", "Disabled")]

            await subscribed(session.device)
            sim.set_registration(1, "registering")  # pushed by the device's event channel
            await wait_until(lambda: rows(window, session)[0][1] == "Registering…")
            assert view.registration.texts()[0] == ("SIP account 1 · 5207", "Registering…")
            sim.set_registration(1, "unregistered")
            await wait_until(lambda: rows(window, session)[0][1] == "Not registered")
            assert device_status(window, session) == "SIP not registered"
            assert view.registration.texts()[0][1] == "Not registered"
            sim.set_registration(1, "registered")
            await wait_until(lambda: rows(window, session)[0][1] == "Registered")
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_fanvil_lines_show_words_and_the_registrar_reason(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("fanvil", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            # the phone registers line 1 after a moment: "Registering…", then "Registered"
            await wait_until(lambda: rows(window, session) == [("Line 1", "Registered")], 15)
            # lines 2-6 do not register: listed in the node's tooltip, not as rows
            assert window.tree.node_status(session.key, "sip") == "Registered"
            sim.set_registrar("172.16.1.2", 403)  # the registrar now refuses line 1
            await wait_until(lambda: rows(window, session)[0][1].startswith("Failed"), 15)
            assert rows(window, session)[0][1] == "Failed: forbidden (403)"
            assert device_status(window, session) == "SIP failed"
            # System → Status: words instead of "403"/"0", the code in the tooltip
            view = await open_view(window, session, "system")
            form = next(f for f in view.forms if f.page.id == "status")
            line1 = form.rows["info.sip.line.1.registerCode"]
            assert line1.editor.raw() == "Failed: forbidden (403)"
            assert "registerCode=403" in line1.editor.toolTip()
            assert form.rows["info.sip.line.2.registerCode"].editor.raw() == "Disabled"
            assert not form.dirty
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_onetouch_accounts_appear_and_follow_the_polled_state(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            await wait_until(lambda: session.registrations)
            # both accounts are disabled in the factory settings
            assert rows(window, session) == []
            assert window.tree.node_status(session.key, "sip") == "Not in use"
            await polled(session.device.client, "sip_status")
            sim.set_registration(1, "1")
            await wait_until(lambda: rows(window, session) == [("Account 1", "Registering…")],
                             15)
            sim.set_registration(1, "3")
            await wait_until(lambda: rows(window, session)[0][1].startswith("Failed"), 15)
            assert rows(window, session) == [
                ("Account 1", "Failed: no reason given")]
            view = await open_view(window, session, "sip")
            assert view.registration.texts()[0] == (
                "Account 1", "Failed: no reason given")
            assert "never why a registration failed" in view.registration.note.text()
            sim.set_registration(1, "2")
            await wait_until(lambda: rows(window, session) == [("Account 1", "Registered")], 15)
            assert view.registration.texts()[0] == ("Account 1", "Registered")
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_pbx_trunks_and_extensions_show_their_registration(qtbot, qloop, loopback):
    async def scenario():
        sim = await start_fcm(loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            await wait_until(lambda: rows(window, session, "trunks"))
            trunks = dict(rows(window, session, "trunks"))
            assert set(trunks.values()) <= {"Registered", "Not registered"}
            assert "Registered" in trunks.values() and "Not registered" in trunks.values()
            # extensions: a count on the node (a PBX may have hundreds), no rows
            assert rows(window, session, "extensions") == []
            assert window.tree.node_status(session.key, "extensions") == "1 of 2 registered"
            await polled(session.device.client, "extension_status")
            sim.register("101")
            await wait_until(lambda: window.tree.node_status(session.key, "extensions")
                             == "All 2 registered", 15)
            name = next(t for t, state in trunks.items() if state == "Not registered")
            trunk = name.split(" trunk ", 1)[1]
            sim.set_trunk_status(trunk, "Rejected")
            await wait_until(lambda: dict(rows(window, session, "trunks"))[name]
                             == "Failed: rejected by the provider", 15)
            view = await open_view(window, session, "extensions")
            assert view.registration.isVisibleTo(view)
            assert ("Extension 101", "Registered") in view.registration.texts()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_switch_status_fields_follow_the_switch_while_the_page_is_open(qtbot, qloop,
                                                                        loopback):
    async def scenario():
        sim = factory("2n")(loopback(), http_port=0, model="verso", switch_on_duration=60.0)
        await sim.start()
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            view = await open_view(window, session, "switches")
            await subscribed(session.device)
            active = view.forms[0].rows["switch.1.active"]
            assert active.editor.raw() is False
            sim.switches.control(sim.switches.get("1", required=True)[0], "on")
            await wait_until(lambda: active.editor.raw() is True)
            assert not view.forms[0].dirty
            sim.switches.control(sim.switches.get("1", required=True)[0], "off")
            await wait_until(lambda: active.editor.raw() is False)
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())
