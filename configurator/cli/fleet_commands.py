"""Commands about many devices: simulate a fleet, discover devices on the network."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import os
import re
import signal
import sys
from typing import Any

from ..core.errors import InvalidValue
from ..core.transport import Credentials
from .common import deadline, emit_json


async def cmd_simulate(args: argparse.Namespace) -> int:
    from ..simulators.fleet import Fleet, FleetMember, check_loopback, demo_fleet

    if args.vendors:
        options = {"model": args.model} if args.model else {}
        members = [FleetMember(v, dict(options)) for v in args.vendors for _ in range(args.count)]
    else:
        if args.model:
            raise InvalidValue("--model needs a single --vendor")
        members = demo_fleet()
    try:
        check_loopback(args.first_address)
    except ValueError as exc:
        raise InvalidValue(f"--first-address: {exc}") from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    fleet = Fleet(members, first_address=args.first_address)
    try:
        devices = await fleet.start()
    except OSError as exc:
        if exc.errno == errno.EADDRNOTAVAIL:  # macOS: lo0 holds 127.0.0.1 only
            raise InvalidValue(
                f"this system has no loopback address {_where(exc)}: on macOS add one per "
                "simulated device first (sudo ifconfig lo0 alias 127.0.50.1 up, ...)") from None
        if exc.errno != errno.EADDRINUSE:
            raise
        raise InvalidValue(f"a simulator address is already in use ({_where(exc)}): stop "
                           "what listens there or choose another --first-address") from None
    except ValueError as exc:  # past the end of 127.0.0.0/8
        raise InvalidValue(f"--first-address: {exc}") from None
    try:
        for device in devices:
            emit_json(device.describe())
        print(f"# {len(devices)} simulated devices running; Ctrl-C to stop", file=sys.stderr,
              flush=True)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(args.seconds):
                await stop.wait()
    finally:
        await fleet.stop()
    print("# stopped", file=sys.stderr)
    return 0


def _where(exc: OSError) -> str:
    """The address an EADDRINUSE names ("... bind on address ('127.0.50.1', 80) ...")."""
    found = re.search(r"\('([0-9.]+)', (\d+)\)", str(exc))
    return f"{found.group(1)}:{found.group(2)}" if found else "see --first-address"


async def cmd_discover(args: argparse.Namespace) -> int:
    from ..discovery import (
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
    async with deadline(args.timeout):
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
