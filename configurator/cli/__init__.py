"""The ``configurator`` command: the window, or the same services for scripts.

Every failure is one line on stderr and a non-zero exit code (1 device/user error, 2 usage,
130 interrupted, 70 internal error); ``--debug`` shows tracebacks for bug reports.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence

from ..core.errors import ConfiguratorError
from ..core.transport import RedactingFilter
from .common import parse_assignments, parse_endpoint
from .device_commands import (
    cmd_action,
    cmd_add,
    cmd_backup,
    cmd_call,
    cmd_camera,
    cmd_delete,
    cmd_events,
    cmd_export,
    cmd_firmware,
    cmd_get,
    cmd_import,
    cmd_info,
    cmd_restore,
    cmd_set,
)
from .fleet_commands import cmd_discover, cmd_simulate
from .parser import build_parser, parse_args

EXIT_ERROR, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 1, 2, 70, 130

Handler = Callable[[argparse.Namespace], Awaitable[int]]


COMMANDS: dict[str, Handler] = {
    "info": cmd_info, "get": cmd_get, "set": cmd_set, "add": cmd_add, "delete": cmd_delete,
    "action": cmd_action, "call": cmd_call, "events": cmd_events, "camera": cmd_camera,
    "backup": cmd_backup, "restore": cmd_restore, "export": cmd_export, "import": cmd_import,
    "firmware": cmd_firmware, "simulate": cmd_simulate, "discover": cmd_discover,
}


def setup_logging(debug: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
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
    try:
        return asyncio.run(COMMANDS[args.command](args))
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


__all__ = ["build_parser", "main", "parse_assignments", "parse_endpoint"]
