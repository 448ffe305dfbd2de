"""Soak: the demo fleet plus 52 more simulated devices, every event stream followed, 4 camera
pipelines opened again and again, for a configurable time; resources at start and end.

    .venv/bin/python tests/bench/soak.py --minutes 60

The simulators run in a child process (``configurator simulate``), so what is measured here is
the program's side only: resident memory (RSS), open file descriptors, asyncio tasks and
threads after a warm-up and at the end, plus events received, camera frames decoded and
errors. a 2N switch is triggered every 2 seconds so events keep coming. Prints one JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from configurator.core.errors import ConfiguratorError, NotSupported
from configurator.core.transport import Credentials, Endpoint
from configurator.drivers.registry import connect
from configurator.live.diagnostic import camera_diagnostic

FIRST_DEMO, FIRST_EXTRA = "127.0.220.1", "127.0.221.1"
ERRORS: dict[str, int] = {}  # first words of each kind of error seen (for the report)


def resources() -> dict[str, Any]:
    rss_kb = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text()
                  .splitlines() if line.startswith("VmRSS:"))
    return {"rss_mb": round(rss_kb / 1024, 1), "fds": len(os.listdir("/proc/self/fd")),
            "tasks": len(asyncio.all_tasks()), "threads": threading.active_count()}


def start_fleet(args: list[str], count: int) -> tuple[subprocess.Popen[str], list[dict[str, Any]]]:
    """``configurator simulate ARGS`` in a child process; the ``count`` devices it prints."""
    proc = subprocess.Popen([sys.executable, "-m", "configurator.cli", "simulate", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    devices = []
    while len(devices) < count:
        line = proc.stdout.readline()
        if not line.startswith("{"):
            break  # it ended (an error): the caller sees too few devices
        devices.append(json.loads(line))
    return proc, devices


async def follow(device: Any, counters: dict[str, int]) -> None:
    while True:
        try:
            async for _event in device.events():
                counters["events"] += 1
        except asyncio.CancelledError:
            raise
        except NotSupported:
            counters["streams_not_offered"] += 1  # this model has no event log
            return
        except ConfiguratorError as exc:
            counters["stream_errors"] += 1
            ERRORS.setdefault(f"events: {type(exc).__name__}: {exc}"[:160], 0)
            await asyncio.sleep(2)


async def cameras(device: Any, counters: dict[str, int], seconds: float) -> None:
    while True:
        try:
            report = await camera_diagnostic(device, seconds=seconds, fps=10)
            counters["frames"] += int(report["frames_decoded"])
            counters["camera_runs"] += 1
        except ConfiguratorError as exc:
            counters["camera_errors"] += 1
            ERRORS.setdefault(f"camera: {type(exc).__name__}: {exc}"[:160], 0)
            await asyncio.sleep(1)


async def toggles(devices: list[Any], counters: dict[str, int]) -> None:
    rng = random.Random(1)
    while True:
        await asyncio.sleep(2)
        device = rng.choice(devices)
        try:
            await device.client.switch_ctrl(1, "trigger")
            counters["toggles"] += 1
        except ConfiguratorError as exc:
            ERRORS.setdefault(f"toggle: {type(exc).__name__}: {exc}"[:160], 0)


async def soak(minutes: float, info: list[dict[str, Any]]) -> dict[str, Any]:
    devices = []
    for d in info:
        endpoint = Endpoint(d["address"], d["port"], d["scheme"])
        devices.append(await connect(endpoint, Credentials(d["user"], d["password"]),
                                     driver_id=d["driver"]))
    counters = {k: 0 for k in ("events", "stream_errors", "streams_not_offered", "frames",
                               "camera_runs",
                               "camera_errors", "toggles")}
    twon = [d for d in devices if d.driver_id == "2n"]
    jobs = [asyncio.create_task(follow(d, counters)) for d in devices]
    jobs += [asyncio.create_task(cameras(d, counters, 30.0)) for d in twon[:4]]
    jobs.append(asyncio.create_task(toggles(twon, counters)))
    await asyncio.sleep(30)  # warm-up: every stream subscribed, pipelines started
    start, started = resources(), time.monotonic()
    samples = [{"minute": 0, **start}]
    end_at = started + minutes * 60
    while time.monotonic() < end_at:
        await asyncio.sleep(min(60, max(0.1, end_at - time.monotonic())))
        samples.append({"minute": round((time.monotonic() - started) / 60, 1), **resources()})
    end = resources()
    for job in jobs:
        job.cancel()
    await asyncio.gather(*jobs, return_exceptions=True)
    for device in devices:
        await device.aclose()
    return {"devices": len(devices), "cameras": min(4, len(twon)), "minutes": minutes,
            "start": start, "end": end, "samples": samples, **counters,
            "error_kinds": sorted(ERRORS)[:20]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    args = parser.parse_args()
    demo, demo_info = start_fleet(["--first-address", FIRST_DEMO], 8)
    extra, extra_info = start_fleet(["--vendor", "2n", "--vendor", "onetouch", "--vendor",
                                     "fanvil", "--vendor", "fcm5600", "--count", "13",
                                     "--first-address", FIRST_EXTRA], 52)
    try:
        if len(demo_info) != 8 or len(extra_info) != 52:
            print("the simulators did not start", file=sys.stderr)
            return 1
        result = asyncio.run(soak(args.minutes, demo_info + extra_info))
    finally:
        for proc in (demo, extra):
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
