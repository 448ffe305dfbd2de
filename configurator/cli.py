"""The ``configurator`` command: the window, or the same services for scripts.

Every failure is one line on stderr and a non-zero exit code (1 device/user error, 2 usage,
130 interrupted, 70 internal error); ``--debug`` shows tracebacks for bug reports.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import urlparse

from .core.errors import ConfiguratorError, InvalidValue
from .core.params import Category
from .core.transport import Credentials, Endpoint, RedactingFilter

EXIT_ERROR, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 1, 2, 70, 130

Handler = Callable[[argparse.Namespace], Awaitable[int]]


# -- argument parsing --------------------------------------------------------------------

def _device_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("host", help="device address: HOST, HOST:PORT or http(s)://HOST[:PORT]")
    parser.add_argument("--user", "-u", default=os.environ.get("CONFIGURATOR_USER"),
                        help="user name (or $CONFIGURATOR_USER)")
    parser.add_argument("--password", "-p", default=None,
                        help="password (prefer $CONFIGURATOR_PASSWORD: command lines are visible "
                             "to other users)")
    parser.add_argument("--scheme", choices=("http", "https"), help="default: http, or the URL's")
    parser.add_argument("--port", type=int, help="default: 80 / 443")
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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("simulate", help="run simulated devices on loopback addresses")
    p.add_argument("--vendor", action="append", dest="vendors",
                   choices=("2n", "onetouch", "fanvil", "fcm5600"),
                   help="only these vendors (repeatable); default: the demo fleet")
    p.add_argument("--model", help="simulator model (with a single --vendor)")
    p.add_argument("--count", type=int, default=1, help="devices per --vendor (default 1)")
    p.add_argument("--first-address", default="127.0.50.1", help="first loopback address")
    p.add_argument("--seconds", type=float, help="stop after this many seconds")

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

    p = sub.add_parser("delete", help="delete table rows by key: delete HOST TABLE KEY...")
    _device_options(p)
    p.add_argument("table")
    p.add_argument("keys", nargs="+")

    p = sub.add_parser("action", help="run a device action (open door, dial, reboot...)")
    _device_options(p)
    p.add_argument("action", nargs="?", help="action id; omit to list them")
    p.add_argument("assignments", nargs="*", metavar="ARG=VALUE")
    p.add_argument("--yes", action="store_true", help="confirm a dangerous action")

    p = sub.add_parser("call", help="call a documented device function: call HOST FUNCTION k=v...")
    _device_options(p)
    p.add_argument("function", help="e.g. switch/ctrl, relay/trig, system/info")
    p.add_argument("assignments", nargs="*", metavar="K=V")
    p.add_argument("--out", help="write a binary reply (image, file) here")

    p = sub.add_parser("events", help="stream the device's events as JSON lines")
    _device_options(p)
    p.add_argument("--count", type=int, help="stop after this many events")
    p.add_argument("--seconds", type=float, help="stop after this many seconds")

    p = sub.add_parser("camera", help="pull the camera's MJPEG stream and report frames and fps")
    _device_options(p)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--fps", type=int, default=10)
    p.add_argument("--source", default="")
    p.add_argument("--width", type=int, default=0)
    p.add_argument("--height", type=int, default=0)

    p = sub.add_parser("backup", help="save the device's configuration file")
    _device_options(p)
    p.add_argument("--out", required=True, help="file to write")

    p = sub.add_parser("discover", help="find supported devices on the network")
    p.add_argument("--range", action="append", dest="ranges", metavar="CIDR",
                   help="address range to sweep (repeatable); default: each interface's subnet")
    p.add_argument("--iface", action="append", dest="ifaces", metavar="NAME")
    p.add_argument("--port", action="append", dest="ports", type=int, metavar="PORT",
                   help="extra port to probe besides 80 and 443")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds for the whole run")
    p.add_argument("--multicast", action="store_true",
                   help="also ask by mDNS, SSDP and WS-Discovery and listen for SIP-PnP")
    p.add_argument("--user", "-u", default=os.environ.get("CONFIGURATOR_USER"),
                   help="try this login on recognised devices that require one")
    p.add_argument("--password", "-p", default=None, help="(or $CONFIGURATOR_PASSWORD)")
    p.add_argument("--json", action="store_true")
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
    return command_parser.parse_intermixed_args(argv[position + 1:], namespace=args)


# -- helpers -----------------------------------------------------------------------------

def parse_endpoint(text: str, scheme: str | None, port: int | None) -> Endpoint:
    if "://" in text:
        url = urlparse(text)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise InvalidValue(f"not a device address: {text!r}")
        return Endpoint(url.hostname, port or url.port, scheme or url.scheme)  # type: ignore[arg-type]
    host, sep, maybe_port = text.rpartition(":")
    if sep and maybe_port.isdigit() and ":" not in host:
        text, port = host, port or int(maybe_port)
    if not text or any(c in text for c in "/ ?#@"):
        raise InvalidValue(f"not a device address: {text!r}")
    return Endpoint(text.strip("[]"), port, (scheme or "http"))  # type: ignore[arg-type]


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InvalidValue(f"expected KEY=VALUE, got {item!r}")
        result[key.strip()] = value
    return result


def jsonable(value: Any) -> Any:
    if isinstance(value, frozenset | set):
        return sorted(value, key=str)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def emit_json(data: Any) -> None:
    print(json.dumps(jsonable(data), ensure_ascii=False), flush=True)


async def open_device(args: argparse.Namespace):
    from .drivers.registry import connect

    endpoint = parse_endpoint(args.host, args.scheme, args.port)
    password = args.password if args.password is not None else os.environ.get(
        "CONFIGURATOR_PASSWORD")
    credentials = None
    if args.user or password:
        credentials = Credentials(args.user or "admin", password or "")
    return await connect(endpoint, credentials, driver_id=args.vendor, auth=args.auth)


def _print_table(rows: list[list[str]], header: list[str]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for line in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())


# -- commands ----------------------------------------------------------------------------

async def cmd_info(args: argparse.Namespace) -> int:
    device = await open_device(args)
    try:
        info = await device.read_info()
        caps = sorted(await device.capabilities())
        data = {**info.to_json(), "address": device.host, "capabilities": caps,
                "settings": [p.id for p in device.pages()],
                "tables": [t.id for t in device.tables()]}
        if args.json:
            emit_json(data)
        else:
            for key in ("vendor", "model", "serial", "mac", "firmware", "hardware", "name",
                        "address"):
                if data.get(key):
                    print(f"{key:<13}{data[key]}")
            print(f"{'capabilities':<13}{', '.join(caps)}")
            print(f"{'settings':<13}{', '.join(data['settings']) or '-'}")
            print(f"{'tables':<13}{', '.join(data['tables']) or '-'}")
        return 0
    finally:
        await device.aclose()


async def cmd_get(args: argparse.Namespace) -> int:
    device = await open_device(args)
    try:
        await device.capabilities()
        if not args.group:
            groups = {"settings": [p.id for p in device.pages()],
                      "tables": [t.id for t in device.tables()]}
            if args.json:
                emit_json(groups)
            else:
                print("settings:", ", ".join(groups["settings"]) or "-")
                print("tables:  ", ", ".join(groups["tables"]) or "-")
            return 0
        if any(t.id == args.group for t in device.tables()) or (not any(
                p.id == args.group for p in device.pages()) and _is_table(device, args.group)):
            return await _get_table(device, args)
        page = device.page(args.group)
        values = await device.read_page(page.id)
        if args.json:
            emit_json({k: (v if args.reveal or page_kind(page, k) != "secret" else "***")
                       for k, v in values.items()})
            return 0
        rows = []
        for spec in page.params:
            if spec.key in values:
                text = spec.format(values[spec.key], reveal=args.reveal)
                if spec.unit and text:
                    text += f" {spec.unit}"
                rows.append([spec.key, spec.label, text])
        _print_table(rows, ["key", "setting", "value"])
        return 0
    finally:
        await device.aclose()


def _is_table(device: Any, name: str) -> bool:
    try:
        device.table(name)
    except ConfiguratorError:
        return False
    return True


def page_kind(page: Any, key: str) -> str:
    for spec in page.params:
        if spec.key == key:
            return str(spec.kind)
    return ""


async def _get_table(device: Any, args: argparse.Namespace) -> int:
    spec = device.table(args.group)
    rows = await device.read_table(spec.id)
    if args.json:
        emit_json(rows)
        return 0
    columns = list(spec.columns)
    if not args.all_columns:
        basic = [c for c in columns if c.category is Category.BASIC]
        columns = basic or columns
    header = [c.key for c in columns]
    cells = [[c.format(row.get(c.key), reveal=args.reveal) for c in columns] for row in rows]
    _print_table(cells, header)
    hidden = len(spec.columns) - len(columns)
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''}"
          + (f"; {hidden} advanced columns hidden: --all-columns or --json)" if hidden else ")"))
    return 0


async def cmd_set(args: argparse.Namespace) -> int:
    raw = parse_assignments(args.assignments)
    device = await open_device(args)
    try:
        await device.capabilities()
        page = device.page(args.group)
        changes: dict[str, Any] = {}
        for key, text in raw.items():
            spec = page.spec(key)
            if spec.read_only:
                raise InvalidValue(f"{spec.key} is read-only")
            changes[spec.key] = spec.parse(text)
        report = await device.write_page(page.id, changes)
        if args.json:
            emit_json([{"key": r.key, "outcome": str(r.outcome), "value": r.value,
                        "message": r.message} for r in report.results])
        else:
            for r in report.results:
                spec = page.spec(r.key)
                shown = spec.format(r.value) if r.value is not None else ""
                note = f" ({r.message})" if r.message else ""
                print(f"{r.key}: {r.outcome} {shown}{note}".rstrip())
        return 0 if report.ok else EXIT_ERROR
    finally:
        await device.aclose()


async def cmd_add(args: argparse.Namespace) -> int:
    raw = parse_assignments(args.assignments)
    device = await open_device(args)
    try:
        await device.capabilities()
        spec = device.table(args.table)
        row = spec.parse_row(raw)
        results = await device.apply_table(spec.id, add=[row])
        return _report_rows(results, args.json)
    finally:
        await device.aclose()


async def cmd_delete(args: argparse.Namespace) -> int:
    device = await open_device(args)
    try:
        await device.capabilities()
        spec = device.table(args.table)
        key_spec = spec.column(spec.row_key)
        keys = [key_spec.parse(k) for k in args.keys]
        results = await device.apply_table(spec.id, delete=keys)
        return _report_rows(results, args.json)
    finally:
        await device.aclose()


def _report_rows(results: Sequence[Any], as_json: bool) -> int:
    for r in results:
        if as_json:
            emit_json({"op": r.op, "key": r.key, "ok": r.ok, "message": r.message})
        else:
            print(f"{r.op} {r.key}: {'ok' if r.ok else 'failed'}"
                  + (f" ({r.message})" if r.message else ""))
    return 0 if all(r.ok for r in results) else EXIT_ERROR


async def cmd_action(args: argparse.Namespace) -> int:
    device = await open_device(args)
    try:
        await device.capabilities()
        if not args.action:
            for a in device.actions():
                params = " ".join(f"{p.key}=<{p.kind}>" for p in a.params)
                print(f"{a.id:<18}{a.label}{'  [dangerous]' if a.dangerous else ''}  {params}")
            return 0
        spec = device.action(args.action)
        if spec.dangerous and not args.yes:
            raise InvalidValue(f"{spec.label} is dangerous: add --yes to confirm")
        raw = parse_assignments(args.assignments)
        known = {p.key: p for p in spec.params}
        unknown = set(raw) - set(known)
        if unknown:
            raise InvalidValue(f"{spec.id} takes no argument {', '.join(sorted(unknown))}")
        values = {k: known[k].parse(v) for k, v in raw.items()}
        result = await device.run_action(spec.id, values)
        if args.json:
            emit_json({"action": spec.id, "ok": True, "result": result})
        else:
            print(f"{spec.label}: done" + (f" ({result})" if result not in (None, "", {}) else ""))
        return 0
    finally:
        await device.aclose()


async def cmd_call(args: argparse.Namespace) -> int:
    fn_args = parse_assignments(args.assignments)
    device = await open_device(args)
    try:
        result = await device.call_raw(args.function, fn_args)
        if isinstance(result, bytes):
            if not args.out:
                raise InvalidValue(f"the reply is {len(result)} bytes of binary data: use --out")
            with open(args.out, "wb") as fh:
                fh.write(result)
            print(f"wrote {len(result)} bytes to {args.out}")
        else:
            emit_json(result if result not in (None, {}) else {"success": True})
        return 0
    finally:
        await device.aclose()


async def cmd_events(args: argparse.Namespace) -> int:
    device = await open_device(args)
    count = 0
    try:
        async with _deadline(args.seconds):
            async for event in device.events():
                emit_json(event.to_json())
                count += 1
                if args.count and count >= args.count:
                    break
        return 0
    finally:
        await device.aclose()


async def cmd_camera(args: argparse.Namespace) -> int:
    """The viewer's pipeline without a window: a commissioning check of a door camera."""
    from .live.diagnostic import camera_diagnostic

    if not 1 <= args.fps <= 30:
        raise InvalidValue("--fps must be 1-30 (2N devices accept 1-15)")
    device = await open_device(args)
    try:
        report = await camera_diagnostic(device, seconds=args.seconds, fps=args.fps,
                                         source=args.source, width=args.width,
                                         height=args.height)
    finally:
        await device.aclose()
    report["requested_fps"] = args.fps
    if args.json:
        emit_json(report)
    else:
        print(f"{report['frames_received']} frames received, {report['frames_decoded']} decoded, "
              f"{report['frames_shown']} shown, {report['frames_dropped']} dropped "
              f"in {report['seconds']} s: {report['fps']} fps (asked {args.fps})")
        print(f"latency median {report['latency_median_ms']} ms, "
              f"p95 {report['latency_p95_ms']} ms; CPU {report['cpu_ms_per_frame']} ms/frame "
              f"(decoder {report['decode_cpu_ms_per_frame']} ms)")
        if report.get("message"):
            print(f"camera: {report['message']}")
    return 0 if report["frames_decoded"] else EXIT_ERROR


