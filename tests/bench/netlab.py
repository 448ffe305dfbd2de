"""A two-namespace "LAN" for the discovery benchmark (root only; nothing on the host's own
interfaces is touched and no packet leaves the namespaces).

    <scan ns>  scan0 10.99.4.1/21  ==veth==  lan0 10.99.7.1/21  <lan ns>
                                              |- macvlan per device: own MAC, one /32 address
                                              |- "refusing" block: /32 addresses on lan0 (RST)
                                              '- "dropped" block: /32 addresses on lan0 and
                                                 iptables INPUT DROP (answer ARP, then silence)

Every other address of the range is absent: nobody answers its ARP request, as on a LAN.
Each device address has its own MAC (macvlan), so the scanner's neighbour table sees one MAC
per device, as on a real LAN. ``arp_ignore=1`` makes only the interface holding an address
answer ARP for it; ``arp_announce=2`` keeps the lan namespace's own ARP requests from
advertising a device address with lan0's MAC; ``rp_filter=0`` because replies leave via lan0
while requests arrive on the macvlans.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

SCAN_ADDRESS = "10.99.4.1/21"
LAN_ADDRESS = "10.99.7.1/21"
TOOLS = ("ip", "iptables", "nmap")


@dataclass(frozen=True)
class Lab:
    scan: str  # namespace names
    lan: str


@dataclass(frozen=True)
class Scenario:
    label: str
    cidr: str
    devices: tuple[str, ...]  # one simulator per address
    refusing: str  # present hosts without web ports (RST)
    dropped: str  # present hosts that silently DROP everything

    def __post_init__(self) -> None:
        # A device inside a block would share its address with lan0 (two ARP answers).
        overlap = set(self.devices) & set(self.blocks())
        if overlap:
            raise ValueError(f"{self.label}: devices inside a block: {sorted(overlap)}")

    def blocks(self) -> list[str]:
        return [str(a) for block in (self.refusing, self.dropped)
                for a in ipaddress.ip_network(block)]


def missing_requirements() -> str:
    """Why the benchmark cannot run here ('' when it can)."""
    if os.geteuid() != 0:
        return "not root: the benchmark creates network namespaces (run it with sudo)"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return (f"missing {', '.join(missing)}: install iproute2, iptables and nmap "
                "(apt-get install -y iproute2 iptables nmap)")
    return ""


def _run(*command: str, stdin: str | None = None) -> None:
    subprocess.run(command, check=True, input=stdin, text=True, capture_output=True)


def mac_for(address: str) -> str:
    """A locally administered MAC made from the address (unique per device)."""
    _a, _b, c, d = (int(x) for x in address.split("."))
    return f"02:63:00:00:{c:02x}:{d:02x}"


def _lan_batch(scenario: Scenario) -> str:
    lines = ["link set lo up", "link set lan0 up", f"addr add {LAN_ADDRESS} dev lan0"]
    for index, address in enumerate(scenario.devices):
        name = f"dev{index}"
        lines += [f"link add link lan0 name {name} address {mac_for(address)} "
                  "type macvlan mode bridge",
                  f"addr add {address}/32 dev {name}", f"link set {name} up"]
    lines += [f"addr add {address}/32 dev lan0" for address in scenario.blocks()]
    return "\n".join(lines) + "\n"


@contextmanager
def lab(scenario: Scenario) -> Iterator[Lab]:
    """Build the two namespaces for ``scenario``; remove rules and namespaces afterwards."""
    pid = os.getpid()
    names = Lab(f"cfgscan{pid}", f"cfglan{pid}")
    created: list[str] = []
    drop_rule = ["INPUT", "-d", scenario.dropped, "-j", "DROP"]
    rule_added = False
    try:
        for name in (names.scan, names.lan):
            _run("ip", "netns", "add", name)
            created.append(name)
        # Both ends are created inside the namespaces: never on the host.
        _run("ip", "-n", names.scan, "link", "add", "scan0", "type", "veth",
             "peer", "name", "lan0", "netns", names.lan)
        _run("ip", "netns", "exec", names.lan, "sysctl", "-qw",
             "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2",
             "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0")
        _run("ip", "-n", names.lan, "-batch", "-", stdin=_lan_batch(scenario))
        _run("ip", "-n", names.scan, "-batch", "-", stdin="link set lo up\nlink set scan0 up\n"
             f"addr add {SCAN_ADDRESS} dev scan0\n")
        _run("ip", "netns", "exec", names.lan, "iptables", "-A", *drop_rule)
        rule_added = True
        yield names
    finally:
        if rule_added:
            subprocess.run(["ip", "netns", "exec", names.lan, "iptables", "-D", *drop_rule],
                           check=False, capture_output=True)
        for name in reversed(created):
            subprocess.run(["ip", "netns", "del", name], check=False, capture_output=True)


def in_namespace(namespace: str, *command: str) -> list[str]:
    return ["ip", "netns", "exec", namespace, *command]
