"""Set up the project's environment from nothing but python3, then run the demo or the tests.

    python3 -m configurator.bootstrap demo     # environment + the program on its demo fleet
    python3 -m configurator.bootstrap test     # environment + type check + every test
    python3 -m configurator.bootstrap setup    # environment (with the test tools) only
    python3 -m configurator.bootstrap package  # environment + a bundle for this system in dist/
    python3 -m configurator.bootstrap i18n     # environment + resources/i18n/configurator_en.ts

Standard library only: this runs before anything is installed. It
1. creates ``.venv`` (when Debian's python3 lacks ensurepip, it creates the venv without pip and
   installs pip from its wheel on PyPI; a minimal Debian without ``ca-certificates`` gets them
   with apt when running as root),
2. installs the project into it (editable, with the test extra unless ``demo``), skipped when
   a stamp in ``.venv`` says the same ``pyproject.toml`` is already installed, so a second run
   works offline,
3. checks that Qt's shared libraries load (offscreen, and the xcb plugin a desktop needs),
   installing Debian's packages for them when running as root (otherwise it prints the one
   apt-get command needed),
4. runs the demo (``configurator --demo``), or mypy (strict, when no pytest arguments are given)
   and pytest headless, or builds the one-folder bundle of ``packaging/configurator.spec`` with
   PyInstaller (the ``package`` extra) into ``dist/``, plus an archive of it (``.tar.gz`` on
   Linux, ``.zip`` elsewhere).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".configurator-installed.json"

# Libraries PySide6 needs on Debian for the offscreen platform and for a desktop session (the xcb
# plugin for X11, the wayland plugin for Wayland); checked with ldd on a minimal bookworm.
QT_DEBIAN_PACKAGES = [
    "libgl1", "libegl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3", "libglib2.0-0",
    "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-shape0",
    "libxcb-randr0", "libxcb-render-util0", "libxcb-image0", "libxcb-xinerama0", "libxcb-xkb1",
    "libx11-xcb1", "libxrender1", "libxi6", "libwayland-cursor0", "libwayland-egl1",
]
DESKTOP_PLUGINS = ("libqxcb.so", "libqwayland.so")


def say(message: str) -> None:
    print(f"[bootstrap] {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    subprocess.run(cmd, check=True, **kwargs)


def can_apt() -> bool:
    return os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get") is not None


_apt_updated = False


def apt_install(packages: list[str]) -> None:
    """Install Debian packages (root only); ``apt-get update`` runs once per bootstrap."""
    global _apt_updated
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        # one unreachable source makes update fail while the others still refreshed: go on
        if subprocess.run(["apt-get", "update", "-q"], env=env,
                          stdin=subprocess.DEVNULL).returncode != 0:
            say("apt-get update reported errors; installing from the package lists it has")
        _apt_updated = True
    run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages], env=env,
        stdin=subprocess.DEVNULL)


def pip_works() -> bool:
    return PY.exists() and subprocess.run([str(PY), "-m", "pip", "--version"],
                                          capture_output=True).returncode == 0


def ensure_venv() -> None:
    if pip_works():
        return
    say(f"creating {VENV}")
    if importlib.util.find_spec("ensurepip") is not None:
        try:
            venv.create(VENV, with_pip=True, clear=True)
            return
        # Debian's venv exits (SystemExit) instead of raising when ensurepip is unusable.
        except (subprocess.CalledProcessError, OSError, SystemExit) as exc:
            say(f"venv with pip failed ({exc}); fetching pip from PyPI instead")
    else:
        say("this python3 has no ensurepip (Debian without python3-venv): "
            "creating the venv without pip and fetching pip from PyPI")
    venv.create(VENV, with_pip=False, clear=True)
    install_pip_from_pypi()


def fetch(url: str, timeout: float) -> tuple[bytes, str]:
    """GET ``url``; returns the body and the final address (after redirects)."""
    with urllib.request.urlopen(url, timeout=timeout,
                                context=ssl.create_default_context()) as reply:
        return reply.read(), reply.geturl()


def fetch_with_certificates(url: str, timeout: float) -> tuple[bytes, str]:
    """``fetch``, installing Debian's CA certificates first if a minimal system lacks them."""
    try:
        return fetch(url, timeout)
    except urllib.error.URLError as exc:
        if not isinstance(exc.reason, ssl.SSLCertVerificationError):
            raise
        if not can_apt():
            say(f"HTTPS certificate check failed ({exc.reason.verify_message}); install the CA "
                "certificates, then run this again:  sudo apt-get install ca-certificates")
            raise SystemExit(1) from None
        say("no CA certificates on this system: installing ca-certificates")
        apt_install(["ca-certificates"])
        return fetch(url, timeout)


