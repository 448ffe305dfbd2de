"""File menu: new site, save (the file dialog), open (the file dialog and Open recent), with a
real Onetouch simulator on loopback. The site file never holds a password: those go to the
keyring (here a recording fake), and come back from it when the site is opened again."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from configurator.app import build_window
from configurator.core.transport import Credentials
from configurator.services.credentials import SERVICE, CredentialStore
from configurator.services.sessions import DeviceState
from configurator.services.site import SiteDevice
from configurator.ui.dialogs.prompter import AutoPrompter

from .helpers import wait_until
from .test_window import start

PASSWORD = "httpapi"  # the Onetouch simulator's default API password


class RecordingKeyring:
    """A keyring backend in memory that shows what was stored."""

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, key: str) -> str | None:
        return self.stored.get((service, key))

    def set_password(self, service: str, key: str, value: str) -> None:
        self.stored[(service, key)] = value

    def delete_password(self, service: str, key: str) -> None:
        self.stored.pop((service, key), None)


def visible_file_dialog() -> QFileDialog | None:
    shown = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QFileDialog) and w.isVisible()]
    return shown[0] if len(shown) == 1 else None


async def choose_file(path: Path) -> None:
    """Answer the file dialog the window opened with ``path``."""
    await wait_until(lambda: visible_file_dialog() is not None, 3)
    dialog = visible_file_dialog()
    assert dialog is not None
    dialog.setDirectory(str(path.parent))
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    name.setText(path.name)  # typed into the File name box
    assert dialog.selectedFiles() == [str(path)]
    dialog.accept()


async def window_with_device(sim, keyring: RecordingKeyring):
    window = build_window(demo=False, prompter=AutoPrompter())
    window.ctx.credentials = CredentialStore(keyring)
    window.show()
    entry = SiteDevice(address=sim.host, port=sim.port, scheme="http", user="admin")
    assert await window.devices.add_device(entry, Credentials("admin", PASSWORD)) == ""
    return window, entry.key


async def finished(window) -> None:
    await wait_until(lambda: window.ctx.tasks.count("app") == 0)


def test_save_writes_the_inventory_without_secrets(qtbot, qloop, loopback, tmp_path,
                                                    config_home):
    async def scenario():
        sim = await start("onetouch", loopback())
        keyring = RecordingKeyring()
        window, key = await window_with_device(sim, keyring)
        try:
            # the untitled site autosaves to the config dir, without the password
            autosaved = (config_home / "untitled-site.json").read_text()
            assert PASSWORD not in autosaved and sim.host in autosaved
            target = tmp_path / "block-c.json"
            window.menus.save_site_action.trigger()
            await choose_file(target)
            await finished(window)
            text = target.read_text()
            data = json.loads(text)
            assert data["name"] == "block-c" and data["format"] == "configurator-site"
            [device] = data["devices"]
            assert (device["address"], device["port"], device["user"]) == (
                sim.host, sim.port, "admin")
            assert (device["vendor"], device["model"], device["driver"]) == (
                "Onetouch", "OT-IP-LP-C9", "onetouch")
            assert PASSWORD not in text and "password" not in text.lower()
            # the password went to the keyring instead
            assert json.loads(keyring.stored[(SERVICE, key)]) == {"user": "admin",
                                                                  "password": PASSWORD}
            assert window.windowTitle() == "block-c — configurator"
            assert window.sites.recent.list() == [target]
            assert window.statusBar().currentMessage() == f"Saved {target}"
        finally:
            window.close()
            await window.wait_closed()
            await sim.stop()

    qloop.run_until_complete(scenario())


def test_new_site_then_open_recent_reconnects_with_the_keyring_password(qtbot, qloop,
                                                                         loopback, tmp_path):
    async def scenario():
        sim = await start("onetouch", loopback())
        keyring = RecordingKeyring()
        window, key = await window_with_device(sim, keyring)
        target = tmp_path / "block-d.json"
        try:
            window.menus.save_site_action.trigger()
            await choose_file(target)
            await finished(window)
            device = window.ctx.manager.get(key).device
            saved = target.read_text()

            window.menus.new_site_action.trigger()
            await finished(window)
            assert window.ctx.manager.sessions == {} and window.tree.devices == {}
            assert window.ctx.site.devices == [] and window.ctx.site.path is None
            assert window.windowTitle() == "Untitled site — configurator"
            assert device.transport.client.is_closed  # the old site's client was closed
            assert target.read_text() == saved  # a new site leaves the saved one alone

            window.menus.recent_menu.aboutToShow.emit()  # File → Open recent
            entries = window.menus.recent_menu.actions()
            assert [a.text() for a in entries] == [str(target)]
            entries[0].trigger()
            await finished(window)
            assert window.windowTitle() == "block-d — configurator"
            assert list(window.tree.devices) == [key]
            session = window.ctx.manager.get(key)
            await wait_until(lambda: session.state is DeviceState.ONLINE)
            assert session.credentials == Credentials("admin", PASSWORD)
            assert window.tree.status_items[key].text() == "online"
        finally:
            window.close()
            await window.wait_closed()
            await sim.stop()

    qloop.run_until_complete(scenario())


def test_open_dialog_loads_a_site_file_and_lists_it_as_recent(qtbot, qloop, loopback,
                                                             tmp_path):
    async def scenario():
        host = loopback()
        path = tmp_path / "gatehouse.json"
        path.write_text(json.dumps({"format": "configurator-site", "version": 1,
                                    "name": "Gatehouse", "notes": "", "devices": [
                                        {"address": host, "port": 8080, "vendor": "Fanvil",
                                         "model": "X6", "name": "Lobby phone"}]}))
        window = build_window(demo=False, prompter=AutoPrompter())
        window.ctx.credentials = CredentialStore(RecordingKeyring())
        try:
            window.menus.open_site_action.trigger()
            await choose_file(path)
            await finished(window)
            assert window.windowTitle() == "Gatehouse — configurator"
            assert window.tree.devices[f"{host}:8080"].text().startswith("Lobby phone")
            assert window.sites.recent.list() == [path]
            session = window.ctx.manager.get(f"{host}:8080")
            await wait_until(lambda: session.state is DeviceState.OFFLINE)  # nobody there
        finally:
            window.close()
            await window.wait_closed()

    qloop.run_until_complete(scenario())
