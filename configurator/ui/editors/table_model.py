"""Qt model of a device table with pending edits (new / modified / deleted rows)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from ...core.device import RowResult
from ...core.errors import InvalidValue
from ...core.params import Kind, ParamSpec, TableSpec
from ..i18n import param_text, translate
from ..icons import outcome_icon
from ..palette import bg, fg

CLEAN, NEW, MODIFIED, DELETED = "clean", "new", "modified", "deleted"
_STATE_TEXT = {CLEAN: "", NEW: "new", MODIFIED: "changed", DELETED: "delete"}
_STATE_COLOUR = {NEW: "#e9f7ef", MODIFIED: "#e8f1fa", DELETED: "#f4f6f7"}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


@dataclass
class TableRow:
    values: dict[str, Any]
    original: dict[str, Any] | None = None  # None: not on the device yet
    state: str = CLEAN
    error: str = ""  # last apply's failure for this row
    extra: dict[str, Any] = field(default_factory=dict)


class TableModel(QAbstractTableModel):
    def __init__(self, spec: TableSpec) -> None:
        super().__init__()
        self.spec = spec
        self.rows: list[TableRow] = []
        self.reveal_secrets = False  # PINs and passwords show as MASK until asked for

    def set_reveal_secrets(self, reveal: bool) -> None:
        self.reveal_secrets = reveal
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1,
                                                                 len(self.spec.columns)))

    # -- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.spec.columns) + 1

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return self.tr("State")
            spec = self.spec.columns[section - 1]
            return (f"{param_text(spec.label)} ({param_text(spec.unit)})" if spec.unit
                    else param_text(spec.label))
        if role == Qt.ItemDataRole.ToolTipRole and section > 0:
            spec = self.spec.columns[section - 1]
            return param_text(spec.help) or spec.key
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if col == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return "error" if row.error else _STATE_TEXT[row.state]
            if role == Qt.ItemDataRole.DecorationRole:
                if row.error:
                    return outcome_icon("rejected")
                return outcome_icon("dirty") if row.state != CLEAN else None
            if role == Qt.ItemDataRole.ToolTipRole:
                return row.error or _STATE_TEXT[row.state] or None
            if role == SORT_ROLE:
                return row.state
        else:
            spec = self.spec.columns[col - 1]
            value = row.values.get(spec.key)
            if role == Qt.ItemDataRole.DisplayRole:
                if value not in (None, "") and not self.reveal_secrets and is_secret(spec):
                    return MASK
                return cell_text(spec, value)
            if role == SORT_ROLE:
                return value if isinstance(value, int | float) and not isinstance(value, bool) \
                    else cell_text(spec, value).lower()
            if role == Qt.ItemDataRole.ToolTipRole:
                return row.error or None
        if role == Qt.ItemDataRole.BackgroundRole and row.state in _STATE_COLOUR:
            return QBrush(bg("#fdedec" if row.error else _STATE_COLOUR[row.state]))
        if role == Qt.ItemDataRole.ForegroundRole and row.state == DELETED:
            return QBrush(fg("#95a5a6"))
        if role == Qt.ItemDataRole.FontRole and row.state == DELETED:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None

    # -- content --------------------------------------------------------------------------
    def load(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = [TableRow(dict(r), dict(r)) for r in rows]
        self.endResetModel()

    def key_of(self, values: Mapping[str, Any]) -> Any:
        return values.get(self.spec.row_key)

    def find(self, key: Any) -> int | None:
        if key in (None, ""):
            return None
        for i, row in enumerate(self.rows):
            if row.state != NEW and row.original is not None and \
                    str(self.key_of(row.original)) == str(key):
                return i
        return None

    def add_row(self, values: Mapping[str, Any]) -> int:
        """Add a pending row. Columns left out get their spec default (# Assumption: the
        device would apply the same defaults), read-only columns are left to the device."""
        defaults = {c.key: c.default for c in self.spec.columns
                    if c.default is not None and not c.read_only and c.key not in values}
        clean = self.spec.validate_row({**defaults, **values})
        key = self.key_of(clean)
        if key not in (None, "") and self.find(key) is not None:
            raise InvalidValue(self.tr("a row with {column} {key} already exists").format(
                column=param_text(self.spec.column(self.spec.row_key).label), key=repr(key)))
        position = len(self.rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self.rows.append(TableRow(clean, None, NEW))
        self.endInsertRows()
        return position

    def update_row(self, position: int, values: Mapping[str, Any]) -> None:
        row = self.rows[position]
        known = {c.key for c in self.spec.columns}
        merged = {k: v for k, v in {**row.values, **values}.items()
                  if k in known and v is not None}
        clean = self.spec.validate_row(merged)
        row.values = {**row.values, **clean}
        row.error = ""
        if row.state != NEW:
            row.state = CLEAN if row.values == row.original else MODIFIED
        self._row_changed(position)

    def toggle_delete(self, position: int) -> None:
        row = self.rows[position]
        if row.state == NEW:
            self.beginRemoveRows(QModelIndex(), position, position)
            del self.rows[position]
            self.endRemoveRows()
            return
        if row.state == DELETED:
            row.state = CLEAN if row.values == row.original else MODIFIED
        else:
            row.state = DELETED
        row.error = ""
        self._row_changed(position)

    def revert(self) -> None:
        self.beginResetModel()
        self.rows = [TableRow(dict(r.original), dict(r.original))
                     for r in self.rows if r.original is not None]
        self.endResetModel()

    def _row_changed(self, position: int) -> None:
        self.dataChanged.emit(self.index(position, 0),
                              self.index(position, self.columnCount() - 1))

    def pending(self) -> list[TableRow]:
        return [r for r in self.rows if r.state != CLEAN]

    def changes(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[Any]]:
        """(rows to add, rows to update, keys to delete)."""
        add = [dict(r.values) for r in self.rows if r.state == NEW]
        update = [dict(r.values) for r in self.rows if r.state == MODIFIED]
        delete = [self.key_of(r.original or r.values) for r in self.rows if r.state == DELETED]
        return add, update, delete

    def merge_after_apply(self, fresh: Sequence[Mapping[str, Any]],
                          results: Sequence[RowResult]) -> int:
        """Reload from the device and keep the rows whose apply failed, with the reason."""
        failed = _failures(self, results)
        kept: list[TableRow] = []
        for row in self.rows:
            reason = failed.get(id(row))
            if reason is not None and row.state != CLEAN:
                row.error = reason
                kept.append(row)
        self.beginResetModel()
        self.rows = [TableRow(dict(r), dict(r)) for r in fresh]
        for row in kept:
            if row.state == NEW:
                self.rows.append(row)
                continue
            position = self.find(self.key_of(row.original or row.values))
            if position is None:
                if row.state != DELETED:
                    self.rows.append(TableRow(row.values, None, NEW, row.error))
                continue
            target = self.rows[position]
            target.state, target.error = row.state, row.error
            if row.state == MODIFIED:
                target.values = dict(row.values)
        self.endResetModel()
        return len(kept)

    # -- CSV ------------------------------------------------------------------------------
    def to_csv(self) -> str:
        """Rows as CSV with the column keys as header.

        # Assumption: secret columns (PINs, passwords) are exported empty; a plain file never
        # holds secrets.
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([c.key for c in self.spec.columns])
        for row in self.rows:
            if row.state == DELETED:
                continue
            writer.writerow(["" if c.kind is Kind.SECRET else
                             ("" if row.values.get(c.key) is None
                              else c.to_text(row.values.get(c.key)))
                             for c in self.spec.columns])
        return buffer.getvalue()

    def from_csv(self, text: str) -> tuple[int, int]:
        """Import CSV rows (header: column keys or labels). All-or-nothing: any invalid cell
        raises InvalidValue naming the line and column, and nothing is imported.
        Returns (added, updated)."""
        try:
            lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        except csv.Error as exc:  # a field over csv.field_size_limit(), a NUL...
            raise InvalidValue(self.tr("not a readable CSV file ({reason})").format(
                reason=exc)) from None
        reader = iter(lines)
        try:
            header = next(reader)
        except StopIteration:
            raise InvalidValue(self.tr("the CSV file is empty")) from None
        keys = [_column_key(self.spec, name) for name in header]
        parsed: list[dict[str, Any]] = []
        for line_no, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            texts = {k: v for k, v in zip(keys, cells, strict=False) if k and v.strip() != ""}
            try:
                parsed.append(self.spec.parse_row(texts))
            except InvalidValue as exc:
                raise InvalidValue(self.tr("CSV line {line}: {error}").format(
                    line=line_no, error=exc)) from None
        added = updated = 0
        for values in parsed:
            position = self.find(self.key_of(values))
            if position is None:
                self.add_row(values)
                added += 1
            else:
                self.update_row(position, values)
                updated += 1
        return added, updated


