"""Discovery panel: choose interfaces and ranges, start/stop, watch results arrive live,
select devices and ask to add them to the site (``addRequested``).

Standalone widget: the engine is injected (``discover_fn``), results can also be fed with
``handle_event`` (tests, or a caller running the engine itself). The last ranges, ports and
the multicast choice are remembered in QSettings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import ConfiguratorError, InvalidValue
from ...discovery import (
    DeviceFound,
    DiscoveredDevice,
    DiscoveryEvent,
    DiscoveryOptions,
    InterfaceInfo,
    Progress,
    Summary,
    default_ranges,
    discover,
    local_interfaces,
    parse_ranges,
)
from ..i18n import translate
from ..palette import fg, fg_css

log = logging.getLogger("configurator.ui.discovery")

DiscoverFn = Callable[[DiscoveryOptions], AsyncIterator[DiscoveryEvent]]

# (title, cell); titles are translated where shown (context "ResultsModel")
COLUMNS: tuple[tuple[str, Callable[[DiscoveredDevice], str]], ...] = (
    (QT_TRANSLATE_NOOP("ResultsModel", "Vendor"),
     lambda d: d.vendor or (f"({d.vendor_hint}?)" if d.vendor_hint else "")),
    (QT_TRANSLATE_NOOP("ResultsModel", "Model"),
     lambda d: d.model or (translate("ResultsModel", "unidentified")
                           if not d.identified else "")),
    (QT_TRANSLATE_NOOP("ResultsModel", "Address"), lambda d: d.address),
    (QT_TRANSLATE_NOOP("ResultsModel", "MAC"), lambda d: d.mac),
    (QT_TRANSLATE_NOOP("ResultsModel", "Serial"), lambda d: d.serial),
    (QT_TRANSLATE_NOOP("ResultsModel", "Firmware"), lambda d: d.firmware),
    (QT_TRANSLATE_NOOP("ResultsModel", "Auth required"),
     lambda d: translate("ResultsModel", "yes") if d.auth_required else ""),
    (QT_TRANSLATE_NOOP("ResultsModel", "Found by"),
     lambda d: ", ".join(str(f) for f in d.found_by)),
    (QT_TRANSLATE_NOOP("ResultsModel", "Port"),
     lambda d: f"{d.scheme}:{d.port}" if d.scheme and d.port else
     (str(d.port) if d.port else "")),
)
SITE_COLUMN = len(COLUMNS)  # "In this site": already there, or why adding it failed


class ResultsModel(QAbstractTableModel):
    """Found devices, one row each; a re-reported device (same key) updates its row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DiscoveredDevice] = []
        # Set by the window: whether a found device is in the open site already.
        self.in_site: Callable[[DiscoveredDevice], bool] = lambda device: False
        self.notes: dict[str, str] = {}  # address -> the outcome of adding it
        self.added: set[str] = set()  # addresses whose note says they were added

    def set_note(self, address: str, note: str, added: bool = False) -> None:
        """Say next to the device what happened when it was added (or why not)."""
        self.notes[address] = note
        if added:
            self.added.add(address)
        else:
            self.added.discard(address)
        for row, device in enumerate(self._rows):
            if device.address == address:
                index = self.index(row, SITE_COLUMN)
                self.dataChanged.emit(index, index)

    def site_text(self, device: DiscoveredDevice) -> str:
        note = self.notes.get(device.address)
        if note:
            return note
        return self.tr("already added") if self.in_site(device) else ""

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS) + 1

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return (self.tr("In this site") if section == SITE_COLUMN
                    else translate("ResultsModel", COLUMNS[section][0]))
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        device = self._rows[index.row()]
        if index.column() == SITE_COLUMN:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return self.site_text(device)
            if role == Qt.ItemDataRole.ForegroundRole:
                note = self.notes.get(device.address, "")
                return fg("#2e7d32" if not note or device.address in self.added
                              else "#c0392b")
            if role == Qt.ItemDataRole.UserRole:
                return device
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[index.column()][1](device)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (self.tr("{address} ports {ports}").format(
                address=device.address, ports=", ".join(map(str, device.open_ports)) or "-")
                    + (f"\nTLS {device.tls_fingerprint[:23]}…" if device.tls_fingerprint else ""))
        if role == Qt.ItemDataRole.ForegroundRole and not device.identified:
            return fg("#777777")
        if role == Qt.ItemDataRole.UserRole:
            return device
        return None

    def upsert(self, device: DiscoveredDevice) -> int:
        """Add or update (matched by address or identity key); returns the row."""
        for row, known in enumerate(self._rows):
            if known.address == device.address or known.key == device.key:
                self._rows[row] = device
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS)))
                return row
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(device)
        self.endInsertRows()
        return row

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self.endResetModel()

    def device(self, row: int) -> DiscoveredDevice:
        return self._rows[row]


