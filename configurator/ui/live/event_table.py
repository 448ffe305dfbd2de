"""The live event log: a table of DeviceEvents from every device, filtered and exported.

Wiring (for the main window)::

    pane = EventPane()                          # put it in the bottom QDockWidget
    unsubscribe = hub.subscribe(pane.add_event)  # configurator.live.hub.EventHub
    pane.eventActivated.connect(lambda ev: window.select_device(ev.device))

Events are collected in a list and inserted by a timer (``flush_interval_ms``) in one
``beginInsertRows`` per batch, so thousands of events a second cost one model signal per tick.
The filter runs over :class:`~configurator.live.eventstore.EventStore` (plain lists), not a
QSortFilterProxyModel: 100,000 events filter in a few tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QDateTime,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QTimeZone,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import ConfiguratorError
from ...core.events import DeviceEvent, Severity
from ...live.eventstore import EventFilter, EventStore
from ...live.export import details_text, write_csv, write_json
from .type_filter import TypeFilterButton, type_label

COLUMNS = (QT_TRANSLATE_NOOP("EventTableModel", "Time"),
           QT_TRANSLATE_NOOP("EventTableModel", "Device"),
           QT_TRANSLATE_NOOP("EventTableModel", "Type"),
           QT_TRANSLATE_NOOP("EventTableModel", "Summary"),
           QT_TRANSLATE_NOOP("EventTableModel", "Details"))
EVENT_ROLE = Qt.ItemDataRole.UserRole + 1
ALL = "__all__"

_BACKGROUND = {
    Severity.ERROR: QColor(255, 205, 205),
    Severity.WARNING: QColor(255, 236, 190),
}
_FOREGROUND = {
    Severity.ERROR: QColor(140, 0, 0),
    Severity.WARNING: QColor(110, 70, 0),
    Severity.DEBUG: QColor(128, 128, 128),
}

Index = QModelIndex | QPersistentModelIndex


class EventTableModel(QAbstractTableModel):
    """Rows are the filtered events of an EventStore; new events arrive in timed batches."""

    batchInserted = Signal(int)  # rows that became visible in one flush

    def __init__(self, *, flush_interval_ms: int = 100, max_events: int = 500_000,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.store = EventStore(max_events=max_events)
        self.pending: list[DeviceEvent] = []
        self.paused = False
        self.flushes = 0
        self.names: dict[str, str] = {}  # device address -> name shown in the Device column
        self._timer = QTimer(self)
        self._timer.setInterval(flush_interval_ms)
        self._timer.timeout.connect(self.flush)
        self._timer.start()

    # -- feeding --------------------------------------------------------------------------
    def add_event(self, event: DeviceEvent) -> None:
        """Queue one event (cheap: safe as an EventHub subscriber at any rate)."""
        self.pending.append(event)

    def add_events(self, events: Iterable[DeviceEvent]) -> None:
        self.pending.extend(events)

    def set_paused(self, paused: bool) -> None:
        """Paused: new events wait in ``pending`` (nothing is lost) until resumed."""
        self.paused = paused
        if not paused:
            self.flush()

    def flush(self) -> int:
        if self.paused or not self.pending:
            return 0
        batch, self.pending = self.pending, []
        new = self.store.add(batch)
        self.flushes += 1
        if new:
            first = len(self.store.visible)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self.store.visible.extend(new)
            self.endInsertRows()
        excess = self.store.over_limit()
        if excess:
            # Assumption: past the limit the oldest events leave the pane (the journal keeps
            # them); dropping a tenth at a time keeps resets rare.
            self.beginResetModel()
            self.store.drop_oldest(max(excess, self.store.max_events // 10))
            self.endResetModel()
        self.batchInserted.emit(len(new))
        return len(new)

    def set_filter(self, flt: EventFilter) -> None:
        self.beginResetModel()
        self.store.set_filter(flt)
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.store = EventStore(max_events=self.store.max_events)
        self.pending = []
        self.endResetModel()

    def event_at(self, row: int) -> DeviceEvent:
        return self.store.events[self.store.visible[row]]

    def visible_events(self) -> list[DeviceEvent]:
        return self.store.visible_events()

    # -- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.store.visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        event = self.event_at(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 1 and event.device in self.names:
                return f"{self.names[event.device]} ({event.device})"
            if column == 2:  # in words, as in the type filter; the code in the tooltip
                return type_label(event.type)
            return cell_text(event, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return self.tr("UTC {utc}\ndevice time {local}").format(
                    utc=event.utc.strftime('%Y-%m-%d %H:%M:%S'),
                    local=event.device_local_time.isoformat())
            return cell_text(event, column) or None
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = _BACKGROUND.get(event.severity)
            return QBrush(colour) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = _FOREGROUND.get(event.severity)
            return QBrush(colour) if colour else None
        if role == EVENT_ROLE:
            return event
        return None


def cell_text(event: DeviceEvent, column: int) -> str:
    if column == 0:  # the device's own local time (tz_shift), UTC in the tooltip
        return event.device_local_time.strftime("%Y-%m-%d %H:%M:%S")
    if column == 1:
        return event.device
    if column == 2:
        return event.type
    if column == 3:
        return event.summary
    return details_text(event)


class EventPane(QWidget):
    """Filter bar + table + follow/pause/copy/export; see the module docstring."""

    eventActivated = Signal(object)  # the DeviceEvent double-clicked

    def __init__(self, parent: QWidget | None = None, *, flush_interval_ms: int = 100,
                 max_events: int = 500_000) -> None:
        super().__init__(parent)
        self.model = EventTableModel(flush_interval_ms=flush_interval_ms,
                                     max_events=max_events, parent=self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((150, 130, 170, 320)):
            header.resizeSection(column, width)
        self.table.doubleClicked.connect(self._activated)

        self.device_box = QComboBox()
        self.device_box.addItem(self.tr("All devices"), ALL)
        self.type_filter = TypeFilterButton()  # several types at once, by name
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText(self.tr("Search summary and details…"))
        self.text_edit.setClearButtonEnabled(True)
        self.range_check = QCheckBox(self.tr("Between"))
        now = QDateTime.currentDateTimeUtc()
        self.since_edit = QDateTimeEdit(now.addSecs(-3600))
        self.until_edit = QDateTimeEdit(now.addSecs(3600))
        for edit in (self.since_edit, self.until_edit):
            edit.setTimeZone(QTimeZone.utc())
            edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
            edit.setCalendarPopup(True)
            edit.setToolTip(self.tr("UTC"))
        self.follow_button = _button(self.tr("Follow"), self.tr("Keep the newest event in view"),
                                     checkable=True)
        self.follow_button.setChecked(True)
        self.pause_button = _button(self.tr("Pause"), self.tr("Hold new events (none are lost)"),
                                    checkable=True)
        self.copy_button = _button(self.tr("Copy"), self.tr("Copy the selected rows"))
        self.csv_button = _button("CSV…", self.tr("Export the shown events as CSV"))
        self.json_button = _button("JSON…", self.tr("Export the shown events as JSON"))
        self.count_label = QLabel()
        # While the pointer is over the rows or a row is selected, Follow holds still (rows
        # do not move under the cursor) and this says how many arrived meanwhile.
        self.new_events_button = _button("", self.tr("Show the newest events and follow "
                                                     "them again"))
        self.new_events_button.setStyleSheet(
            "QToolButton { background: #2874a6; color: white; border-radius: 3px; "
            "padding: 1px 8px; font-weight: 600; }")
        self.new_events_button.hide()
        self.held_new = 0
        self._hovering = False

        # Two rows, so that in a narrow dock the filters keep readable widths: what to show
        # (device, type, search) above; the time range, follow/pause and exports below.
        # The search box gets the room: the device list may shrink (its entries are whole in
        # its popup), the type button keeps to its text, the search box takes the rest (at
        # least 180 px: the log beside the camera in a 1024 px window still has one to type in).
        self.device_box.setMinimumWidth(90)
        self.device_box.setMinimumContentsLength(8)
        self.device_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.device_box.setMaximumWidth(260)
        self.text_edit.setMinimumWidth(180)
        filters = QHBoxLayout()
        filters.setContentsMargins(4, 4, 4, 0)
        for widget in (self.device_box, self.type_filter, self.text_edit):
            filters.addWidget(widget)
        filters.setStretch(2, 1)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 4)
        self.and_label = QLabel(self.tr("and"))
        # The time range's fields show only while it is on: the row keeps room for the rest.
        for widget in (self.since_edit, self.and_label, self.until_edit):
            widget.setVisible(False)
        for widget in (self.range_check, self.since_edit, self.and_label, self.until_edit,
                       self.follow_button, self.pause_button, self.copy_button,
                       self.csv_button, self.json_button, self.count_label,
                       self.new_events_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(filters)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(150)
        self._text_timer.timeout.connect(self.apply_filter)
        self.text_edit.textChanged.connect(self._text_timer.start)
        self.device_box.currentIndexChanged.connect(self.apply_filter)
        self.type_filter.changed.connect(self.apply_filter)
        self.table.viewport().installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(self._hold_changed)
        self.follow_button.toggled.connect(self._hold_changed)
        self.new_events_button.clicked.connect(self.follow_newest)
        self.range_check.toggled.connect(self._range_toggled)
        self.since_edit.dateTimeChanged.connect(self._range_changed)
        self.until_edit.dateTimeChanged.connect(self._range_changed)
        self.pause_button.toggled.connect(self.model.set_paused)
        self.copy_button.clicked.connect(self.copy_selection)
        self.csv_button.clicked.connect(lambda: self._ask_export("csv"))
        self.json_button.clicked.connect(lambda: self._ask_export("json"))
        self.model.batchInserted.connect(self._after_batch)
        self.model.modelReset.connect(self._update_count)

    # -- feeding --------------------------------------------------------------------------
    def add_event(self, event: DeviceEvent) -> None:
        self.model.add_event(event)

    def add_events(self, events: Iterable[DeviceEvent]) -> None:
        self.model.add_events(events)

    def flush(self) -> int:
        return self.model.flush()

    # -- filters --------------------------------------------------------------------------
    def current_filter(self) -> EventFilter:
        device = self.device_box.currentData()
        since = until = None
        if self.range_check.isChecked():
            since = self.since_edit.dateTime().toSecsSinceEpoch()
            until = self.until_edit.dateTime().toSecsSinceEpoch()
        return EventFilter(
            devices=None if device in (None, ALL) else frozenset({device}),
            types=self.type_filter.selected(),
            text=self.text_edit.text().strip(), since=since, until=until)

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())
        if self.follow_button.isChecked():
            self.follow_newest()

    def set_time_range(self, since: datetime | None, until: datetime | None) -> None:
        """Filter to a UTC time range (both None: no time filter)."""
        on = since is not None or until is not None
        self.range_check.blockSignals(True)
        self.range_check.setChecked(on)
        self.range_check.blockSignals(False)
        for widget in (self.since_edit, self.and_label, self.until_edit):
            widget.setVisible(on)
        if since is not None:
            self.since_edit.setDateTime(_qdt(since))
        if until is not None:
            self.until_edit.setDateTime(_qdt(until))
        self.apply_filter()

    def _range_toggled(self, on: bool) -> None:
        for widget in (self.since_edit, self.and_label, self.until_edit):
            widget.setVisible(on)
        self.apply_filter()

    def _range_changed(self) -> None:
        if self.range_check.isChecked():
            self.apply_filter()

    def _after_batch(self, visible_added: int) -> None:
        store = self.model.store
        _sync_combo(self.device_box, store.device_names)
        self.type_filter.sync(store.type_names)
        if visible_added and self.follow_button.isChecked():
            if self.holding():
                self.held_new += visible_added
                self._show_held()
            else:
                self.table.scrollToBottom()
        self._update_count()

    # -- following without moving rows under the pointer ---------------------------------
    def holding(self) -> bool:
        """Follow waits: the pointer is over the rows, or a row is selected."""
        selection = self.table.selectionModel()
        return self._hovering or (selection is not None and selection.hasSelection())

    def follow_newest(self) -> None:
        """Back to the newest event: the selection goes, the table follows again."""
        self.table.clearSelection()
        self.held_new = 0
        self.new_events_button.hide()
        self.table.scrollToBottom()

    def _show_held(self) -> None:
        self.new_events_button.setText(
            self.tr("{n} new events — click to follow").format(n=self.held_new)
            if self.held_new != 1 else self.tr("1 new event — click to follow"))
        self.new_events_button.show()

    def _hold_changed(self, *_args: object) -> None:
        """The pointer left and nothing is selected (or Follow was switched): following
        resumes at the newest event."""
        if self.follow_button.isChecked() and self.held_new and not self.holding():
            self.follow_newest()
        elif not self.follow_button.isChecked():
            self.held_new = 0
            self.new_events_button.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport():
            if event.type() == QEvent.Type.Enter:
                self._hovering = True
            elif event.type() == QEvent.Type.Leave:
                self._hovering = False
                self._hold_changed()
        return super().eventFilter(watched, event)

    def _update_count(self) -> None:
        store = self.model.store
        self.count_label.setText(self.tr("{n_visible:,} of {n_store:,}").format(
            n_visible=len(store.visible), n_store=len(store)))

    # -- copy, export, activation ---------------------------------------------------------
    def selected_events(self) -> list[DeviceEvent]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.event_at(row) for row in rows]

    def copy_selection(self) -> str:
        """Copy the selected rows as tab-separated text (also returned)."""
        lines = ["\t".join(cell_text(e, c) for c in range(len(COLUMNS)))
                 for e in self.selected_events()]
        text = "\n".join(lines)
        if text:
            QGuiApplication.clipboard().setText(text)
        return text

    def export_csv(self, path: str) -> int:
        """Export the events the filter shows now; return the number of rows written."""
        return write_csv(self.model.visible_events(), path)

    def export_json(self, path: str) -> int:
        return write_json(self.model.visible_events(), path)

    def _ask_export(self, kind: str) -> None:
        label = self.tr("CSV file (*.csv)") if kind == "csv" else self.tr("JSON file (*.json)")
        suggested = f"events.{kind}"  # a file name
        dialog = QFileDialog(self, self.tr("Export events"), suggested, label)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(kind)
        dialog.fileSelected.connect(lambda path: self._export(kind, path))
        dialog.open()

    def _export(self, kind: str, path: str) -> None:
        try:
            count = self.export_csv(path) if kind == "csv" else self.export_json(path)
        except ConfiguratorError as exc:
            self.count_label.setText(str(exc))
            return
        self.count_label.setText(self.tr("exported {count:,} events").format(count=count))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.eventActivated.emit(self.model.event_at(index.row()))


def _sync_combo(box: QComboBox, names: set[str]) -> None:
    if box.count() - 1 == len(names):
        return
    present = {box.itemData(i) for i in range(1, box.count())}
    for name in sorted(names - present):
        box.addItem(name, name)


def _qdt(value: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(value.astimezone(UTC).timestamp()), QTimeZone.utc())


def _button(text: str, tip: str, *, checkable: bool = False) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setCheckable(checkable)
    return button


__all__: Sequence[str] = ["EVENT_ROLE", "EventPane", "EventTableModel", "cell_text"]
