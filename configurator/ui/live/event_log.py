"""The main window's live event log: an EventHub over the site's devices feeding the EventPane
and the SQLite journal, plus a small list of every event source and its state.

    live = LiveLog(parent)                 # live.widget goes into the "Event log" dock
    live.open_journal(path)                # per site; reloads the newest events into the pane
    live.follow(key, address, title, device.events)
    live.note(address, "2N IP Verso online", type_="DeviceOnline")   # a local-source event
    await live.aclose()                    # on shutdown: hub tasks, journal flush

Events of the program itself (device online/offline, action results) are DeviceEvents of the
local source ``configurator`` published through the same hub, so they are journaled too.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.events import DeviceEvent, Severity, SourceState, now_utc
from ...live.hub import EventHub
from ...live.journal import EventJournal, JournalError
from ..i18n import translate
from ..palette import fg
from .event_table import EventPane

log = logging.getLogger("configurator.ui.live.event_log")

LOCAL_SOURCE = "configurator"
HISTORY_ROWS = 5000  # newest journal rows shown again after a restart
JOURNAL_MAX_EVENTS = 200_000  # retention limit of a site's journal
# Assumption: a device whose stream opened without error for this long is shown "live" even
# before its first event (the hub's own default of 2 s makes the list look stuck on start).
SETTLE_SECONDS = 0.5

_STATE_COLOURS = {
    SourceState.LIVE: "#2e7d32",
    SourceState.CONNECTING: "#546e7a",
    SourceState.RETRYING: "#b26a00",
    SourceState.DISABLED: "#8e8e8e",
    SourceState.STOPPED: "#8e8e8e",
}


def journal_path(site_path: Path | None, config: Path, demo: bool) -> Path:
    """Where a site's journal lives: next to the site file, else in the config dir."""
    if demo:
        return config / "demo-events.sqlite"
    if site_path is None:
        return config / "untitled-events.sqlite"
    return site_path.with_name(site_path.stem + ".events.sqlite")


class SourceList(QTreeWidget):
    """One row per device event stream: device, state, last message."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels([self.tr("Event source"), self.tr("State")])
        self.setRootIsDecorated(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.items: dict[str, QTreeWidgetItem] = {}

    def set_state(self, key: str, title: str, state: SourceState, message: str) -> None:
        item = self.items.get(key)
        if item is None:
            item = QTreeWidgetItem([title, ""])
            item.setData(0, Qt.ItemDataRole.UserRole, key)
            self.items[key] = item
            self.addTopLevelItem(item)
        item.setText(0, title)
        item.setText(1, str(state))
        item.setForeground(1, fg(_STATE_COLOURS.get(state, "#546e7a")))
        tip = f"{key}: {state}" + (f" — {message}" if message else "")  # state: a code
        item.setToolTip(0, tip)
        item.setToolTip(1, tip)

    def remove(self, key: str) -> None:
        item = self.items.pop(key, None)
        if item is not None:
            self.takeTopLevelItem(self.indexOfTopLevelItem(item))

    def state_of(self, key: str) -> str:
        item = self.items.get(key)
        return item.text(1) if item is not None else ""


class EventLogWidget(QWidget):
    """The Event log dock's content: the event table with the source list at its right."""

    sourceActivated = Signal(str)  # device key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pane = EventPane(self)
        self.sources = SourceList(self)
        self.sources.setMinimumWidth(200)  # a source's name and state stay readable
        self.sources.itemDoubleClicked.connect(
            lambda item, _c: self.sourceActivated.emit(item.data(0, Qt.ItemDataRole.UserRole)))
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.pane)
        splitter.addWidget(self.sources)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([900, 220])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)


