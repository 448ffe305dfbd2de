"""Bottom dock placeholder: a live list of device events (the full event log comes later).

Events are buffered and inserted in batches by a timer, never one widget update per event.
"""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from ..core.events import DeviceEvent, Severity

MAX_ROWS = 2000
_COLOURS = {Severity.WARNING: "#7e5109", Severity.ERROR: "#922b21", Severity.DEBUG: "#7f8c8d"}


class EventPane(QTreeWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setColumnCount(4)
        self.setHeaderLabels(["Time", "Device", "Event", "Details"])
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformRowHeights(True)
        header = self.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.setColumnWidth(0, 150)
        self.setColumnWidth(1, 160)
        self.setColumnWidth(2, 170)
        self._pending: deque[DeviceEvent] = deque(maxlen=MAX_ROWS)
        self._timer = QTimer(self)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.flush)
        self._timer.start()
        self.names: dict[str, str] = {}

    def add_event(self, event: DeviceEvent) -> None:
        self._pending.append(event)

    def add_note(self, device: str, text: str, severity: Severity = Severity.INFO) -> None:
        from ..core.events import now_utc

        self.add_event(DeviceEvent(device=device, type="status", utc=now_utc(),
                                   summary=text, severity=severity))

    def flush(self) -> None:
        if not self._pending:
            return
        items = []
        while self._pending:
            event = self._pending.popleft()
            local = event.utc.astimezone()
            item = QTreeWidgetItem([local.strftime("%Y-%m-%d %H:%M:%S"),
                                    self.names.get(event.device, event.device),
                                    event.type, event.summary or _params(event)])
            colour = _COLOURS.get(event.severity)
            if colour:
                for column in range(4):
                    item.setForeground(column, QColor(colour))
            items.append(item)
        self.insertTopLevelItems(0, list(reversed(items)))
        overflow = self.topLevelItemCount() - MAX_ROWS
        for _ in range(max(overflow, 0)):
            self.takeTopLevelItem(self.topLevelItemCount() - 1)


def _params(event: DeviceEvent) -> str:
    return ", ".join(f"{k}={v}" for k, v in event.params.items())
