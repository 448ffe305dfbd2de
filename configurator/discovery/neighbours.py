"""MAC addresses from the kernel's neighbour (ARP) table.

Linux: ``/proc/net/arp``, else ``ip neigh``. Windows and macOS/BSD: the system's own ``arp -a``
(``arp -an`` on macOS). Where none of them works the table is simply empty: discovery then
shows no MAC for devices that do not report their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import subprocess
import sys
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


# Windows: "  192.168.1.1           00-11-22-33-44-55     dynamic"
# macOS/BSD: "? (192.168.1.1) at 0:11:22:33:44:55 on en0 ifscope [ethernet]"
_ARP_A_LINE = re.compile(
    r"^\s*(?:\S+\s+\()?(?P<address>\d{1,3}(?:\.\d{1,3}){3})\)?\s+(?:at\s+)?"
    r"(?P<mac>[0-9A-Fa-f]{1,2}(?:[:-][0-9A-Fa-f]{1,2}){5})(?:\s|$)")


def parse_arp_a(text: str) -> dict[str, str]:
    """``arp -a`` of Windows or ``arp -an`` of macOS/BSD -> {address: MAC}.

    Incomplete entries ("(incomplete)") have no MAC and are skipped; macOS drops leading zeros
    ("0:11:2:...") which are restored.
    """
    table: dict[str, str] = {}
    for line in text.splitlines():
        match = _ARP_A_LINE.match(line)
        if not match:
            continue
        octets = re.split(r"[:-]", match["mac"])
        mac = safe_mac(":".join(octet.rjust(2, "0") for octet in octets))
        if mac:
            table[match["address"]] = mac
    return table


async def neighbour_table() -> dict[str, str]:
    """The current neighbour table (empty when it cannot be read)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            return parse_proc_arp(PROC_ARP.read_text())
        ip = shutil.which("ip")
        if ip is None:
            return {}
        return parse_ip_neigh(await _run(ip, "neigh", "show"))
    arp = shutil.which("arp")
    if arp is None:
        return {}
    arguments = ("-a",) if sys.platform == "win32" else ("-an",)
    return parse_arp_a(await _run(arp, *arguments))


async def _run(program: str, *arguments: str) -> str:
    """A helper program's standard output ("" when it cannot run or takes over 2 s)."""
    # A windowed program on Windows would flash a console for each helper without this flag.
    extra = {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)} \
        if sys.platform == "win32" else {}
    try:
        process = await asyncio.create_subprocess_exec(
            program, *arguments, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, **extra)
    except (OSError, NotImplementedError):  # NotImplementedError: a loop without subprocesses
        return ""
    try:
        async with asyncio.timeout(2.0):
            out, _ = await process.communicate()
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return ""
    return out.decode(errors="replace")
