"""MAC addresses from the kernel's neighbour (ARP) table: ``/proc/net/arp`` or ``ip neigh``."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from pathlib import Path

from .oui import safe_mac

PROC_ARP = Path("/proc/net/arp")
_ARP_COMPLETE = 0x2


def parse_proc_arp(text: str) -> dict[str, str]:
    """``/proc/net/arp`` -> {address: MAC} for complete entries."""
    table: dict[str, str] = {}
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 4:
            continue
        address, _hwtype, flags, hwaddr = fields[:4]
        try:
            complete = int(flags, 16) & _ARP_COMPLETE
        except ValueError:
            continue
        mac = safe_mac(hwaddr)
        if complete and mac:
            table[address] = mac
    return table


def parse_ip_neigh(text: str) -> dict[str, str]:
    """``ip neigh`` output -> {address: MAC} (FAILED/INCOMPLETE entries have no lladdr)."""
    table: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split()
        if "lladdr" not in fields or not fields:
            continue
        index = fields.index("lladdr")
        if index + 1 < len(fields) and "FAILED" not in fields:
            mac = safe_mac(fields[index + 1])
            if mac:
                table[fields[0]] = mac
    return table


async def neighbour_table() -> dict[str, str]:
    """The current neighbour table (empty when it cannot be read)."""
    with contextlib.suppress(OSError):
        return parse_proc_arp(PROC_ARP.read_text())
    ip = shutil.which("ip")
    if ip is None:
        return {}
    try:
        process = await asyncio.create_subprocess_exec(
            ip, "neigh", "show", stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL)
        async with asyncio.timeout(2.0):
            out, _ = await process.communicate()
    except (OSError, TimeoutError):
        return {}
    return parse_ip_neigh(out.decode(errors="replace"))
