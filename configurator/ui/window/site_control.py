"""Main window site files: new, open (also from the recent list), save / save as, and the
autosave of the inventory whenever devices are added or removed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from ...core.events import Severity
from ...services.paths import config_dir
from ...services.site import Site, SiteFileError
from ..dialogs.awaitable import run_dialog
from ..live.event_log import journal_path

UNTITLED = "Untitled site"


def save_copy(site: Site, target: Path) -> None:
    """Save the site to ``target`` while it keeps its own path (None for an untitled site)."""
    path = site.path
    site.save(target)
    site.path = path


class SiteControl:
    """Mixin of ``MainWindow``: the site file behind the device tree."""

    def _site_changed(self) -> None:
        """Devices added/removed are saved at once (# Assumption: the site file is the
        inventory, so it autosaves; an untitled site autosaves to the config dir)."""
        if self.demo:
            return
        target = self.site.path or config_dir() / "untitled-site.json"
        try:
            self.site.save(target) if self.site.path else save_copy(self.site, target)
        except SiteFileError as exc:
            self.status(str(exc))

    def new_site(self) -> None:
        self.spawn(self._replace_site(Site()))

    async def _replace_site(self, site: Site) -> None:
        for key in list(self.manager.sessions):
            await self.remove_device_keep_site(key)
        self.site = site
        self._refresh_title()
        self.live.open_journal(journal_path(site.path, config_dir(), self.demo))
        for entry in list(site.devices):
            self.add_session(entry, self.credentials.get(entry.key))
        if site.path:
            self.recent.add(site.path)

    async def open_site(self, path: Path) -> bool:
        try:
            site = Site.load(path)
        except SiteFileError as exc:
            self.status(str(exc))
            self.live.note("", str(exc), Severity.ERROR, type_="SiteError")
            return False
        await self._replace_site(site)
        self.status(f"Opened {path}")
        return True

    async def open_site_dialog(self) -> None:
        dialog = QFileDialog(self, "Open site")
        dialog.setNameFilter("Site files (*.json);;All files (*)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        if await run_dialog(dialog) == 1 and dialog.selectedFiles():
            await self.open_site(Path(dialog.selectedFiles()[0]))

    async def save_site_dialog(self, ask: bool = False) -> None:
        path = self.site.path
        if ask or path is None:
            dialog = QFileDialog(self, "Save site")
            dialog.setNameFilter("Site files (*.json)")
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("json")
            if await run_dialog(dialog) != 1 or not dialog.selectedFiles():
                return
            path = Path(dialog.selectedFiles()[0])
            if self.site.name == UNTITLED:
                self.site.name = path.stem
        try:
            self.site.save(path)
        except SiteFileError as exc:
            self.status(str(exc))
            return
        await self.live.move_journal(journal_path(path, config_dir(), self.demo))
        self.recent.add(path)
        self._refresh_title()
        self.status(f"Saved {path}")

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.recent.list()
        if not paths:
            self.recent_menu.addAction("No recent sites").setEnabled(False)
        for path in paths:
            item = self.recent_menu.addAction(str(path))
            item.triggered.connect(lambda _=False, p=path: self.spawn(self.open_site(p)))
