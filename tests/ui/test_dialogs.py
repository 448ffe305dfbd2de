"""Dialogs: diff preview text, typed confirmation, non-blocking run_dialog."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QDialog

from configurator.core.device import ActionSpec
from configurator.core.params import Choice, Kind, ParamSpec
from configurator.ui.dialogs.awaitable import (
    ConfirmDialog,
    DiffDialog,
    DiffRow,
    needs_typed_confirmation,
    run_dialog,
)

SPEC_TYPE = ParamSpec("Config.DoorSetting.RELAY.TypeA", "Open type", Kind.ENUM, group="Relay A",
                      choices=(Choice(0, "NC - COM open"), Choice(1, "NO - COM open")))
SPEC_PW = ParamSpec("Config.Account1.GENERAL.Password", "Password", Kind.SECRET,
                    group="Account 1")
SPEC_HOLD = ParamSpec("Config.DoorSetting.RELAY.HoldDelayA", "Hold delay", Kind.INT, 0, 60,
                      unit="s", group="Relay A")


def test_diff_dialog_shows_labels_old_and_new_with_secrets_hidden(qtbot):
    rows = [DiffRow(SPEC_TYPE, 0, 1), DiffRow(SPEC_PW, "x", "hunter2"),
            DiffRow(SPEC_HOLD, 5, 12)]
    dialog = DiffDialog("Door — Relays", rows)
    qtbot.addWidget(dialog)
    table = [[dialog.table.item(r, c).text() for c in range(4)] for r in range(3)]
    assert table == [
        ["Open type", "Relay A", "NC - COM open", "NO - COM open"],
        ["Password", "Account 1", "(hidden)", "(new password)"],
        ["Hold delay", "Relay A", "5 s", "12 s"],
    ]
    assert dialog.apply_button.text() == "Apply 3 changes"


def test_factory_reset_needs_the_device_name_typed(qtbot):
    reset = ActionSpec("factory_reset", "Factory reset", dangerous=True)
    assert needs_typed_confirmation(reset)
    assert not needs_typed_confirmation(ActionSpec("reboot", "Reboot", dangerous=True))
    dialog = ConfirmDialog("Factory reset", "Erase everything?", phrase="2N IP Verso")
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled()
    dialog.edit.setText("2N IP")
    assert not dialog.ok.isEnabled()
    dialog.edit.setText("2N IP Verso")
    assert dialog.ok.isEnabled()


def test_run_dialog_does_not_block_the_loop(qtbot, qloop):
    dialog = ConfirmDialog("Question", "Continue?")
    qtbot.addWidget(dialog)
    ticks = []

    async def scenario():
        async def ticker():
            for i in range(3):
                ticks.append(i)
                await asyncio.sleep(0.01)
            dialog.accept()

        task = asyncio.ensure_future(ticker())
        result = await run_dialog(dialog)
        await task
        return result

    assert qloop.run_until_complete(scenario()) == QDialog.DialogCode.Accepted
    assert ticks == [0, 1, 2]
