"""Progress of a site operation over its devices, with Cancel (between devices).

A non-modal ``QProgressDialog`` (the window stays usable): the bar counts finished devices,
the label names the device being worked on; Cancel asks the runner to start no further device
- the devices in progress finish, the others are reported "not started", nothing is left
half-done on a device."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QPushButton, QWidget

from ...services.site import SiteDevice
from ...services.site_ops.results import DeviceResult
from ...services.site_ops.runner import Cancel, Progress


class SiteProgress(QProgressDialog):
    def __init__(self, title: str, total: int, parent: QWidget | None = None, *,
                 cancellable: bool = True) -> None:
        super().__init__(parent)
        bar = QProgressBar(self)
        bar.setFormat(self.tr("%v of %m devices"))
        self.setBar(bar)
        self.setWindowTitle(title)
        self.setLabelText(title)
        self.setRange(0, max(total, 1))
        self.setValue(0)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setMinimumWidth(420)
        self.stop = Cancel()
        self.finished_devices = 0
        # Cancel does not close the dialog: it says what happens until the run ends.
        self.canceled.disconnect()
        self.canceled.connect(self._cancel_requested)
        if cancellable:
            self.setCancelButtonText(self.tr("Cancel"))
        else:
            self.setCancelButton(None)  # type: ignore[arg-type]

    def progress(self) -> Progress:
        return Progress(on_start=self._started, on_done=self._done)

    def _started(self, entry: SiteDevice) -> None:
        if not self.stop.requested:
            self.setLabelText(self.tr("{device}…").format(device=entry.title))

    def _done(self, result: DeviceResult) -> None:
        self.finished_devices += 1
        self.setValue(min(self.finished_devices, self.maximum()))

    def _cancel_requested(self) -> None:
        self.stop.cancel()
        self.setLabelText(self.tr("Cancelling: the devices in progress finish, the others are "
                                  "left untouched."))
        for button in self.findChildren(QPushButton):
            button.setEnabled(False)
