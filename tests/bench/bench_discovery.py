"""Discovery vs ``nmap -sn -n -PS80,443`` over a real L2 link (a veth between two namespaces).

    sudo .venv/bin/python tests/bench/bench_discovery.py [--runs 3] [--only /24|/22]

Layout (see ``netlab.py``): the scanner's namespace holds 10.99.4.1/21; the "LAN" namespace
holds 20 simulators, each on its own macvlan (own MAC) and address, a block of hosts that
refuse (RST), a block that answers ARP but silently DROPs (iptables), and nothing else - the
rest of the range is absent (no ARP answer). Discovery and nmap (with its ARP ping, and with
``--disable-arp-ping``) run from the scanner's namespace on the same range in the same run,
the scanner's neighbour table flushed before each. The simulators run in a process of their
own inside the LAN namespace. The engine is given each vendor's credentials (as an installer
would type them) so locked devices show model and firmware. Rules and namespaces are removed
in ``finally``. Skips (exit 0, with the reason) when not root or ip/iptables/nmap are missing.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import ipaddress
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from netlab import Scenario, in_namespace, lab, missing_requirements  # noqa: E402

SLOTS_24 = (3, 9, 14, 22, 31, 37, 45, 52, 60, 66, 71, 83, 90, 97, 104, 111, 119, 230, 241, 250)
SCENARIOS = {
    "/24": Scenario("/24", "10.99.0.0/24", tuple(f"10.99.0.{d}" for d in SLOTS_24),
                    refusing="10.99.0.160/27", dropped="10.99.0.128/27"),
    "/22": Scenario("/22", "10.99.0.0/22",
                    tuple(f"10.99.{(0, 1, 3)[i % 3]}.{7 + 12 * i}" for i in range(20)),
                    refusing="10.99.3.224/27", dropped="10.99.2.0/24"),
}
VENDORS = [("2n", {"model": "verso"}), ("2n", {"model": "style"}), ("fanvil", {}),
           ("onetouch", {}), ("2n", {"model": "vario"})]


def plan(scenario: Scenario) -> list[tuple[str, str, dict[str, Any]]]:
    """One FCM5600 PBX (HTTPS) on the first address, the other 19 cycle through VENDORS."""
    first, *rest = scenario.devices
    members: list[tuple[str, str, dict[str, Any]]] = [("fcm5600", first, {})]
    for i, address in enumerate(rest):
        vendor, options = VENDORS[i % len(VENDORS)]
        members.append((vendor, address, options))
    return members


def unique_identity(device: Any, address: str) -> None:
    """The 2N simulator gives every instance of a model the same serial (and MAC, derived
    from it); real devices differ, so make them unique (benchmark only)."""
    profile = getattr(device, "profile", None)
    if profile is not None and hasattr(profile, "serial"):
        last = address.split(".", 2)[2].replace(".", "")
        serial = f"{profile.serial[:-6]}{last:0>6}"[-12:]
        device.profile = dataclasses.replace(profile, serial=serial)


def ports_for(vendor: str) -> dict[str, int]:
    return {"https_port": 443} if vendor == "fcm5600" else {"http_port": 80}


# -- the simulator process (LAN namespace) ----------------------------------------------------

async def serve(scenario: Scenario) -> None:
    from configurator.simulators.fleet import factory

    devices = []
    for vendor, address, options in plan(scenario):
        device = factory(vendor)(address, **options, **ports_for(vendor))
        unique_identity(device, address)
        await device.start()
        devices.append(device)
    print(json.dumps([[d.host, d.vendor, d.user, d.password] for d in devices]), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for device in devices:
        await device.stop()


# -- the measuring process (scanner namespace) ------------------------------------------------

def flush_neighbours() -> None:
    """Start every measurement with a cold neighbour table (this namespace only)."""
    subprocess.run(["ip", "neigh", "flush", "all"], check=True, capture_output=True)


async def measure(cidr: str, expected: list[str], credentials: Any) -> dict[str, Any]:
    """One discovery run: first device, all expected complete (vendor, model, firmware),
    sweep finished (the Summary)."""
    from configurator.discovery import DeviceFound, DiscoveryOptions, Summary, discover
    from configurator.discovery.neighbours import neighbour_table

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
    table = await neighbour_table()
    return {"first_device_s": round(first or 0, 3),
            "all_identified_s": round(all_identified, 3) if all_identified else None,
            "sweep_finished_s": round(elapsed, 3), "probed": summary.addresses_probed,
            "fast_timeout_ms": round(summary.fast_timeout * 1000, 1),
            "second_pass": summary.second_pass, "found": len(summary.devices),
            "complete": len(complete), "expected": len(expected),
            "missing": sorted(set(expected) - complete),
            "distinct_neighbour_macs": len({table[a] for a in expected if a in table}),
            "devices": [(d.address, d.vendor, d.model, d.firmware) for d in summary.devices]}


def nmap(cidr: str, *extra: str) -> dict[str, Any]:
    """Time ``nmap -sn -n -PS80,443`` and count why nmap thinks hosts are up (--reason)."""
    command = ["nmap", "-sn", "-n", "-PS80,443", *extra, "--reason", cidr]
    started = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True, timeout=300).stdout
    seconds = time.monotonic() - started
    reasons: dict[str, int] = {}
    for line in out.splitlines():
        if line.startswith("Host is up"):
            reason = line.split("received ", 1)[-1].split(")")[0].split(" ")[0]
            reasons[reason] = reasons.get(reason, 0) + 1
    return {"seconds": round(seconds, 3), "hosts_up": out.count("Host is up"),
            "reasons": reasons}


async def warm_up() -> float:
    """Import the drivers and httpx's lazily loaded HTTP stack once (the application has
    done so long before a user starts discovery); returns the seconds it took."""
    import httpx

    from configurator.drivers.registry import available_drivers

    started = time.monotonic()
    available_drivers()
    await httpx.AsyncClient().aclose()
    return round(time.monotonic() - started, 3)


def credentials_by_driver(started: list[list[str]]) -> dict[str, list[Any]]:
    from configurator.core.transport import Credentials

    creds: dict[str, list[Any]] = {}
    for _host, vendor, user, password in started:
        driver = {"2N": "2n", "FCM": "fcm5600"}.get(vendor, vendor.lower())
        if Credentials(user, password) not in creds.setdefault(driver, []):
            creds[driver].append(Credentials(user, password))
    return creds


async def measure_runs(scenario: Scenario, runs: int) -> None:
    started = json.loads(sys.stdin.readline())
    creds = credentials_by_driver(started)
    expected = [h for h, *_ in started
                if ipaddress.ip_address(h) in ipaddress.ip_network(scenario.cidr)]
    print(json.dumps({"cold_start_s": await warm_up()}), flush=True)
    for _ in range(runs):
        flush_neighbours()
        ours = await measure(scenario.cidr, expected, creds)
        flush_neighbours()
        arp = nmap(scenario.cidr)
        flush_neighbours()
        no_arp = nmap(scenario.cidr, "--disable-arp-ping")
        print(json.dumps({"ours": ours, "nmap": arp, "nmap_no_arp": no_arp}), flush=True)


# -- the orchestrator (host namespace: only creates and deletes the two namespaces) -----------

def run_scenario(scenario: Scenario, runs: int) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    me = [sys.executable, str(Path(__file__).resolve())]
    with lab(scenario) as names:
        server = subprocess.Popen(in_namespace(names.lan, *me, "serve", scenario.label),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  cwd=ROOT)
        try:
            started = server.stdout.readline()  # type: ignore[union-attr]
            if not started:
                raise SystemExit("the simulators did not start (see their error above)")
            measuring = subprocess.Popen(
                in_namespace(names.scan, *me, "measure", scenario.label, str(runs)),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
            measuring.stdin.write(started)  # type: ignore[union-attr]
            measuring.stdin.flush()  # type: ignore[union-attr]
            for line in measuring.stdout:  # type: ignore[union-attr]
                record = json.loads(line)
                print(scenario.label, json.dumps(record), flush=True)
                if "ours" in record:
                    results.append(record)
            if measuring.wait(timeout=600) != 0:
                raise SystemExit("the measuring process failed")
        finally:
            server.stdin.close()  # type: ignore[union-attr]
            server.wait(timeout=30)
    return results


def spread(values: list[float | None]) -> str:
    if any(v is None for v in values):
        return "incomplete"
    numbers = [float(v) for v in values if v is not None]
    return f"{min(numbers):.2f}-{max(numbers):.2f} s (median {statistics.median(numbers):.2f})"


def report(scenario: Scenario, results: list[dict[str, Any]]) -> None:
    ours = [r["ours"] for r in results]
    print(f"\n{scenario.label} {scenario.cidr}: {len(results)} runs; "
          f"refusing {scenario.refusing}, dropped {scenario.dropped}, rest absent")
    print(f"  identified (vendor+model+firmware): "
          f"{', '.join(str(o['complete']) + '/' + str(o['expected']) for o in ours)}; "
          f"distinct neighbour MACs: {', '.join(str(o['distinct_neighbour_macs']) for o in ours)}")
    for name, key in (("first device", "first_device_s"), ("all identified", "all_identified_s"),
                      ("sweep finished", "sweep_finished_s")):
        print(f"  {name:<16} {spread([o[key] for o in ours])}")
    for name, key in (("nmap (ARP ping)", "nmap"), ("nmap no-ARP", "nmap_no_arp")):
        up = sorted({r[key]["hosts_up"] for r in results})
        print(f"  {name:<16} {spread([r[key]['seconds'] for r in results])}, hosts up {up}, "
              f"reasons {results[-1][key]['reasons']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", nargs="?", default="bench", choices=["bench", "serve", "measure"])
    parser.add_argument("label", nargs="?", default="")
    parser.add_argument("count", nargs="?", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=sorted(SCENARIOS))
    args = parser.parse_args()
    if args.role == "serve":
        asyncio.run(serve(SCENARIOS[args.label]))
        return
    if args.role == "measure":
        asyncio.run(measure_runs(SCENARIOS[args.label], args.count))
        return
    reason = missing_requirements()
    if reason:
        print(f"SKIPPED: {reason}")
        return
    chosen = [SCENARIOS[args.only]] if args.only else list(SCENARIOS.values())
    summaries = [(scenario, run_scenario(scenario, args.runs)) for scenario in chosen]
    for scenario, results in summaries:
        report(scenario, results)


if __name__ == "__main__":
    main()
