"""Site-scale work in the window: many devices selected in the tree, selections saved as tags
in the site file, bulk edit of the selection and the commissioning report.

A controller like the window's others: it gets the shared context and the tree, owns its
"Site" menu, and reaches the rest of the window only through the context's signals.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QDialog, QFileDialog, QInputDialog, QMenu

from ...core.transport import Credentials
from ...services.sessions import DeviceSession
from ...services.site import SiteDevice
from ...services.site_ops.audit import AuditTrail
from ...services.site_ops.credentials import SiteCredentials
from ...services.site_ops.results import DeviceResult, DeviceStatus
from ...services.site_ops.runner import run_devices
from ..context import WindowContext
from ..devices.tree import KEY_ROLE, DeviceTree
from .bulk_dialog import BulkEditDialog
from .firmware_dialog import FirmwareDialog
from .restore_dialog import RestoreDialog
from .site_progress import SiteProgress


class SiteWork(QObject):
    def __init__(self, ctx: WindowContext, tree: DeviceTree) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.tree = tree
        tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.dialogs: list[QDialog] = []
        self.concurrency: int | None = None  # devices at once (None: the services' default)
        self.last_progress: SiteProgress | None = None
        # the window owns the menu; the menu bar only shows it
        self.menu = QMenu(self.tr("S&ite"), ctx.window)
        self._build_menu()

    # -- selection ------------------------------------------------------------------------
    def selected_sessions(self) -> list[DeviceSession]:
        """The devices selected in the tree (a selected capability node counts for its
        device), in tree order."""
        keys = {index.data(KEY_ROLE) for index in self.tree.selectionModel().selectedRows()}
        return [s for key, s in self.ctx.manager.sessions.items()
                if key in keys and key in self.tree.devices]

    def select(self, keep: Callable[[DeviceSession], bool]) -> int:
        """Select exactly the devices ``keep`` accepts; returns how many."""
        selection = QItemSelection()
        count = 0
        for key, item in self.tree.devices.items():
            session = self.ctx.manager.sessions.get(key)
            if session is not None and keep(session):
                selection.select(item.index(), self.tree.status_items[key].index())
                count += 1
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.tree.selectionModel().select(selection, flags)
        return count

    def _anchor(self) -> DeviceSession | None:
        index = self.tree.currentIndex()
        key = index.data(KEY_ROLE) if index.isValid() else None
        return self.ctx.manager.sessions.get(key) if key else None

    def _select_like_anchor(self, trait: Callable[[SiteDevice], str]) -> int:
        """Select the devices whose ``trait`` is the current device's (none without one)."""
        anchor = self._anchor()
        if anchor is None:
            return 0
        wanted = trait(anchor.entry)
        return self.select(lambda s: trait(s.entry) == wanted)

    def select_same_model(self) -> int:
        return self._select_like_anchor(lambda entry: entry.model)

    def select_same_vendor(self) -> int:
        return self._select_like_anchor(lambda entry: entry.vendor)

    def select_tag(self, tag: str) -> int:
        return self.select(lambda s: tag in s.entry.tags)

    def tags(self) -> list[str]:
        return sorted({t for d in self.ctx.site.devices for t in d.tags}, key=str.lower)

    def tag_selection(self, tag: str) -> int:
        """Save the selection as ``tag`` in the site file (the tag names exactly these
        devices afterwards)."""
        tag = tag.strip()
        if not tag:
            return 0
        chosen = {s.key for s in self.selected_sessions()}
        for entry in self.ctx.site.devices:
            has = tag in entry.tags
            if entry.key in chosen and not has:
                entry.tags.append(tag)
            elif entry.key not in chosen and has:
                entry.tags.remove(tag)
        self.ctx.site_changed.emit()  # the inventory autosaves
        self.ctx.status(self.tr("Selection saved as {tag!r} ({n_chosen} devices)").format(
            tag=tag, n_chosen=len(chosen)))
        return len(chosen)

    # -- menu -----------------------------------------------------------------------------
    def _build_menu(self) -> None:
        def action(text: str, slot: Callable[[], object], shortcut: str = "") -> QAction:
            act = QAction(text, self.ctx.window)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(lambda _=False: slot())
            self.ctx.window.addAction(act)
            self.menu.addAction(act)
            return act

        self.bulk_action = action(self.tr("&Bulk edit selected devices…"), self.open_bulk_edit,
                                  "Ctrl+B")
        self.menu.addSeparator()
        action(self.tr("Select all of this &model"), self.select_same_model)
        action(self.tr("Select all of this &vendor"), self.select_same_vendor)
        self.tags_menu = self.menu.addMenu(self.tr("Select &tag"))
        self.tags_menu.aboutToShow.connect(self._fill_tags)
        action(self.tr("&Save selection as tag…"), self._ask_tag)
        self.menu.addSeparator()
        action(self.tr("&Door test of the selected devices"),
               lambda: self.ctx.spawn(self.door_test()))
        action(self.tr("&Firmware for the selected devices…"), self.open_firmware)
        action(self.tr("Site &backup…"), lambda: self.ctx.spawn(self.backup_dialog()))
        action(self.tr("Re&store the selected device from a site backup…"), self._choose_backup)
        action(self.tr("Commissioning &report…"), lambda: self.ctx.spawn(self.report_dialog()))

    def _fill_tags(self) -> None:
        self.tags_menu.clear()
        tags = self.tags()
        if not tags:
            self.tags_menu.addAction(self.tr("(no tags yet)")).setEnabled(False)
        for tag in tags:
            self.tags_menu.addAction(tag).triggered.connect(
                lambda _=False, t=tag: self.select_tag(t))

    def _ask_tag(self) -> None:
        dialog = QInputDialog(self.ctx.window)
        dialog.setWindowTitle(self.tr("Save selection as tag"))
        dialog.setLabelText(self.tr("Tag for the {value} selected devices "
                            "(e.g. \"floor 2\", \"entrances\"):").format(
                                value=len(self.selected_sessions())))
        dialog.textValueSelected.connect(self.tag_selection)
        dialog.open()

    # -- bulk edit ------------------------------------------------------------------------
    def open_bulk_edit(self) -> BulkEditDialog | None:
        sessions = self.selected_sessions()
        if not sessions:
            self.ctx.status(self.tr("Select devices in the tree first (Ctrl/Shift+click, or Site > "
                            "Select all of this model)"))
            return None
        audit = AuditTrail(None, operation="bulk edit", sink=self.ctx.live.hub.publish)
        dialog = BulkEditDialog(self.ctx.site, sessions, self._spawn, audit, self.ctx.window)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r: self.dialogs.remove(dialog))
        dialog.show()
        return dialog

    def _spawn(self, coro: object) -> object:
        return self.ctx.spawn(coro, name="bulk edit")  # type: ignore[arg-type]

    def snapshots(self) -> Path:
        """Door-test pictures: next to the site file, else in the config dir."""
        from ...services.paths import config_dir
        from ...services.site_ops.doortest import snapshot_dir

        if self.ctx.site.path is not None:
            return snapshot_dir(self.ctx.site.path)
        return config_dir() / ("demo.doortests" if self.ctx.demo else "untitled.doortests")

    def credentials(self) -> SiteCredentials:
        """What the window's sessions log in with, else the keyring."""
        def known(entry: SiteDevice) -> Credentials | None:
            session = self.ctx.manager.sessions.get(entry.key)
            return session.credentials if session is not None else None

        return SiteCredentials(store=self.ctx.credentials, known=known)

    # -- firmware -------------------------------------------------------------------------
    def open_firmware(self) -> FirmwareDialog | None:
        sessions = self.selected_sessions()
        if not sessions:
            self.ctx.status(self.tr("Select devices in the tree first"))
            return None
        audit = AuditTrail(None, operation="firmware", sink=self.ctx.live.hub.publish)
        dialog = FirmwareDialog([s.entry for s in sessions], self.credentials(), self._spawn,
                                audit, self.ctx.window)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r: self.dialogs.remove(dialog))
        dialog.show()
        return dialog

    # -- door test and backup -------------------------------------------------------------
    def _progress(self, title: str, total: int, *, cancellable: bool = True) -> SiteProgress:
        """The progress dialog of a site operation (kept in ``last_progress`` for tests)."""
        dialog = SiteProgress(title, total, self.ctx.window, cancellable=cancellable)
        dialog.show()
        self.last_progress = dialog
        return dialog

    def _concurrency(self) -> dict[str, int]:
        return {} if self.concurrency is None else {"concurrency": self.concurrency}

    async def door_test(self, wait: float = 5.0) -> list[DeviceResult]:
        """Open every door of the selected devices; the results go to the event log and the
        journal (the report shows them)."""
        from ...services.site_ops.doortest import run_door_test

        sessions = [s for s in self.selected_sessions() if s.device is not None]
        if not sessions:
            self.ctx.status(self.tr("Select connected devices in the tree first"))
            return []
        audit = AuditTrail(None, operation="door test", sink=self.ctx.live.hub.publish)
        by_key = {s.key: s for s in sessions}

        async def job(entry: SiteDevice) -> DeviceResult:
            device = by_key[entry.key].device
            assert device is not None
            return await run_door_test(entry, device, wait=wait, audit=audit,
                                       snapshots=self.snapshots())

        self.ctx.status(self.tr("Door test of {n_sessions} device(s)…").format(
            n_sessions=len(sessions)), 0)
        progress = self._progress(self.tr("Door test"), len(sessions))
        try:
            results = await run_devices([s.entry for s in sessions], job,
                                        cancel=progress.stop, progress=progress.progress(),
                                        **self._concurrency())
        finally:
            progress.close()
        doors = [d for r in results for d in r.details.get("doors", [])]
        seen = sum(1 for d in doors if d["seen"])
        self.ctx.status(
            self.tr("Door test: {seen} of {doors} door(s) answered with an event").format(
                seen=seen, doors=len(doors)))
        return results

    async def backup_dialog(self) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self.ctx.window, self.tr("Site backup into"))
        return await self.backup(Path(folder)) if folder else None

    async def backup(self, folder: Path) -> Path:
        from ...services.site_ops.backup import backup_site

        site = self.ctx.site
        self.ctx.status(self.tr("Backing up {n_devices} devices…").format(
            n_devices=len(site.devices)), 0)
        progress = self._progress(self.tr("Site backup"), len(site.devices))
        try:
            done = await backup_site(site, list(site.devices), self.credentials(), folder,
                                     cancel=progress.stop, progress=progress.progress(),
                                     **self._concurrency())
        finally:
            progress.close()
        skipped = [r for r in done.results if r.status is DeviceStatus.NOT_STARTED]
        failed = [r for r in done.results if not r.ok and r not in skipped]
        self.ctx.status(self.tr("Backup in {folder}").format(folder=done.folder) + (
            self.tr("; {count} device(s) failed: ").format(count=len(failed))
            + ", ".join(r.title for r in failed) if failed else "") + (
            self.tr("; {count} device(s) not backed up (cancelled): ").format(
                count=len(skipped)) + ", ".join(r.title for r in skipped) if skipped else ""))
        return done.folder

    def _choose_backup(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.ctx.window, self.tr("Site backup folder"))
        if folder:
            self.open_restore(Path(folder))

    def open_restore(self, folder: Path) -> RestoreDialog | None:
        sessions = self.selected_sessions()
        if len(sessions) != 1:
            self.ctx.status(self.tr("Select the one device to restore in the tree"))
            return None
        audit = AuditTrail(None, operation="restore", sink=self.ctx.live.hub.publish)
        dialog = RestoreDialog(self.ctx.site, sessions[0].entry, folder, self.credentials(),
                               self._spawn, audit, self.ctx.window)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r: self.dialogs.remove(dialog))
        dialog.show()
        self._spawn(dialog.preview())
        return dialog

    # -- report ---------------------------------------------------------------------------
    async def report_dialog(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.ctx.window, self.tr("Commissioning report"),
                                              self.tr("{name}.pdf").format(name=self.ctx.site.name),
                                              self.tr("PDF (*.pdf);;HTML (*.html)"))
        return await self.write_report(Path(path)) if path else None

    async def write_report(self, path: Path) -> Path:
        from ...services.site_ops.report import collect
        from ...services.site_ops.report_html import render_html
        from .report_pdf import write_pdf

        site = self.ctx.site
        credentials = self.credentials()
        self.ctx.status(self.tr("Reading {n_devices} devices for the report…").format(
            n_devices=len(site.devices)), 0)
        # No Cancel: a report is all the devices or nothing (closing the window stops it).
        progress = self._progress(self.tr("Commissioning report"), len(site.devices),
                                  cancellable=False)
        try:
            report, _results = await collect(site, list(site.devices), credentials,
                                             self.ctx.live.journal, snapshots=self.snapshots(),
                                             progress=progress.progress())
        finally:
            progress.close()
        if path.suffix.lower() == ".pdf":
            write_pdf(report, path)
        else:
            path.write_text(render_html(report), encoding="utf-8")
        self.ctx.status(self.tr("Report written to {path}").format(path=path))
        return path
