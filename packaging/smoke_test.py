"""Smoke test of a BUILT bundle (not the source): standard library only, so it runs with any
python3 and without the venv, e.g. ``env -i PATH=/usr/bin:/bin python3 packaging/smoke_test.py
/tmp/elsewhere/configurator/configurator``.

1. ``configurator --version`` prints the version;
2. ``configurator simulate --seconds S`` prints one JSON line per simulated device;
3. ``configurator info`` against one of them reads its model and capabilities, and
   ``configurator camera`` gets and decodes its MJPEG stream for a few seconds (the stream's
   HTTP parser, llhttp, and the JPEG decoder are in the bundle);
4. ``configurator --demo`` (offscreen) shows the window, gets every demo device answering, and
   quits cleanly (exit 0, no traceback) on SIGTERM.

Prints what it checked and the timings (whole process, from spawn): the window shown, the demo
fleet online. Exit status 0 only when every check passed. ``--demo-runs N`` repeats step 4 and
prints min / median / max (the benchmark).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SIMULATE_SECONDS = 3.0
CAMERA_SECONDS = 2.0
ANSWERED = re.compile(r"configurator\.app: devices answered: (\d+) of (\d+) online")


def fail(message: str) -> None:
    print(f"FAIL: {message}", flush=True)
    raise SystemExit(1)


def environment(config_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(QT_QPA_PLATFORM="offscreen", CONFIGURATOR_CONFIG_DIR=config_dir)
    return env


def check_version(exe: str, env: dict[str, str]) -> None:
    done = subprocess.run([exe, "--version"], capture_output=True, text=True, env=env,
                          timeout=30)
    if done.returncode != 0 or not done.stdout.startswith("configurator "):
        fail(f"--version: exit {done.returncode}, {done.stdout!r} {done.stderr[-500:]!r}")
    print(f"ok  --version: {done.stdout.strip()}", flush=True)


def check_simulate(exe: str, env: dict[str, str], first_address: str) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [exe, "simulate", "--seconds", str(SIMULATE_SECONDS), "--first-address", first_address],
        capture_output=True, text=True, env=env, timeout=60)
    elapsed = time.monotonic() - started
    devices = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not devices or "# stopped" not in done.stderr:
        fail(f"simulate: exit {done.returncode}, {len(devices)} devices, {done.stderr[-500:]!r}")
    print(f"ok  simulate --seconds {SIMULATE_SECONDS:g}: {len(devices)} device lines "
          f"({', '.join(sorted({d['vendor'] for d in devices}))}), stopped by itself after "
          f"{elapsed:.1f} s", flush=True)


def check_info(exe: str, env: dict[str, str], first_address: str) -> None:
    """``info`` against a simulated device (its own simulator, stopped by SIGTERM after)."""
    simulate = subprocess.Popen(
        [exe, "simulate", "--vendor", "2n", "--seconds", "60", "--first-address", first_address],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        assert simulate.stdout is not None
        device = json.loads(simulate.stdout.readline() or "{}")
        if not device:
            fail("simulate --vendor 2n printed no device line")
        info = run_info(exe, env, device)
        camera = run_camera(exe, env, device)
    finally:
        simulate.send_signal(signal.SIGTERM)
        code = simulate.wait(timeout=20)
    if code != 0:
        fail(f"simulate: exit {code} on SIGTERM")
    print(f"ok  info {device['address']}:{device['port']}: {info}", flush=True)
    print(f"ok  camera {device['address']}:{device['port']}: {camera}", flush=True)


def run_on_device(exe: str, env: dict[str, str], device: dict, command: str,
                  *args: str) -> str:
    """``configurator COMMAND HOST:PORT --user U ARGS`` (the password in the environment);
    its standard output, or the test fails with its exit code and error output."""
    done = subprocess.run(
        [exe, command, f"{device['address']}:{device['port']}", "--user", device["user"],
         *args], capture_output=True, text=True, timeout=30,
        env={**env, "CONFIGURATOR_PASSWORD": device["password"]})
    if done.returncode != 0:
        fail(f"{command}: exit {done.returncode}: {done.stderr[-500:]!r}")
    return done.stdout


def run_info(exe: str, env: dict[str, str], device: dict) -> str:
    data = json.loads(run_on_device(exe, env, device, "info", "--json"))
    if data.get("model") != device["model"] or not data.get("capabilities"):
        fail(f"info: model {data.get('model')!r}, expected {device['model']!r}")
    return f"{data['model']}, firmware {data.get('firmware')}, " \
           f"{len(data['capabilities'])} capabilities"


def run_camera(exe: str, env: dict[str, str], device: dict) -> str:
    out = run_on_device(exe, env, device, "camera", "--seconds", str(CAMERA_SECONDS), "--json")
    stats = json.loads(out.strip().splitlines()[-1])
    if stats.get("source") != "MJPEG" or not stats.get("frames_decoded"):
        fail(f"camera: {stats!r}")
    return f"{stats['frames_decoded']} MJPEG frames decoded in {stats['seconds']:.1f} s"


def run_demo(exe: str, env: dict[str, str], demo_address: str,
             timeout: float = 60.0) -> dict[str, float]:
    """Start the demo window (its fleet from ``demo_address`` on), wait for its "window
    shown" and "devices answered" log lines, SIGTERM it; the seconds from spawn to each
    line."""
    started = time.monotonic()
    process = subprocess.Popen([exe, "--demo"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True,
                               env={**env, "CONFIGURATOR_DEMO_ADDRESS": demo_address})
    marks: dict[str, float] = {}
    lines: list[str] = []
    answered = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            now = time.monotonic() - started
            if "window shown" in line:
                marks.setdefault("window shown", now)
            if "demo fleet listening" in line:
                marks.setdefault("simulators listening", now)
            match = ANSWERED.search(line)
            if match and not answered.is_set():
                marks["demo fleet online"] = now
                marks["online"], marks["devices"] = float(match[1]), float(match[2])
                answered.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not answered.wait(timeout):
        process.kill()
        fail(f"--demo: no 'devices answered' line within {timeout:.0f} s: {''.join(lines)[-1500:]}")
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        reader.join(5)
        fail(f"--demo: still running 20 s after SIGTERM: {''.join(lines)[-3000:]}")
    reader.join(5)
    marks["quit"] = time.monotonic() - started
    output = "".join(lines)
    if code != 0 or "Traceback" in output:
        fail(f"--demo: exit {code} after SIGTERM: {output[-1500:]}")
    if marks["online"] != marks["devices"]:
        fail(f"--demo: only {marks['online']:.0f} of {marks['devices']:.0f} devices online")
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("executable")
    parser.add_argument("--first-address", default="127.0.251.1",
                        help="loopback address of the first simulated device")
    parser.add_argument("--demo-address", default="127.0.251.101",
                        help="loopback address of the demo window's first device")
    parser.add_argument("--demo-runs", type=int, default=1)
    args = parser.parse_args()
    exe = os.path.abspath(args.executable)
    with tempfile.TemporaryDirectory(prefix="configurator-smoke-") as config_dir:
        env = environment(config_dir)
        check_version(exe, env)
        check_simulate(exe, env, args.first_address)
        check_info(exe, env, args.first_address)
        runs = [run_demo(exe, env, args.demo_address) for _ in range(args.demo_runs)]
    last = runs[-1]
    print(f"ok  --demo: window shown, {last['online']:.0f} of {last['devices']:.0f} devices "
          f"online, quit cleanly on SIGTERM (exit 0)", flush=True)
    for key in ("window shown", "demo fleet online"):
        values = [run[key] for run in runs]
        print(f"    {key}: min {min(values):.2f} s  median {statistics.median(values):.2f} s  "
              f"max {max(values):.2f} s  ({len(values)} runs, whole process from spawn)")
    print("smoke test passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
