"""Summary page of one device (shown when the device node itself is selected)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from ...services.sessions import DeviceSession
from ..widgets import Banner
from .tree import status_text


class DevicePage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        self.title = QLabel(self)
        layout.addWidget(self.title)
        self.banner = Banner(self)
        layout.addWidget(self.banner)
        box = QGroupBox(self.tr("Identity"), self)
        form = QFormLayout(box)
        self.fields: dict[str, QLabel] = {}
        names = {"Vendor": self.tr("Vendor"), "Model": self.tr("Model"),
                 "Address": self.tr("Address"), "Serial number": self.tr("Serial number"),
                 "MAC address": self.tr("MAC address"), "Firmware": self.tr("Firmware"),
                 "Driver": self.tr("Driver"), "Status": self.tr("Status"),
                 "Capabilities": self.tr("Capabilities")}
        for name, words in names.items():
            label = QLabel(self)
            label.setWordWrap(True)
            label.setTextInteractionFlags(label.textInteractionFlags()
                                          | label.textInteractionFlags().TextSelectableByMouse)
            form.addRow(self.tr("{field}:").format(field=words), label)
            self.fields[name] = label
        layout.addWidget(box)
        layout.addStretch(1)

    def show_session(self, session: DeviceSession) -> None:
        entry = session.entry
        self.title.setText(f"<span style='font-size:16px; font-weight:600'>{entry.title}</span>")
        values = {
            "Vendor": entry.vendor, "Model": entry.model, "Address": entry.endpoint.base_url,
            "Serial number": entry.serial, "MAC address": entry.mac,
            "Firmware": entry.firmware, "Driver": entry.driver,
            "Status": status_text(session),
            "Capabilities": ", ".join(sorted(session.capabilities)),
        }
        for name, value in values.items():
            self.fields[name].setText(value or "—")
        if session.message:
            self.banner.error(session.message)
        else:
            self.banner.clear()
