"""Site-scale benchmark: prints numbers, asserts nothing.

    .venv/bin/python tests/bench/bench_site.py [--devices 200] [--first 127.0.120.1]

1. ``configurator simulate`` with N mixed devices (2N, Onetouch, Fanvil, FCM5600 in equal
   parts) in ONE child process: time until every device is listening, the child's RSS.
2. ``site add`` of all of them (vendor detected) - in this process, 8 at a time.
3. Bulk apply of one changed key to 100 devices (50 Onetouch relay hold delay, 50 Fanvil
   DND) with read-back, concurrency 8: wall time, event-loop lag p50/p99 (a 10 ms ticker on
   the same loop, as the window's qasync loop would run it), RSS growth.
4. Site backup of the same 100 devices: wall time, files, bytes.
5. Report of 100 devices: collection (reading them), HTML render, PDF render (Qt).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from configurator.core.transport import Credentials
from configurator.services.site import Site, SiteDevice
from configurator.services.site_ops.apply import BulkApply
from configurator.services.site_ops.audit import AuditTrail
from configurator.services.site_ops.backup import backup_site
from configurator.services.site_ops.changes import parse_template
from configurator.services.site_ops.credentials import SiteCredentials
from configurator.services.site_ops.inventory import add_devices
from configurator.services.site_ops.report import REPORT_CONCURRENCY, collect
from configurator.services.site_ops.report_html import render_html


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int | None = None) -> float:
    path = f"/proc/{pid or os.getpid()}/status"
    with open(path) as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class LoopLag:
    """Lateness of a 10 ms ticker: what a GUI on the same loop would feel."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(0.01)
            self.samples.append((loop.time() - start - 0.01) * 1000)

    def __enter__(self) -> LoopLag:
        self._task = asyncio.ensure_future(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()

    def text(self) -> str:
        if not self.samples:
            return "no samples"
        s = sorted(self.samples)
        p99 = s[min(len(s) - 1, int(len(s) * 0.99))]
        return f"lag p50 {statistics.median(s):.1f} ms, p99 {p99:.1f} ms, max {s[-1]:.1f} ms"


class Phase:
    """Wall time and the CPU time of this process and of the simulators' process: on a
    shared machine the wall time says how busy the others were, the CPU time what the work
    costs."""

    def __init__(self, sims_pid: int) -> None:
        self.pid = sims_pid

    def __enter__(self) -> Phase:
        self.t, self.cpu, self.sims = time.perf_counter(), cpu_s(), child_cpu_s(self.pid)
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t
        self.cpu = cpu_s() - self.cpu
        self.sims = child_cpu_s(self.pid) - self.sims

    def text(self) -> str:
        return (f"{self.wall:.2f} s wall (CPU: this process {self.cpu:.2f} s, simulators "
                f"{self.sims:.2f} s)")


def start_fleet(count: int, first: str) -> tuple[subprocess.Popen[str], list[dict], float]:
    per = count // 4
    cmd = [sys.executable, "-m", "configurator.cli", "simulate", "--first-address", first,
           "--count", str(per)]
    for vendor in ("2n", "onetouch", "fanvil", "fcm5600"):
        cmd += ["--vendor", vendor]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    devices = []
    assert proc.stdout is not None
    while len(devices) < per * 4:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"simulate stopped: {proc.stderr.read() if proc.stderr else ''}")
        devices.append(json.loads(line))
    return proc, devices, time.perf_counter() - started


async def main(args: argparse.Namespace) -> None:
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} "
          "(shared with other work: numbers vary run to run)")
    proc, described, start_s = start_fleet(args.devices, args.first)
    try:
        print(f"1. simulate: {len(described)} devices in one process listening after "
              f"{start_s:.2f} s; child RSS {rss_mb(proc.pid):.0f} MB")
        work = Path(tempfile.mkdtemp(prefix="bench-site-"))
        site = Site("Bench site", path=work / "site.json")
        creds = SiteCredentials(file=work / "site.credentials.json")
        entries = []
        for d in described:
            entry = SiteDevice(d["address"], d["port"], d["scheme"])
            creds.remember(entry, Credentials(d["user"], d["password"]))
            entries.append(entry)
        creds = SiteCredentials(file=work / "site.credentials.json")
        with Phase(proc.pid) as phase:
            added = await add_devices(site, entries, creds)
        ok = sum(1 for r in added if r.ok)
        print(f"2. site add: {ok}/{len(entries)} identified: {phase.text()}")
        site.save()

        hundred = [d for d in site.devices if d.driver == "onetouch"][:50] + \
            [d for d in site.devices if d.driver == "fanvil"][:50]
        template = parse_template(json.dumps({"drivers": {
            "onetouch": {"relay": {"HoldDelayA": 17}}, "fanvil": {"phone": {"EnableDND": True}}}}))
        rss0 = rss_mb()
        with LoopLag() as lag, Phase(proc.pid) as phase:
            results = await BulkApply(site, template, creds, AuditTrail(None)).run(hundred)
        applied = sum(1 for r in results for k in r.keys if k.outcome and k.changed
                      and str(k.outcome) == "applied")
        print(f"3. bulk apply, 1 key x {len(hundred)} devices with read-back: {phase.text()}; "
              f"{applied} keys changed and verified; {lag.text()}; "
              f"RSS {rss0:.0f} -> {rss_mb():.0f} MB")

        with Phase(proc.pid) as phase:
            backup = await backup_site(site, hundred, creds, work / "backups")
        files = list(backup.folder.iterdir())
        size = sum(f.stat().st_size for f in files)
        print(f"4. site backup of {len(hundred)} devices: {phase.text()}, "
              f"{len(files)} files, {size / 1024:.0f} KB")

        mixed = site.devices[:100]
        with Phase(proc.pid) as phase:
            report, _ = await collect(site, mixed, creds, None, concurrency=REPORT_CONCURRENCY)
        collect_s = phase.wall
        t = time.perf_counter()
        page = render_html(report)
        (work / "report.html").write_text(page)
        html_s = time.perf_counter() - t
        print(f"5. report of {len(mixed)} devices: reading them {phase.text()}; HTML "
              f"{html_s:.3f} s ({len(page) / 1024:.0f} KB) -> total {collect_s + html_s:.2f} s")
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from configurator.ui.site.report_pdf import write_pdf

        t = time.perf_counter()
        pages = write_pdf(report, work / "report.pdf")
        pdf_s = time.perf_counter() - t
        print(f"   PDF: {pdf_s:.2f} s render ({pages} pages) -> total {collect_s + pdf_s:.2f} s")
        print(f"   files in {work}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"max RSS of this process {peak:.0f} MB")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--first", default="127.0.120.1")
    asyncio.run(main(parser.parse_args()))
