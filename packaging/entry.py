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


if __name__ == "__main__":
    if sys.platform == "win32" and len(sys.argv) == 1:
        hide_own_console()
    # A console-less (windowed) executable has no standard streams: CLI output goes nowhere
    # instead of failing on ``None.write``.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115

    from configurator.cli import main

    raise SystemExit(main())
