"""Add a device by address: scheme, port and credentials; the vendor is auto-detected."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.params import Kind, ParamSpec
from ...core.transport import Credentials
from ...services.site import SiteDevice
from ..palette import fg_css

_HOST = ParamSpec("address", "Address", Kind.HOST, required=True)
AUTO_SCHEME = "auto"  # try HTTPS, then HTTP (``MainWindow.add_device``)

# submit(entry, credentials, remember) -> error message, or "" on success
Submit = Callable[[SiteDevice, Credentials | None, bool], Awaitable[str]]


class AddDeviceDialog(QDialog):
    def __init__(self, submit: Submit, spawn: Callable, parent: QWidget | None = None,
                 *, persistent_credentials: bool = True) -> None:
        super().__init__(parent)
        self.submit = submit
        self.spawn = spawn
        self.setWindowTitle(self.tr("Add device"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Enter the device's address. The vendor and model are detected "
                       "automatically (2N, Onetouch, Fanvil, FCM5600)."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.address = QLineEdit(self)
        self.address.setPlaceholderText(self.tr("192.168.1.50 or intercom.local"))
        self.scheme = QComboBox(self)
        self.scheme.addItem(self.tr("auto (HTTPS, else HTTP)"), AUTO_SCHEME)
        self.scheme.addItem("http", "http")
        self.scheme.addItem("https", "https")
        self.port = QSpinBox(self)
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText(self.tr("default"))
        self.user = QLineEdit(self)
        self.user.setText("admin")
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(self.tr("Remember the password in the system keyring"), self)
        self.remember.setChecked(persistent_credentials)
        self.remember.setEnabled(persistent_credentials)
        if not persistent_credentials:
            self.remember.setText(
                self.tr("No keyring available: password kept for this session only"))
        form.addRow(self.tr("Address:"), self.address)
        form.addRow(self.tr("Scheme:"), self.scheme)
        form.addRow(self.tr("Port:"), self.port)
        form.addRow(self.tr("User:"), self.user)
        form.addRow(self.tr("Password:"), self.password)
        form.addRow("", self.remember)
        layout.addLayout(form)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress.hide()
        layout.addWidget(self.progress)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {fg_css('#c0392b')}")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(self)
        self.add_button = self.buttons.addButton(self.tr("Add device"),
                                                 QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def entry(self) -> tuple[SiteDevice, Credentials | None]:
        """The entered device; raises InvalidValue for a bad address."""
        address = _HOST.parse(self.address.text())
        try:
            address = str(ipaddress.ip_address(address))
        except ValueError:
            pass
        entry = SiteDevice(address=address, port=self.port.value() or None,
                           scheme=self.scheme.currentData(), user=self.user.text().strip())
        creds = (Credentials(entry.user, self.password.text())
                 if entry.user or self.password.text() else None)
        return entry, creds

    def _accept(self) -> None:
        from ...core.errors import InvalidValue

        try:
            entry, creds = self.entry()
        except InvalidValue as exc:
            self.show_error(exc.message)
            return
        self.spawn(self._submit(entry, creds))

    async def _submit(self, entry: SiteDevice, creds: Credentials | None) -> None:
        self.add_button.setEnabled(False)
        self.progress.show()
        self.error.hide()
        try:
            message = await self.submit(entry, creds, self.remember.isChecked())
        finally:
            self.progress.hide()
            self.add_button.setEnabled(True)
        if message:
            self.show_error(message)
        else:
            self.accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
