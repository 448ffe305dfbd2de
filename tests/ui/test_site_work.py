"""Site work in the window: multi-select, select by model, tags in the site file, bulk edit
with "(various)", preview, apply with per-key results and audit events, cancel and retry;
against real simulators on loopback."""

from __future__ import annotations

import json

from configurator.services.site_ops.audit import AUDIT_TYPE
from configurator.simulators.fleet import factory
from configurator.ui.site.bulk_dialog import VARIOUS, BulkEditDialog

from .helpers import wait_until
from .test_window import close, open_window, session_at, start

HOLD_A = "Config.DoorSetting.RELAY.HoldDelayA"


def rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in
             range(table.columnCount())] for r in range(table.rowCount())]


def test_select_model_tag_and_bulk_edit_with_various(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        doors = [await start("onetouch", loopback()) for _ in range(3)]
        await doors[1].stop()  # replaced (its listening socket must not outlive the test)
        doors[1] = factory("onetouch")(loopback(), http_port=8080)  # back on the same port
        await doors[1].start()
        phone = await start("fanvil", loopback())
        doors[2].state.config[HOLD_A] = "9"  # not like the others: "(various)"
        sims = [*doors, phone]
        window = await open_window(sims)
        try:
            work = window.site_work
            window.navigation.select_device(doors[0].host)
            assert work.select_same_model() == 3
            assert {s.entry.address for s in work.selected_sessions()} == {
                d.host for d in doors}
            assert work.tag_selection("entrances") == 3
            assert [bool(d.tags) for d in window.ctx.site.devices].count(True) == 3
            work.select(lambda s: True)
            assert work.select_tag("entrances") == 3

            dialog = work.open_bulk_edit()
            assert isinstance(dialog, BulkEditDialog)
            index = next(i for i in range(dialog.page_box.count())
                         if dialog.page_box.itemData(i) == "relay")
            dialog.page_box.setCurrentIndex(index)
            await wait_until(lambda: dialog.fields.rowCount() > 0 and len(dialog.current) == 3)
            shown = {r[0]: r for r in rows(dialog.fields)}
            hold = next(r for label, r in shown.items() if label.endswith("Hold delay")
                        and "Relay A" in label)
            assert hold[1] == VARIOUS and hold[3] == "3 of 3"
            dialog.set_new_value(HOLD_A, "12")

            preview = await dialog.run(dry_run=True)
            assert all(r.ok for r in preview)
            assert [d.state.config[HOLD_A] for d in doors] == ["5", "5", "9"]  # untouched
            planned = [r for r in rows(dialog.diff) if r[1] == "HoldDelayA"]
            assert sorted((r[2], r[3], r[4]) for r in planned) == [
                ("5", "12", "will change"), ("5", "12", "will change"),
                ("9", "12", "will change")]

            await doors[1].stop()  # one goes away before the apply
            results = await dialog.run(dry_run=False)
            assert [d.state.config[HOLD_A] for d in (doors[0], doors[2])] == ["12", "12"]
            by_host = {r.device.split(":")[0]: r for r in results}
            assert str(by_host[doors[1].host].status) == "unreachable"
            assert dialog.retry_button.isEnabled()
            audit = dialog.audit.events
            assert sorted(e.params["result"] for e in audit) == ["applied", "applied",
                                                                 "unreachable"]
            pane = window.live.pane
            await wait_until(lambda: sum(
                pane.model.event_at(r).type == AUDIT_TYPE
                for r in range(pane.model.rowCount())) == 3)  # shown in the event log

            await doors[1].start()
            await wait_until(lambda: session_at(window, doors[1].host).device is not None, 20)
            retried = await dialog.retry()
            assert [str(r.status) for r in retried] == ["succeeded"]
            assert doors[1].state.config[HOLD_A] == "12"
            assert not dialog.retry_button.isEnabled()
            dialog.close()
        finally:
            await close(window, [s for s in sims if s is not doors[1]] + [doors[1]])

    qloop.run_until_complete(scenario())


def test_bulk_edit_cancel_leaves_the_rest_untouched(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        doors = [await start("onetouch", loopback()) for _ in range(4)]
        window = await open_window(doors)
        try:
            work = window.site_work
            assert work.select(lambda s: True) == 4
            dialog = work.open_bulk_edit()
            template = tmp_path / "t.json"
            template.write_text(json.dumps({"drivers": {"onetouch": {"relay": {
                "HoldDelayA": 33}}}}))
            dialog.use_template(template)
            dialog.concurrency = 2
            first_done = []

            original = dialog._show_result

            def show(result, row, dry_run):
                original(result, row, dry_run)
                first_done.append(result)
                dialog.cancel.cancel()  # the user presses Cancel after the first device

            dialog._show_result = show
            results = await dialog.run(dry_run=False)
            statuses = [str(r.status) for r in results]
            done = statuses.count("succeeded")
            assert done == 2 and statuses.count("not started") == 2  # the two running finish
            changed = sum(d.state.config[HOLD_A] == "33" for d in doors)
            assert changed == done  # exactly the devices reported as done
            assert "not started" in " ".join(r[4] for r in rows(dialog.diff))
            dialog.close()
        finally:
            await close(window, doors)

    qloop.run_until_complete(scenario())


def test_door_test_backup_and_report_from_the_site_menu(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        twon = await start("2n", loopback(), model="verso")
        phone = await start("fanvil", loopback())
        window = await open_window([twon, phone])
        try:
            work = window.site_work
            assert work.select(lambda s: True) == 2
            results = await work.door_test(wait=3.0)
            doors = [d for r in results for d in r.details.get("doors", [])]
            assert [d["door"] for d in doors] == ["Switch 1", "Switch 2"]
            assert all(d["seen"] for d in doors)
            assert "2 of 2 door(s)" in window.statusBar().currentMessage()
            pane = window.live.pane
            await wait_until(lambda: sum(pane.model.event_at(r).type == "door test"
                                         for r in range(pane.model.rowCount())) == 2)

            folder = await work.backup(tmp_path / "backups")
            assert (folder / "manifest.json").exists()
            assert len([f for f in folder.iterdir() if f.suffix in (".xml", ".txt")]) == 2

            window.live.journal.flush()  # what the autoflush would write within a second
            pdf = await work.write_report(tmp_path / "site.pdf")
            assert pdf.read_bytes().startswith(b"%PDF")
            html = await work.write_report(tmp_path / "site.html")
            page = html.read_text()
            assert "Switch 1" in page and "data:image/jpeg;base64," in page
        finally:
            await close(window, [twon, phone])

    qloop.run_until_complete(scenario())


def test_single_device_edits_are_audited_too(qtbot, qloop, loopback):
    from .test_window import open_view

    async def scenario():
        door = await start("onetouch", loopback())
        window = await open_window([door])
        try:
            session = session_at(window, door.host)
            view = await open_view(window, session, "relays")
            form = view.forms[0]
            form.rows[HOLD_A].set_value(14)
            assert await form.apply()
            assert door.state.config[HOLD_A] == "14"
            table_view = await open_view(window, session, "rfkeys")
            table = table_view.tables[0]
            table.add_row({"Name": "Courier", "Code": "CAFE0001", "DoorNum": frozenset({"A"})})
            assert await table.apply()
            pane = window.live.pane

            def audits():
                return [pane.model.event_at(r) for r in range(pane.model.rowCount())
                        if pane.model.event_at(r).type == AUDIT_TYPE]

            await wait_until(lambda: len(audits()) == 2)
            key_event, row_event = audits()
            assert key_event.summary == f"relay/{HOLD_A}: 5 -> 14 applied"
            assert key_event.params["operation"] == "edit" and key_event.params["user"]
            assert row_event.params["table"] == "rfkey" and row_event.params["result"] == \
                "applied"
        finally:
            await close(window, [door])

    qloop.run_until_complete(scenario())


def test_firmware_dialog_plans_then_installs_canary_then_batch(qtbot, qloop, loopback,
                                                               tmp_path):
    from configurator.simulators.twon.firmware import make_firmware

    async def scenario():
        versos = [await start("2n", loopback(), model="verso", restart_downtime=0.2)
                  for _ in range(2)]
        style = await start("2n", loopback(), model="style")
        sims = [*versos, style]
        window = await open_window(sims)
        try:
            work = window.site_work
            assert work.select(lambda s: True) == 3
            dialog = work.open_firmware()
            image = tmp_path / "verso-2.39.fw"
            image.write_bytes(make_firmware("verso", "2.39.0.10.1"))
            dialog.use_files([image])
            dialog.poll = 0.1
            plan = await dialog.make_plan()
            assert [str(p.status) for p in plan] == ["succeeded", "succeeded", "skipped"]
            assert "no file fits" in rows(dialog.table)[2][4]
            assert not dialog.install_button.isEnabled()
            dialog.confirm.setText("install")
            assert dialog.install_button.isEnabled()
            dialog.batch.setValue(1)
            results = await dialog.install()
            assert [r.details.get("to") for r in results[:2]] == ["2.39.0.10.1"] * 2
            assert [s.sw_version for s in versos] == ["2.39.0.10.1"] * 2
            assert style.sw_version == "2.38.0.52.4"
            assert rows(dialog.table)[0][4].startswith("succeeded")
            assert sum(e.params.get("action") == "firmware" for e in dialog.audit.events) == 2
        finally:
            await close(window, sims)

    qloop.run_until_complete(scenario())


def test_restore_one_device_from_the_site_backup_with_preview(qtbot, qloop, loopback,
                                                              tmp_path):
    async def scenario():
        twon = await start("2n", loopback(), model="verso")
        window = await open_window([twon])
        try:
            work = window.site_work
            assert work.select(lambda s: True) == 1
            folder = await work.backup(tmp_path / "backups")
            twon.device_name = "Renamed after the backup"
            dialog = work.open_restore(folder)
            await wait_until(lambda: dialog.result_ is not None)
            assert "Renamed after the backup" in dialog.diff.toPlainText()
            assert not dialog.restore_button.isEnabled()  # the title is not typed yet
            dialog.confirm.setText(dialog.entry.title)
            assert dialog.restore_button.isEnabled()
            result = await dialog.restore()
            assert str(result.status) == "succeeded"
            assert twon.device_name != "Renamed after the backup"
            assert [e.params["action"] for e in dialog.audit.events] == ["restore"]
            dialog.close()
        finally:
            await close(window, [twon])

    qloop.run_until_complete(scenario())
