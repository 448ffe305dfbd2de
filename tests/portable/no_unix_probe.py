"""Run in a fresh interpreter by test_no_unix.py: Unix-only modules and calls are made
unavailable *before* anything of configurator is imported, then every module is imported and
discovery's interface/range/scan code runs on its fallback path. Prints one JSON report.

Blocked as on Windows: the modules ``fcntl termios tty pty resource grp pwd syslog``,
``select.poll``, ``os.geteuid``/``getuid``/``fork``, every signal but SIGINT/SIGTERM, and
``/proc`` (``sys.platform`` reads "win32" while discovery runs).
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.abc
import json
import os
import pkgutil
import select
import signal
import socket
import sys
import traceback

BLOCKED = {"fcntl", "termios", "tty", "pty", "resource", "grp", "pwd", "syslog"}


class UnixModuleBlocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: not on Windows)")
        return None


def block_unix() -> None:
    for name in BLOCKED:
        sys.modules.pop(name, None)
    sys.meta_path.insert(0, UnixModuleBlocker())
    for attribute in ("poll", "epoll", "devpoll"):
        if hasattr(select, attribute):
            delattr(select, attribute)
    for attribute in ("geteuid", "getuid", "fork", "getpgid", "killpg", "fchmod"):
        if hasattr(os, attribute):
            delattr(os, attribute)
    for name in [n for n in dir(signal) if n.startswith("SIG") and not n.startswith("SIG_")]:
        if name not in ("SIGINT", "SIGTERM", "SIGABRT", "SIGFPE", "SIGILL", "SIGSEGV"):
            delattr(signal, name)


def import_everything() -> dict[str, str]:
    import configurator

    failures: dict[str, str] = {}
    names = ["configurator"] + [
        info.name for info in pkgutil.walk_packages(configurator.__path__, "configurator.")]
    for name in names:
        if name.endswith("__main__"):
            continue  # runs the program when imported
        try:
            importlib.import_module(name)
        except BaseException as exc:
            failures[name] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return failures


async def discovery_on_fallback() -> dict[str, object]:
    from configurator.discovery import neighbours, ranges, scan
    from configurator.simulators.base import default_ports

    sys.platform = "win32"  # the ioctl and /proc paths are not taken
    interfaces = ranges.local_interfaces()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    open_port = listener.getsockname()[1]
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    found = [(host, list(ports)) async for host, ports in scan.scan(
        ["127.0.0.1"], [open_port, closed_port], timeout=0.5)]
    refused = await scan.connect_once("127.0.0.1", closed_port, lambda: 0.5)
    # A zero deadline gives up at once: this takes the no-poll() "outcome yet?" check.
    immediate = await scan.connect_once("127.0.0.1", open_port, lambda: 0.0)
    listener.close()
    return {
        "interfaces": [[i.name, i.address, i.netmask, i.up, i.loopback] for i in interfaces],
        "defaults": [str(n) for n in ranges.default_ranges(interfaces)],
        "multicast_from": ranges.interface_addresses(include_loopback=True),
        "fd_budget": scan.fd_budget(2048),
        "found": found,
        "open_port": open_port,
        "refused_attempt": refused,
        "immediate_attempt": immediate,
        "neighbours": await neighbours.neighbour_table(),
        "default_ports": list(default_ports()),
        "private_write": private_write(),
    }


def private_write() -> str:
    """Files with configuration are written without ``os.fchmod`` (Windows has none)."""
    import tempfile
    from pathlib import Path

    from configurator.services.paths import atomic_write_text
    from configurator.services.private_files import write_private

    folder = Path(tempfile.mkdtemp())
    write_private(folder / "backup.bin", b"config")
    atomic_write_text(folder / "site.json", "{}")
    return (folder / "backup.bin").read_text() + (folder / "site.json").read_text()


def main() -> None:
    block_unix()
    report: dict[str, object] = {"import_failures": import_everything()}
    try:
        report.update(asyncio.run(discovery_on_fallback()))
    except BaseException:
        report["discovery_error"] = traceback.format_exc()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
