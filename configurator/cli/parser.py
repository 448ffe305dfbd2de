"""The command line: one sub-command per service, options anywhere after the command."""

from __future__ import annotations

import argparse
import math
import os

from .. import __version__
from .site_parser import add_site_parser


def port_number(text: str) -> int:
    """A TCP/UDP port, 1-65535 (argparse type: a bad one is a usage error)."""
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1-65535)")
    return int(text)


def seconds(text: str) -> float:
    """A duration: a finite number of seconds above 0 (not -1, not nan, not inf)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def count(text: str) -> int:
    """A count of at least 1 (and not absurd)."""
    if not text.isascii() or not text.isdigit() or not 1 <= int(text[:12]) <= 1_000_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a count (1-1000000)")
    return int(text)


def size(text: str) -> int:
    """A picture size in pixels: 0 (the device's default) to 10000."""
    if not text.isascii() or not text.isdigit() or not 0 <= int(text[:12]) <= 10_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size in pixels (0-10000)")
    return int(text)


def _device_options(parser: argparse.ArgumentParser, *, host_optional: bool = False) -> None:
    parser.add_argument("host", nargs="?" if host_optional else None,
                        help="device address: HOST, HOST:PORT or http(s)://HOST[:PORT]")
    parser.add_argument("--user", "-u", default=os.environ.get("CONFIGURATOR_USER"),
                        help="user name (or $CONFIGURATOR_USER)")
    parser.add_argument("--password", "-p", default=None,
                        help="password (prefer $CONFIGURATOR_PASSWORD: command lines are visible "
                             "to other users)")
    parser.add_argument("--scheme", choices=("http", "https"), help="default: http, or the URL's")
    parser.add_argument("--port", type=port_number, help="default: 80 / 443")
    parser.add_argument("--vendor", "--driver", dest="vendor",
                        choices=("2n", "onetouch", "fanvil", "fcm5600"),
                        help="skip auto-detection and use this driver")
    parser.add_argument("--auth", choices=("auto", "digest", "basic", "none"), default="auto",
                        help="authentication (auto: Digest when offered)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="verbose logs and tracebacks")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="configurator",
        description="Commission and watch IP intercoms, IP phones and IP-PBXs. "
                    "Without a command: open the window.",
    )
    parser.add_argument("--demo", action="store_true",
                        help="open the window on a fleet of simulated devices")
    parser.add_argument("--site", help="open this site file in the window")
    parser.add_argument("--debug", action="store_true", help="verbose logs and tracebacks")
    parser.add_argument("--version", action="version", version=f"configurator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("simulate", help="run simulated devices on loopback addresses")
    p.add_argument("--vendor", action="append", dest="vendors",
                   choices=("2n", "onetouch", "fanvil", "fcm5600"),
                   help="only these vendors (repeatable); default: the demo fleet")
    p.add_argument("--model", help="simulator model (with a single --vendor)")
    p.add_argument("--count", type=count, default=1, help="devices per --vendor (default 1)")
    p.add_argument("--first-address", default="127.0.50.1", help="first loopback address")
    p.add_argument("--seconds", type=seconds, help="stop after this many seconds")

    p = sub.add_parser("info", help="model, serial, MAC, firmware and capabilities")
    _device_options(p)

    p = sub.add_parser("get", help="read a settings group or table (e.g. relay, sip, rfkey)")
    _device_options(p)
    p.add_argument("group", nargs="?", help="settings group or table id; omit to list them")
    p.add_argument("--reveal", action="store_true", help="show secret values")
    p.add_argument("--all-columns", action="store_true", help="tables: show advanced columns too")

    p = sub.add_parser("set", help="change settings: set HOST GROUP KEY=VALUE...")
    _device_options(p)
    p.add_argument("group")
    p.add_argument("assignments", nargs="+", metavar="KEY=VALUE")

    p = sub.add_parser("add", help="add a table row: add HOST TABLE COLUMN=VALUE...")
    _device_options(p)
    p.add_argument("table")
    p.add_argument("assignments", nargs="+", metavar="COLUMN=VALUE")

    p = sub.add_parser("update", help="change a table row: update HOST TABLE KEY COLUMN=VALUE...")
    _device_options(p)
    p.add_argument("table")
    p.add_argument("key", help="the row's key (its ID, index, uuid...)")
    p.add_argument("assignments", nargs="+", metavar="COLUMN=VALUE")

    p = sub.add_parser("delete", help="delete table rows by key: delete HOST TABLE KEY...; "
                                      "delete HOST TABLE --all --yes empties the table")
    _device_options(p)
    p.add_argument("table")
    p.add_argument("keys", nargs="*")
    p.add_argument("--all", action="store_true", help="delete every row (the device's clear)")
    p.add_argument("--yes", action="store_true", help="confirm --all")

    p = sub.add_parser("action", help="run a device action (open door, dial, reboot...)")
    _device_options(p)
    p.add_argument("action", nargs="?", help="action id; omit to list them")
    p.add_argument("assignments", nargs="*", metavar="ARG=VALUE")
    p.add_argument("--yes", action="store_true", help="confirm a dangerous action")

    p = sub.add_parser("call", help="call a documented device function: call HOST FUNCTION k=v...; "
                                    "call --list [HOST | --vendor V] lists them")
    _device_options(p, host_optional=True)
    p.add_argument("function", nargs="?", help="e.g. switch/ctrl, relay/trig, system/info")
    p.add_argument("--list", action="store_true",
                   help="list the documented functions (of HOST's driver, of --vendor, or all)")
    p.add_argument("assignments", nargs="*", metavar="K=V")
    p.add_argument("--out", help="write a binary reply (image, file) here")
    p.add_argument("--reveal", action="store_true", help="show secret values in the reply")

    p = sub.add_parser("recordings", help="find a PBX's call recordings; --out DIR downloads them")
    _device_options(p)
    p.add_argument("--kind", choices=("general", "conference", "onetouch"), default="general")
    p.add_argument("--extension", help="only calls from or to this extension")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day")
    p.add_argument("--type", choices=("all", "incoming", "outgoing", "internal"), default="all",
                   help="only calls of this type")
    p.add_argument("--out", help="download each recording into this folder")

    p = sub.add_parser("download", help="the device's logs and packet captures: download HOST "
                                        "lists them, download HOST FILE --out PATH saves one")
    _device_options(p)
    p.add_argument("file", nargs="?", help="file id (omit to list them)")
    p.add_argument("--out", help="where to write the file")

    p = sub.add_parser("picture", help="show a picture on an intercom's display: picture HOST "
                                       "FILE [--seconds N]; picture HOST --remove")
    _device_options(p)
    p.add_argument("file", nargs="?", help="JPEG (baseline), PNG, BMP or GIF")
    p.add_argument("--display", help="display id (default: the first)")
    p.add_argument("--seconds", type=count, help="show it this long (default: until removed)")
    p.add_argument("--remove", action="store_true", help="remove the picture shown")

    p = sub.add_parser("plates", help="licence plates an intercom saw: plates HOST lists them "
                                      "(from its event log), plates HOST PLATE --out FILE saves "
                                      "the picture received with that plate")
    _device_options(p)
    p.add_argument("plate", nargs="?", help="plate text (omit to list the recognitions)")
    p.add_argument("--out", help="where to write the picture (JPEG)")

    p = sub.add_parser("events", help="stream the device's events as JSON lines")
    _device_options(p)
    p.add_argument("--count", type=count, help="stop after this many events")
    p.add_argument("--seconds", type=seconds, help="stop after this many seconds")

    p = sub.add_parser("camera", help="pull the camera's MJPEG stream and report frames and fps")
    _device_options(p)
    p.add_argument("--seconds", type=seconds, default=5.0)
    p.add_argument("--fps", type=int, default=10)
    p.add_argument("--source", default="")
    p.add_argument("--width", type=size, default=0)
    p.add_argument("--height", type=size, default=0)

    p = sub.add_parser("backup", help="save the device's configuration file")
    _device_options(p)
    p.add_argument("--out", required=True, help="file to write")

    p = sub.add_parser("restore", help="send a configuration file back: restore HOST FILE --yes")
    _device_options(p)
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help="confirm: replaces the configuration")

    p = sub.add_parser(
        "config-file", help="the configuration file, checked: config-file HOST get --out F | "
                            "diff F | put F [--yes] (shows the changes, waits for the device, "
                            "reads back and reports each change)")
    _device_options(p)
    p.add_argument("action", choices=("get", "diff", "put"))
    p.add_argument("file", nargs="?", help="the configuration file to compare or upload")
    p.add_argument("--out", help="get: file to write")
    p.add_argument("--yes", action="store_true", help="put: upload without asking")
    p.add_argument("--unified", action="store_true", help="also print a unified diff")
    p.add_argument("--show-secrets", action="store_true",
                   help="print passwords, PINs and keys in clear (masked by default)")
    p.add_argument("--wait", type=seconds, default=None,
                   help="put: seconds the device takes to apply (default: its documented "
                        "time, 15 s on 2N)")

    p = sub.add_parser("export", help="save a table as the device's own file (e.g. rfkey XML)")
    _device_options(p)
    p.add_argument("table")
    p.add_argument("--out", required=True, help="file to write")

    p = sub.add_parser("import", help="load a device file into a table: import HOST TABLE FILE")
    _device_options(p)
    p.add_argument("table")
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help="confirm: replaces the table")

    p = sub.add_parser("firmware", help="check a firmware file, or install it with --apply --yes")
    _device_options(p)
    p.add_argument("file")
    p.add_argument("--apply", action="store_true", help="install it (the device restarts)")
    p.add_argument("--yes", action="store_true", help="confirm --apply")

    p = sub.add_parser("discover", help="find supported devices on the network")
    p.add_argument("--range", action="append", dest="ranges", metavar="CIDR",
                   help="address range to sweep (repeatable); default: each interface's subnet")
    p.add_argument("--iface", action="append", dest="ifaces", metavar="NAME")
    p.add_argument("--port", action="append", dest="ports", type=port_number, metavar="PORT",
                   help="extra port to probe besides 80 and 443")
    p.add_argument("--timeout", type=seconds, default=30.0, help="seconds for the whole run")
    p.add_argument("--multicast", action="store_true",
                   help="also ask by mDNS, SSDP and WS-Discovery and listen for SIP-PnP")
    p.add_argument("--user", "-u", default=os.environ.get("CONFIGURATOR_USER"),
                   help="try this login on recognised devices that require one")
    p.add_argument("--password", "-p", default=None, help="(or $CONFIGURATOR_PASSWORD)")
    p.add_argument("--json", action="store_true")

    add_site_parser(sub)
    return parser


def parse_args(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse with options and positionals in any order after the command
    (``get HOST --user u relay`` as well as ``get HOST relay --user u``).

    Plain argparse stops matching positionals once an optional interrupts them, so the
    command's own parser re-reads its arguments with ``parse_intermixed_args``.
    """
    args, extras = parser.parse_known_args(argv)
    if args.command is None:
        if extras:
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        return args
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    command_parser = subparsers.choices[args.command]
    position = argv.index(args.command)
    # A fresh namespace: given the first pass's (which holds the password), argparse warns
    # "Do not expect assignments in Namespace(... password=...)" on stderr when an optional
    # list of positionals is empty.
    parsed = command_parser.parse_intermixed_args(argv[position + 1:])
    for action in parser._actions:
        if action is subparsers or action.dest == argparse.SUPPRESS:
            continue
        if hasattr(args, action.dest) and not hasattr(parsed, action.dest):  # --debug...
            setattr(parsed, action.dest, getattr(args, action.dest))
    parsed.command = args.command
    return parsed
