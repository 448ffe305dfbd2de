"""Table editor: pending rows, CSV import/export, apply with per-row results."""

from __future__ import annotations

import pytest

from configurator.core.errors import InvalidValue
from configurator.core.params import Choice, Kind, ParamSpec, TableOp, TableSpec
from configurator.ui.editors.table_editor import TableEditor
from configurator.ui.editors.table_model import DELETED, MODIFIED, NEW, TableModel

from .fakes import MemoryDevice, unreachable
from .helpers import context_for

DIALREPLACE = TableSpec(
    "dialreplace", "Dial replace rules",
    (ParamSpec("ID", "ID", Kind.INT, 1, 500, required=True),
     ParamSpec("Prefix", "Prefix", pattern=r"[0-9*#+]{1,32}", required=True),
     ParamSpec("Line", "Line", Kind.ENUM, default=0,
               choices=(Choice(0, "Auto"), Choice(1, "Account 1"), Choice(2, "Account 2"))),
     ParamSpec("Replace1", "Replace 1", max_length=64),
     ParamSpec("Pin", "PIN", Kind.SECRET)),
    row_key="ID", operations=frozenset({TableOp.ADD, TableOp.SET, TableOp.DEL}),
    capability="dialreplace")
# the document's example row
EXAMPLE = {"ID": 1, "Prefix": "123", "Line": 0, "Replace1": "456"}


def test_model_tracks_new_modified_deleted():
    model = TableModel(DIALREPLACE)
    model.load([EXAMPLE, {**EXAMPLE, "ID": 2, "Prefix": "200"}])
    model.add_row({"ID": 3, "Prefix": "300"})
    model.update_row(0, {"Replace1": "789"})
    model.toggle_delete(1)
    assert [r.state for r in model.rows] == [MODIFIED, DELETED, NEW]
    add, update, delete = model.changes()
    assert add == [{"ID": 3, "Prefix": "300", "Line": 0}]  # spec default filled in
    assert update == [{**EXAMPLE, "Replace1": "789"}]
    assert delete == [2]
    model.revert()
    assert [r.values["ID"] for r in model.rows] == [1, 2] and not model.pending()


def test_model_rejects_invalid_and_duplicate_rows():
    model = TableModel(DIALREPLACE)
    model.load([EXAMPLE])
    with pytest.raises(InvalidValue, match=r"Prefix .*'12a' has the wrong format"):
        model.add_row({"ID": 5, "Prefix": "12a"})
    with pytest.raises(InvalidValue, match="already exists"):
        model.add_row({"ID": 1, "Prefix": "999"})
    assert len(model.rows) == 1


def test_csv_round_trip_without_secrets():
    model = TableModel(DIALREPLACE)
    model.load([{**EXAMPLE, "Pin": "4711"}])
    text = model.to_csv()
    assert text.splitlines() == ["ID,Prefix,Line,Replace1,Pin", "1,123,0,456,"]
    other = TableModel(DIALREPLACE)
    other.load([])
    assert other.from_csv(text + "2,555,Account 2,777,\n") == (2, 0)
    assert [r.values for r in other.rows] == [EXAMPLE, {"ID": 2, "Prefix": "555", "Line": 2,
                                                        "Replace1": "777"}]


def test_csv_import_is_all_or_nothing_with_line_numbers():
    model = TableModel(DIALREPLACE)
    model.load([EXAMPLE])
    bad = "ID,Prefix\n7,700\n8,80x\n"
    with pytest.raises(InvalidValue, match="CSV line 3: Prefix"):
        model.from_csv(bad)
    assert len(model.rows) == 1
    with pytest.raises(InvalidValue, match="CSV column 'Colour'"):
        model.from_csv("ID,Colour\n1,red\n")
    assert model.from_csv("id,prefix\n1,124\n") == (0, 1)  # labels, any case; updates row 1
    assert model.rows[0].state == MODIFIED and model.rows[0].values["Prefix"] == "124"


def test_editor_apply_creates_rows_and_keeps_failures(qtbot, qloop, tmp_path):
    device = MemoryDevice(tables=[DIALREPLACE])
    device.rows["dialreplace"] = [dict(EXAMPLE)]
    device.reject["9"] = "table full (error 6)"
    editor = TableEditor(DIALREPLACE, context_for(device))
    qtbot.addWidget(editor)
    assert qloop.run_until_complete(editor.load())
    assert editor.add_row({"ID": 2, "Prefix": "200", "Replace1": "201"})
    assert editor.add_row({"ID": 9, "Prefix": "900"})
    assert editor.summary.text() == "3 row(s) · 2 pending change(s)"
    assert not qloop.run_until_complete(editor.apply())
    assert [r["ID"] for r in device.rows["dialreplace"]] == [1, 2]
    states = {r.values["ID"]: (r.state, r.error) for r in editor.model.rows}
    assert states == {1: ("clean", ""), 2: ("clean", ""), 9: (NEW, "table full (error 6)")}
    assert "1 change(s) applied, 1 failed: table full (error 6)" in editor.banner.text()
    path = tmp_path / "rules.csv"
    assert editor.export_csv(path) == 3
    assert path.read_text().splitlines()[1] == "1,123,0,456,"


def test_editor_filter_and_unreachable_apply(qtbot, qloop):
    device = MemoryDevice(tables=[DIALREPLACE])
    device.rows["dialreplace"] = [dict(EXAMPLE), {"ID": 2, "Prefix": "777", "Line": 1}]
    editor = TableEditor(DIALREPLACE, context_for(device))
    qtbot.addWidget(editor)
    qloop.run_until_complete(editor.load())
    editor.filter_edit.setText("account 1")
    assert editor.proxy.rowCount() == 1
    editor.filter_edit.setText("")
    editor.model.toggle_delete(0)
    device.fail_with = unreachable()
    assert not qloop.run_until_complete(editor.apply())
    assert editor.model.rows[0].state == DELETED
    assert "not confirmed" in editor.model.rows[0].error
