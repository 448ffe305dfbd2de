"""Benchmark: ``configurator discover`` of a /24 as a whole process vs
``nmap -n -Pn -p80,443 --open -T4`` on the same range - loopback only (127.x.y.0/24).

    .venv/bin/python tests/bench/bench_discover_cli.py [--runs 5] [--range 127.0.252.0/24]
        [--executable dist/configurator/configurator]

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
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--range", default="127.0.252.0/24")
    parser.add_argument("--executable", default=str(Path(sys.executable).parent / "configurator"))
    args = parser.parse_args()
    network = ipaddress.IPv4Network(args.range)
    if not network.is_loopback:
        raise SystemExit("loopback ranges only (127.0.0.0/8)")
    nmap = shutil.which("nmap")
    if nmap is None:
        print("skipped: nmap is not installed (apt-get install nmap)")
        return 0
    exe = os.path.abspath(args.executable)
    first = str(network.network_address + 1)
    fleet = subprocess.Popen([exe, "simulate", "--first-address", first],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert fleet.stdout is not None
        devices = [json.loads(fleet.stdout.readline()) for _ in range(8)]
        ports = sorted({d["port"] for d in devices})
        print(f"{len(devices)} simulators on {first}..{devices[-1]['address']} (ports {ports}); "
              f"{exe}")
        ours = [exe, "discover", "--range", str(network), "--json"]
        theirs = [nmap, "-n", "-Pn", "-p80,443", "--open", "-T4", "-oG", "-", str(network)]
        if not set(ports) <= {80, 443}:  # not root: the simulators listen on 8080/8443
            theirs[3] = "-p" + ",".join(str(p) for p in sorted({*ports, 80, 443}))
        times: dict[str, list[float]] = {"configurator discover": [], "nmap": []}
        found: dict[str, int] = {}
        for _ in range(args.runs):
            elapsed, out = timed(ours)
            times["configurator discover"].append(elapsed)
            found["configurator discover"] = sum(1 for line in out.splitlines()
                                                 if line.startswith("{"))
            elapsed, out = timed(theirs)
            times["nmap"].append(elapsed)
            found["nmap"] = sum(1 for line in out.splitlines() if "Ports:" in line)
        for name, values in times.items():
            print(f"{name:22} min {min(values):.3f}  median {statistics.median(values):.3f}  "
                  f"max {max(values):.3f} s  ({len(values)} runs; {found[name]} hosts reported)")
        ratio = statistics.median(times["configurator discover"]) / statistics.median(
            times["nmap"])
        print(f"configurator / nmap (medians): {ratio:.2f}x "
              "(configurator also identifies vendor, model and firmware)")
    finally:
        fleet.send_signal(signal.SIGTERM)
        fleet.wait(timeout=20)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
