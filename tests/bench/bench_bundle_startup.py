"""Start-up of the BUILT bundle (not the source): window shown, demo fleet online, --version.

    python3 tests/bench/bench_bundle_startup.py [--runs 5] [--executable PATH]

Default PATH: dist/configurator/configurator; build it first (``python3 -m
configurator.bootstrap package``). Standard library only, any python3. Each run spawns
``configurator --demo`` offscreen with a fresh configuration folder and measures, from spawn
(whole process, the bootloader included), the "window shown" and "devices answered: N of N
online" log lines (packaging/smoke_test.py does the waiting) and when the last demo simulator
was listening, then quits it with SIGTERM. Also times ``--version`` and ``--help``. Prints
min / median / max and the load average before and after: numbers taken on a busy machine say
so.
Targets (issue 16): window shown < 1.5 s, demo fleet online < 2.5 s. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

from smoke_test import environment, run_demo  # noqa: E402


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def summary(values: list[float]) -> str:
    return (f"min {min(values):.3f}  median {statistics.median(values):.3f}  "
            f"max {max(values):.3f} s  ({len(values)} runs)")


def timed_run(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, env=env, timeout=60, check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--executable", default=str(ROOT / "dist" / "configurator" /
                                                    "configurator"))
    parser.add_argument("--demo-address", default=f"127.0.{140 + os.getpid() % 60}.1",
                        help="loopback address of the demo's first device")
    args = parser.parse_args()
    exe = os.path.abspath(args.executable)
    if not os.path.exists(exe):
        raise SystemExit(f"{exe} not found: build it with python3 -m configurator.bootstrap "
                         "package")
    print(f"{exe}\nload average (1, 5, 15 min) at start: {load()}")
    shown: list[float] = []
    online: list[float] = []
    listening: list[float] = []
    with tempfile.TemporaryDirectory(prefix="configurator-bench-") as config_dir:
        env = environment(config_dir)
        for command in ([exe, "--version"], [exe, "--help"]):
            timed_run(command, env)  # warm the page cache
            times = [timed_run(command, env) for _ in range(args.runs)]
            print(f"{' '.join(command[1:]):12} {summary(times)}")
        for run in range(args.runs):
            before = load()
            marks = run_demo(exe, env, args.demo_address)
            shown.append(marks["window shown"])
            online.append(marks["demo fleet online"])
            listening.append(marks.get("simulators listening", float("nan")))
            print(f"run {run + 1}: window shown {marks['window shown']:.3f} s, "
                  f"simulators listening {listening[-1]:.3f} s, "
                  f"{marks['online']:.0f} of {marks['devices']:.0f} online "
                  f"{marks['demo fleet online']:.3f} s (load {before} -> {load()})")
    print(f"window shown       {summary(shown)}   target < 1.5 s")
    print(f"simulators up      {summary(listening)}   (the demo's 8, in the same process)")
    print(f"demo fleet online  {summary(online)}   target < 2.5 s")
    print(f"load average at end: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
