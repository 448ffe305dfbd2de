"""Field editors are generated from ParamSpecs; validation comes from spec.validate."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox, QTimeEdit, QWidget

from configurator.core.params import Choice, Kind, ParamSpec
from configurator.ui.editors.field_editors import (
    BoolEditor,
    EnumEditor,
    NumberEditor,
    SecretEditor,
    SetEditor,
    TextEditor,
    TimeEditor,
    make_editor,
)
from configurator.ui.editors.field_row import FieldRow

HOLD = ParamSpec("Config.DoorSetting.RELAY.HoldDelayA", "Hold delay", Kind.INT, 0, 60, unit="s",
                 help="How long the relay stays open")
TYPE = ParamSpec("Config.DoorSetting.RELAY.TypeA", "Open type", Kind.ENUM,
                 choices=(Choice(0, "NC - COM open"), Choice(1, "NO - COM open")))


def test_widget_by_kind(qtbot):
    cases = {
        Kind.BOOL: (BoolEditor, QCheckBox), Kind.ENUM: (EnumEditor, QComboBox),
        Kind.INT: (NumberEditor, QSpinBox), Kind.PORT: (NumberEditor, QSpinBox),
        Kind.SECRET: (SecretEditor, QLineEdit), Kind.TIME: (TimeEditor, QTimeEdit),
        Kind.WEEKDAYS: (SetEditor, QWidget), Kind.HOST: (TextEditor, QLineEdit),
        Kind.HEX: (TextEditor, QLineEdit), Kind.URL: (TextEditor, QLineEdit),
    }
    for kind, (editor_type, inner) in cases.items():
        spec = ParamSpec("k", "K", kind, choices=TYPE.choices if kind is Kind.ENUM else ())
        editor = make_editor(spec)
        qtbot.addWidget(editor)
        assert type(editor) is editor_type, kind
        assert editor.findChildren(inner) or isinstance(editor, inner), kind


def test_enum_shows_labels_and_returns_values(qtbot):
    editor = make_editor(TYPE)
    qtbot.addWidget(editor)
    editor.set_value(1)
    assert editor.combo.currentText() == "NO - COM open"
    assert editor.raw() == 1
    editor.set_value(7)  # a value the spec does not know stays visible
    assert editor.combo.currentText() == "7 (unknown)"


def test_int_shows_unit_and_help_tooltip(qtbot):
    editor = make_editor(HOLD)
    qtbot.addWidget(editor)
    assert editor.spin.suffix() == " s"
    assert "How long the relay stays open" in editor.toolTip()
    assert "range 0–60 s" in editor.toolTip().lower()


def test_out_of_range_is_marked_invalid_with_reason(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    row = FieldRow(HOLD, parent)
    row.set_baseline(5)
    assert not row.dirty and row.error == ""
    row.set_value(75)
    assert row.dirty
    assert row.error == "75 is above the maximum 60 s"
    assert row.message.text() == "75 is above the maximum 60 s"
    assert row.marker.property("state") == "invalid"
    row.set_value(30)
    assert row.error == "" and row.typed == 30 and row.marker.property("state") == "dirty"
    row.set_value(5)
    assert not row.dirty


def test_secret_untouched_is_not_dirty_and_reveal_toggles(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    row = FieldRow(ParamSpec("pw", "Password", Kind.SECRET), parent)
    row.set_baseline("********")
    assert row.editor.edit.text() == ""  # the device's secret is never shown
    assert not row.dirty
    row.editor.edit.setText("s3cret")
    row.editor.edit.textEdited.emit("s3cret")
    assert row.dirty and row.typed == "s3cret"
    assert row.editor.edit.echoMode() == QLineEdit.EchoMode.Password
    row.editor.reveal.setChecked(True)
    assert row.editor.edit.echoMode() == QLineEdit.EchoMode.Normal


def test_weekdays_toggle_buttons_and_time(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    days = FieldRow(ParamSpec("days", "Days", Kind.WEEKDAYS), parent)
    days.set_baseline(frozenset({"Mon", "Fri"}))
    checked = [b.text() for _, b in days.editor.buttons if b.isChecked()]
    assert checked == ["Mon", "Fri"]
    days.editor.buttons[6][1].setChecked(True)  # Sun
    assert days.typed == frozenset({"Mon", "Fri", "Sun"}) and days.dirty
    time = FieldRow(ParamSpec("t", "From", Kind.TIME), parent)
    time.set_baseline("07:30")
    assert time.editor.raw() == "07:30" and not time.dirty


def test_host_and_hex_validation_messages(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    host = FieldRow(ParamSpec("srv", "SIP server", Kind.HOST), parent)
    host.set_baseline("")
    host.set_value("bad host!")
    assert host.error == "'bad host!' is not a host name or IP address"
    code = FieldRow(ParamSpec("code", "Card", Kind.HEX), parent)
    code.set_baseline("")
    code.set_value("12G4")
    assert "not hexadecimal" in code.error
    code.set_value("ab12")
    assert code.typed == "AB12" and code.error == ""
