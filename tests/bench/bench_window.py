"""Benchmark: process start → interactive window with the demo fleet loaded, and the time to
open (build + read) the largest generated form.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_window.py [--runs N]``
Prints numbers; asserts nothing about speed. ``--runs N`` starts the benchmark N times, each in
a fresh process, and prints min / median / max of every number.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # as close to process start as a script gets

import asyncio  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CONFIGURATOR_CONFIG_DIR", tempfile.mkdtemp(prefix="configurator-bench-"))


def main() -> int:
    from PySide6.QtWidgets import QApplication
    from qasync import QEventLoop

    from configurator.app import build_window, start_demo
    from configurator.screenshots.common import wait_online
    from configurator.ui.dialogs.prompter import AutoPrompter
    from configurator.ui.editors.capability_view import CapabilityView
    from configurator.ui.editors.context import EditorContext

    t_import = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    numbers: dict[str, float] = {}

    async def scenario() -> None:
        window = build_window(demo=True, prompter=AutoPrompter())
        window.show()
        await asyncio.sleep(0)
        numbers["window shown"] = time.perf_counter() - T0
        await start_demo(window)
        numbers["fleet started"] = time.perf_counter() - T0
        await wait_online(window, 30)
        numbers["all devices online, tree built"] = time.perf_counter() - T0
        # the largest generated form of the fleet
        pages = [(len(p.params), s, p) for s in window.ctx.manager.sessions.values() if s.device
                 for p in s.device.pages()]
        size, session, page = max(pages, key=lambda x: x[0])
        node = next(n for n in window.watch.nodes[session.key]
                    if any(p.id == page.id for p in n.pages))
        t = time.perf_counter()
        ctx = EditorContext(session, window.ctx.manager, window.ctx.tasks, window.ctx.prompter)
        view = CapabilityView(node, ctx)
        view.resize(1000, 700)
        view.show()
        await asyncio.sleep(0)  # never processEvents() inside a coroutine: it re-enters tasks
        built = time.perf_counter() - t
        form = next(f for f in view.forms if f.page.id == page.id)
        await form.load()
        await asyncio.sleep(0)
        loaded = time.perf_counter() - t
        numbers[f"largest form ({session.title} / {page.title}, {size} fields): build"] = built
        numbers["largest form: build + read from device"] = loaded
        view.close()
        # responsiveness: the longest gap between loop ticks while all devices are polled
        gaps = []
        last = time.perf_counter()
        for _ in range(40):
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last - 0.01)
            last = now
        numbers["max loop stall while idle-polling (40 ticks)"] = max(gaps)
        window.close()
        await window.wait_closed()
        numbers["shutdown complete"] = time.perf_counter() - T0

    try:
        loop.run_until_complete(scenario())
    finally:
        loop.close()
    age = _interpreter_startup()
    if age is not None:
        print(f"interpreter start → first line of this script:          {age:8.3f} s "
              "(add to every number below)")
    print(f"imports (Qt, qasync, configurator): {t_import - T0:8.3f} s")
    for name, value in numbers.items():
        print(f"{name:<70} {value:8.3f} s")
    return 0


def _interpreter_startup() -> float | None:
    """Seconds between the process start (Linux /proc) and T0; None elsewhere."""
    try:
        with open("/proc/self/stat") as stat, open("/proc/uptime") as uptime:
            start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
            now = float(uptime.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    age_now = now - start_ticks / os.sysconf("SC_CLK_TCK")
    return max(age_now - (time.perf_counter() - T0), 0.0)


def repeat(runs: int) -> int:
    """Run the benchmark ``runs`` times in fresh processes; print min / median / max."""
    import re
    import statistics
    import subprocess

    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, __file__], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            match = re.match(r"(.*?)[:\s]+(\d+\.\d+) s\b", line)
            if match:
                samples.setdefault(match[1], []).append(float(match[2]))
    print(f"{runs} runs: min / median / max (seconds)")
    for name, values in samples.items():
        print(f"{name[:66]:<66} {min(values):6.3f} {statistics.median(values):6.3f} "
              f"{max(values):6.3f}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--runs":
        raise SystemExit(repeat(int(sys.argv[2])))
    raise SystemExit(main())
