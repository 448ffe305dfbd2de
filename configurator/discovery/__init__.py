"""LAN discovery: sweep + fingerprint, mDNS, SSDP, WS-Discovery and SIP-PnP (no Qt).

Entry point: :func:`discover` - an async stream of :class:`DeviceFound`, :class:`Progress`
and a final :class:`Summary`. :func:`json_line` renders one found device for the CLI.
"""

from .engine import discover, resolve_ranges
from .model import (
    DeviceFound,
    DiscoveredDevice,
    DiscoveryEvent,
    DiscoveryOptions,
    FoundBy,
    Progress,
    Summary,
)
from .output import json_line, summary_line, table_line
from .ranges import InterfaceInfo, default_ranges, local_interfaces, parse_ranges

__all__ = [
    "DeviceFound",
    "DiscoveredDevice",
    "DiscoveryEvent",
    "DiscoveryOptions",
    "FoundBy",
    "InterfaceInfo",
    "Progress",
    "Summary",
    "default_ranges",
    "discover",
    "json_line",
    "local_interfaces",
    "parse_ranges",
    "resolve_ranges",
    "summary_line",
    "table_line",
]
