"""The Call log page's recordings: search a PBX's call recordings by kind, extension, dates
and call type, list them, and download the selected ones with progress and Cancel
(``core.recordings.CallRecordings``; FCM5600 ``call-log/search-*-recording-page`` and
``/pbx/play/*-recording``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QWidget,
)

from ...core.errors import ConfiguratorError
from ...core.recordings import CallRecordings, safe_file_name
from ...services.private_files import write_private
from ..dialogs.awaitable import size_text
from ..icons import icon
from ..palette import fg_css
from .context import EditorContext
from .panel_parts import DevicePanel, escaped, list_table, panel_top, reason

log = logging.getLogger(__name__)

#: The "any day" value of the date boxes (their minimum, shown as a word).
ANY_DAY = QDate(2000, 1, 1)


class RecordingsPanel(DevicePanel[CallRecordings]):
    """Find call recordings on a PBX and save their sound files (readable by the user only)."""

    COLUMNS = ("startTime", "callSrc", "callTo", "callType", "callStatus", "timeLength",
               "FileName")

    def __init__(self, ctx: EditorContext, device: CallRecordings,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, device, parent)
        self.rows: list[dict[str, Any]] = []
        self.saved: list[tuple[Path, int]] = []  # what the last download wrote
        self._job: asyncio.Future[None] | None = None

        layout, self.banner = panel_top(self, self.tr(
            "Recordings of calls on extensions that record (Extensions → Call recording), of "
            "conferences and of One Touch calls. A recording is personal data: the files are "
            "saved readable by you only."))

        filters = QHBoxLayout()
        self.kind_box = QComboBox(self)
        for kind, label in (("general", self.tr("Calls")), ("conference", self.tr("Conferences")),
                            ("onetouch", self.tr("One Touch"))):
            self.kind_box.addItem(label, kind)
        self.extension_edit = QLineEdit(self)
        self.extension_edit.setPlaceholderText(self.tr("any"))
        self.extension_edit.setMaxLength(32)
        self.extension_edit.setFixedWidth(90)
        self.extension_edit.setToolTip(self.tr("Calls from or to this extension"))
        self.from_edit = self._date_box()
        self.to_edit = self._date_box()
        self.type_box = QComboBox(self)
        for call_type, label in (("all", self.tr("All")), ("incoming", self.tr("Incoming")),
                                 ("outgoing", self.tr("Outgoing")),
                                 ("internal", self.tr("Internal"))):
            self.type_box.addItem(label, call_type)
        self.search_button = QPushButton(icon("refresh"), self.tr("Search"), self)
        self.search_button.setDefault(True)
        for text, widget in ((self.tr("Recordings of:"), self.kind_box),
                             (self.tr("Extension:"), self.extension_edit),
                             (self.tr("From:"), self.from_edit), (self.tr("To:"), self.to_edit),
                             (self.tr("Calls:"), self.type_box)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
            filters.addSpacing(6)
        filters.addWidget(self.search_button)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.table = list_table(self, [
            self.tr("Started"), self.tr("From"), self.tr("To"), self.tr("Type"),
            self.tr("Status"), self.tr("Length"), self.tr("File on the PBX")],
            QAbstractItemView.SelectionMode.ExtendedSelection)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet(f"color: {fg_css('#546e7a')};")

        actions = QHBoxLayout()
        self.download_button = QPushButton(icon("save"), self.tr("Download selected…"), self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.hide()
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)  # the label says "Downloading 2 of 3…"
        self.progress.hide()
        self.progress_label = QLabel(self)
        self.progress_label.setStyleSheet(f"color: {fg_css('#37474f')};")
        actions.addWidget(self.count_label)
        actions.addStretch(1)
        actions.addWidget(self.progress_label)
        actions.addWidget(self.progress)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.download_button)
        layout.addLayout(actions)

        self.search_button.clicked.connect(lambda: self.ctx.spawn(self.search(), "recordings"))
        self.extension_edit.returnPressed.connect(self.search_button.click)
        self.download_button.clicked.connect(
            lambda: self.ctx.spawn(self.download(), "download recordings"))
        self.cancel_button.clicked.connect(self.cancel)
        self.table.itemSelectionChanged.connect(self._update)
        self._show_count()
        self._update()

    def _date_box(self) -> QDateEdit:
        box = QDateEdit(self)
        box.setCalendarPopup(True)
        box.setDisplayFormat("yyyy-MM-dd")
        box.setMinimumDate(ANY_DAY)
        box.setSpecialValueText(self.tr("any day"))
        box.setDate(ANY_DAY)
        return box

    # -- state ----------------------------------------------------------------------------
    def _update(self) -> None:
        for widget in (self.search_button, self.kind_box, self.extension_edit, self.from_edit,
                       self.to_edit, self.type_box):
            widget.setEnabled(not self.busy)
        self.download_button.setEnabled(not self.busy and bool(self.selected()))

    def _show_count(self, searched: bool = False) -> None:
        n = len(self.rows)
        if not searched:
            self.count_label.setText(self.tr("Choose what to look for, then Search."))
        elif n == 0:
            self.count_label.setText(self.tr("No recordings match."))
        elif n == 1:
            self.count_label.setText(self.tr("1 recording; select it to download it."))
        else:
            self.count_label.setText(self.tr("{0} recordings, newest first; select the ones "
                                             "to download.").format(n))

    def selected(self) -> list[dict[str, Any]]:
        """The recordings whose rows are selected, in table order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.rows[r] for r in rows if r < len(self.rows)]

    def _day(self, box: QDateEdit) -> str:
        return "" if box.date() == ANY_DAY else box.date().toString("yyyy-MM-dd")

    # -- search ---------------------------------------------------------------------------
    async def search(self) -> bool:
        """Ask the PBX for the recordings matching the filters and list them."""
        first, last = self._day(self.from_edit), self._day(self.to_edit)
        if first and last and first > last:
            self.banner.error(self.tr("The first day ({0}) is after the last day ({1}).")
                              .format(first, last))
            return False
        if self.ctx.session.device is None:
            self.banner.error(self.tr("The PBX is not connected."))
            return False
        self.banner.info(self.tr("Searching…"))
        try:
            async with self._request():
                rows = await self.device.recordings(
                    str(self.kind_box.currentData()),
                    extension=self.extension_edit.text().strip(),
                    date_from=first, date_to=last, call_type=str(self.type_box.currentData()))
        except Exception as exc:
            self.banner.error(self.tr("The search failed: {0}").format(escaped(reason(exc, log))))
            return False
        self.banner.clear()
        self._fill(rows)
        return True

    def _fill(self, rows: Sequence[dict[str, Any]]) -> None:
        self.rows = list(rows)
        self.table.clearSelection()
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, key in enumerate(self.COLUMNS):
                item = QTableWidgetItem(self._cell(row, key))
                if key == "timeLength":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if key == "FileName":
                    item.setToolTip(str(row.get("FileName") or ""))
                if key == "callSrc" and row.get("callFrom"):
                    item.setToolTip(self.tr("Caller: {0}").format(row["callFrom"]))
                self.table.setItem(r, c, item)
        self._show_count(searched=True)
        self._update()

    def _words(self) -> dict[str, str]:
        """The document's call types and statuses in words (others are shown as sent)."""
        return {"incoming": self.tr("Incoming"), "outgoing": self.tr("Outgoing"),
                "internal": self.tr("Internal"), "ANSWERED": self.tr("Answered"),
                "BUSY": self.tr("Busy"), "FAILED": self.tr("Failed"),
                "NOANSWER": self.tr("No answer"), "NO ANSWER": self.tr("No answer")}

    def _cell(self, row: dict[str, Any], key: str) -> str:
        value = row.get(key)
        if key in ("callType", "callStatus"):
            return self._words().get(str(value or ""), "" if value is None else str(value))
        if key == "timeLength":
            return self.tr("{0} s").format(value) if value not in (None, "") else ""
        if key == "FileName":
            return safe_file_name(str(value or row.get("playUrl") or ""))
        return "" if value is None else str(value)

    # -- download -------------------------------------------------------------------------
    async def download(self) -> list[Path]:
        """Save the selected recordings: one to a file the user names, several into a folder
        the user chooses. Returns the files written (also when cancelled part-way)."""
        chosen = [r for r in self.selected() if r.get("playUrl")]
        if not chosen:
            self.banner.warning(self.tr("Select one or more recordings first."))
            return []
        targets = await self._targets(chosen)
        if not targets:
            self.banner.info(self.tr("Nothing was downloaded (cancelled)."))
            return []
        self.saved = []
        self.busy = True
        self.banner.clear()
        self.progress.setRange(0, len(chosen))
        self.progress.setValue(0)
        for widget in (self.progress, self.progress_label, self.cancel_button):
            widget.show()
        self.count_label.hide()  # the bottom row is the download's while it runs
        self._update()
        job = asyncio.ensure_future(self._fetch(chosen, targets))
        self._job = job
        try:
            async with self.ctx.manager.busy(self.ctx.session):
                await job
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if not job.cancelled() or (task is not None and task.cancelling()):
                raise  # the window is closing: not the Cancel button
            self.banner.info(self.tr("Download cancelled. {0}").format(self._saved_text(
                len(chosen))))
        except Exception as exc:
            done = len(self.saved)
            name = safe_file_name(str(chosen[done]["playUrl"])) if done < len(chosen) else ""
            self.banner.error(self.tr("Download of {0} failed: {1}. {2}").format(
                escaped(name), escaped(reason(exc, log)), self._saved_text(len(chosen))))
        else:
            self.banner.success(self._saved_text(len(chosen)))
            self.ctx.status(self.tr("{0}: recordings saved to {1}").format(
                self.ctx.session.title, self.saved[0][0].parent))
        finally:
            self._job = None
            self.busy = False
            for widget in (self.progress, self.progress_label, self.cancel_button):
                widget.hide()
            self.count_label.show()
            self._update()
        return [path for path, _ in self.saved]

    def cancel(self) -> None:
        """Stop the download in progress (the recording in flight is not written)."""
        if self._job is not None and not self._job.done():
            self._job.cancel()

    async def _targets(self, chosen: Sequence[dict[str, Any]]) -> list[Path]:
        if len(chosen) == 1:
            name = safe_file_name(str(chosen[0]["playUrl"]))
            path = await self.asker.save_path(
                self, self.tr("Save the recording {0}").format(name), name,
                self.tr("Sound files (*.wav *.gsm *.mp3 *.ogg);;All files (*)"))
            return [Path(path)] if path else []
        folder = await self.asker.folder_path(
            self, self.tr("Folder for {0} recordings").format(len(chosen)))
        if not folder:
            return []
        taken: set[str] = set()
        return [_free_path(Path(folder), safe_file_name(str(row["playUrl"])), taken)
                for row in chosen]

    async def _fetch(self, chosen: Sequence[dict[str, Any]], targets: Sequence[Path]) -> None:
        for number, (row, target) in enumerate(zip(chosen, targets, strict=True), 1):
            self.progress_label.setText(self.tr("Downloading recording {0} of {1}…").format(
                number, len(chosen)))
            self.progress_label.setToolTip(target.name)
            content = await self.device.download_recording(str(row["playUrl"]))
            try:
                write_private(str(target), content)  # a call is personal data
            except OSError as exc:
                raise ConfiguratorError(self.tr("cannot write {0}: {1}").format(
                    target, exc.strerror or exc)) from exc
            self.saved.append((target, len(content)))
            self.progress.setValue(number)

    def _saved_text(self, wanted: int) -> str:
        if not self.saved:
            return self.tr("No recording was saved.")
        size = size_text(sum(n for _, n in self.saved))
        if wanted == 1:
            where = escaped(str(self.saved[0][0]))
        else:
            where = self.tr("the folder {0}").format(escaped(str(self.saved[0][0].parent)))
        if wanted == 1:
            return self.tr("The recording was saved to {0} ({1}).").format(where, size)
        if len(self.saved) == wanted:
            return self.tr("All {0} recordings were saved to {1} ({2}).").format(
                wanted, where, size)
        return self.tr("{0} of {1} recordings saved to {2} ({3}).").format(
            len(self.saved), wanted, where, size)


def _free_path(folder: Path, name: str, taken: set[str]) -> Path:
    """``folder/name``, or ``name-2``, ``name-3``… when a file of that name exists already
    (or another recording of this download has it): a download never overwrites."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, n = name, 1
    while candidate in taken or (folder / candidate).exists():
        n += 1
        candidate = f"{stem}-{n}.{suffix}" if suffix else f"{stem}-{n}"
    taken.add(candidate)
    return folder / candidate

