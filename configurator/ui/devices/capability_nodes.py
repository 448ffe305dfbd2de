"""Tree nodes per capability: label, icon and order, and which pages/tables/actions belong."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...core.device import ActionSpec, Capability, Device
from ...core.params import SettingsPage, TableSpec

# capability -> (label, icon name); the order is the order in the tree
NODES: dict[str, tuple[str, str]] = {
    Capability.SYSTEM: ("System", "system"),
    Capability.RELAYS: ("Relays", "relay"),
    Capability.SWITCHES: ("Switches", "relay"),
    Capability.INPUTS: ("Inputs", "input"),
    Capability.IO: ("Inputs / IO", "input"),
    Capability.SIP: ("SIP", "sip"),
    Capability.CALLS: ("Calls", "sip"),
    Capability.RFKEYS: ("RF keys", "card"),
    Capability.ACCESS: ("Access", "card"),
    Capability.DIALREPLACE: ("Dial replace", "list"),
    Capability.DIRECTORY: ("Users / Directory", "people"),
    Capability.CONTACTS: ("Contacts", "people"),
    Capability.EXTENSIONS: ("Extensions", "people"),
    Capability.TRUNKS: ("Trunks", "sip"),
    Capability.CAMERA: ("Camera", "camera"),
    Capability.DISPLAY: ("Display", "system"),
    Capability.AUDIO: ("Audio", "system"),
    Capability.EMAIL: ("E-mail", "system"),
    Capability.EVENTS: ("Event log", "log"),
    Capability.CALLLOG: ("Call log", "log"),
    Capability.DOORLOG: ("Door log", "log"),
    Capability.PCAP: ("Packet capture", "maintenance"),
    Capability.MAINTENANCE: ("Maintenance", "maintenance"),
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
                   Capability.MAINTENANCE):
            node(cap)
    order = list(NODES)
    return sorted(nodes.values(),
                  key=lambda n: (order.index(n.capability) if n.capability in order else 99,
                                 n.label))