async def cmd_backup(args: argparse.Namespace) -> int:
    device = await open_device(args)
    try:
        content, suffix = await device.backup()
        tmp = f"{args.out}.partial"
        with open(tmp, "wb") as fh:
            fh.write(content)
        os.replace(tmp, args.out)  # never leave a half-written backup under the real name
        print(f"wrote {len(content)} bytes ({suffix}) to {args.out}")
        return 0
    finally:
        await device.aclose()


async def cmd_simulate(args: argparse.Namespace) -> int:
    from .simulators.fleet import Fleet, FleetMember, demo_fleet

    if args.vendors:
        options = {"model": args.model} if args.model else {}
        members = [FleetMember(v, dict(options)) for v in args.vendors for _ in range(args.count)]
    else:
        if args.model:
            raise InvalidValue("--model needs a single --vendor")
        members = demo_fleet()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with Fleet(members, first_address=args.first_address) as devices:
        for device in devices:
            emit_json(device.describe())
        print(f"# {len(devices)} simulated devices running; Ctrl-C to stop", file=sys.stderr,
              flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), args.seconds)
    print("# stopped", file=sys.stderr)
    return 0


async def cmd_discover(args: argparse.Namespace) -> int:
    from .discovery import (
        DeviceFound,
        DiscoveryOptions,
        Summary,
        discover,
        json_line,
        local_interfaces,
        summary_line,
        table_line,
    )

    multicast_ifaces: list[str] = []
    if args.ifaces:
        by_name = {i.name: i for i in local_interfaces()}
        for name in args.ifaces:
            if name not in by_name:
                known = ", ".join(sorted(by_name)) or "none"
                raise InvalidValue(f"no IPv4 interface {name!r} (known: {known})")
            multicast_ifaces.append(by_name[name].address)
    password = args.password if args.password is not None else os.environ.get(
        "CONFIGURATOR_PASSWORD")
    credentials = [Credentials(args.user or "admin", password)] if password else []
    options = DiscoveryOptions(
        ranges=tuple(args.ranges or ()), extra_ports=tuple(args.ports or ()),
        multicast=args.multicast, multicast_interfaces=tuple(multicast_ifaces),
        credentials=credentials)
    latest: dict[str, Any] = {}
    summary = None
    async with _deadline(args.timeout):
        async for event in discover(options):
            if isinstance(event, DeviceFound):
                latest[event.device.address] = event.device
                print(json_line(event.device) if args.json else table_line(event.device),
                      flush=True)
            elif isinstance(event, Summary):
                summary = event
    if summary is None:
        print(f"# stopped after {args.timeout} s: {len(latest)} device(s) found so far",
              file=sys.stderr)
        return 0
    if args.json:
        emit_json({"summary": {"devices": len(summary.devices),
                               "addresses_probed": summary.addresses_probed,
                               "seconds": round(summary.seconds, 3),
                               "warnings": list(summary.warnings)}})
    else:
        print(summary_line(summary))
        for warning in summary.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    return 0


@contextlib.asynccontextmanager
async def _deadline(seconds: float | None):
    if seconds is None:
        yield
        return
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError:
        pass


COMMANDS: dict[str, Handler] = {
    "info": cmd_info, "get": cmd_get, "set": cmd_set, "add": cmd_add, "delete": cmd_delete,
    "action": cmd_action, "call": cmd_call, "events": cmd_events, "camera": cmd_camera,
    "backup": cmd_backup, "simulate": cmd_simulate, "discover": cmd_discover,
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
            from .app import main as app_main
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


if __name__ == "__main__":
    raise SystemExit(main())
