"""The bundle's entry point: the window without arguments, the CLI with a sub-command.

PyInstaller freezes this script into ``configurator`` (and, on Windows, the console-less
``configurator-window.exe`` whose standard streams do not exist).
"""

import os
import sys

if __name__ == "__main__":
    # A console-less (windowed) executable has no standard streams: CLI output goes nowhere
    # instead of failing on ``None.write``.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115

    from configurator.cli import main

    raise SystemExit(main())
