"""A plain generated form for a list of ParamSpecs (action arguments, table rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import QGridLayout, QWidget

from ...core.params import ParamSpec
from .field_row import FieldRow


class SpecForm(QWidget):
    def __init__(self, specs: Sequence[ParamSpec], values: Mapping[str, Any] | None = None,
                 parent: QWidget | None = None, *, hide_read_only: bool = False) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        self.rows: dict[str, FieldRow] = {}
        row = 0
        for spec in specs:
            if hide_read_only and spec.read_only:
                continue
            field = FieldRow(spec, self)
            row = field.place(grid, row)
            value = (values or {}).get(spec.key, spec.default)
            field.set_baseline(value)
            if values is None and spec.default is not None:
                field.set_value(spec.default)
            self.rows[spec.key] = field
        grid.setRowStretch(row, 1)

    def errors(self) -> dict[str, str]:
        return {k: r.error for k, r in self.rows.items() if r.error}

    def values(self, *, include_empty: bool = False) -> dict[str, Any]:
        """Validated typed values (call after ``errors()`` is empty); empty text is left out
        unless ``include_empty`` (editing an existing row, where clearing a cell matters)."""
        return {k: r.typed for k, r in self.rows.items()
                if r.typed is not None and not r.spec.read_only
                and (include_empty or r.typed != "")}