def _column_key(spec: TableSpec, name: str) -> str:
    name = name.strip()
    for column in spec.columns:
        labels = (column.label.lower(), param_text(column.label).lower())
        if name == column.key or name.lower() in labels:
            return column.key
    raise InvalidValue(translate("TableModel", "CSV column {name} is not a column of {table} "
                                 "(expected: {keys})").format(
        name=repr(name), table=param_text(spec.title),
        keys=", ".join(c.key for c in spec.columns)))


def _failures(model: TableModel, results: Sequence[RowResult]) -> dict[int, str]:
    """Map failed RowResults to pending rows: by (op, key), else by order within the op."""
    ops = {"add": NEW, "set": MODIFIED, "update": MODIFIED, "del": DELETED, "delete": DELETED}
    by_state: dict[str, list[TableRow]] = {NEW: [], MODIFIED: [], DELETED: []}
    for row in model.rows:
        if row.state in by_state:
            by_state[row.state].append(row)
    failed: dict[int, str] = {}
    counters: dict[str, int] = {}
    for result in results:
        state = ops.get(result.op, "")
        candidates = by_state.get(state, [])
        match = next((r for r in candidates if result.key not in (None, "") and
                      str(model.key_of(r.original or r.values)) == str(result.key)), None)
        if match is None:
            i = counters.get(state, 0)
            match = candidates[i] if i < len(candidates) else None
        counters[state] = counters.get(state, 0) + 1
        if match is not None and not result.ok:
            failed[id(match)] = result.message or translate("TableModel",
                                                             "rejected by the device")
    return failed


MASK = "••••"  # the same for every value: not even a PIN's length shows


def is_secret(spec: ParamSpec) -> bool:
    """A column shown masked until asked for: passwords and PINs."""
    name = spec.key.rsplit(".", 1)[-1].partition("[")[0]
    return spec.kind is Kind.SECRET or name.lower() == "pin" or spec.label == "PIN"


def cell_text(spec: ParamSpec, value: Any) -> str:
    if value is None:
        return ""
    if spec.kind is Kind.ENUM:
        return spec.choice_label(value)
    return spec.format(value)
