"""Site files: new, open (also from the recent list), save / save as, and the
autosave of the inventory whenever devices are added or removed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMenu

from ...core.events import Severity
from ...services.paths import config_dir
from ...services.site import RecentSites, Site, SiteFileError
from ..context import WindowContext
from ..dialogs.awaitable import run_dialog
from ..live.event_log import journal_path
from .device_control import DeviceControl

UNTITLED = "Untitled site"


def save_copy(site: Site, target: Path) -> None:
    """Save the site to ``target`` while it keeps its own path (None for an untitled site)."""
    path = site.path
    site.save(target)
    site.path = path


class SiteControl(QObject):
    """The site file behind the device tree; devices come and go through ``devices``."""

    def __init__(self, ctx: WindowContext, devices: DeviceControl,
                 recent: RecentSites) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.devices = devices
        self.recent = recent
        ctx.site_changed.connect(self.autosave)

    @property
    def site(self) -> Site:
        return self.ctx.site

    def autosave(self) -> None:
        """Devices added/removed are saved at once (# Assumption: the site file is the
        inventory, so it autosaves; an untitled site autosaves to the config dir)."""
        if self.ctx.demo:
            return
        target = self.site.path or config_dir() / "untitled-site.json"
        try:
            self.site.save(target) if self.site.path else save_copy(self.site, target)
        except SiteFileError as exc:
            self.ctx.status(str(exc))

    def new_site(self) -> None:
        self.ctx.spawn(self._replace_site(Site()))

    async def _replace_site(self, site: Site) -> None:
        ctx = self.ctx
        for key in list(ctx.manager.sessions):
            await self.devices.remove_device_keep_site(key)
        ctx.site = site
        ctx.site_renamed.emit()
        ctx.live.open_journal(journal_path(site.path, config_dir(), ctx.demo))
        for entry in list(site.devices):
            self.devices.watch.add_session(entry, ctx.credentials.get(entry.key))
        if site.path:
            self.recent.add(site.path)

    async def open_site(self, path: Path) -> bool:
        try:
            site = Site.load(path)
        except SiteFileError as exc:
            self.ctx.status(str(exc))
            self.ctx.live.note("", str(exc), Severity.ERROR, type_="SiteError")
            return False
        await self._replace_site(site)
        self.ctx.status(self.tr("Opened {path}").format(path=path))
        return True

    async def open_site_dialog(self) -> None:
        dialog = QFileDialog(self.ctx.window, self.tr("Open site"))
        dialog.setNameFilter(self.tr("Site files (*.json);;All files (*)"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        if await run_dialog(dialog) == 1 and dialog.selectedFiles():
            await self.open_site(Path(dialog.selectedFiles()[0]))

    async def save_site_dialog(self, ask: bool = False) -> None:
        ctx = self.ctx
        path = self.site.path
        if ask or path is None:
            dialog = QFileDialog(ctx.window, self.tr("Save site"))
            dialog.setNameFilter(self.tr("Site files (*.json)"))
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
            ctx.status(str(exc))
            return
        await ctx.live.move_journal(journal_path(path, config_dir(), ctx.demo))
        self.recent.add(path)
        ctx.site_renamed.emit()
        ctx.status(self.tr("Saved {path}").format(path=path))

    def fill_recent(self, menu: QMenu) -> None:
        """The File > Open recent menu, filled when it opens."""
        menu.clear()
        paths = self.recent.list()
        if not paths:
            menu.addAction(self.tr("No recent sites")).setEnabled(False)
        for path in paths:
            item = menu.addAction(str(path))
            item.triggered.connect(lambda _=False, p=path: self.ctx.spawn(self.open_site(p)))
