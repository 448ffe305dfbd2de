"""The window's device files (table editor) and Maintenance page against real drivers and
simulators over loopback: export/import of the device's own table files, backup, restore and
firmware with typed confirmation, progress and one-line results."""

from __future__ import annotations

import gzip
import io
import tarfile

from lxml import etree

from configurator.core.params import TableOp
from configurator.simulators.twon.firmware import make_firmware
from configurator.ui.dialogs.awaitable import Asker

from .test_window import close, open_view, open_window, session_at, start

# The document's rfkey/add example cards (seed 000), as the driver's typed rows.
CARDS = [{"Name": "Test", "Code": "00B4161D", "DoorNum": frozenset({"A"})},
         {"Name": "Test2", "Code": "00B4161E", "DoorNum": frozenset({"A"})}]
HOLD_A = "Config.DoorSetting.RELAY.HoldDelayA"


class ScriptedAsker(Asker):
    """Answers file and confirmation questions from the test and records them."""

    def __init__(self, open_path: str = "", save_path: str = "", answer: bool = True) -> None:
        self.open = open_path
        self.save = save_path
        self.answer = answer
        self.asked: list[tuple[str, ...]] = []

    async def open_path(self, parent, title, name_filter):
        self.asked.append(("open", title, name_filter))
        return self.open

    async def save_path(self, parent, title, suggested, name_filter):
        self.asked.append(("save", title, suggested))
        return self.save

    async def confirm(self, parent, title, text, *, phrase="", ok_text="Continue"):
        self.asked.append(("confirm", title, phrase, text))
        return self.answer


def codes(sim) -> list[str]:
    return [row["Code"] for row in sim.state.tables["rfkey"].rows]


