"""Tree nodes per capability: label, icon and order, and which pages/tables/actions belong."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QT_TRANSLATE_NOOP

from ...core.device import ActionSpec, Capability, Device
from ...core.params import SettingsPage, TableSpec

# capability -> (label, icon name); the order is the order in the tree. The labels are
# translated where they are shown (context "capabilities").
NODES: dict[str, tuple[str, str]] = {
    Capability.SYSTEM: (QT_TRANSLATE_NOOP("capabilities", "System"), "system"),
    Capability.RELAYS: (QT_TRANSLATE_NOOP("capabilities", "Relays"), "relay"),
    Capability.SWITCHES: (QT_TRANSLATE_NOOP("capabilities", "Switches"), "relay"),
    Capability.INPUTS: (QT_TRANSLATE_NOOP("capabilities", "Inputs"), "input"),
    Capability.IO: (QT_TRANSLATE_NOOP("capabilities", "Inputs / IO"), "input"),
    Capability.SIP: (QT_TRANSLATE_NOOP("capabilities", "SIP"), "sip"),
    Capability.CALLS: (QT_TRANSLATE_NOOP("capabilities", "Calls"), "sip"),
    Capability.RFKEYS: (QT_TRANSLATE_NOOP("capabilities", "RF keys"), "card"),
    Capability.ACCESS: (QT_TRANSLATE_NOOP("capabilities", "Access"), "card"),
    Capability.DIALREPLACE: (QT_TRANSLATE_NOOP("capabilities", "Dial replace"), "list"),
    Capability.DIRECTORY: (QT_TRANSLATE_NOOP("capabilities", "Users / Directory"), "people"),
    Capability.CONTACTS: (QT_TRANSLATE_NOOP("capabilities", "Contacts"), "people"),
    Capability.EXTENSIONS: (QT_TRANSLATE_NOOP("capabilities", "Extensions"), "people"),
    Capability.TRUNKS: (QT_TRANSLATE_NOOP("capabilities", "Trunks"), "sip"),
    Capability.CAMERA: (QT_TRANSLATE_NOOP("capabilities", "Camera"), "camera"),
    Capability.DISPLAY: (QT_TRANSLATE_NOOP("capabilities", "Display"), "system"),
    Capability.AUDIO: (QT_TRANSLATE_NOOP("capabilities", "Audio"), "system"),
    Capability.EMAIL: (QT_TRANSLATE_NOOP("capabilities", "E-mail"), "system"),
    Capability.EVENTS: (QT_TRANSLATE_NOOP("capabilities", "Event log"), "log"),
    Capability.CALLLOG: (QT_TRANSLATE_NOOP("capabilities", "Call log"), "log"),
    Capability.DOORLOG: (QT_TRANSLATE_NOOP("capabilities", "Door log"), "log"),
    Capability.PCAP: (QT_TRANSLATE_NOOP("capabilities", "Packet capture"), "maintenance"),
    Capability.CONFIG_FILE: (QT_TRANSLATE_NOOP("capabilities", "Configuration file"), "list"),
    Capability.MAINTENANCE: (QT_TRANSLATE_NOOP("capabilities", "Maintenance"), "maintenance"),
}


@dataclass
class CapabilityNode:
    capability: str
    label: str
    icon: str
    pages: list[SettingsPage] = field(default_factory=list)
    tables: list[TableSpec] = field(default_factory=list)
    actions: list[ActionSpec] = field(default_factory=list)


def capability_nodes(device: Device, capabilities: frozenset[str]) -> list[CapabilityNode]:
    """The capability nodes of one device, derived from what its driver offers.

    # Assumption: pages/tables/actions with an empty ``capability`` belong to "system"
    # (pages/tables) or "maintenance" (actions); capabilities without any page, table or
    # action still get a node when they are views of their own (camera, event/call/door log).
    """
    nodes: dict[str, CapabilityNode] = {}

    def node(cap: str) -> CapabilityNode:
        if cap not in nodes:
            label, icon_name = NODES.get(cap, (cap.replace("_", " ").title(), "list"))
            nodes[cap] = CapabilityNode(cap, label, icon_name)
        return nodes[cap]

    for page in device.pages():
        if not page.params:
            continue  # e.g. a raw "all settings" page: nothing a form could show
        node(page.capability or Capability.SYSTEM).pages.append(page)
    for table in device.tables():
        node(table.capability or Capability.SYSTEM).tables.append(table)
    for action in device.actions():
        node(action.capability or Capability.MAINTENANCE).actions.append(action)
    for cap in capabilities:
        if cap in (Capability.CAMERA, Capability.EVENTS, Capability.CALLLOG, Capability.DOORLOG,
                   Capability.MAINTENANCE, Capability.CONFIG_FILE):
            node(cap)
    order = list(NODES)
    return sorted(nodes.values(),
                  key=lambda n: (order.index(n.capability) if n.capability in order else 99,
                                 n.label))