def install_pip_from_pypi() -> None:
    body, base = fetch_with_certificates("https://pypi.org/pypi/pip/json", 60)
    meta = json.loads(body)
    wheel = next(f for f in meta["urls"] if f["filename"].endswith(".whl"))
    # mirrors answer with relative links: resolve against the JSON document's address
    data, _ = fetch(urllib.parse.urljoin(base, wheel["url"]), 120)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / wheel["filename"]
        target.write_bytes(data)
        run([str(PY), f"{target}/pip", "install", "--quiet", str(target)])


def wanted_stamp(extra: str) -> dict[str, object]:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return {"pyproject_sha256": digest, "python": sys.version.split()[0],
            "extras": extra.split(",") if extra else []}


def installed_is_current(extra: str) -> bool:
    """True when the stamp says this pyproject.toml (with ``extra``) is installed already."""
    try:
        stamp = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return False
    want = wanted_stamp(extra)
    return (isinstance(stamp, dict)
            and stamp.get("pyproject_sha256") == want["pyproject_sha256"]
            and stamp.get("python") == want["python"]
            and set(want["extras"]) <= set(stamp.get("extras") or [])
            and (BIN / "configurator").exists())


def install_project(extra: str) -> None:
    if installed_is_current(extra):
        say(f"configurator is installed and current in {VENV}: skipping pip")
        return
    spec = f".[{extra}]" if extra else "."
    say(f"installing configurator{f'[{extra}]' if extra else ''} into {VENV}")
    run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], cwd=ROOT)
    run([str(PY), "-m", "pip", "install", "--quiet", "-e", spec], cwd=ROOT)
    STAMP.write_text(json.dumps(wanted_stamp(extra)) + "\n")


def qt_loads() -> tuple[bool, str]:
    probe = subprocess.run(
        [str(PY), "-c", "from PySide6 import QtGui, QtWidgets"],
        capture_output=True, text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return probe.returncode == 0, (probe.stderr.strip().splitlines() or [""])[-1]


def desktop_missing_libraries() -> list[str]:
    """Shared libraries Qt's desktop plugins (xcb, wayland) need but cannot find, by ``ldd``."""
    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        return []
    found = subprocess.run(
        [str(PY), "-c", "import PySide6, pathlib; print(pathlib.Path(PySide6.__file__).parent)"],
        capture_output=True, text=True)
    if found.returncode != 0:
        return []
    folder = Path(found.stdout.strip()) / "Qt" / "plugins" / "platforms"
    plugins = [str(folder / name) for name in DESKTOP_PLUGINS if (folder / name).exists()]
    if not plugins:
        return []
    listing = subprocess.run(["ldd", *plugins], capture_output=True, text=True).stdout
    return sorted({line.split()[0] for line in listing.splitlines() if "not found" in line})


def ensure_qt_libraries(desktop: bool) -> None:
    """Qt must load offscreen; a desktop (``desktop``) also needs its platform plugins'
    libraries (xcb, wayland)."""
    ok, error = qt_loads()
    missing = desktop_missing_libraries()
    if ok and not missing:
        return
    command = ["apt-get", "install", "-y", "--no-install-recommends", *QT_DEBIAN_PACKAGES]
    if can_apt():
        reason = error if not ok else "its desktop plugins lack " + ", ".join(missing)
        say(f"Qt needs system libraries ({reason}); installing them")
        try:
            apt_install(QT_DEBIAN_PACKAGES)
        except subprocess.CalledProcessError as exc:
            say(f"apt-get install failed (exit {exc.returncode})")
        ok, error = qt_loads()
        missing = desktop_missing_libraries()
    if not ok:
        say(f"Qt cannot load: {error}")
        say("install its libraries, then run this again:  sudo " + " ".join(command))
        raise SystemExit(1)
    if missing:
        say("Qt's desktop plugins lack " + ", ".join(missing) + "; for the window on a "
            "desktop install them:  sudo " + " ".join(command))
        if desktop:
            raise SystemExit(1)


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or sys.platform in ("darwin", "win32")
                or os.environ.get("QT_QPA_PLATFORM"))


