"""Set up the project's environment from nothing but python3, then run the demo or the tests.

    python3 -m configurator.bootstrap demo     # environment + the program on its demo fleet
    python3 -m configurator.bootstrap test     # environment + every test

Standard library only: this runs before anything is installed. It
1. creates ``.venv`` (when Debian's python3 lacks ensurepip, it creates the venv without pip and
   installs pip from its wheel on PyPI),
2. installs the project into it (editable, with the test extra for ``test``),
3. checks that Qt's shared libraries load, installing Debian's packages for them when running as
   root (otherwise it prints the one apt-get command needed),
4. runs the demo (``configurator --demo``) or pytest headless.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"

# Libraries PySide6 needs on Debian for the offscreen platform and for a desktop (xcb) session.
QT_DEBIAN_PACKAGES = [
    "libgl1", "libegl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3", "libglib2.0-0",
    "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-shape0",
    "libxcb-randr0", "libxcb-render-util0", "libxcb-image0", "libxcb-xinerama0", "libxcb-xkb1",
    "libx11-xcb1", "libxrender1", "libxi6",
]


def say(message: str) -> None:
    print(f"[bootstrap] {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    subprocess.run(cmd, check=True, **kwargs)


def ensure_venv() -> None:
    if PY.exists() and subprocess.run([str(PY), "-m", "pip", "--version"],
                                      capture_output=True).returncode == 0:
        return
    say(f"creating {VENV}")
    try:
        venv.create(VENV, with_pip=True, clear=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        say(f"venv with pip failed ({exc}); creating it without pip and fetching pip from PyPI")
        venv.create(VENV, with_pip=False, clear=True)
        install_pip_from_pypi()


def install_pip_from_pypi() -> None:
    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as reply:
        meta = json.load(reply)
        base = reply.geturl()
    wheel = next(f for f in meta["urls"] if f["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / wheel["filename"]
        # mirrors answer with relative links: resolve against the JSON document's address
        with urllib.request.urlopen(urllib.parse.urljoin(base, wheel["url"]), timeout=120) as reply:
            target.write_bytes(reply.read())
        run([str(PY), f"{target}/pip", "install", "--quiet", str(target)])


def install_project(extra: str) -> None:
    spec = f".[{extra}]" if extra else "."
    say(f"installing configurator{f'[{extra}]' if extra else ''} into {VENV}")
    run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], cwd=ROOT)
    run([str(PY), "-m", "pip", "install", "--quiet", "-e", spec], cwd=ROOT)


def qt_loads() -> tuple[bool, str]:
    probe = subprocess.run(
        [str(PY), "-c", "from PySide6 import QtGui, QtWidgets"],
        capture_output=True, text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return probe.returncode == 0, (probe.stderr.strip().splitlines() or [""])[-1]


def ensure_qt_libraries() -> None:
    ok, error = qt_loads()
    if ok:
        return
    command = ["apt-get", "install", "-y", "--no-install-recommends", *QT_DEBIAN_PACKAGES]
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"Qt cannot load ({error}); installing its system libraries")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run(["apt-get", "update", "-q"], env=env)
        run(command, env=env)
        ok, error = qt_loads()
    if not ok:
        say(f"Qt cannot load: {error}")
        say("install its libraries, then run this again:  sudo " + " ".join(command))
        raise SystemExit(1)


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or sys.platform in ("darwin", "win32")
                or os.environ.get("QT_QPA_PLATFORM"))


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    mode = args.pop(0) if args else "demo"
    if mode not in ("demo", "test", "setup"):
        print("usage: python3 -m configurator.bootstrap [demo|test|setup] [extra arguments]",
              file=sys.stderr)
        return 2
    try:
        ensure_venv()
        install_project("test" if mode == "test" else "")
        ensure_qt_libraries()
    except subprocess.CalledProcessError as exc:
        say(f"setup step failed: {' '.join(map(str, exc.cmd))} (exit {exc.returncode})")
        return 1
    configurator = str(BIN / "configurator")
    if mode == "setup":
        say(f"ready: {configurator}")
        return 0
    if mode == "demo":
        if not has_display():
            say("no display found: starting the simulated demo fleet only (Ctrl-C stops it)")
            return subprocess.call([configurator, "simulate", *args])
        return subprocess.call([configurator, "--demo", *args])
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = subprocess.call([str(PY), "-m", "pytest", *args], cwd=ROOT, env=env)
    if code == 5:
        say("pytest collected no tests: that is a failure")
        return 1
    return code


if __name__ == "__main__":
    raise SystemExit(main())
