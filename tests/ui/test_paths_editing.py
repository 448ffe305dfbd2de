"""Apply, reload and revert of the current page through the window's keyboard shortcuts (the
Edit menu / toolbar actions), typed as a user would: into the focused field, against a real
Onetouch simulator on loopback."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from configurator.ui.dialogs.prompter import AutoPrompter

from .helpers import wait_until
from .test_window import HOLD_A, NAME_A, close, open_view, open_window, session_at, start

CTRL = Qt.KeyboardModifier.ControlModifier
# Revert is Ctrl+Alt+Z: Ctrl+Alt+Z is Redo inside Qt's text and number fields.
REVERT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


async def activate(window) -> None:
    """Shortcuts only fire in the active window."""
    window.activateWindow()
    await wait_until(window.isActiveWindow, 3)


def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key press where the user is typing: the focused widget."""
    target = QApplication.focusWidget()
    assert target is not None, "no widget has the keyboard focus"
    QTest.keyClick(target, key, modifiers)
    # QTest leaves the modifiers it pressed in QGuiApplication.keyboardModifiers() (they
    # would turn a later test's selectRow into a Shift-extend): let go of them explicitly.
    QTest.keyRelease(target, Qt.Key.Key_Control, Qt.KeyboardModifier.NoModifier)


def type_into(form, key: str, text: str) -> None:
    """Replace a text field's content by typing, as the user does."""
    edit = form.rows[key].editor.edit
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)


async def relay_form(window, sim):
    session = session_at(window, sim.host)
    view = await open_view(window, session, "relays")
    await activate(window)
    return session, view.forms[0]


def test_ctrl_return_previews_then_writes_only_the_typed_change(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        prompter = AutoPrompter()
        window = await open_window([sim], prompter)
        try:
            session, form = await relay_form(window, sim)
            assert not window.menus.apply_action.isEnabled()  # nothing changed yet
            type_into(form, NAME_A, "Front door")
            assert window.menus.apply_action.isEnabled() and session.dirty_pages == {"relay"}
            before = dict(sim.state.config)
            press(Qt.Key.Key_Return, CTRL)
            await wait_until(lambda: sim.state.config[NAME_A] == "Front door")
            # the preview listed exactly the typed setting, old -> new
            [(kind, rows)] = prompter.asked
            assert kind == "changes"
            assert [(r.spec.key, r.new) for r in rows] == [(NAME_A, "Front door")]
            changed = {k for k, v in sim.state.config.items() if before.get(k) != v}
            assert changed == {NAME_A}
            await wait_until(lambda: not window.menus.apply_action.isEnabled())
            assert form.rows[NAME_A].outcome == "applied"
            assert session.dirty_pages == set()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_declined_preview_writes_nothing_and_keeps_the_edit(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        prompter = AutoPrompter(answer=False)
        window = await open_window([sim], prompter)
        try:
            session, form = await relay_form(window, sim)
            form.rows[HOLD_A].set_value(40)
            form.rows[HOLD_A].editor.spin.setFocus()
            window.menus.apply_action.trigger()  # the toolbar button / Edit menu entry
            await wait_until(lambda: prompter.asked and not any(
                t.get_name() == "apply" for t in window.ctx.tasks.tasks(session.key)))
            assert [k for k, _ in prompter.asked] == ["changes"]
            assert sim.state.config[HOLD_A] == "5"
            assert form.rows[HOLD_A].dirty and form.rows[HOLD_A].typed == 40
            assert window.menus.apply_action.isEnabled() and session.dirty_pages == {"relay"}
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_f5_reads_the_device_again_and_keeps_unsaved_edits(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session, form = await relay_form(window, sim)
            assert form.rows[HOLD_A].baseline == 5
            type_into(form, NAME_A, "Gate")
            # someone changes the device meanwhile (its own web UI)
            sim.state.config[HOLD_A] = "33"
            press(Qt.Key.Key_F5)
            await wait_until(lambda: form.rows[HOLD_A].baseline == 33)
            await wait_until(lambda: not form.busy)
            assert form.rows[HOLD_A].editor.raw() == 33 and not form.rows[HOLD_A].dirty
            # the user's unsaved edit survives the reload and is still the only change
            assert form.rows[NAME_A].editor.raw() == "Gate" and form.rows[NAME_A].dirty
            assert [r.key for r in form.dirty_rows()] == [NAME_A]
            assert session.dirty_pages == {"relay"}
            assert sim.state.config[NAME_A] != "Gate"  # reload never writes
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_ctrl_shift_z_from_the_tree_discards_the_edits_of_the_page(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session, form = await relay_form(window, sim)
            form.rows[HOLD_A].set_value(20)
            type_into(form, NAME_A, "Back door")
            assert window.menus.revert_action.isEnabled()
            window.tree.setFocus()  # the shortcut works from outside a text field
            press(Qt.Key.Key_Z, REVERT)
            assert form.rows[HOLD_A].editor.raw() == 5
            assert form.rows[NAME_A].editor.raw() == form.rows[NAME_A].baseline
            assert form.dirty_rows() == [] and session.dirty_pages == set()
            menus = window.menus
            assert not menus.apply_action.isEnabled() and not menus.revert_action.isEnabled()
            assert sim.state.config[HOLD_A] == "5"
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


@pytest.mark.parametrize("key", [NAME_A, HOLD_A], ids=["text-field", "number-field"])
def test_revert_shortcut_works_while_typing_in_a_field(qtbot, qloop, loopback, key):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session, form = await relay_form(window, sim)
            row = form.rows[key]
            if key == NAME_A:
                type_into(form, key, "Back door")
            else:
                row.set_value(20)
                row.editor.spin.setFocus()
            assert row.dirty
            press(Qt.Key.Key_Z, REVERT)  # the focus is still in the edited field
            assert row.editor.raw() == row.baseline
            assert session.dirty_pages == set()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())
