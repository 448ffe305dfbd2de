"""Multicast discovery, only inside a network namespace this test creates (root needed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

needs_netns = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None,
    reason="multicast tests need root and iproute2 to create a private network namespace")


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


@pytest.fixture
def netns():
    name = f"cfgdisc{os.getpid()}"
    _ip("netns", "add", name)
    try:
        _ip("-n", name, "link", "set", "lo", "up")
        _ip("-n", name, "link", "set", "lo", "multicast", "on")
        _ip("-n", name, "route", "add", "224.0.0.0/4", "dev", "lo")
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=10)


@needs_netns
def test_multicast_discovery_in_private_namespace(netns: str) -> None:
    result = subprocess.run(
        ["ip", "netns", "exec", netns, sys.executable, "-m", "tests.discovery.netns_scenario",
         "1.0"],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    by_address = {d["address"]: d for d in data["devices"]}
    assert sorted(by_address) == ["127.0.0.2", "127.0.0.4"]
    verso = by_address["127.0.0.2"]
    # SSDP, WS-Discovery and mDNS answers and the HTTP probe merged into one device by MAC
    # the follow-up HTTP probe of the announced address counts as "sweep"
    assert set(verso["found_by"]) == {"ssdp", "ws-discovery", "mdns", "sweep"}
    assert verso["mac"] == "7C:1E:B3:00:00:02" and verso["vendor_hint"] == "2N"
    assert verso["serial"] == "54-0000-0002" and verso["driver"] == "fake"
    assert verso["model"] == "FK-WEB"  # the driver's probe wins over announcements
    assert data["answered"]["ssdp"] >= 1 and data["answered"]["wsd"] >= 1
    assert data["answered"]["mdns"] >= 1
    phone = by_address["127.0.0.4"]
    assert phone["found_by"] == ["sip-pnp"]
    assert (phone["vendor"], phone["model"], phone["firmware"]) == ("Fanvil", "X3SG", "2.4.1")
    assert phone["mac"] == "0C:38:3E:00:00:04" and phone["vendor_hint"] == "Fanvil"