class LiveLog:
    """Hub + journal + widgets; see the module docstring."""

    def __init__(self, parent: QWidget | None = None, *, settle: float = SETTLE_SECONDS,
                 history: int = HISTORY_ROWS, max_events: int = JOURNAL_MAX_EVENTS) -> None:
        self.widget = EventLogWidget(parent)
        self.pane = self.widget.pane
        self.sources = self.widget.sources
        self.hub = EventHub(settle=settle)
        self.history = history
        self.max_events = max_events
        self.journal: EventJournal | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self.titles: dict[str, str] = {}
        self.hub.subscribe(self.pane.add_event)
        self.hub.subscribe(self._journal_event)
        self.hub.subscribe_state(self._state_changed)

    # -- journal --------------------------------------------------------------------------
    def open_journal(self, path: Path) -> int:
        """Switch to the journal at ``path`` and show its newest events; returns how many.
        The previous journal is flushed and closed in the background (``aclose`` waits)."""
        self._retire_journal()
        self.pane.model.clear()
        try:
            self.journal = EventJournal(path, max_events=self.max_events)
            history = self.journal.search(limit=self.history, newest_first=True)
        except JournalError as exc:
            self.journal = None
            self.note("", translate("LiveLog", "event history unavailable: {exc}").format(
                exc=exc), Severity.WARNING)
            return 0
        history.reverse()
        self.pane.add_events(history)
        self.pane.flush()
        self.journal.start_autoflush()
        return len(history)

    async def move_journal(self, path: Path) -> bool:
        """The site is now saved at another path: its event history goes along (merged into
        a journal already there; copied in the journal's writer thread) and new events go
        there. On failure the old journal stays in use and the note says why; returns whether
        the journal moved. Events arriving during the copy are queued in the old journal and
        handed to the new one."""
        old = self.journal
        if old is None or Path(old.path) == path:
            return False
        try:
            copied = await old.copy_to_in_writer(path)
            new = EventJournal(path, max_events=self.max_events)
        except JournalError as exc:
            self.note("", translate("LiveLog", "event history stays in {path}: {exc}").format(
                path=old.path, exc=exc), Severity.WARNING)
            old.start_autoflush()
            return False
        if self.journal is not old:  # another site was opened meanwhile
            new.close()
            return False
        new.add_many(old.take_queued())
        self._retire_journal()
        self.journal = new
        new.start_autoflush()
        log.info("event history (%d events) copied to %s", copied, path)
        return True

    def _retire_journal(self) -> None:
        journal, self.journal = self.journal, None
        if journal is not None:
            task = asyncio.ensure_future(journal.aclose())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    def _journal_event(self, event: DeviceEvent) -> None:
        if self.journal is not None:
            try:
                self.journal.add(event)
            except JournalError as exc:
                log.warning("%s", exc)

    # -- sources --------------------------------------------------------------------------
    def follow(self, key: str, address: str, title: str, events) -> None:
        """Start (or restart) following a device's ``events`` factory under ``key``."""
        self.titles[key] = _label(title, address)
        self.pane.model.names[address] = title
        self.hub.add_device(key, events)

    def rename(self, key: str, address: str, title: str) -> None:
        self.pane.model.names[address] = title
        label = _label(title, address)
        if key in self.titles and self.titles[key] != label:
            self.titles[key] = label
            state, message = self.hub.states.get(key, (SourceState.STOPPED, ""))
            self.sources.set_state(key, label, state, message)

    async def unfollow(self, key: str) -> None:
        await self.hub.aremove_device(key)
        self.titles.pop(key, None)
        self.sources.remove(key)

    def _state_changed(self, key: str, state: SourceState, message: str) -> None:
        if key in self.titles:
            self.sources.set_state(key, self.titles[key], state, message)

    def note(self, address: str, text: str, severity: Severity = Severity.INFO, *,
             type_: str = "Note") -> None:
        """An event of the program itself about a device (journaled like any other)."""
        self.hub.publish(DeviceEvent(device=address, type=type_, utc=now_utc(), summary=text,
                                     severity=severity, source=LOCAL_SOURCE))

    async def aclose(self) -> None:
        await self.hub.aclose()
        self._retire_journal()
        while self._closing:
            await asyncio.gather(*list(self._closing), return_exceptions=True)


def _label(title: str, address: str) -> str:
    return title if title == address else f"{title} · {address}"
