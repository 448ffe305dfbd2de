"""The bundle's entry point: the window without arguments, the CLI with a sub-command.

PyInstaller freezes this script into ``configurator`` (and, on Windows, the console-less
``configurator-window.exe`` whose standard streams do not exist). On Windows,
``configurator.exe`` started without arguments by a double-click hides the console Windows
opened for it.
"""

import os
import sys


def hide_own_console() -> None:
    """Windows, console executable started without arguments by a double-click: hide the
    console window Windows opened for it (a terminal's console is shared with the shell and
    stays). Untested on real Windows so far: any failure leaves the console visible."""
    try:
        import ctypes

        kernel32 = ctypes.windll.kernel32
        attached = (ctypes.c_uint32 * 4)()
        if kernel32.GetConsoleProcessList(attached, 4) == 1:  # only us: not from a shell
            ctypes.windll.user32.ShowWindow(kernel32.GetConsoleWindow(), 0)  # SW_HIDE
    except (AttributeError, OSError):
        pass


def prepare_qt() -> None:
    """What PyInstaller's PySide6 run-time hook does, but only when the window will run.

    The spec drops that hook from the start of every run: it imports QtCore (with ICU), about
    0.1 s that ``--version`` and the CLI commands - which never load Qt - do not need. Same
    steps: Qt's plugin path inside the bundle, a relocated Qt prefix (embedded qt.conf), and
    on Windows the bundle on PATH (DLLs); the QML paths are left out (no QML here).
    """
    from _pyi_rth_utils import is_macos_app_bundle, prepend_path_to_environment_variable
    from _pyi_rth_utils import qt as qt_rth_utils

    qt_rth_utils.ensure_single_qt_bindings_package("PySide6")
    base = sys._MEIPASS  # type: ignore[attr-defined]  # set by the bootloader
    qt_path = os.path.join(base, "PySide6") if sys.platform == "win32" \
        else os.path.join(base, "PySide6", "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_path, "plugins")
    if sys.platform == "win32":
        prepend_path_to_environment_variable(base, "PATH")
    if sys.platform == "darwin" and not is_macos_app_bundle:
        prepend_path_to_environment_variable(base, "DYLD_LIBRARY_PATH")
    qt_rth_utils.create_embedded_qt_conf("PySide6", qt_path)


def opens_the_window(argv: list[str]) -> bool:
    """True when these arguments run the window (no sub-command); ``--help``, ``--version``
    and usage errors end here exactly as they would in ``main``."""
    from configurator.cli.parser import build_parser

    args, _unknown = build_parser().parse_known_args(argv)
    return args.command is None


if __name__ == "__main__":
    if sys.platform == "win32" and len(sys.argv) == 1:
        hide_own_console()
    if getattr(sys, "frozen", False) and opens_the_window(sys.argv[1:]):
        prepare_qt()
    # A console-less (windowed) executable has no standard streams: CLI output goes nowhere
    # instead of failing on ``None.write``.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115

    from configurator.cli import main

    raise SystemExit(main())
