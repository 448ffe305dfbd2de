"""The device inventory: add a device (connect first, then keep it), remove it from the site
or only from the window, and change its credentials."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from ...core.device import ActionSpec, Device
from ...core.errors import (
    ConfiguratorError,
    DeviceTimeout,
    NotSupported,
    ProtocolError,
    Unreachable,
)
from ...core.params import Kind, ParamSpec
from ...core.transport import Credentials
from ...services.sessions import DeviceSession
from ...services.site import SiteDevice
from ..context import WindowContext, credentials_from
from ..dialogs.add_device import AUTO_SCHEME, AddDeviceDialog
from ..dialogs.awaitable import ArgsDialog, run_dialog
from ..messages import user_message
from .session_watch import SessionWatch

log = logging.getLogger("configurator.ui")
# What an HTTPS attempt of "auto" may run into where the device only speaks plain HTTP.
NO_TLS_THERE = (Unreachable, DeviceTimeout, ProtocolError, NotSupported)


class DeviceControl(QObject):
    """Adding, removing and re-authenticating devices; ``current`` gives the selected one."""

    def __init__(self, ctx: WindowContext, watch: SessionWatch,
                 current: Callable[[], DeviceSession | None]) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.watch = watch
        self.current = current
        ctx.settings_applied.connect(self.settings_applied)

    async def add_device_dialog(self) -> None:
        ctx = self.ctx
        warning = ctx.credentials.take_warning()
        if warning:
            ctx.status(warning, 15000)
        dialog = AddDeviceDialog(self.add_device, ctx.spawn, ctx.window,
                                 persistent_credentials=ctx.credentials.persistent)
        await run_dialog(dialog)

    async def add_device(self, entry: SiteDevice, creds: Credentials | None,
                         remember: bool = True) -> str:
        """Connect to a new device; returns an error message, or "" when it was added.
        With the scheme ``auto``, HTTPS is tried first and plain HTTP only when nothing
        speaks TLS there (refused, no TLS, no answer); a certificate the user rejects or
        wrong credentials end it (the device does speak HTTPS)."""
        schemes = ("https", "http") if entry.scheme == AUTO_SCHEME else (entry.scheme,)
        skipped: ConfiguratorError | None = None
        for scheme in schemes:
            candidate = dataclasses.replace(entry, scheme=scheme)
            if self.ctx.site.find(candidate.key) is not None:
                return self.tr("{address} is already in this site.").format(
                    address=candidate.endpoint.base_url)
            probe = DeviceSession(candidate, creds)
            try:
                device = await self.ctx.manager.connect(probe)
            except ConfiguratorError as exc:
                if scheme != schemes[-1] and isinstance(exc, NO_TLS_THERE):
                    skipped = exc
                    continue
                message = user_message(exc, entry.address)
                if skipped is not None:
                    message += self.tr(" (HTTPS was tried first: {reason})").format(
                        reason=skipped.message)
                return message
            except Exception as exc:  # a driver bug: say so, never a traceback
                log.exception("adding %s failed", entry.address)
                return user_message(exc, entry.address)
            self._keep_new_device(candidate, creds, remember, device, probe)
            return ""
        return user_message(skipped or ConfiguratorError(self.tr("no scheme to try")),
                            entry.address)

    def _keep_new_device(self, entry: SiteDevice, creds: Credentials | None, remember: bool,
                         device: Device, probe: DeviceSession) -> None:
        ctx = self.ctx
        if creds is not None:
            ctx.credentials.put(entry.key, creds, remember=remember and not ctx.demo)
        session = self.watch.add_session(entry, creds, device)
        session.capabilities = probe.capabilities
        ctx.manager.changed(session)
        ctx.site_changed.emit()
        ctx.status(self.tr("Added {device} at {address}").format(
            device=entry.title, address=entry.endpoint.base_url))

    async def remove_device_dialog(self) -> None:
        session = self.current()
        if session is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Remove device"),
                          self.tr("Remove {device} ({address}) from this site?").format(
                              device=session.title, address=session.entry.address)
                          + (self.tr("\n\nIts unsaved changes will be lost.")
                             if session.dirty else ""),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self.ctx.window)
        if await run_dialog(box) in (QMessageBox.StandardButton.Yes, 1):
            await self.remove_device(session.key)

    def settings_applied(self, session: DeviceSession) -> None:
        """Settings of ``session``'s device were written: settings this program keeps for
        the device go into the site file (autosaved)."""
        if session.device is not None:
            kept = session.device.program_settings()
            entry = self.ctx.site.find(session.key) or session.entry
            if kept != entry.settings:
                entry.settings = session.entry.settings = kept
                self.ctx.site_changed.emit()

    async def remove_device(self, key: str) -> None:
        """Cancel the device's tasks, close its client and drop it everywhere."""
        ctx = self.ctx
        await self.remove_device_keep_site(key)
        ctx.site.remove(key)
        ctx.credentials.delete(key)
        if ctx.drafts is not None:
            ctx.drafts.discard_device(key)
        ctx.site_changed.emit()

    async def remove_device_keep_site(self, key: str) -> None:
        """Drop the device from the window (tasks, client, editors, tree), not from the site."""
        await self.watch.release_device(key)
        await self.ctx.manager.remove(key)
        self.watch.forget(key)
        self.ctx.device_dropped.emit(key)

    async def credentials_dialog(self) -> None:
        ctx = self.ctx
        session = self.current()
        if session is None:
            return
        spec = ActionSpec("credentials", self.tr("Credentials"), params=(
            ParamSpec("user", self.tr("User"), Kind.STRING,
                      default=session.entry.user or "admin"),
            ParamSpec("password", self.tr("Password"), Kind.SECRET)))
        dialog = ArgsDialog(spec, session.title, ctx.window)
        if await run_dialog(dialog) != 1:
            return
        creds = credentials_from(dialog.form.values())
        session.entry.user = creds.user
        ctx.credentials.put(session.key, creds, remember=not ctx.demo)
        await self.watch.release_device(session.key)
        await ctx.manager.remove(session.key)
        ctx.editors_stale.emit(session.key)  # open pages talk to the old session
        self.watch.forget(session.key)
        ctx.manager.add(session.entry, creds)
        new = ctx.manager.get(session.key)
        assert new is not None
        self.watch.start_monitor(new)
        ctx.site_changed.emit()
