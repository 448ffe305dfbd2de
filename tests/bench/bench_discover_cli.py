"""Benchmark: ``configurator discover`` of a /24 as a whole process vs
``nmap -n -Pn -p80,443 --open -T4`` on the same range - loopback only (127.x.y.0/24).

    .venv/bin/python tests/bench/bench_discover_cli.py [--runs 5] [--range 127.0.252.0/24]
        [--executable PATH]

Times the venv's ``configurator`` and, when built, the bundle's
(``dist/configurator/configurator``), or only ``--executable``. Children run without
``PYTHONDONTWRITEBYTECODE`` (set, every start would recompile the package). Prints the load
average before and after: figures taken on a busy machine say so.

The demo fleet (8 simulators) runs on the first addresses of the range (its own process,
``configurator simulate``); every other address of 127/8 refuses at once (RST), so this
measures start-up, the sweep and the identification, not waiting for silent hosts. Runs
alternate between the two tools. Prints min / median / max seconds and what each found.
Asserts nothing. Skips (exit 0) without nmap (``apt-get install nmap``).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ROOT = Path(__file__).resolve().parents[2]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


CPU: dict[str, list[float]] = {}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], name: str = "") -> tuple[float, str]:
    """Wall seconds of the whole process; its CPU seconds (user + system) go to CPU[name]:
    a figure a busy machine distorts far less than the wall time."""
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=ENV)
    elapsed = time.perf_counter() - started
    CPU.setdefault(name, []).append(children_cpu() - cpu)
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--range", default="127.0.252.0/24")
    parser.add_argument("--executable", default=None,
                        help="only this configurator (default: the venv's and the bundle's)")
    args = parser.parse_args()
    network = ipaddress.IPv4Network(args.range)
    if not network.is_loopback:
        raise SystemExit("loopback ranges only (127.0.0.0/8)")
    nmap = shutil.which("nmap")
    if nmap is None:
        print("skipped: nmap is not installed (apt-get install nmap)")
        return 0
    if args.executable:
        tools = {"configurator": os.path.abspath(args.executable)}
    else:
        tools = {"configurator (venv)": str(Path(sys.executable).parent / "configurator")}
        bundle = ROOT / "dist" / "configurator" / "configurator"
        if bundle.exists():
            tools["configurator (bundle)"] = str(bundle)
    exe = next(iter(tools.values()))
    first = str(network.network_address + 1)
    fleet = subprocess.Popen([exe, "simulate", "--first-address", first],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env=ENV)
    try:
        assert fleet.stdout is not None
        devices = [json.loads(fleet.stdout.readline()) for _ in range(8)]
        ports = sorted({d["port"] for d in devices})
        print(f"{len(devices)} simulators on {first}..{devices[-1]['address']} (ports {ports})")
        print(f"load average (1, 5, 15 min) at start: {load()}")
        commands = {name: [path, "discover", "--range", str(network), "--json"]
                    for name, path in tools.items()}
        theirs = [nmap, "-n", "-Pn", "-p80,443", "--open", "-T4", "-oG", "-", str(network)]
        if not set(ports) <= {80, 443}:  # not root: the simulators listen on 8080/8443
            theirs[3] = "-p" + ",".join(str(p) for p in sorted({*ports, 80, 443}))
        commands["nmap"] = theirs
        times: dict[str, list[float]] = {name: [] for name in commands}
        found: dict[str, int] = {}
        for command in commands.values():  # warm the page cache
            timed(command)
        for _ in range(args.runs):
            for name, command in commands.items():
                elapsed, out = timed(command, name)
                times[name].append(elapsed)
                if name == "nmap":
                    found[name] = sum(1 for line in out.splitlines() if "Ports:" in line)
                else:
                    found[name] = sum(1 for line in out.splitlines()
                                      if line.startswith('{"address"'))
        for name, values in times.items():
            print(f"{name:22} min {min(values):.3f}  median {statistics.median(values):.3f}  "
                  f"max {max(values):.3f} s  ({len(values)} runs; {found[name]} hosts reported); "
                  f"CPU median {statistics.median(CPU[name]):.3f} s")
        for name in tools:
            ratio = statistics.median(times[name]) / statistics.median(times["nmap"])
            print(f"{name} / nmap (medians): {ratio:.2f}x "
                  "(configurator also identifies vendor, model and firmware)")
        print(f"load average at end: {load()}")
    finally:
        fleet.send_signal(signal.SIGTERM)
        fleet.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
