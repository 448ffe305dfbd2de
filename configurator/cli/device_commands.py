"""Commands that talk to one device: info, get, set, add, delete, action, call, events,
camera, backup. They use only the vendor-neutral Device interface."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any

from ..core.errors import ConfiguratorError, InvalidValue, NotSupported
from ..core.params import Category, Kind, TableOp
from .common import (
    deadline,
    emit_json,
    given_credentials,
    is_camera_url,
    mask_secrets,
    opened_device,
    parse_assignments,
    print_table,
    write_output,
)

EXIT_ERROR = 1


async def cmd_info(args: argparse.Namespace) -> int:
    async with opened_device(args) as device:
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


async def cmd_get(args: argparse.Namespace) -> int:
    async with opened_device(args, detected=True) as device:
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
        print_table(rows, ["key", "setting", "value"])
        return 0


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
        secret = {c.key for c in spec.columns if c.kind is Kind.SECRET}
        emit_json([{k: (v if args.reveal or k not in secret else "***") for k, v in row.items()}
                   for row in rows])
        return 0
    columns = list(spec.columns)
    if not args.all_columns:
        basic = [c for c in columns if c.category is Category.BASIC]
        columns = basic or columns
    header = [c.key for c in columns]
    cells = [[c.format(row.get(c.key), reveal=args.reveal) for c in columns] for row in rows]
    print_table(cells, header)
    hidden = len(spec.columns) - len(columns)
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''}"
          + (f"; {hidden} advanced columns hidden: --all-columns or --json)" if hidden else ")"))
    return 0


async def cmd_set(args: argparse.Namespace) -> int:
    raw = parse_assignments(args.assignments)
    async with opened_device(args, detected=True) as device:
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


async def cmd_add(args: argparse.Namespace) -> int:
    raw = parse_assignments(args.assignments)
    async with opened_device(args, detected=True) as device:
        spec = device.table(args.table)
        row = spec.parse_row(raw)
        results = await device.apply_table(spec.id, add=[row])
        return _report_rows(results, args.json)


async def cmd_update(args: argparse.Namespace) -> int:
    """Change some columns of one row: update HOST TABLE KEY COLUMN=VALUE..."""
    raw = parse_assignments(args.assignments)
    async with opened_device(args, detected=True) as device:
        spec = device.table(args.table)
        if TableOp.SET not in spec.operations:
            raise NotSupported(f"rows of {spec.title} cannot be changed, only "
                               + ("added or deleted" if TableOp.ADD in spec.operations
                                  else "read"))
        columns = {c.key: c for c in spec.columns}
        unknown = sorted(set(raw) - set(columns))
        if unknown:
            raise InvalidValue(f"{spec.id} has no column {', '.join(unknown)} (columns: "
                               f"{', '.join(columns)})")
        row = {k: columns[k].parse(v) for k, v in raw.items()}
        row[spec.row_key] = columns[spec.row_key].parse(args.key)
        results = await device.apply_table(spec.id, update=[row])
        return _report_rows(results, args.json)


async def cmd_delete(args: argparse.Namespace) -> int:
    if args.all and args.keys:
        raise InvalidValue("give row keys or --all, not both")
    if not args.all and not args.keys:
        raise InvalidValue("name the rows to delete (their keys), or --all --yes for every row")
    if args.all and not args.yes:
        raise InvalidValue(f"--all deletes every row of {args.table}: add --yes to confirm")
    async with opened_device(args, detected=True) as device:
        spec = device.table(args.table)
        if args.all:
            return _report_rows(await device.clear_table(spec.id), args.json)
        key_spec = spec.column(spec.row_key)
        keys = [key_spec.parse(k) for k in args.keys]
        results = await device.apply_table(spec.id, delete=keys)
        return _report_rows(results, args.json)


def _report_rows(results: Sequence[Any], as_json: bool) -> int:
    for r in results:
        if as_json:
            emit_json({"op": r.op, "key": r.key, "ok": r.ok, "message": r.message})
        else:
            key = r.key if r.key not in (None, "") else "(new row)"  # the device numbers it
            print(f"{r.op} {key}: {'ok' if r.ok else 'failed'}"
                  + (f" ({r.message})" if r.message else ""))
    return 0 if all(r.ok for r in results) else EXIT_ERROR


async def cmd_action(args: argparse.Namespace) -> int:
    async with opened_device(args, detected=True) as device:
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


async def cmd_call(args: argparse.Namespace) -> int:
    if args.list:
        return await _list_functions(args)
    if not args.host or not args.function:
        raise InvalidValue("call needs HOST and FUNCTION (or --list to see the functions)")
    fn_args = parse_assignments(args.assignments)
    async with opened_device(args) as device:
        result = await device.call_raw(args.function, fn_args)
        if isinstance(result, bytes):
            if not args.out:
                raise InvalidValue(f"the reply is {len(result)} bytes of binary data: use --out")
            write_output(args.out, result)
            print(f"wrote {len(result)} bytes to {args.out}")
        else:
            reply = result if result not in (None, {}) else {"success": True}
            emit_json(reply if args.reveal else mask_secrets(reply))
        return 0


async def _list_functions(args: argparse.Namespace) -> int:
    """``call --list``: the documented functions of one driver (HOST's or --vendor's) or all."""
    from ..drivers.registry import DRIVERS, documented_functions

    if args.vendor:
        driver_ids = [args.vendor]
    elif args.host:
        async with opened_device(args) as device:
            driver_ids = [device.driver_id]
    else:
        driver_ids = [entry.id for entry in DRIVERS]
    rows = [(driver_id, fn) for driver_id in driver_ids
            for fn in documented_functions(driver_id)]
    if args.json:
        for driver_id, fn in rows:
            emit_json({"driver": driver_id, "function": fn.name, "methods": fn.methods,
                       "note": fn.note})
    else:
        print_table([[d, fn.name, fn.methods, fn.note] for d, fn in rows],
                    ["driver", "function", "methods", "note"])
    return 0


async def cmd_events(args: argparse.Namespace) -> int:
    count = 0
    async with opened_device(args) as device, deadline(args.seconds):
        async for event in device.events():
            emit_json(event.to_json())
            count += 1
            if args.count and count >= args.count:
                break
    return 0


async def cmd_camera(args: argparse.Namespace) -> int:
    """The viewer's pipeline without a window: a commissioning check of a door camera."""
    from ..live.diagnostic import camera_diagnostic, url_camera_diagnostic

    if not 1 <= args.fps <= 30:
        raise InvalidValue("--fps must be 1-30")
    if is_camera_url(args.host):
        report = await url_camera_diagnostic(args.host, given_credentials(args),
                                             seconds=args.seconds, fps=args.fps)
    else:
        async with opened_device(args) as device:
            report = await camera_diagnostic(device, seconds=args.seconds, fps=args.fps,
                                             source=args.source, width=args.width,
                                             height=args.height)
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
    async with opened_device(args) as device:
        content, suffix = await device.backup()
    write_output(args.out, content)
    print(f"wrote {len(content)} bytes ({suffix}) to {args.out}")
    return 0


