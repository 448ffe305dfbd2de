"""Benchmark: whole-process time of ``configurator --version`` and ``--help``.

Run: ``.venv/bin/python tests/bench/bench_startup.py [--runs N] [EXECUTABLE ...]``
(default executables: the venv's ``configurator`` script and, when built, the bundle's
``dist/configurator/configurator``). Bytecode stays cached as in normal use: the environment's
``PYTHONDONTWRITEBYTECODE`` is removed. Warm-up runs first; prints min / median / max in ms of
each command and of a bare interpreter for reference. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def timed(command: list[str], runs: int, env: dict[str, str]) -> list[float]:
    for _ in range(3):  # warm-up: page cache, bytecode
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("executables", nargs="*")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    executables = args.executables or [
        str(p) for p in (Path(sys.executable).parent / "configurator",
                         ROOT / "dist" / "configurator" / "configurator") if p.exists()]
    commands = [[sys.executable, "-c", "pass"], [sys.executable, "-S", "-c", "pass"]]
    commands += [[exe, flag] for exe in executables for flag in ("--version", "--help")]
    for command in commands:
        times = timed(command, args.runs, env)
        label = " ".join([Path(command[0]).name, *command[1:]])
        print(f"{label:40} min {min(times):6.1f}  median {statistics.median(times):6.1f}  "
              f"max {max(times):6.1f} ms  ({args.runs} runs, {command[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
