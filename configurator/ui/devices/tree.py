"""The device tree: Site → Device → capability nodes, with state at a glance."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from ...core.registration import RegRole, SipRegistration
from ...services.sessions import DeviceSession, DeviceState
from ..i18n import param_text, translate
from ..icons import STATE_COLOURS, device_icon, icon, state_icon, status_dot
from ..palette import fg
from .capability_nodes import CapabilityNode
from .registration_words import (
    COLOURS,
    account_tooltip,
    device_words,
    list_tooltip,
    state_words,
    summary_state,
    summary_words,
)
from .registration_words import state_icon as registration_icon

KIND_ROLE = Qt.ItemDataRole.UserRole + 10
KEY_ROLE = Qt.ItemDataRole.UserRole + 11
CAP_ROLE = Qt.ItemDataRole.UserRole + 12
LABEL_ROLE = Qt.ItemDataRole.UserRole + 13  # a capability node's label without marks
PAGES_ROLE = Qt.ItemDataRole.UserRole + 14  # the page keys of a capability node
ACCOUNT_ROLE = Qt.ItemDataRole.UserRole + 15  # a SIP account row: the account id

SITE, DEVICE, CAPABILITY = "site", "device", "capability"

# The words of each connection state (the state's value is the key: it is also logged).
STATE_WORDS = {
    DeviceState.CONNECTING: QT_TRANSLATE_NOOP("DeviceState", "connecting"),
    DeviceState.ONLINE: QT_TRANSLATE_NOOP("DeviceState", "online"),
    DeviceState.OFFLINE: QT_TRANSLATE_NOOP("DeviceState", "offline"),
    DeviceState.AUTH_FAILED: QT_TRANSLATE_NOOP("DeviceState", "auth failed"),
    DeviceState.CERTIFICATE: QT_TRANSLATE_NOOP("DeviceState", "certificate problem"),
    DeviceState.UNSUPPORTED: QT_TRANSLATE_NOOP("DeviceState", "not supported"),
}


def state_text(state: DeviceState) -> str:
    """The state in the user's words."""
    return translate("DeviceState", STATE_WORDS.get(state, str(state)))


def status_text(session: DeviceSession) -> str:
    """The device row's Status: its state, or for an online device with SIP accounts in use
    their registration ("SIP registered" says online too; the green dot and the tooltip say
    it as well; the column stays narrow enough for whole names at 1024 px)."""
    sip = device_words(session.registrations) if session.state is DeviceState.ONLINE else ""
    if session.busy and session.state is DeviceState.ONLINE:
        parts = [translate("DeviceTree", "busy…")]
    elif sip:
        parts = [sip]
    else:
        parts = [state_text(session.state)]
    if session.dirty:
        parts.append(translate("DeviceTree", "unsaved"))
    return " · ".join(parts)