# The biggest file a command sends: firmware images are tens of MB, configurations and
# table files far less. Checked before reading (a path such as /dev/zero never ends).
MAX_FIRMWARE_BYTES = 256 * 1024 * 1024
MAX_FILE_BYTES = 64 * 1024 * 1024


def _read_file(path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limit:
                raise InvalidValue(f"{path} is {size:,} bytes: more than the "
                                   f"{limit // (1024 * 1024)} MB such a file can be")
            content = fh.read(limit + 1)
    except OSError as exc:
        raise InvalidValue(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(content) > limit:
        raise InvalidValue(f"{path} does not end within {limit // (1024 * 1024)} MB: "
                           "not a file this command can send")
    return content


async def cmd_restore(args: argparse.Namespace) -> int:
    content = _read_file(args.file)
    async with opened_device(args) as device:
        if not args.yes:
            raise InvalidValue(f"restoring replaces the whole configuration of {device.host}: "
                               "add --yes to confirm")
        await device.restore(content, os.path.basename(args.file))
    print(f"restored {len(content)} bytes from {args.file}"
          " (the device may restart; reload its settings afterwards)")
    return 0


async def cmd_export(args: argparse.Namespace) -> int:
    async with opened_device(args, detected=True) as device:
        spec = device.table(args.table)
        content, suffix = await device.export_table(spec.id)
    write_output(args.out, content)
    print(f"wrote {len(content)} bytes ({suffix}) of {spec.id} to {args.out}")
    return 0


async def cmd_import(args: argparse.Namespace) -> int:
    content = _read_file(args.file)
    async with opened_device(args, detected=True) as device:
        spec = device.table(args.table)
        if not args.yes:
            raise InvalidValue(f"importing replaces the table {spec.id} on {device.host}: "
                               "add --yes to confirm")
        results = await device.import_table(spec.id, content, os.path.basename(args.file))
        rows = await device.read_table(spec.id)
    if results is not None:
        return _report_rows(results, args.json)
    print(f"imported {args.file}: {spec.id} now has {len(rows)} row(s)")
    return 0


async def cmd_firmware(args: argparse.Namespace) -> int:
    content = _read_file(args.file, MAX_FIRMWARE_BYTES)
    async with opened_device(args) as device:
        image = await device.firmware_upload(content, os.path.basename(args.file))
        details = {"file": image.filename, "size": image.size, "md5": image.md5,
                   "version": image.version, "downgrade": image.downgrade, "note": image.note}
        if not args.apply:
            if image.staged:
                await device.firmware_reject(image)
            emit_json({**details, "applied": False}) if args.json else print(
                f"{image.filename}: version {image.version or 'unknown'}"
                + (" (DOWNGRADE)" if image.downgrade else "")
                + " - checked, not installed (use --apply --yes to install)")
            return 0
        if not args.yes:
            if image.staged:
                await device.firmware_reject(image)
            raise InvalidValue("installing firmware restarts the device: add --yes to confirm")
        await device.firmware_apply(image, on_step=lambda step: print(step, flush=True))
    emit_json({**details, "applied": True}) if args.json else print("firmware installed")
    return 0
