"""Messages that stop being true disappear at once (issue 14): the form's invalid-values
banner, the add-row dialog's error, a firmware error after a later good upload; PINs masked
until asked for; directory column titles in words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QGroupBox

from configurator.core.params import Kind, ParamSpec, TableOp, TableSpec
from configurator.simulators.twon.firmware import make_firmware
from configurator.ui.editors.table_editor import RowDialog
from configurator.ui.editors.table_model import MASK, TableModel

from .fakes import MemoryDevice
from .test_form import HOLD_A, PAGE, VALUES, make_form
from .test_maintenance import ScriptedAsker
from .test_window import close, open_view, open_window, session_at, start

CARDS = TableSpec("cards", "Cards", (
    ParamSpec("code", "Card code", Kind.STRING, pattern=r"[0-9A-Fa-f]{8}"),
    ParamSpec("name", "Name", Kind.STRING),
    ParamSpec("access.pin", "PIN", Kind.STRING, pattern=r"\d{2,15}", group="Access"),
), row_key="code", operations=frozenset({TableOp.ADD}))


def test_invalid_value_banner_goes_when_the_value_is_fixed(qtbot, qloop):
    form = make_form(qtbot, MemoryDevice([PAGE], values=VALUES))
    assert qloop.run_until_complete(form.load())
    hold_b = HOLD_A.replace("DelayA", "DelayB")
    form.rows[HOLD_A].set_value(160)
    form.rows[hold_b].set_value(99)
    assert not qloop.run_until_complete(form.apply())
    assert form.banner.kind == "error" and form.banner.text().startswith("2 value(s)")
    form.rows[HOLD_A].set_value(16)  # one fixed: the banner says what is still wrong
    assert form.banner.text().startswith("1 value(s)") and "Hold delay" in form.banner.text()
    form.rows[hold_b].set_value(9)  # all fixed: the banner is gone at once
    assert form.banner.kind == "" and form.banner.isHidden()


def test_an_event_message_stays_until_the_next_one(qtbot, qloop):
    device = MemoryDevice([PAGE], values=VALUES)
    form = make_form(qtbot, device)
    assert qloop.run_until_complete(form.load())
    form.rows[HOLD_A].set_value(12)
    assert qloop.run_until_complete(form.apply())
    assert form.banner.kind == "success"
    form.rows[HOLD_A].set_value(13)  # an edit after a result does not erase the result
    assert form.banner.kind == "success"


def test_add_row_error_goes_when_fixed_and_nothing_moves(qtbot):
    dialog = RowDialog(CARDS, None, None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    buttons = dialog.findChild(QDialogButtonBox)
    ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
    where = ok_button.mapTo(dialog, ok_button.rect().topLeft())
    dialog.form.rows["code"].set_value("12G4")
    dialog._accept()
    assert dialog.error.isVisible() and "Card code" in dialog.error.text()
    assert ok_button.mapTo(dialog, ok_button.rect().topLeft()) == where
    dialog.form.rows["code"].set_value("12A40000")  # fixed: the message goes at once
    assert not dialog.error.isVisible()
    assert ok_button.mapTo(dialog, ok_button.rect().topLeft()) == where


def test_add_row_dialog_has_sections_and_fits_the_screen(qtbot):
    many = TableSpec("users", "Users", tuple(
        ParamSpec(f"f{i}", f"Field {i}", Kind.STRING, group="User" if i < 30 else "Access")
        for i in range(60)), row_key="f0", operations=frozenset({TableOp.ADD}))
    dialog = RowDialog(many, None, None)
    qtbot.addWidget(dialog)
    dialog.show()
    titles = [b.title() for b in dialog.form.findChildren(QGroupBox)]
    assert titles == ["User", "Access"]
    screen = dialog.screen().availableGeometry().height()
    assert dialog.height() <= screen
    assert dialog.form.sizeHint().height() > dialog.height()  # so it scrolls


def test_pins_are_masked_until_shown(qtbot):
    model = TableModel(CARDS)
    model.load([{"code": "00B4161D", "name": "Ann", "access.pin": "4711"}])
    pin = model.index(0, 3)
    assert model.data(pin) == MASK and "4711" not in str(model.data(pin))
    assert model.data(model.index(0, 2)) == "Ann"
    model.set_reveal_secrets(True)
    assert model.data(pin) == "4711"


def test_firmware_error_is_gone_once_a_later_upload_succeeds(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        sim = await start("2n", loopback(), restart_downtime=0.2)
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            panel = window.navigation.select_capability(session.key, "maintenance").maintenance
            garbage = tmp_path / "setup.exe"
            garbage.write_bytes(b"MZ\x90\x00 not firmware")
            shown_when_asked: list[str] = []

            class Watching(ScriptedAsker):
                async def confirm(self, parent, title, text, **kwargs):
                    shown_when_asked.append(panel.banner.text())
                    return await super().confirm(parent, title, text, **kwargs)

            panel.asker = asker = Watching(open_path=str(garbage), answer=False)
            assert not await panel.upgrade_firmware()
            assert "Firmware not accepted" in panel.banner.text()
            good = tmp_path / "new.fw"
            good.write_bytes(make_firmware("verso", "2.39.0.10.1"))
            asker.open = str(good)
            assert not await panel.upgrade_firmware()  # accepted, then not applied
            assert shown_when_asked and "not accepted" not in shown_when_asked[-1]
            assert "not accepted" not in panel.banner.text()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_directory_columns_have_titles_in_words(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            view = await open_view(window, session, "directory")
            table = view.tables[0]
            titles = [table.model.headerData(i, Qt.Orientation.Horizontal)
                      for i in range(1, table.model.columnCount())]
            raw = {"uuid", "validFrom", "card[0]", "apbException", "access.pin"}
            assert not raw & {t.split(" (")[0] for t in titles}
            assert {"User ID", "Valid from", "Card 1", "PIN"} <= set(titles)
            assert table.reveal_action.isVisible()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_a_device_code_goes_to_the_tooltip(qtbot):
    from configurator.ui.widgets import Banner

    banner = Banner()
    qtbot.addWidget(banner)
    banner.error("Firmware not accepted: firmware: invalid parameter value (parameter "
                 "'blob-fw') [2N error 12]")
    assert banner.text() == ("Firmware not accepted: firmware: invalid parameter value "
                             "(parameter 'blob-fw')")
    assert banner.toolTip() == "Device code: 2N error 12"
    banner.error("1 change(s) applied, 1 failed: refused by the device (Ret -1)")
    assert banner.text().endswith("refused by the device") and "Ret -1" in banner.toolTip()
    banner.success("Applied 2 setting(s); all verified.")
    assert banner.toolTip() == ""
