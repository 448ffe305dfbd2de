"""The 2N Configuration file page against the simulator over loopback: download (with a
private backup in the data dir), edit in the tree, filter, upload after a diff confirmation,
the device's apply delay shown, read back and per-path results; malformed files refused."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from configurator.core.device import Capability
from configurator.services.config_file import Outcome
from configurator.services.paths import ENV_CONFIG_DIR

from .helpers import wait_until
from .test_maintenance import ScriptedAsker
from .test_window import close, open_window, session_at, start

SIP_NUMBER = "DeviceDatabase/Phone/Account[1]/SipNumber"
SWITCH1_MODE = "DeviceDatabase/Switches/Switch[1]/Mode"


async def open_page(window, session):
    view = window.navigation.select_capability(session.key, Capability.CONFIG_FILE)
    assert view is not None and view.config_file is not None
    page = view.config_file
    await wait_until(lambda: page.original is not None and not page.busy)
    return view, page


def edit(page, path: str, value: str) -> None:
    """What the tree's editor does: set the value through the view's (filtered) model."""
    item = page.model.value_items[path]
    index = page.proxy.mapFromSource(item.index())
    assert index.isValid(), f"{path} is filtered out"
    assert page.proxy.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert page.proxy.setData(index, value)


def test_edit_upload_wait_and_see_it_applied(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback(), config_apply_delay=0.4)
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            _, page = await open_page(window, session)
            # The original is kept, user-only, in the data dir, named after device and time.
            backup = page.downloaded.backup
            assert backup.parent == Path(os.environ[ENV_CONFIG_DIR]) / "data" / "config-backups"
            assert sim.host in backup.name and backup.read_bytes() == page.downloaded.content
            if sys.platform != "win32":
                assert stat.S_IMODE(backup.stat().st_mode) == 0o600
            assert str(backup) in page.source_label.text()
            assert not page.upload_button.isEnabled()  # nothing changed yet

            page.filter_edit.setText("sipnumber")  # search, case-insensitive
            assert page.select_path(SIP_NUMBER)
            assert not page.select_path(SWITCH1_MODE)  # filtered out
            edit(page, SIP_NUMBER, "4711")
            page.filter_edit.clear()
            edit(page, SWITCH1_MODE, "bistable")
            await wait_until(lambda: len(page.changes) == 2)
            assert page.changes_table.rowCount() == 2
            assert "+      <SipNumber>4711</SipNumber>" in page.diff_text.toPlainText()
            assert page.upload_button.isEnabled()
            assert "configfile" in session.dirty_pages
            # The node says it holds edits, and quitting would name them in words.
            node = window.navigation.tree.capability_index(session.key, "configfile")
            await wait_until(lambda: str(node.data()).endswith(" •"))
            assert f"{session.title}: Configuration file" in window.pending_changes()
            page.changed_only.setChecked(True)
            assert page.select_path(SIP_NUMBER)
            assert not page.select_path("DeviceDatabase/Phone/Account[1]/Enabled")
            page.changed_only.setChecked(False)

            page.apply_seconds, page.settle_seconds = 0.6, 2.0
            shown = []

            async def confirm(dialog):
                shown.append((dialog.table.rowCount(), dialog.upload_button.text(),
                               dialog.diff.toPlainText()))
                return True

            page.run_confirm = confirm
            assert window.menus.apply_action.isEnabled()
            window.menus.apply_action.trigger()  # Ctrl+Return uploads, as Apply does elsewhere
            task = next(t for t in asyncio.all_tasks() if t.get_name() == "apply")
            await wait_until(lambda: "applying" in page.progress_label.text())
            assert page.cancel_button.isEnabled()  # waiting may be abandoned
            assert page.progress_bar.maximum() == 1000
            report = await task
            assert shown[0][:2] == (2, "Upload 2 change(s)")
            assert "-      <Mode>monostable</Mode>" in shown[0][2]
            assert {r.path: r.outcome for r in report.results} == {
                SIP_NUMBER: Outcome.APPLIED, SWITCH1_MODE: Outcome.APPLIED}
            assert page.banner.kind == "success"
            assert page.result_table.rowCount() == 2
            assert page.result_table.item(0, 3).text() == "applied"
            # The device really changed, and the tree now shows what it read back.
            assert sim.extensions["phone"].accounts[0]["sipNumber"] == "4711"
            assert sim.switches.items[1].config.mode == "bistable"
            assert page.model.value_items[SIP_NUMBER].text() == "4711"
            assert not page.dirty and "configfile" not in session.dirty_pages
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_malformed_file_refused_refusal_by_device_and_save(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        sim = await start("2n", loopback())
        window = await open_window([sim])
        try:
            _, page = await open_page(window, session_at(window, sim.host))
            broken = tmp_path / "broken.xml"
            broken.write_bytes(page.downloaded.content.replace(b"</Switches>", b""))
            page.asker = ScriptedAsker(open_path=str(broken))
            assert not await page.open_file()
            assert page.banner.kind == "error" and "not well-formed" in page.banner.text()
            assert "broken.xml" in page.banner.text() and "\n" not in page.banner.text()
            assert not page.changes  # nothing of it was taken

            # A file that parses but holds a value the device does not take.
            wrong = tmp_path / "wrong.xml"
            wrong.write_bytes(page.downloaded.content.replace(
                b"<Mode>monostable</Mode>", b"<Mode>sideways</Mode>", 1))
            page.asker = ScriptedAsker(open_path=str(wrong))
            assert await page.open_file()
            assert [c.new for c in page.changes] == ["sideways"]
            page.run_confirm = lambda dialog: asyncio.sleep(0, True)
            page.apply_seconds = 0
            assert await page.upload() is None
            assert page.banner.kind == "error"
            assert "refused the file; nothing was changed" in page.banner.text()
            assert sim.switches.items[1].config.mode == "monostable"
            assert page.dirty  # the edit is still there to fix

            saved = tmp_path / "out.xml"
            page.asker = ScriptedAsker(save_path=str(saved))
            assert await page.save_file() == str(saved)
            assert b"<Mode>sideways</Mode>" in saved.read_bytes()
            if sys.platform != "win32":
                assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_cancel_stops_waiting_and_says_the_device_applies_it_anyway(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback(), config_apply_delay=30)
        window = await open_window([sim])
        try:
            _, page = await open_page(window, session_at(window, sim.host))
            edit(page, SIP_NUMBER, "1234")
            page.run_confirm = lambda dialog: asyncio.sleep(0, True)
            page.apply_seconds = 30
            task = asyncio.ensure_future(page.upload())
            await wait_until(lambda: "applying" in page.progress_label.text())
            page.cancel()
            assert await task is None
            assert page.banner.kind == "warning" and "Stopped waiting" in page.banner.text()
            assert sim.config_applying is not None  # the device is still applying it
            assert not page.busy and page.upload_button.isEnabled()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_read_only_switches_and_sip_pages_lead_to_the_editor(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            for capability in ("switches", "sip"):
                view = window.navigation.select_capability(session.key, capability)
                button = view.forms[0].edit_elsewhere_button
                assert button is not None and "configuration file" in button.text()
                assert "web interface" not in view.forms[0].page.help
                button.click()
                current = window.navigation.current_view()
                assert current is not None and current.config_file is not None
                await wait_until(lambda c=current: c.config_file.original is not None
                                 and not c.config_file.busy)
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_secrets_are_masked_until_shown(qtbot, qloop, loopback):
    from configurator.services.config_file.secrets import MASK

    password = "DeviceDatabase/Phone/Account[1]/Password"

    async def scenario():
        sim = await start("2n", loopback())
        sim.extensions.setdefault("sip_passwords", {})[1] = "s3cret-sip"
        window = await open_window([sim])
        try:
            _, page = await open_page(window, session_at(window, sim.host))
            item = page.model.value_items[password]
            assert item.data(Qt.ItemDataRole.DisplayRole) == MASK
            assert item.data(Qt.ItemDataRole.EditRole) == "s3cret-sip"  # what the editor gets
            page.filter_edit.setText("s3cret")  # a hidden value is not found by its content
            assert not page.select_path(password)
            page.filter_edit.clear()
            edit(page, password, "n3w-secret")
            await wait_until(lambda: len(page.changes) == 1)
            assert page.changes_table.item(0, 2).text() == MASK + " (changed)"
            assert "n3w-" not in page.diff_text.toPlainText()
            assert "s3cret" not in page.diff_text.toPlainText()
            assert "s3cret" not in page.model.value_items[password].toolTip()
            seen = []

            async def confirm(dialog):
                seen.append(dialog.diff.toPlainText() + dialog.table.item(0, 2).text())
                return True

            page.run_confirm, page.apply_seconds = confirm, 0
            report = await page.upload()
            assert report is not None and report.complete
            assert "s3cret" not in seen[0] and "n3w-" not in seen[0] and MASK in seen[0]
            assert sim.extensions["sip_passwords"][1] == "n3w-secret"
            assert page.result_table.item(0, 1).text() == MASK
            page.show_secrets.setChecked(True)
            assert page.model.value_items[password].data(
                Qt.ItemDataRole.DisplayRole) == "n3w-secret"
            assert page.result_table.item(0, 1).text() == "n3w-secret"
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_a_large_file_is_built_in_steps_and_revert_discards_edits(qtbot, qloop, loopback):
    from configurator.services.config_file import ConfigDocument
    from configurator.ui.configfile.tree_model import ConfigTreeModel

    blocks = b"".join(b'<Block Id="%d"><Value>%d</Value></Block>' % (n, n) for n in range(2500))
    document = ConfigDocument.parse(b"<DeviceDatabase>" + blocks + b"</DeviceDatabase>")
    model = ConfigTreeModel()
    steps = list(model.build(document, document.values()))
    assert steps == [1000, 2000, 3000, 4000, 5000]  # 5,001 elements: the loop ran between
    assert model.rowCount() == 1 and len(model.value_items) == 5000  # 2,500 values + ids

    async def scenario():
        sim = await start("2n", loopback())
        window = await open_window([sim])
        try:
            _, page = await open_page(window, session_at(window, sim.host))
            edit(page, SIP_NUMBER, "99")
            await wait_until(lambda: page.dirty)
            window.menus.revert_action.trigger()  # the window's Revert acts on this page
            await wait_until(lambda: not page.dirty and not page._building)
            assert page.model.value_items[SIP_NUMBER].text() == "5207"
            assert "discarded" in page.banner.text()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_unsaved_edits_survive_a_restart_but_secrets_are_not_kept(qtbot, qloop, loopback,
                                                                  config_home):
    password = "DeviceDatabase/Phone/Account[1]/Password"

    async def scenario():
        sim = await start("2n", loopback())
        try:
            first = await open_window([sim])
            session = session_at(first, sim.host)
            _, page = await open_page(first, session)
            edit(page, SIP_NUMBER, "4711")
            edit(page, password, "not-kept")
            await wait_until(lambda: len(page.changes) == 2)
            first.close()
            await first.wait_closed()  # quitting saves the drafts
            drafts = (config_home / "demo-drafts.json").read_text(encoding="utf-8")
            assert "4711" in drafts and "not-kept" not in drafts

            second = await open_window([sim])
            try:
                session = session_at(second, sim.host)
                await wait_until(lambda: "configfile" in session.dirty_pages)  # before opening
                _, page = await open_page(second, session)
                await wait_until(lambda: page.dirty)
                assert [(c.path, c.new) for c in page.changes] == [(SIP_NUMBER, "4711")]
                assert "restored" in page.banner.text()
                assert sim.extensions["phone"].accounts[0]["sipNumber"] == "5207"
            finally:
                second.close()
                await second.wait_closed()
        finally:
            await sim.stop()

    qloop.run_until_complete(scenario())
