"""Sites, remembered layout and TLS trust on first use, with a real HTTPS simulator."""

from __future__ import annotations

import json

from configurator.app import build_window
from configurator.core.transport import Credentials
from configurator.services.sessions import DeviceState
from configurator.services.site import Site, SiteDevice
from configurator.simulators.fleet import factory
from configurator.ui.dialogs.prompter import AutoPrompter

from .helpers import wait_until


async def start_fcm(host):
    simulator = factory("fcm5600")(host, https_port=0)
    await simulator.start()
    return simulator


def fcm_entry(sim) -> tuple[SiteDevice, Credentials]:
    info = sim.describe()
    assert info["scheme"] == "https"
    return (SiteDevice(address=sim.host, port=info["port"], scheme="https", user=info["user"]),
            Credentials(info["user"], info["password"]))


def test_tls_first_use_prompt_pins_and_warns_on_change(qtbot, qloop, loopback, config_home):
    async def scenario():
        sim = await start_fcm(loopback())
        entry, creds = fcm_entry(sim)
        declined = AutoPrompter(answer=False)
        window = build_window(demo=False, prompter=declined)
        message = await window.devices.add_device(entry, creds)
        assert message == f"{sim.host}: the TLS certificate was not trusted, so nothing was sent."
        assert declined.asked == [("trust", entry.key)]
        window.close()
        await window.wait_closed()

        trusting = AutoPrompter(answer=True)
        window = build_window(demo=False, prompter=trusting)
        assert await window.devices.add_device(entry, creds) == ""
        pins = json.loads((config_home / "pins.json").read_text())
        assert list(pins) == [entry.key] and len(pins[entry.key]) == 95
        window.close()
        await window.wait_closed()

        # the certificate "changes": the pin no longer matches
        (config_home / "pins.json").write_text(json.dumps({entry.key: "AA:" * 31 + "AA"}))
        asked = AutoPrompter(answer=False)
        window = build_window(demo=False, prompter=asked)
        window.watch.add_session(SiteDevice(**{**entry.__dict__}), creds)
        session = window.ctx.manager.get(entry.key)
        await wait_until(lambda: ("new certificate", sim.host) in asked.asked)
        assert session.state is DeviceState.CERTIFICATE
        assert "TLS certificate changed since first use" in session.message
        assert window.tree.status_items[entry.key].text() == "certificate problem"
        window.close()
        await window.wait_closed()
        await sim.stop()

    qloop.run_until_complete(scenario())


def test_site_save_open_and_recent(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        window = build_window(demo=False, prompter=AutoPrompter())
        host = loopback()
        site = Site("Block B", [SiteDevice(host, 8080, "http", "onetouch", vendor="Onetouch",
                                           model="OT-IP-LP-C9", notes="gate")])
        path = site.save(tmp_path / "block-b.json")
        assert await window.sites.open_site(path)
        assert window.windowTitle() == "Block B — configurator"
        assert list(window.tree.devices) == [f"{host}:8080"]
        assert window.sites.recent.list() == [path]
        # nothing listens there: the device is shown offline, not an error dialog
        session = window.ctx.manager.get(f"{host}:8080")
        await wait_until(lambda: session.state is DeviceState.OFFLINE)
        assert window.tree.status_items[session.key].text() == "offline"
        bad = tmp_path / "bad.json"
        bad.write_text("{")
        assert not await window.sites.open_site(bad)
        assert "is not a site file" in window.statusBar().currentMessage()
        assert window.ctx.site.name == "Block B"  # the open site is untouched
        window.close()
        await window.wait_closed()

    qloop.run_until_complete(scenario())


def test_window_layout_is_remembered(qtbot, qloop):
    async def scenario():
        window = build_window(demo=True, prompter=AutoPrompter())
        window.show()
        window.resize(701, 523)
        window.docks.events.hide()
        window.close()
        await window.wait_closed()
        again = build_window(demo=True, prompter=AutoPrompter())
        again.show()
        assert (again.width(), again.height()) == (701, 523)
        assert again.docks.events.isHidden()
        again.close()
        await again.wait_closed()

    qloop.run_until_complete(scenario())


def test_site_saved_under_a_new_name_takes_its_event_history_along(qtbot, qloop, tmp_path,
                                                                   monkeypatch):
    from configurator.core.events import DeviceEvent, now_utc
    from configurator.live.journal import EventJournal
    from configurator.ui.window import site_control as sitecontrol

    async def scenario():
        window = build_window(demo=False, prompter=AutoPrompter())
        path_a = Site("Block A", []).save(tmp_path / "block-a.json")
        assert await window.sites.open_site(path_a)
        journal_a = tmp_path / "block-a.events.sqlite"
        assert window.live.journal.path == str(journal_a)
        for i in range(5):
            window.live._journal_event(DeviceEvent(device="door", type="KeyPressed",
                                                   utc=now_utc(), summary=f"key {i}",
                                                   event_id=i))
        path_b = tmp_path / "block-b.json"

        async def choose(dialog):  # the user picks block-b.json in the save dialog
            dialog.selectFile(str(path_b))
            return 1

        monkeypatch.setattr(sitecontrol, "run_dialog", choose)
        await window.sites.save_site_dialog(ask=True)
        assert window.ctx.site.path == path_b
        journal_b = tmp_path / "block-b.events.sqlite"
        assert window.live.journal.path == str(journal_b)
        window.live._journal_event(DeviceEvent(device="door", type="KeyPressed",
                                               utc=now_utc(), summary="after the move"))
        window.close()
        await window.wait_closed()
        moved = EventJournal(journal_b)
        assert [e.summary for e in moved.search()] == [f"key {i}" for i in range(5)] + [
            "after the move"]
        moved.close()
        kept = EventJournal(journal_a)  # the old site file keeps its own history
        assert kept.count() == 5
        kept.close()

    qloop.run_until_complete(scenario())
