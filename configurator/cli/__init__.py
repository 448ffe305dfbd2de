"""The ``configurator`` command: the window, or the same services for scripts.

Every failure is one line on stderr and a non-zero exit code (1 device/user error, 2 usage,
130 interrupted, 70 internal error); ``--debug`` shows tracebacks for bug reports.
"""

from __future__ import annotations

# Start-up time matters (``--version``, ``--help``, shell completion, scripts calling us in a
# loop): only argparse and the parser are imported here. A command's module - and with it
# asyncio, httpx, the drivers or the simulators - is imported when that command runs; the
# window's (Qt) only without a command. tests/test_startup.py checks which modules stay out.
import argparse
import importlib
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from .parser import build_parser, parse_args

EXIT_ERROR, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 1, 2, 70, 130

Handler = Callable[[argparse.Namespace], Awaitable[int]]

# command -> the module of this package that implements it (as ``cmd_<command>``)
COMMAND_MODULES: dict[str, str] = {
    **dict.fromkeys(("info", "get", "set", "add", "update", "delete", "action", "call", "events",
                     "camera", "backup", "restore", "export", "import", "firmware"),
                    "device_commands"),
    "simulate": "fleet_commands", "discover": "fleet_commands",
    "recordings": "file_commands", "download": "file_commands",
    "picture": "file_commands", "plates": "file_commands",
    "site": "site_commands",
    "config-file": "config_file_commands",
}


def command_handler(command: str) -> Handler:
    """The coroutine function that runs ``command`` (its module imported now)."""
    module = importlib.import_module(f".{COMMAND_MODULES[command]}", __name__)
    return getattr(module, f"cmd_{command.replace('-', '_')}")


def setup_logging(debug: bool) -> None:
    import logging

    from ..core.transport import RedactingFilter

    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    logging.captureWarnings(True)  # warnings pass the redacting filter too
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.DEBUG if debug else logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.INFO if debug else logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parse_args(parser, list(sys.argv[1:] if argv is None else argv))
    setup_logging(args.debug)
    if args.command is None:
        try:
            from ..app import main as app_main
        except ImportError as exc:
            print(f"configurator: the window is not available ({exc})", file=sys.stderr)
            return EXIT_ERROR
        return app_main(demo=args.demo, site=args.site)
    import asyncio
    import contextlib
    import os

    from ..core.errors import ConfiguratorError

    try:
        return asyncio.run(command_handler(args.command)(args))
    except KeyboardInterrupt:
        print("configurator: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into `head` and friends: not an error
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ConfiguratorError as exc:
        print(f"configurator: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        if args.debug:
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        print(f"configurator: internal error: {type(exc).__name__}: {first} "
              "(run with --debug for details)", file=sys.stderr)
        return EXIT_INTERNAL


def __getattr__(name: str) -> Any:
    """``parse_assignments`` / ``parse_endpoint`` stay importable from here, loaded on use."""
    if name in ("parse_assignments", "parse_endpoint"):
        from . import common

        return getattr(common, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["build_parser", "main", "parse_assignments", "parse_endpoint"]
