"""Discovery benchmark: a /24 and a /22 of loopback addresses with 20 simulators each.

    sudo .venv/bin/python tests/bench/bench_discovery.py

Runs inside a private network namespace it creates (root and iproute2 needed, else the
benchmark runs on the host loopback without silent drops): there, part of each range
silently drops SYNs (iptables DROP on lo when iptables exists, else a tc u32 drop filter),
the rest refuses. The simulators run in a child process (as real devices would not share
our event loop). Prints the numbers; also times ``nmap -sn -n -PS80,443`` on the same range
when nmap is installed. Nothing leaves the namespace; the namespace is deleted at the end.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

RANGES = {
    "/24": ("127.0.77.0/24", "127.0.77.128/26", "127.0.77.{}", 254),
    "/22": ("127.0.80.0/22", "127.0.81.0/24", None, 0),
}
VENDORS = [("2n", {"model": "verso"}), ("2n", {"model": "style"}), ("fanvil", {}),
           ("onetouch", {}), ("2n", {"model": "vario"})]


def plan() -> list[tuple[str, str, dict]]:
    """20 scattered addresses in each range, none in the dropped parts; one PBX per range
    (the FCM5600 simulator reports one fixed MAC, so two would merge into one device)."""
    members = [("fcm5600", "127.0.77.37", {}), ("fcm5600", "127.0.83.1", {})]
    slots24 = [3, 9, 14, 22, 31, 45, 52, 60, 66, 71, 83, 90, 97, 104, 111, 119, 200, 221, 250]
    for i, last in enumerate(slots24):
        vendor, options = VENDORS[i % len(VENDORS)]
        members.append((vendor, f"127.0.77.{last}", options))
    for i in range(19):
        third = (80, 82, 83)[i % 3]
        vendor, options = VENDORS[(i + 3) % len(VENDORS)]
        members.append((vendor, f"127.0.{third}.{7 + 12 * i}", options))
    return members


def unique_identity(device, address: str) -> None:
    """The 2N simulator gives every instance of a model the same serial (and MAC, derived
    from it); real devices differ, and discovery merges by MAC/serial - so make them unique
    (benchmark only)."""
    import dataclasses

    profile = getattr(device, "profile", None)
    if profile is not None and hasattr(profile, "serial"):
        last = address.split(".", 2)[2].replace(".", "")
        serial = f"{profile.serial[:-6]}{last:0>6}"[-12:]
        device.profile = dataclasses.replace(profile, serial=serial)


def ports_for(vendor: str) -> dict[str, int]:
    return {"https_port": 443} if vendor == "fcm5600" else {"http_port": 80}


# -- the simulator process ----------------------------------------------------------------

async def serve() -> None:
    from configurator.simulators.fleet import factory

    devices = []
    for vendor, address, options in plan():
        device = factory(vendor)(address, **options, **ports_for(vendor))
        unique_identity(device, address)
        await device.start()
        devices.append(device)
    print(json.dumps([[d.host, d.vendor, d.user, d.password] for d in devices]), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for device in devices:
        await device.stop()


# -- the measuring process ------------------------------------------------------------------

def add_drop(network: str) -> str:
    if shutil.which("iptables"):
        subprocess.run(["iptables", "-A", "OUTPUT", "-o", "lo", "-d", network, "-j", "DROP"],
                       check=True)
        return "iptables DROP"
    if not subprocess.run(["tc", "qdisc", "show", "dev", "lo"], capture_output=True,
                          text=True).stdout.count("prio"):
        subprocess.run(["tc", "qdisc", "add", "dev", "lo", "root", "handle", "1:", "prio"],
                       check=True)
    subprocess.run(["tc", "filter", "add", "dev", "lo", "parent", "1:", "protocol", "ip",
                    "prio", "1", "u32", "match", "ip", "dst", network, "action", "drop"],
                   check=True)
    return "tc u32 drop"


async def measure(label: str, cidr: str, expected: list[str], credentials) -> dict:
    """Run discovery once: time to first device, until every expected device is complete
    (vendor, model, firmware), and until the sweep finished (the Summary)."""
    from configurator.discovery import DeviceFound, DiscoveryOptions, Summary, discover

    options = DiscoveryOptions(ranges=[cidr], credentials=credentials)
    started = time.monotonic()
    first = all_identified = None
    complete: set[str] = set()
    summary = None
    async for event in discover(options):
        now = time.monotonic() - started
        if isinstance(event, DeviceFound):
            first = now if first is None else first
            device = event.device
            if device.address in expected and device.vendor and device.model \
                    and device.firmware:
                complete.add(device.address)
                if len(complete) == len(expected) and all_identified is None:
                    all_identified = now
        if isinstance(event, Summary):
            summary = event
    elapsed = time.monotonic() - started
    assert summary is not None
    return {"range": label, "cidr": cidr, "first_device_s": round(first or 0, 3),
            "all_identified_s": round(all_identified, 3) if all_identified else None,
            "sweep_finished_s": round(elapsed, 3), "probed": summary.addresses_probed,
            "fast_timeout_ms": round(summary.fast_timeout * 1000, 1),
            "rtt_p90_ms": round((summary.rtt_p90 or 0) * 1000, 3),
            "second_pass": summary.second_pass, "found": len(summary.devices),
            "complete": len(complete), "expected": len(expected),
            "missing": sorted(set(expected) - complete)}


def nmap(cidr: str) -> dict | None:
    """Time ``nmap -sn -n -PS80,443`` and say why nmap thinks the hosts are up (--reason)."""
    if shutil.which("nmap") is None:
        return None
    started = time.monotonic()
    out = subprocess.run(["nmap", "-sn", "-n", "-PS80,443", "--reason", cidr],
                         capture_output=True, text=True, timeout=300).stdout
    seconds = time.monotonic() - started
    reasons: dict[str, int] = {}
    for line in out.splitlines():
        if line.startswith("Host is up"):
            reason = line.split("received ", 1)[-1].split(")")[0].split(" ")[0]
            reasons[reason] = reasons.get(reason, 0) + 1
    return {"seconds": round(seconds, 3), "hosts_up": out.count("Host is up"),
            "reasons": reasons, "nmap_said": out.strip().splitlines()[-1] if out else ""}


async def warm_up() -> float:
    """Import the drivers and httpx's lazily loaded HTTP stack once (the application has
    done so long before a user starts discovery); returns the seconds it took."""
    import httpx

    from configurator.drivers.registry import available_drivers

    started = time.monotonic()
    available_drivers()
    await httpx.AsyncClient().aclose()
    return round(time.monotonic() - started, 3)


async def run() -> None:
    from configurator.core.transport import Credentials

    drops = []
    if os.geteuid() == 0:
        for _label, (_cidr, dropped, _f, _n) in RANGES.items():
            drops.append(f"{dropped} ({add_drop(dropped)})")
    server = subprocess.Popen([sys.executable, __file__, "serve"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        started = json.loads(server.stdout.readline())  # type: ignore[union-attr]
        creds: dict[str, list] = {}
        for _h, vendor, user, password in started:
            driver = {"2N": "2n", "FCM": "fcm5600"}.get(vendor, vendor.lower())
            if Credentials(user, password) not in creds.setdefault(driver, []):
                creds[driver].append(Credentials(user, password))
        hosts = [h for h, _v, _u, _p in started]
        print(f"simulators: {len(hosts)}; silently dropped: {', '.join(drops) or 'none'}")
        print(json.dumps({"cold start (imports, once per process)": await warm_up()}))
        for label, (cidr, _dropped, _f, _n) in RANGES.items():
            prefix = cidr.rsplit(".", 2)[0]
            expected = [h for h in hosts if h.startswith(prefix) and
                        __import__("ipaddress").ip_address(h) in
                        __import__("ipaddress").ip_network(cidr)]
            ours = await measure(label, cidr, expected, creds)
            reference = nmap(cidr)
            print(json.dumps({"configurator": ours, "nmap -sn -n -PS80,443": reference}))
    finally:
        server.stdin.close()  # type: ignore[union-attr]
        server.wait(timeout=30)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        asyncio.run(serve())
        return
    if len(sys.argv) > 1 and sys.argv[1] == "inside":
        asyncio.run(run())
        return
    if os.geteuid() != 0 or shutil.which("ip") is None:
        print("not root or no iproute2: running on the host loopback without silent drops")
        asyncio.run(run())
        return
    name = f"cfgbench{os.getpid()}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
        subprocess.run(["ip", "netns", "exec", name, sys.executable, __file__, "inside"],
                       check=True, cwd=ROOT)
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False)


if __name__ == "__main__":
    main()