class DeviceTree(QTreeView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = QStandardItemModel(self)
        self.model_.setHorizontalHeaderLabels(
            [self.tr("Device"), self.tr("Address"), self.tr("Status")])
        self.setModel(self.model_)
        self.setHeaderHidden(False)
        self.setUniformRowHeights(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setAnimated(False)
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.site_item = QStandardItem(icon("site"), self.tr("Site"))
        self.site_item.setData(SITE, KIND_ROLE)
        bold = QFont(self.font())
        bold.setBold(True)
        self.site_item.setFont(bold)
        self.model_.appendRow([self.site_item, QStandardItem(""), QStandardItem("")])
        self.devices: dict[str, QStandardItem] = {}
        self.address_items: dict[str, QStandardItem] = {}
        self.status_items: dict[str, QStandardItem] = {}
        self.expand(self.site_item.index())

    def wanted_width(self) -> int:
        """The width that shows every device name, address and status whole."""
        metrics = self.fontMetrics()
        names = [item.text() for item in self.devices.values()] + [self.site_item.text()]
        name = max(metrics.horizontalAdvance(text) for text in names)
        header = self.header()
        return (name + 2 * self.indentation() + self.iconSize().width() + 24
                + header.sectionSize(1) + header.sectionSize(2)
                + self.verticalScrollBar().sizeHint().width() + 8)

    def set_site_name(self, name: str) -> None:
        self.site_item.setText(name)

    def clear_devices(self) -> None:
        self.site_item.removeRows(0, self.site_item.rowCount())
        self.devices.clear()
        self.address_items.clear()
        self.status_items.clear()

    def add_device(self, session: DeviceSession) -> QStandardItem:
        if session.key in self.devices:
            return self.devices[session.key]
        item = QStandardItem()
        item.setData(DEVICE, KIND_ROLE)
        item.setData(session.key, KEY_ROLE)
        address = QStandardItem()
        status = QStandardItem()
        for cell in (address, status):
            cell.setData(DEVICE, KIND_ROLE)
            cell.setData(session.key, KEY_ROLE)
        self.site_item.appendRow([item, address, status])
        self.devices[session.key] = item
        self.address_items[session.key] = address
        self.status_items[session.key] = status
        self.update_device(session)
        self.expand(self.site_item.index())
        return item

    def remove_device(self, key: str) -> None:
        item = self.devices.pop(key, None)
        self.status_items.pop(key, None)
        self.address_items.pop(key, None)
        if item is not None:
            self.site_item.removeRow(item.row())

    def update_device(self, session: DeviceSession) -> None:
        item = self.devices.get(session.key)
        if item is None:
            return
        entry = session.entry
        item.setText(entry.title + (" *" if session.dirty else ""))
        address = self.address_items[session.key]
        address.setText(entry.address if entry.port in (0, 80, 443) or not entry.port
                        else f"{entry.address}:{entry.port}")
        address.setToolTip(entry.endpoint.base_url)
        item.setIcon(device_icon(entry.vendor, entry.model))
        font = QFont(self.font())
        font.setItalic(session.dirty)
        item.setFont(font)
        details = [f"{entry.vendor} {entry.model}".strip() or self.tr("Unknown device"),
                   self.tr("Address: {address}").format(address=entry.endpoint.base_url)]
        if entry.serial:
            details.append(self.tr("Serial: {serial}").format(serial=entry.serial))
        if entry.mac:
            details.append(self.tr("MAC: {mac}").format(mac=entry.mac))
        if entry.firmware:
            details.append(self.tr("Firmware: {version}").format(version=entry.firmware))
        details.append(self.tr("State: {state}").format(state=state_text(session.state)))
        if session.message:
            details.append(session.message)
        item.setToolTip("\n".join(details))
        self._mark_pages(item, session.dirty_pages)
        status = self.status_items[session.key]
        status.setText(status_text(session))
        status.setIcon(state_icon(session.state, busy=bool(session.busy)))
        status.setForeground(fg(QColor(STATE_COLOURS[session.state]).darker(115)))
        tips = [session.message or state_text(session.state)]
        if (session.registrations or session.registration_note) and \
                session.state is DeviceState.ONLINE:
            tips.append(list_tooltip(session.registrations, session.registration_note))
        status.setToolTip("\n".join(tips))
        self._show_registrations(item, session)

    def set_capabilities(self, key: str, nodes: list[CapabilityNode]) -> None:
        item = self.devices.get(key)
        if item is None:
            return
        item.removeRows(0, item.rowCount())
        for node in nodes:
            child = QStandardItem(icon(node.icon), translate("capabilities", node.label))
            child.setData(CAPABILITY, KIND_ROLE)
            child.setData(key, KEY_ROLE)
            child.setData(node.capability, CAP_ROLE)
            child.setData(translate("capabilities", node.label), LABEL_ROLE)
            # A node that is one editor of its own (the configuration file) is its own key.
            child.setData([p.id for p in node.pages] + [f"table:{t.id}" for t in node.tables]
                          or [node.capability], PAGES_ROLE)
            tips = [param_text(p.title) for p in node.pages] + [param_text(t.title)
                                                                 for t in node.tables]
            child.setToolTip(", ".join(tips) or translate("capabilities", node.label))
            self.model_.itemFromIndex(item.index())  # keep the index valid
            cell = QStandardItem("")
            cell.setData(CAPABILITY, KIND_ROLE)
            cell.setData(key, KEY_ROLE)
            cell.setData(node.capability, CAP_ROLE)
            item.appendRow([child, QStandardItem(""), cell])

    def _show_registrations(self, item: QStandardItem, session: DeviceSession) -> None:
        """Each capability node that holds SIP accounts (SIP, Trunks, Extensions) says how
        they stand in its Status column, and gets a row per account the device registers
        itself. Disabled accounts get no row (a phone with six lines, one in use, would bury
        the tree; the node's tooltip lists them) and neither do a PBX's extensions (there
        may be hundreds; the Extensions page lists them)."""
        online = session.state is DeviceState.ONLINE
        for row in range(item.rowCount()):
            node = item.child(row)
            capability = node.data(CAP_ROLE)
            records = [r for r in session.registrations if r.capability == capability]
            cell = item.child(row, 2)
            if cell is None:
                continue
            if not records:
                if node.rowCount() or cell.text():
                    node.removeRows(0, node.rowCount())
                    cell.setText("")
                    cell.setIcon(QIcon())
                continue
            if online:
                cell.setText(summary_words(records))
                cell.setIcon(status_dot(COLOURS[summary_state(records)]))
                cell.setToolTip(list_tooltip(records, session.registration_note))
            else:
                cell.setText(self.tr("not known (offline)"))
                cell.setIcon(QIcon())
                cell.setToolTip(self.tr("The device is not connected; its SIP accounts were "
                                        "last seen as:") + "\n"
                                + list_tooltip(records, session.registration_note))
            shown = [r for r in records if r.in_use and r.role is RegRole.OWN]
            self._account_rows(session.key, node, shown, online)

    def _account_rows(self, key: str, node: QStandardItem, records: list[SipRegistration],
                      online: bool) -> None:
        """One row per account under ``node``, updated in place when the accounts are the
        same ones (the selection stays where it is)."""
        ids = [r.account for r in records]
        if [node.child(i).data(ACCOUNT_ROLE) for i in range(node.rowCount())] != ids:
            first = node.rowCount() == 0
            node.removeRows(0, node.rowCount())
            for record in records:
                title = QStandardItem(icon("sip"), "")
                title.setData(CAPABILITY, KIND_ROLE)
                title.setData(key, KEY_ROLE)
                title.setData(node.data(CAP_ROLE), CAP_ROLE)
                title.setData(record.account, ACCOUNT_ROLE)
                cell = QStandardItem()
                for extra in (cell,):
                    extra.setData(CAPABILITY, KIND_ROLE)
                    extra.setData(key, KEY_ROLE)
                    extra.setData(node.data(CAP_ROLE), CAP_ROLE)
                node.appendRow([title, QStandardItem(""), cell])
            if first and records:
                self.expand(node.index())
        for i, record in enumerate(records):
            title, cell = node.child(i, 0), node.child(i, 2)
            tip = account_tooltip(record)
            title.setText(record.label)  # the number / user@server: in the tooltip
            title.setToolTip(tip)
            if online:
                cell.setText(state_words(record))
                cell.setIcon(registration_icon(record))
                cell.setForeground(fg(QColor(COLOURS[record.state]).darker(115)))
            else:
                cell.setText("—")
                cell.setIcon(QIcon())
                cell.setForeground(fg("#8a8f98"))
            cell.setToolTip(tip)

    def registration_rows(self, key: str, capability: str) -> list[tuple[str, str]]:
        """(account title, state text) of the account rows under a capability node."""
        index = self.capability_index(key, capability)
        if not index.isValid():
            return []
        node = self.model_.itemFromIndex(index)
        return [(node.child(i, 0).text(), node.child(i, 2).text())
                for i in range(node.rowCount())]

    def registration_tooltips(self, key: str, capability: str) -> list[str]:
        """The tooltips of the account rows under a capability node."""
        index = self.capability_index(key, capability)
        if not index.isValid():
            return []
        node = self.model_.itemFromIndex(index)
        return [node.child(i, 0).toolTip() for i in range(node.rowCount())]

    def node_status(self, key: str, capability: str) -> str:
        """The Status column of a capability node."""
        index = self.capability_index(key, capability)
        return index.siblingAtColumn(2).data() or "" if index.isValid() else ""

    def _mark_pages(self, item: QStandardItem, dirty_pages: set[str]) -> None:
        """A capability node holding a page with unsaved changes ends with "•"."""
        for row in range(item.rowCount()):
            child = item.child(row)
            dirty = bool(dirty_pages & set(child.data(PAGES_ROLE) or ()))
            text = child.data(LABEL_ROLE) + (" •" if dirty else "")
            if child.text() != text:
                child.setText(text)
                font = QFont(self.font())
                font.setItalic(dirty)
                child.setFont(font)

    def capability_index(self, key: str, capability: str) -> QModelIndex:
        item = self.devices.get(key)
        if item is None:
            return QModelIndex()
        for row in range(item.rowCount()):
            child = item.child(row)
            if child.data(CAP_ROLE) == capability:
                return child.index()
        return QModelIndex()

    def select(self, index: QModelIndex) -> None:
        if index.isValid():
            self.expand(index.parent())
            self.setCurrentIndex(index)
