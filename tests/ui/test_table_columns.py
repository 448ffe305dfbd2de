"""Wide tables open with their basic columns; the advanced ones are one toggle away."""

from __future__ import annotations

from dataclasses import replace

from configurator.core.params import Category, Kind, ParamSpec, TableOp, TableSpec
from configurator.ui.editors.table_editor import TableEditor

from .fakes import MemoryDevice
from .helpers import context_for

USERS = TableSpec(
    "users", "Directory users",
    (ParamSpec("uuid", "UUID", read_only=True),
     ParamSpec("name", "Name"),
     ParamSpec("treepath", "Tree path", category=Category.ADVANCED),
     ParamSpec("deputy", "Deputy", Kind.STRING, category=Category.ADVANCED)),
    row_key="uuid", operations=frozenset({TableOp.ADD}))


def visible_headers(editor: TableEditor) -> list[str]:
    model = editor.view.model()
    return [str(model.headerData(c, _horizontal())) for c in range(model.columnCount())
            if not editor.view.isColumnHidden(c)]


def _horizontal():
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal


def test_advanced_columns_hidden_until_asked(qtbot) -> None:
    editor = TableEditor(USERS, context_for(MemoryDevice(tables=[USERS])))
    qtbot.addWidget(editor)
    assert editor.advanced_action.isVisible()
    assert visible_headers(editor) == ["State", "UUID", "Name"]
    editor.advanced_action.setChecked(True)
    assert visible_headers(editor) == ["State", "UUID", "Name", "Tree path", "Deputy"]
    editor.advanced_action.setChecked(False)
    assert visible_headers(editor) == ["State", "UUID", "Name"]


def test_table_without_basic_columns_shows_everything(qtbot) -> None:
    all_advanced = replace(USERS, columns=tuple(
        replace(c, category=Category.ADVANCED) for c in USERS.columns))
    editor = TableEditor(all_advanced, context_for(MemoryDevice(tables=[all_advanced])))
    qtbot.addWidget(editor)
    assert not editor.advanced_action.isVisible()
    assert len(visible_headers(editor)) == 5