def run_child(cmd: list[str], env: dict[str, str] | None = None) -> int:
    """Run the program or pytest; Ctrl-C reaches it from the terminal, SIGTERM is passed on.

    The child shares our process group, so a terminal's Ctrl-C (or ``timeout -s INT``) already
    reaches it: we ignore SIGINT rather than deliver it twice, and forward SIGTERM, which is
    usually sent to our pid alone.
    """
    child = subprocess.Popen(cmd, cwd=ROOT, env=env)
    previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
    previous_term = signal.signal(signal.SIGTERM, lambda signum, frame: child.terminate())
    try:
        code = child.wait()
    finally:
        signal.signal(signal.SIGINT, previous_int)
        signal.signal(signal.SIGTERM, previous_term)
    return 128 - code if code < 0 else code


def project_version() -> str:
    text = (ROOT / "configurator" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    return match[1] if match else "0"


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


def build_bundle() -> int:
    """PyInstaller into dist/configurator (clean build), then an archive next to it."""
    dist, work = ROOT / "dist", ROOT / "build" / "pyinstaller"
    say("building the bundle with PyInstaller (packaging/configurator.spec)")
    started = time.monotonic()
    run([str(PY), "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work),
         str(ROOT / "packaging" / "configurator.spec")], cwd=ROOT)
    built = time.monotonic() - started
    folder = dist / "configurator"
    system = {"linux": "linux", "win32": "windows", "darwin": "macos"}.get(sys.platform,
                                                                          sys.platform)
    name = f"configurator-{project_version()}-{system}-{platform.machine().lower()}"
    archive_format = "gztar" if sys.platform.startswith("linux") else "zip"
    for old in dist.glob(f"{name}.*"):
        old.unlink()
    base = dist / "Configurator.app" if sys.platform == "darwin" else folder
    archive = Path(shutil.make_archive(str(dist / name), archive_format, root_dir=base.parent,
                                       base_dir=base.name))
    say(f"bundle: {folder} ({folder_size(folder) / 1e6:.0f} MB unpacked, built in "
        f"{built:.0f} s); archive: {archive} ({archive.stat().st_size / 1e6:.0f} MB)")
    executable = folder / ("configurator.exe" if os.name == "nt" else "configurator")
    say(f"run it: {executable} (the window) or {executable} --help")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    mode = args.pop(0) if args else "demo"
    if mode not in ("demo", "test", "setup", "package", "i18n"):
        print("usage: python3 -m configurator.bootstrap [demo|test|setup|package|i18n] "
              "[extra arguments]", file=sys.stderr)
        return 2
    try:
        ensure_venv()
        install_project({"demo": "", "package": "test,package"}.get(mode, "test"))
        ensure_qt_libraries(desktop=mode == "demo" and sys.platform.startswith("linux")
                            and has_display()
                            and os.environ.get("QT_QPA_PLATFORM", "xcb").startswith("xcb"))
    except subprocess.CalledProcessError as exc:
        say(f"setup step failed: {' '.join(map(str, exc.cmd))} (exit {exc.returncode})")
        return 1
    except urllib.error.URLError as exc:
        say(f"setup step failed: cannot download ({exc.reason})")
        return 1
    except KeyboardInterrupt:
        say("setup interrupted")
        return 130
    configurator = str(BIN / "configurator")
    if mode == "package":
        try:
            return build_bundle()
        except subprocess.CalledProcessError as exc:
            say(f"the bundle build failed (exit {exc.returncode})")
            return 1
    if mode == "setup":
        say(f"ready: {configurator}")
        return 0
    if mode == "i18n":  # the translation catalogue, with Qt's lupdate (ui/catalogue.py)
        return run_child([str(PY), "-m", "configurator.ui.catalogue", *args])
    if mode == "demo":
        if not has_display():
            say("no display found: starting the simulated demo fleet only (Ctrl-C stops it)")
            return run_child([configurator, "simulate", *args])
        return run_child([configurator, "--demo", *args])
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if not args:  # the whole check: types first (core/, drivers/, services/: pyproject.toml)
        say("type check: mypy (strict) on core/, drivers/, services/")
        if run_child([str(PY), "-m", "mypy"], env=env) != 0:
            say("type check failed")
            return 1
    code = run_child([str(PY), "-m", "pytest", *args], env=env)
    if code == 5:
        say("pytest collected no tests: that is a failure")
        return 1
    return code


if __name__ == "__main__":
    raise SystemExit(main())