class DiscoveryPanel(QWidget):
    """Find devices on the LAN and hand the chosen ones to the site."""

    addRequested = Signal(list)  # the selected DiscoveredDevice objects
    runningChanged = Signal(bool)

    SETTINGS_RANGES = "discovery/ranges"
    SETTINGS_PORTS = "discovery/extra_ports"
    SETTINGS_MULTICAST = "discovery/multicast"

    def __init__(self, parent: QWidget | None = None, *, discover_fn: DiscoverFn = discover,
                 interfaces: Sequence[InterfaceInfo] | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self._discover = discover_fn
        self._settings = settings or QSettings()
        self._task: asyncio.Task[None] | None = None
        if interfaces is None:
            try:
                interfaces = local_interfaces()
            except OSError:
                interfaces = []
        self._interfaces = [i for i in interfaces if not i.loopback]

        self.interface_list = QListWidget()
        self.interface_list.setMaximumHeight(90)
        for iface in self._interfaces:
            subnets = default_ranges([iface])
            text = (f"{iface.name}  {iface.address}  →  "
                    f"{subnets[0] if subnets else self.tr('none')}")
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, iface)
            self.interface_list.addItem(item)
        self.interface_list.itemChanged.connect(self._interfaces_changed)

        self.ranges_edit = QLineEdit()
        self.ranges_edit.setPlaceholderText(
            self.tr("192.168.1.0/24, 10.0.0.10-50  (empty: interface subnets)"))
        self.ranges_edit.setToolTip(
            self.tr("Ranges to sweep: CIDRs, single addresses or a.b.c.d-e spans, comma "
                    "separated. At most a /16 in total."))
        self.ports_edit = QLineEdit()
        self.ports_edit.setPlaceholderText(self.tr("extra ports, e.g. 8080, 8443"))
        self.ports_edit.setMaximumWidth(180)
        self.multicast_box = QCheckBox(self.tr("mDNS / SSDP / WS-Discovery / SIP-PnP"))
        self.start_button = QPushButton(self.tr("Start"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.status = QLabel(self.tr("Ready"))
        self.model = ResultsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        self.add_button = QPushButton(self.tr("Add to site"))
        self.add_button.setEnabled(False)

        form = QHBoxLayout()
        form.addWidget(QLabel(self.tr("Ranges:")))
        form.addWidget(self.ranges_edit, 1)
        form.addWidget(QLabel(self.tr("Ports 80, 443 +")))
        form.addWidget(self.ports_edit)
        controls = QHBoxLayout()
        controls.addWidget(self.multicast_box)
        controls.addStretch(1)
        controls.addWidget(self.start_button)
        controls.addWidget(self.stop_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        self.interface_label = QLabel(self.tr("Interfaces (tick to sweep their subnets):"))
        layout.addWidget(self.interface_label)
        layout.addWidget(self.interface_list)
        if not self._interfaces:  # nothing to tick (e.g. demo mode): do not show an empty box
            self.interface_label.hide()
            self.interface_list.hide()
        layout.addLayout(form)
        layout.addLayout(controls)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.add_button.clicked.connect(self._emit_add)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self._emit_add())
        self._restore()

    # -- settings -----------------------------------------------------------------------
    def _restore(self) -> None:
        self.ranges_edit.setText(str(self._settings.value(self.SETTINGS_RANGES, "") or ""))
        self.ports_edit.setText(str(self._settings.value(self.SETTINGS_PORTS, "") or ""))
        multicast = self._settings.value(self.SETTINGS_MULTICAST, False)
        self.multicast_box.setChecked(str(multicast).lower() in ("true", "1"))

    def _remember(self) -> None:
        self._settings.setValue(self.SETTINGS_RANGES, self.ranges_edit.text().strip())
        self._settings.setValue(self.SETTINGS_PORTS, self.ports_edit.text().strip())
        self._settings.setValue(self.SETTINGS_MULTICAST, self.multicast_box.isChecked())
        self._settings.sync()

    def _interfaces_changed(self, _item: QListWidgetItem) -> None:
        chosen = [self.interface_list.item(i).data(Qt.ItemDataRole.UserRole)
                  for i in range(self.interface_list.count())
                  if self.interface_list.item(i).checkState() == Qt.CheckState.Checked]
        self.ranges_edit.setText(", ".join(str(n) for n in default_ranges(chosen)))

    # -- options --------------------------------------------------------------------------
    def options(self) -> DiscoveryOptions:
        """Options from the form; :class:`InvalidValue` with a one-line message if wrong."""
        ranges = [r.strip() for r in self.ranges_edit.text().split(",") if r.strip()]
        parse_ranges(ranges)
        ports: list[int] = []
        for part in self.ports_edit.text().replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= 65535:
                raise InvalidValue(self.tr("{value} is not a TCP port (1-65535)").format(
                    value=repr(part)), param="ports")
            ports.append(int(part))
        return DiscoveryOptions(ranges=ranges, extra_ports=ports,
                                multicast=self.multicast_box.isChecked())

    # -- running ------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> asyncio.Task[None] | None:
        """Validate the form and run discovery in the running asyncio (qasync) loop."""
        if self.running:
            return self._task
        try:
            options = self.options()
        except ConfiguratorError as exc:
            self._show_error(str(exc))
            return None
        self._remember()
        self.model.clear()
        self.progress.setRange(0, 0)
        self._set_running(True)
        self.status.setText(self.tr("Searching…"))
        self._task = asyncio.get_event_loop().create_task(self._run(options))
        return self._task

    def stop(self) -> None:
        if self.running and self._task is not None:
            self._task.cancel()

    async def aclose(self) -> None:
        """Stop a running discovery and wait until every probe is closed."""
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, options: DiscoveryOptions) -> None:
        stream = self._discover(options)
        try:
            async with contextlib.aclosing(stream):  # type: ignore[type-var]
                async for event in stream:
                    self.handle_event(event)
        except asyncio.CancelledError:
            self.status.setText(self.tr("Stopped - {count} device(s) found").format(
                count=self.model.rowCount()))
            raise
        except ConfiguratorError as exc:
            self._show_error(str(exc))
        except Exception as exc:  # never a traceback in the UI
            log.exception("discovery failed")
            self._show_error(self.tr("discovery failed: {error}").format(error=exc))
        finally:
            self._set_running(False)
            if self.progress.maximum() == 0:
                self.progress.setRange(0, 1)
                self.progress.setValue(0)

    def handle_event(self, event: DiscoveryEvent) -> None:
        """Show one engine event (also the way tests feed the panel)."""
        if isinstance(event, DeviceFound):
            self.model.upsert(event.device)
            self.table.resizeColumnsToContents()
        elif isinstance(event, Progress):
            self.progress.setRange(0, max(event.total, 1))
            self.progress.setValue(event.done)
            self.progress.setFormat(self.tr("{phase} %v/%m").format(phase=event.phase))
        elif isinstance(event, Summary):
            for device in event.devices:
                self.model.upsert(device)
            self.progress.setRange(0, 1)
            self.progress.setValue(1)
            self.progress.setFormat(self.tr("done"))
            self.status.setText(self.tr("{devices} device(s) found, {addresses} address(es) "
                                        "probed in {seconds:.1f} s").format(
                devices=len(event.devices), addresses=event.addresses_probed,
                seconds=event.seconds))

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.ranges_edit.setEnabled(not running)
        self.runningChanged.emit(running)

    def _show_error(self, message: str) -> None:
        self.status.setText(message)
        self.status.setStyleSheet(f"color: {fg_css('#b00020')}")

    # -- selection ------------------------------------------------------------------------
    def selected_devices(self) -> list[DiscoveredDevice]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.device(row) for row in rows]

    def _selection_changed(self, *_args: object) -> None:
        self.add_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _emit_add(self) -> None:
        devices = self.selected_devices()
        if devices:
            self.addRequested.emit(devices)
