"""What the centre shows when nothing is selected: the first steps (add a device by address,
discover devices on the network, try the demo) and Help > Getting started."""

from __future__ import annotations

import sys

from PySide6.QtCore import QT_TRANSLATE_NOOP, QProcess, Qt, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from ..i18n import translate
from ..icons import icon
from ..palette import fg_css

GETTING_STARTED = QT_TRANSLATE_NOOP("welcome", """<h3>Getting started</h3>
<ol>
<li><b>Add your devices.</b> Device → <i>Discover…</i> (Ctrl+F) scans your network and lists
intercoms, phones and PBXs with their address, port and whether they still need activation;
tick them and press <i>Add to site</i>. Or type an address: Device → <i>Add device…</i>
(Ctrl+D).</li>
<li><b>Change settings.</b> Pick a device and one of its pages in the tree on the left. Values
are checked as you type; <i>Apply</i> (Ctrl+Return) shows what will change and then reports,
field by field, what the device accepted.</li>
<li><b>Watch.</b> The event log at the bottom shows door openings, calls and state changes of
every device; the camera dock shows the door. Double-click an event to see the picture of that
moment.</li>
<li><b>Keep the site.</b> File → <i>Save site</i> keeps the list of devices (passwords stay in
the system keyring). Edits not applied are kept as drafts and come back next time.</li>
</ol>
<p>To look around without devices, start the demo: it runs simulated devices on this
computer only.</p>""")


def start_demo_process() -> bool:
    """Open the demo (simulated devices) in a window of its own; False if it cannot start."""
    if getattr(sys, "frozen", False):  # a packaged build: the executable is the program
        return QProcess.startDetached(sys.executable, ["--demo"])[0]
    code = "import sys; from configurator.cli import main; sys.exit(main(['--demo']))"
    return QProcess.startDetached(sys.executable, ["-c", code])[0]


def show_getting_started(parent: QWidget) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.NoIcon, translate("welcome", "Getting started"),
                      translate("welcome", GETTING_STARTED), QMessageBox.StandardButton.Ok,
                      parent)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.open()
    return box


class WelcomePage(QWidget):
    """The first steps, as buttons."""

    add_requested = Signal()
    discover_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, demo: bool = False) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("<h2>configurator</h2>", self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.text = QLabel(self)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setWordWrap(True)
        self.text.setStyleSheet(f"color: {fg_css('#607d8b')}; font-size: 14px;")
        self.text.setText(self.tr("Select a device or one of its pages in the tree on the "
                                  "left, or start here:"))
        layout.addWidget(self.text)
        self.discover_button = self._button(
            "site", self.tr("Discover devices on the network…"), "Ctrl+F",
            self.discover_requested)
        self.add_button = self._button("add", self.tr("Add a device by its address…"),
                                       "Ctrl+D", self.add_requested)
        self.demo_button = self._button("device", self.tr("Try the demo (simulated devices)"),
                                        "", self.demo_requested)
        self.demo_button.setVisible(not demo)
        for button in (self.discover_button, self.add_button, self.demo_button):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def _button(self, icon_name: str, text: str, shortcut: str, signal) -> QPushButton:
        button = QPushButton(icon(icon_name), text + (f"   ({shortcut})" if shortcut else ""),
                             self)
        button.setMinimumWidth(340)
        button.clicked.connect(lambda _=False: signal.emit())
        return button
