"""The Maintenance page of a device: configuration backup and restore, firmware upload and
apply, with progress and a one-line result. Reboot and factory reset stay actions (buttons
above this page). What is offered comes from ``device.maintenance()``.

Restore and firmware apply are dangerous: they need the device's name typed, like a factory
reset. A step that fails is reported as failed - never as success - and says what state the
device was left in.
"""

from __future__ import annotations

import asyncio
import html
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.device import Device, FirmwareImage, MaintenanceSpec
from ...core.downloads import DeviceFile, OffersFiles
from ...core.errors import ConfiguratorError, NotSupported
from ...services.private_files import write_private
from ..dialogs.awaitable import Asker, QtAsker, file_filter, size_text
from ..editors.context import EditorContext
from ..editors.panel_parts import button_row, note_label
from ..i18n import param_text, translate
from ..icons import icon
from ..palette import fg_css
from ..widgets import Banner

log = logging.getLogger("configurator.ui.maintenance.maintenance_page")

RESTART_TIMEOUT = 180.0  # s a device may take to come back after a firmware upgrade
RESTART_POLL = 2.0  # s between identity reads while waiting for it


class OperationCancelled(Exception):
    """The user pressed Cancel on a running read (nothing on the device was changed)."""


class Progress(QWidget):
    """A busy bar with the current step, the seconds elapsed and, for an operation that can
    stop at any moment (a read), a Cancel button (hidden when idle)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(False)
        self.label = QLabel(self)
        self.label.setStyleSheet(f"color: {fg_css('#37474f')};")
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.hide()
        self._on_cancel: Callable[[], None] | None = None
        self.cancel_button.clicked.connect(self._cancel_clicked)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        layout.addWidget(self.cancel_button)  # next to the step, not at a far edge
        layout.addStretch(1)
        self.step = ""
        self._started = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self._tick)
        self.hide()

    def start(self, step: str, on_cancel: Callable[[], None] | None = None) -> None:
        self._started = time.monotonic()
        self._on_cancel = on_cancel
        self.cancel_button.setVisible(on_cancel is not None)
        self.cancel_button.setEnabled(True)
        self.set_step(step)
        self._timer.start()
        self.show()

    def _cancel_clicked(self) -> None:
        if self._on_cancel is not None:
            self.cancel_button.setEnabled(False)
            self.set_step(self.tr("Cancelling…"))
            self._on_cancel()

    def set_step(self, step: str) -> None:
        self.step = step
        self._tick()

    def _tick(self) -> None:
        elapsed = time.monotonic() - self._started
        suffix = self.tr("  ({seconds:.0f} s)").format(seconds=elapsed) if elapsed >= 1 else ""
        self.label.setText(self.step + suffix)

    def stop(self) -> None:
        self._timer.stop()
        self.step = ""
        self._on_cancel = None
        self.cancel_button.hide()
        self.hide()


class MaintenancePanel(QWidget):
    """Backup / restore / firmware for one device session."""

    def __init__(self, ctx: EditorContext, spec: MaintenanceSpec,
                 parent: QWidget | None = None, *, files: Sequence[DeviceFile] = ()) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.spec = spec
        self.files = tuple(files)
        self.asker: Asker = QtAsker()
        self.restart_timeout = RESTART_TIMEOUT
        self.restart_poll = RESTART_POLL
        self.busy = False
        self.image: FirmwareImage | None = None  # last firmware checked (shown in the box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(10)
        self.banner = Banner(self)
        layout.addWidget(self.banner)
        self.progress = Progress(self)
        layout.addWidget(self.progress)

        self.config_box = QGroupBox(self.tr("Configuration"), self)
        config = QVBoxLayout(self.config_box)
        kind = spec.config_suffix.lstrip(".").upper() or self.tr("configuration")
        config.addWidget(note_label((
            self.tr("Back up saves the device's own configuration file ({kind}). Restore sends "
                    "such a file back and replaces the device's whole configuration (the device "
                    "restarts).")
            if spec.restore_restarts else
            self.tr("Back up saves the device's own configuration file ({kind}). Restore sends "
                    "such a file back and replaces the device's whole configuration.")
        ).format(kind=kind), self.config_box))
        self.backup_button = QPushButton(icon("save"), self.tr("Back up configuration…"), self)
        self.restore_button = QPushButton(icon("open"), self.tr("Restore configuration…"), self)
        config.addLayout(button_row(self.backup_button, self.restore_button))
        layout.addWidget(self.config_box)

        self.firmware_box = QGroupBox(self.tr("Firmware"), self)
        firmware = QVBoxLayout(self.firmware_box)
        form = QFormLayout()
        self.current_label = QLabel(self.firmware_box)
        self.file_label = QLabel("—", self.firmware_box)
        self.version_label = QLabel("—", self.firmware_box)
        self.version_label.setWordWrap(True)
        form.addRow(self.tr("Running:"), self.current_label)
        form.addRow(self.tr("File:"), self.file_label)
        form.addRow(self.tr("New version:"), self.version_label)
        firmware.addLayout(form)
        self.firmware_button = QPushButton(icon("open"), self.tr("Upload firmware…"), self)
        firmware.addLayout(button_row(self.firmware_button))
        layout.addWidget(self.firmware_box)

        # Logs and packet captures the device offers (core.downloads.OffersFiles).
        self.files_box = QGroupBox(self.tr("Files on the device"), self)
        files_layout = QVBoxLayout(self.files_box)
        files_layout.addWidget(note_label(self.tr(
            "Logs and network captures for support. They are saved readable by you only."),
            self.files_box))
        self.file_buttons: dict[str, QPushButton] = {}
        for item in self.files:
            button = QPushButton(icon("save"), self.tr("Download: {item}…").format(
                item=param_text(item.label)), self)
            button.setToolTip(param_text(item.help))
            button.clicked.connect(
                lambda _=False, f=item: self.ctx.spawn(self.download(f), "download"))
            self.file_buttons[item.id] = button
        files_layout.addLayout(button_row(*self.file_buttons.values()))
        layout.addWidget(self.files_box)
        self.files_box.setVisible(bool(self.files))

        self.note = note_label(param_text(spec.help), self)
        layout.addWidget(self.note)
        layout.addStretch(1)

        self.config_box.setVisible(spec.backup or spec.restore)
        self.backup_button.setVisible(spec.backup)
        self.restore_button.setVisible(spec.restore)
        self.firmware_box.setVisible(spec.firmware)
        self.note.setVisible(bool(spec.help))
        self.backup_button.clicked.connect(lambda: self.ctx.spawn(self.backup(), "backup"))
        self.restore_button.clicked.connect(lambda: self.ctx.spawn(self.restore(), "restore"))
        self.firmware_button.clicked.connect(
            lambda: self.ctx.spawn(self.upgrade_firmware(), "firmware"))
        self._show_current()
        self._update()

    @property
    def offers_anything(self) -> bool:
        return self.spec.backup or self.spec.restore or self.spec.firmware or bool(self.files)

    # -- state ----------------------------------------------------------------------------
    def _update(self) -> None:
        for button in (self.backup_button, self.restore_button, self.firmware_button,
                       *self.file_buttons.values()):
            button.setEnabled(not self.busy)

    def _show_current(self) -> None:
        self.current_label.setText(self.ctx.session.entry.firmware or "unknown")

    def _device(self) -> Device | None:
        device = self.ctx.session.device
        if device is None:
            self.banner.error(self.tr("The device is not connected."))
        return device

    @property
    def device_title(self) -> str:
        return self.ctx.session.title

    async def _run(self, step: str, call: Callable[[], Awaitable[Any]], *,
                   cancellable: bool = False) -> Any:
        """Run one device call with the busy state, the progress and the device's busy ring.

        ``cancellable`` (reads only: a write stopped half-way could leave the device between
        two states): the progress offers Cancel, which stops the call and raises
        :class:`OperationCancelled`; a cancel of the task itself (the window closing) still
        propagates."""
        self.busy = True
        self._update()
        self.banner.clear()  # a new operation: the last one's result no longer applies
        task = asyncio.current_task()
        requested = False

        def cancel() -> None:
            nonlocal requested
            if task is not None and not requested:
                requested = True
                task.cancel()

        self.progress.start(step, cancel if cancellable and task is not None else None)
        try:
            async with self.ctx.manager.busy(self.ctx.session):
                return await call()
        except asyncio.CancelledError:
            if requested and task is not None and task.uncancel() == 0:
                raise OperationCancelled() from None
            raise
        finally:
            self.progress.stop()
            self.busy = False
            self._update()

    async def _file_for_device(self, title: str,
                               name_filter: str) -> tuple[Device, bytes, str] | None:
        """The connected device and the file the user chose to send it (content, name); None
        when the device is not connected (said in the banner) or no file was read."""
        device = self._device()
        if device is None:
            return None
        path = await self.asker.open_path(self, title, name_filter)
        if not path:
            return None
        try:
            return device, Path(path).read_bytes(), Path(path).name
        except OSError as exc:
            self.banner.error(self.tr("Cannot read {value}: {value2}").format(
                value=_h(path), value2=_h(exc.strerror or str(exc))))
            return None

    # -- backup / restore -----------------------------------------------------------------
    async def backup(self) -> str:
        """Read the configuration file and save it; returns the path ("" if not saved)."""
        device = self._device()
        if device is None:
            return ""
        try:
            content, suffix = await self._run(self.tr("Reading the configuration file…"),
                                                device.backup, cancellable=True)
        except OperationCancelled:
            self.banner.info(self.tr("Backup cancelled; nothing was saved."))
            return ""
        except Exception as exc:
            self.banner.error(self.tr("Backup failed: {value}").format(value=_h(_reason(exc))))
            return ""
        stamp = time.strftime("%Y%m%d-%H%M")
        suggested = f"{_stem(self.device_title)}-{stamp}{suffix}"
        path = await self.asker.save_path(
            self, self.tr("Save the configuration of {device}").format(device=self.device_title),
            suggested, file_filter(suffix, self.tr("Configuration")))
        if not path:
            self.banner.info(self.tr("Backup not saved (cancelled)."))
            return ""
        try:
            write_private(path, content)  # a configuration holds passwords
        except OSError as exc:
            self.banner.error(self.tr("Backup not saved: cannot write {value}: "
                              "{value2}").format(
                                  value=_h(path), value2=_h(exc.strerror or str(exc))))
            return ""
        self.banner.success(self.tr("Configuration saved to {value} ({value2}).").format(
            value=_h(path), value2=size_text(len(content))))
        self.ctx.status(self.tr("{device_title}: configuration saved to {path}").format(
            device_title=self.device_title, path=path))
        return path

    # -- files on the device ----------------------------------------------------------------
    async def download(self, item: DeviceFile) -> str:
        """Download one of the device's files and save it; returns the path ("" if not)."""
        device = self._device()
        if device is None or not isinstance(device, OffersFiles):
            return ""
        try:
            content, device_name = await self._run(
                self.tr("Downloading: {item}…").format(item=param_text(item.label)),
                lambda: device.download(item.id), cancellable=True)
        except OperationCancelled:
            self.banner.info(self.tr("Download cancelled; nothing was saved."))
            return ""
        except Exception as exc:
            self.banner.error(self.tr("Download failed ({item}): {reason}").format(
                item=_h(param_text(item.label)), reason=_h(_reason(exc))))
            return ""
        stamp = time.strftime("%Y%m%d-%H%M")
        suggested = f"{_stem(self.device_title)}-{item.id}-{stamp}{item.suffix}"
        path = await self.asker.save_path(
            self, self.tr("Save: {item} of {device}").format(
                item=param_text(item.label), device=self.device_title), suggested,
            file_filter(item.suffix, param_text(item.label)))
        if not path:
            self.banner.info(self.tr("The {item} was not saved (cancelled).").format(
                item=_h(param_text(item.label).lower())))
            return ""
        try:
            write_private(path, content)
        except OSError as exc:
            self.banner.error(self.tr("Not saved: cannot write {value}: "
                              "{value2}").format(
                                  value=_h(path), value2=_h(exc.strerror or str(exc))))
            return ""
        named = (self.tr(" (the device calls it {name})").format(name=_h(device_name))
                 if device_name else "")
        self.banner.success(self.tr("{item} saved to {path} ({size}){named}.").format(
            item=_h(param_text(item.label)), path=_h(path), size=size_text(len(content)),
            named=named))
        self.ctx.status(self.tr("{device}: {item} saved to {path}").format(
            device=self.device_title, item=param_text(item.label), path=path))
        return path

    async def restore(self) -> bool:
        chosen = await self._file_for_device(
            self.tr("Restore the configuration of {device}").format(device=self.device_title),
            file_filter(self.spec.config_suffix, self.tr("Configuration")))
        if chosen is None:
            return False
        device, content, name = chosen
        restart = (self.tr(" The device restarts to apply it.") if self.spec.restore_restarts
                   else "")
        text = self.tr("Replace the <b>whole configuration</b> of <b>{device}</b> with "
                       "<b>{file}</b> ({size})?{restart}<br><br>Settings not in the file may "
                       "return to their defaults. Unsaved edits on other pages of this device "
                       "are not kept.").format(device=_h(self.device_title), file=_h(name),
                                               size=size_text(len(content)), restart=restart)
        if not await self.asker.confirm(self, self.tr("Restore configuration"), text,
                                        phrase=self.device_title, ok_text=self.tr("Restore")):
            self.banner.info(self.tr("Restore cancelled; the device was not changed."))
            return False
        try:
            await self._run(self.tr("Sending {file}…").format(file=name),
                            lambda: device.restore(content, name))
        except Exception as exc:
            self.banner.error(self.tr("Restore failed: {value}").format(value=_h(_reason(exc))))
            return False
        after = (self.tr(" The device restarts now; it is back online in a minute or so.")
                 if self.spec.restore_restarts else
                 self.tr(" The device applies it within about 15 seconds."))
        self.banner.success(self.tr("Configuration {value} accepted by the device.{after} "
                            "Reload open pages to see the restored values.").format(
                                value=_h(name), after=after))
        self.ctx.status(self.tr("{device_title}: configuration restored from {name}").format(
            device_title=self.device_title, name=name))
        return True

    # -- firmware -------------------------------------------------------------------------
    async def upgrade_firmware(self) -> bool:
        """Choose a file, let the device check it, show the version, then apply or reject."""
        chosen = await self._file_for_device(
            self.tr("Firmware for {device}").format(device=self.device_title), file_filter(""))
        if chosen is None:
            return False
        device, content, name = chosen
        try:
            image = await self._run(self.tr("Uploading {file} ({size})…").format(
                file=name, size=size_text(len(content))),
                                    lambda: device.firmware_upload(content, name))
        except Exception as exc:
            self.banner.error(self.tr("Firmware not accepted: {value}").format(
                value=_h(_reason(exc))))
            return False
        self._show_image(image)
        if not await self._confirm_firmware(image):
            return await self._discard(device, image)
        return await self._apply(device, image)

    def _show_image(self, image: FirmwareImage) -> None:
        self.image = image
        self.file_label.setText(self.tr("{file} · {size} · MD5 {md5}").format(
            file=_h(image.filename), size=size_text(image.size), md5=image.md5))
        if image.version:
            version = _h(image.version)
            if image.downgrade:
                version += (f" <span style='color:{fg_css('#b03a2e')}; font-weight:600'>"
                            + self.tr("(DOWNGRADE)") + "</span>")
            if image.note:
                version += f"<br><span style='color:{fg_css('#546e7a')}'>{_h(image.note)}</span>"
        else:
            version = self.tr("not reported before installing (checked by MD5)")
        self.version_label.setText(version)

    async def _confirm_firmware(self, image: FirmwareImage) -> bool:
        current = self.ctx.session.entry.firmware or self.tr("unknown")
        new = image.version or self.tr("the version in the file")
        warning = (f"<br><br><b style='color:{fg_css('#b03a2e')}'>"
                   + self.tr("This is a DOWNGRADE.")
                   + "</b> " + self.tr("Settings made with the newer firmware may be lost.")
                   ) if image.downgrade else ""
        text = self.tr("Install firmware <b>{version}</b> on <b>{device}</b> (running "
                       "{current})?<br>The device restarts and is offline for a few minutes. Do "
                       "not power it off.").format(version=_h(new),
                                                   device=_h(self.device_title),
                                                   current=_h(current)) + warning
        return await self.asker.confirm(self, self.tr("Apply firmware"), text,
                                        phrase=self.device_title,
                                        ok_text=self.tr("Apply firmware"))

    async def _discard(self, device: Device, image: FirmwareImage) -> bool:
        if not image.staged:
            self.banner.info(self.tr("Firmware not applied; nothing was sent to the device."))
            return False
        try:
            await self._run(self.tr("Discarding the uploaded image…"),
                            lambda: device.firmware_reject(image))
        except NotSupported as exc:
            self.banner.warning(self.tr("Firmware not applied. {value}").format(
                value=_h(exc.message)))
            return False
        except Exception as exc:
            self.banner.error(self.tr("Firmware not applied, but discarding it failed: "
                              "{value}").format(value=_h(_reason(exc))))
            return False
        self.version_label.setText(self.version_label.text() + self.tr(" · <i>rejected</i>"))
        self.banner.info(self.tr("Firmware {value} rejected; the device "
                         "keeps its current firmware.").format(
                             value=_h(image.version or image.filename)))
        return False

    async def _apply(self, device: Device, image: FirmwareImage) -> bool:
        self.busy = True
        self._update()
        self.progress.start(self.tr("Applying firmware…"))
        try:
            async with self.ctx.manager.busy(self.ctx.session):
                await device.firmware_apply(image, self.progress.set_step)
            self.progress.set_step(self.tr("Waiting for the device to restart…"))
            running = await self._wait_for_restart(device, image)
        except Exception as exc:
            self.banner.error(self.tr("Firmware upgrade failed: {value}").format(
                value=_h(_reason(exc))))
            return False
        finally:
            self.progress.stop()
            self.busy = False
            self._update()
        if image.version and running != image.version:
            self.banner.error(self.tr("The device is back but runs {value}, not "
                              "{value2}: the upgrade did not take effect.").format(
                                  value=_h(running or 'unknown'), value2=_h(image.version)))
            return False
        self.ctx.session.entry.firmware = running
        self._show_current()
        self.ctx.manager.changed(self.ctx.session)
        self.banner.success(self.tr("Firmware upgrade done: {device} runs {version}.").format(
            device=_h(self.device_title),
            version=_h(running or self.tr("an unreported version"))))
        self.ctx.status(self.tr("{device_title}: firmware {running} running").format(
            device_title=self.device_title, running=running))
        return True

    async def _wait_for_restart(self, device: Device, image: FirmwareImage) -> str:
        """The firmware reported once the device answers again (with the new version when
        the device told us which one). Raises when it does not within ``restart_timeout``."""
        loop = asyncio.get_running_loop()
        end = loop.time() + self.restart_timeout
        last = ""
        while True:
            await asyncio.sleep(self.restart_poll)
            try:
                last = (await device.read_info()).firmware
            except ConfiguratorError:
                last = ""
            # Assumption: without a version from the device (Onetouch) the first answer after
            # the restart delay is the result; the running version is shown as reported.
            if last and (not image.version or last == image.version):
                return last
            if loop.time() >= end:
                seen = (self.tr("it reports {version}").format(version=last) if last
                        else self.tr("it does not answer"))
                raise ConfiguratorError(
                    self.tr("the device did not come back with the new firmware within "
                            "{seconds:.0f} s ({seen})").format(seconds=self.restart_timeout,
                                                                 seen=seen))


def _h(text: str) -> str:
    return html.escape(text, quote=False)


def _stem(title: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in title).strip("-") \
        or "device"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConfiguratorError):
        return str(exc)
    log.error("unexpected error", exc_info=exc)
    return translate("MaintenancePage", "internal error: {error}").format(error=exc)
