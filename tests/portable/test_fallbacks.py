"""The non-Linux code paths with recorded system output: ``arp -a``, ``ifaddr`` adapters,
per-user directories."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from configurator.discovery import neighbours
from configurator.discovery.neighbours import parse_arp_a
from configurator.discovery.ranges import default_ranges, portable_interfaces
from configurator.services import paths

WINDOWS_ARP = """
Interface: 192.168.1.10 --- 0x4
  Internet Address      Physical Address      Type
  192.168.1.1           00-11-22-33-44-55     dynamic
  192.168.1.20          a4-bb-6d-01-02-03     dynamic
  192.168.1.255         ff-ff-ff-ff-ff-ff     static
  224.0.0.22            01-00-5e-00-00-16     static
"""

MACOS_ARP = """
? (10.0.0.1) at 0:11:2:33:44:5 on en0 ifscope [ethernet]
? (10.0.0.7) at (incomplete) on en0 ifscope [ethernet]
? (10.0.0.9) at 7c:1e:b3:a:b:c on en0 ifscope permanent [ethernet]
"""


def test_windows_arp_table() -> None:
    table = parse_arp_a(WINDOWS_ARP)
    assert table["192.168.1.1"] == "00:11:22:33:44:55"
    assert table["192.168.1.20"].lower() == "a4:bb:6d:01:02:03"
    assert "192.168.1.255" not in table  # broadcast is no device
    assert "192.168.1.10" not in table  # the "Interface:" header line


def test_macos_arp_table_restores_leading_zeros_and_skips_incomplete() -> None:
    table = parse_arp_a(MACOS_ARP)
    assert table["10.0.0.1"].lower() == "00:11:02:33:44:05"
    assert table["10.0.0.9"].lower() == "7c:1e:b3:0a:0b:0c"
    assert "10.0.0.7" not in table


def test_neighbour_table_uses_arp_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    async def fake_run(program: str, *arguments: str) -> str:
        calls.append((program, arguments))
        return WINDOWS_ARP

    monkeypatch.setattr(neighbours.sys, "platform", "win32")
    monkeypatch.setattr(neighbours.shutil, "which", lambda name: f"C:/Windows/{name}.exe")
    monkeypatch.setattr(neighbours, "_run", fake_run)
    table = asyncio.run(neighbours.neighbour_table())
    assert calls == [("C:/Windows/arp.exe", ("-a",))]
    assert table["192.168.1.1"] == "00:11:22:33:44:55"


def test_neighbour_table_is_empty_without_any_means(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neighbours.sys, "platform", "darwin")
    monkeypatch.setattr(neighbours.shutil, "which", lambda name: None)
    assert asyncio.run(neighbours.neighbour_table()) == {}


def test_a_missing_helper_program_gives_no_output() -> None:
    assert asyncio.run(neighbours._run("/nonexistent/arp", "-a")) == ""


def _adapter(name: str, *ips: tuple[object, int]) -> SimpleNamespace:
    return SimpleNamespace(
        name="{GUID}", nice_name=name,
        ips=[SimpleNamespace(ip=ip, network_prefix=prefix) for ip, prefix in ips])


def test_portable_interfaces_from_ifaddr_adapters() -> None:
    adapters = [
        _adapter("Loopback Pseudo-Interface 1", ("::1", 128), ("127.0.0.1", 8)),
        _adapter("Ethernet", (("fe80::1", 0, 4), 64), ("192.168.1.10", 24), ("192.168.1.11", 24)),
        _adapter("Wi-Fi", ("169.254.3.4", 16)),
        _adapter("Broken", ("not an address", 24)),
    ]
    interfaces = portable_interfaces(adapters)
    assert [(i.name, i.address, i.netmask, i.loopback) for i in interfaces] == [
        ("Loopback Pseudo-Interface 1", "127.0.0.1", "8", True),
        ("Ethernet", "192.168.1.10", "24", False),  # the first IPv4 address only
        ("Wi-Fi", "169.254.3.4", "16", False),
    ]
    assert [str(n) for n in default_ranges(interfaces)] == ["192.168.1.0/24"]


def test_portable_interfaces_of_this_machine_include_loopback() -> None:
    assert any(i.address == "127.0.0.1" and i.loopback for i in portable_interfaces())


def test_paths_follow_platformdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    platformdirs = pytest.importorskip("platformdirs")
    monkeypatch.delenv(paths.ENV_CONFIG_DIR, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert paths.config_dir() == Path(
        platformdirs.user_config_dir("configurator", appauthor=False, roaming=True))
    assert paths.data_dir() == Path(platformdirs.user_data_dir("configurator", appauthor=False))
    assert paths.cache_dir() == Path(platformdirs.user_cache_dir("configurator", appauthor=False))
    assert paths.log_dir() == Path(platformdirs.user_log_dir("configurator", appauthor=False))
    if sys.platform.startswith("linux"):
        assert paths.config_dir() == tmp_path / "cfg" / "configurator"  # where it always was
    assert paths.config_dir().is_dir() and paths.log_dir().is_dir()


def test_one_variable_moves_every_directory(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setenv(paths.ENV_CONFIG_DIR, str(tmp_path / "portable"))
    assert paths.config_dir() == tmp_path / "portable"
    assert paths.data_dir() == tmp_path / "portable" / "data"
    assert paths.log_dir() == tmp_path / "portable" / "logs"


def test_simulate_without_the_loopback_address_is_one_line(monkeypatch, capsys) -> None:
    """macOS has only 127.0.0.1 on lo0: binding 127.0.50.1 fails with EADDRNOTAVAIL."""
    import errno

    from configurator.cli import main
    from configurator.simulators import fleet

    async def no_such_address(self):
        raise OSError(errno.EADDRNOTAVAIL, "error while attempting to bind on address "
                      "('127.0.50.1', 80): can't assign requested address")

    monkeypatch.setattr(fleet.Fleet, "start", no_such_address)
    code = main(["simulate", "--first-address", "127.0.50.1", "--seconds", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "127.0.50.1:80" in err and "ifconfig lo0 alias" in err