def test_rfkey_device_file_export_and_import(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            await session.device.apply_table("rfkey", add=CARDS)
            view = await open_view(window, session, "rfkeys")
            table = view.tables[0]
            assert await table.load() and len(table.model.rows) == 2
            assert table.device_export_action.isVisible()
            assert table.device_import_action.isVisible()
            saved = tmp_path / "cards.xml"
            table.asker = asker = ScriptedAsker(save_path=str(saved))

            assert await table.export_device_file() == str(saved)
            assert asker.asked[0][0] == "save" and asker.asked[0][2].endswith("-rfkey.xml")
            root = etree.fromstring(saved.read_bytes())
            assert [i.get("Code") for i in root.iter("Item")] == ["00B4161D", "00B4161E"]
            assert table.banner.kind == "success"

            await session.device.apply_table("rfkey", delete=[1, 2])  # cards lost on site
            assert await table.load() and table.model.rows == []

            asker.open, asker.answer = str(saved), False  # the user declines: nothing sent
            assert not await table.import_device_file()
            assert codes(sim) == [] and "cancelled" in table.banner.text()
            confirm = asker.asked[-1]
            assert confirm[:2] == ("confirm", "Replace RF cards?")
            assert "replaces all 0 row(s)" in confirm[3]

            asker.answer = True
            assert await table.import_device_file()
            assert codes(sim) == ["00B4161D", "00B4161E"]
            assert [r.values["Code"] for r in table.model.rows] == ["00B4161D", "00B4161E"]
            assert table.banner.kind == "success" and "now has 2 row(s)" in table.banner.text()
            assert sim.swipe_card("00B4161D", "A")
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_refused_import_says_why_and_shows_the_device_table(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            await session.device.apply_table("rfkey", add=CARDS[:1])
            view = await open_view(window, session, "rfkeys")
            table = view.tables[0]
            assert await table.load()
            wrong = tmp_path / "ICKey.xml"
            wrong.write_bytes(b"<DialReplace><Item Prefix='1'/></DialReplace>")
            table.asker = ScriptedAsker(open_path=str(wrong))
            assert not await table.import_device_file()
            assert table.banner.kind == "error"
            assert "Import of ICKey.xml failed" in table.banner.text()
            assert "invalid file" in table.banner.text()
            assert codes(sim) == ["00B4161D"]
            assert [r.values["Code"] for r in table.model.rows] == ["00B4161D"]

            missing = ScriptedAsker(open_path=str(tmp_path / "gone.xml"))
            table.asker = missing
            assert not await table.import_device_file()
            assert "cannot read" in table.banner.text()
            assert [a[0] for a in missing.asked] == ["open"]  # never got to the confirmation

            table.add_row({"Name": "New", "Code": "AA01"})  # pending edits block an import
            assert not await table.import_device_file()
            assert table.banner.kind == "warning" and codes(sim) == ["00B4161D"]
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_device_file_buttons_only_where_the_device_has_files(qtbot, qloop, loopback):
    async def scenario():
        onetouch = await start("onetouch", loopback())
        twon = await start("2n", loopback())
        window = await open_window([onetouch, twon])
        try:
            groups = next(t for t in (await open_view(window, session_at(window, onetouch.host),
                                                      "contacts")).tables
                          if t.spec.id == "groups")
            assert TableOp.EXPORT not in groups.spec.operations
            assert not groups.device_export_action.isVisible()
            assert not groups.device_import_action.isVisible()
            users = (await open_view(window, session_at(window, twon.host), "directory")).tables
            assert users and not any(t.device_export_action.isVisible()
                                     or t.device_import_action.isVisible() for t in users)
        finally:
            await close(window, [onetouch, twon])

    qloop.run_until_complete(scenario())


def test_onetouch_backup_restore_and_firmware(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            view = window.navigation.select_capability(session.key, "maintenance")
            panel = view.maintenance
            assert panel is not None and panel.restore_button.isVisibleTo(panel)
            assert panel.firmware_box.isVisibleTo(panel)
            panel.restart_poll = 0.05
            saved = tmp_path / "backup.tgz"
            panel.asker = asker = ScriptedAsker(save_path=str(saved))
            assert await panel.backup() == str(saved)
            assert saved.stat().st_mode & 0o777 == 0o600  # a configuration holds passwords
            with tarfile.open(fileobj=io.BytesIO(saved.read_bytes()), mode="r:gz") as tar:
                text = tar.extractfile("config.ini").read().decode()
            assert f"{HOLD_A}=" in text
            original = sim.state.config[HOLD_A]

            await session.device.write_page("relay", {HOLD_A: 33})
            reboots = sim.state.reboots
            asker.open, asker.answer = str(saved), False
            assert not await panel.restore()
            assert sim.state.config[HOLD_A] == "33" and sim.state.reboots == reboots
            confirm = asker.asked[-1]
            assert confirm[1:3] == ("Restore configuration", session.title)  # name typed
            asker.answer = True
            assert await panel.restore()
            assert sim.state.config[HOLD_A] == original and sim.state.reboots == reboots + 1
            assert panel.banner.kind == "success" and "restarts" in panel.banner.text()

            not_tgz = tmp_path / "Config.tgz"
            not_tgz.write_bytes(gzip.compress(b"just text"))
            asker.open = str(not_tgz)
            assert not await panel.restore()
            assert panel.banner.kind == "error" and "Restore failed" in panel.banner.text()
            assert sim.state.reboots == reboots + 1

            firmware = tmp_path / "onetouch.rom"
            firmware.write_bytes(b"ROM" + bytes(3000))
            asker.open, asker.answer = str(firmware), False
            assert not await panel.upgrade_firmware()
            assert "nothing was sent" in panel.banner.text()
            assert sim.state.firmware["image"] is None and sim.state.reboots == reboots + 1
            assert asker.asked[-1][1:3] == ("Apply firmware", session.title)
            asker.answer = True
            assert await panel.upgrade_firmware()
            assert sim.state.reboots == reboots + 2
            assert panel.banner.kind == "success" and not panel.progress.isVisible()
            assert "MD5" in panel.file_label.text()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_twon_firmware_check_then_apply_or_reject(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        sim = await start("2n", loopback(), restart_downtime=0.2)
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            panel = window.navigation.select_capability(session.key, "maintenance").maintenance
            panel.restart_poll = 0.05
            older = tmp_path / "old.fw"
            older.write_bytes(make_firmware("verso", "2.37.0.1.1", note="Old one"))
            panel.asker = asker = ScriptedAsker(open_path=str(older), answer=False)
            assert not await panel.upgrade_firmware()
            confirm = asker.asked[-1]
            assert confirm[2] == session.title and "DOWNGRADE" in confirm[3]
            assert "2.37.0.1.1" in panel.version_label.text()
            assert "DOWNGRADE" in panel.version_label.text()
            assert "rejected" in panel.version_label.text()
            assert "rejected" in panel.banner.text() and sim.restarts == 0
            assert (await session.device.read_info()).firmware == "2.38.0.52.4"

            garbage = tmp_path / "setup.exe"
            garbage.write_bytes(b"MZ\x90\x00 not firmware")
            asker.open = str(garbage)
            assert not await panel.upgrade_firmware()
            assert panel.banner.kind == "error"
            assert "Firmware not accepted" in panel.banner.text() and sim.restarts == 0

            newer = tmp_path / "new.fw"
            newer.write_bytes(make_firmware("verso", "2.39.0.10.1"))
            asker.open, asker.answer = str(newer), True
            assert await panel.upgrade_firmware()
            assert sim.restarts == 1
            assert panel.banner.kind == "success" and "2.39.0.10.1" in panel.banner.text()
            assert session.entry.firmware == "2.39.0.10.1"
            assert panel.current_label.text() == "2.39.0.10.1"
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_twon_restore_and_a_device_without_restore(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        twon = await start("2n", loopback())
        fanvil = await start("fanvil", loopback())
        window = await open_window([twon, fanvil])
        try:
            session = session_at(window, twon.host)
            panel = window.navigation.select_capability(session.key, "maintenance").maintenance
            xml, _ = await session.device.backup()
            edited = tmp_path / "gate.xml"
            edited.write_bytes(xml.replace(b"<DeviceName>2N IP Verso</DeviceName>",
                                           b"<DeviceName>Gate 1</DeviceName>"))
            panel.asker = ScriptedAsker(open_path=str(edited))
            assert await panel.restore()
            assert (await session.device.read_info()).name == "Gate 1"

            phone = window.navigation.select_capability(session_at(window, fanvil.host).key,
                                             "maintenance").maintenance
            assert phone.backup_button.isVisibleTo(phone)
            assert not phone.restore_button.isVisibleTo(phone)
            assert not phone.firmware_box.isVisibleTo(phone)
            assert "no restore" in phone.note.text()
        finally:
            await close(window, [twon, fanvil])

    qloop.run_until_complete(scenario())


def test_clear_all_asks_for_the_device_name_then_empties_the_table(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            await session.device.apply_table("rfkey", add=CARDS)
            view = await open_view(window, session, "rfkeys")
            table = view.tables[0]
            assert await table.load() and len(table.model.rows) == 2
            assert table.clear_action.isVisible() and table.clear_action.isEnabled()
            table.asker = asker = ScriptedAsker(answer=False)
            assert not await table.clear_on_device()
            assert codes(sim) == ["00B4161D", "00B4161E"]  # declined: nothing sent
            assert asker.asked[-1][:3] == ("confirm", "Clear RF cards?", session.title)
            assert "all 2 row(s)" in asker.asked[-1][3]
            asker.answer = True
            assert await table.clear_on_device()
            assert codes(sim) == [] and table.model.rows == []
            assert table.banner.kind == "success" and not table.clear_action.isEnabled()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_files_on_the_device_are_downloaded_from_maintenance(qtbot, qloop, loopback,
                                                             tmp_path):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            panel = window.navigation.select_capability(session.key,
                                                        "maintenance").maintenance
            assert panel.files_box.isVisibleTo(panel)
            assert list(panel.file_buttons) == ["log-log", "log-kmsg", "log-log_debug",
                                                "capture"]
            kernel = next(f for f in panel.files if f.id == "log-kmsg")
            panel.asker = asker = ScriptedAsker(save_path="")
            assert await panel.download(kernel) == ""  # cancelled at the save dialog
            assert panel.banner.kind == "info" and "not saved" in panel.banner.text()
            suggested = asker.asked[-1][2]
            assert "-log-kmsg-" in suggested and suggested.endswith(".txt")
            saved = tmp_path / "kernel.txt"
            asker.save = str(saved)
            assert await panel.download(kernel) == str(saved)
            assert b"Booting Linux" in saved.read_bytes()
            assert saved.stat().st_mode & 0o777 == 0o600
            assert panel.banner.kind == "success" and "kmsg.txt" in panel.banner.text()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_display_picture_preview_send_and_remove(qtbot, qloop, loopback, tmp_path):
    from PIL import Image

    async def scenario():
        sim = await start("2n", loopback(), model="style")
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            view = window.navigation.select_capability(session.key, "display")
            panel = view.picture
            assert panel is not None and not panel.send_button.isEnabled()
            screen = session.device.screens()[0]
            picture = tmp_path / "welcome.png"
            Image.new("RGB", (screen.width // 2, screen.height // 2), "navy").save(picture)
            panel.asker = ScriptedAsker(open_path=str(picture))
            assert await panel.choose() and panel.send_button.isEnabled()
            assert not panel.preview.pixmap().isNull()
            assert await panel.send()
            assert sim.extensions["display"][screen.id]["format"] == "PNG"
            assert panel.banner.kind == "success" and "until you remove it" in \
                panel.banner.text()
            assert await panel.remove()
            assert screen.id not in sim.extensions["display"]
            text = tmp_path / "notes.txt"
            text.write_text("not a picture")
            assert not panel.load(str(text))
            assert panel.banner.kind == "error" and "not a JPEG" in panel.banner.text()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())
