"""A plain generated form for a list of ParamSpecs (action arguments, table rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import QGridLayout, QGroupBox, QVBoxLayout, QWidget

from ...core.params import ParamSpec
from ..i18n import param_text
from .field_row import FieldRow


def _grid(parent: QWidget) -> QGridLayout:
    grid = QGridLayout(parent)
    grid.setColumnStretch(1, 1)
    grid.setHorizontalSpacing(10)
    grid.setVerticalSpacing(4)
    return grid


class SpecForm(QWidget):
    """One row per ParamSpec; with ``sections``, the specs' groups become titled boxes."""

    def __init__(self, specs: Sequence[ParamSpec], values: Mapping[str, Any] | None = None,
                 parent: QWidget | None = None, *, hide_read_only: bool = False,
                 sections: bool = False) -> None:
        super().__init__(parent)
        shown = [s for s in specs if not (hide_read_only and s.read_only)]
        groups = list(dict.fromkeys(s.group for s in shown))
        self.rows: dict[str, FieldRow] = {}
        if sections and len(groups) > 1:
            outer = QVBoxLayout(self)
            outer.setContentsMargins(0, 0, 0, 0)
            for group in groups:
                box = QGroupBox(param_text(group) or self.tr("General"), self)
                self._add_rows(_grid(box), box, [s for s in shown if s.group == group],
                               values)
                outer.addWidget(box)
            outer.addStretch(1)
        else:
            grid = _grid(self)
            grid.setRowStretch(self._add_rows(grid, self, shown, values), 1)

    def _add_rows(self, grid: QGridLayout, parent: QWidget, specs: Sequence[ParamSpec],
                  values: Mapping[str, Any] | None) -> int:
        row = 0
        for spec in specs:
            field = FieldRow(spec, parent)
            row = field.place(grid, row)
            value = (values or {}).get(spec.key, spec.default)
            field.set_baseline(value)
            if values is None and spec.default is not None:
                field.set_value(spec.default)
            self.rows[spec.key] = field
        return row

    def errors(self) -> dict[str, str]:
        return {k: r.error for k, r in self.rows.items() if r.error}

    def values(self, *, include_empty: bool = False) -> dict[str, Any]:
        """Validated typed values (call after ``errors()`` is empty); empty text is left out
        unless ``include_empty`` (editing an existing row, where clearing a cell matters)."""
        return {k: r.typed for k, r in self.rows.items()
                if r.typed is not None and not r.spec.read_only
                and (include_empty or r.typed != "")}
