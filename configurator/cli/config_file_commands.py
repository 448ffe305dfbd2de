"""``configurator config-file HOST get|diff|put``: the device's configuration file with the
window's semantics - ``put`` downloads the current file first (kept as a backup in the data
dir), shows what changes path by path, asks (or takes ``--yes``), uploads, waits the device's
documented apply time, reads back and reports each change applied / not applied (exit 0 only
when every change is on the device).

``backup``/``restore`` stay the plain file copies; this command is the checked edit.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..core.abilities import EditsConfigFile
from ..core.device import Device
from ..core.errors import InvalidValue, NotSupported
from ..services.config_file import (
    ConfigDocument,
    Phase,
    Step,
    ValueChange,
    VerifyReport,
    document_changes,
    download,
    prepare_upload,
    unified_diff,
    upload,
)
from ..services.config_file.secrets import masked_change, masked_documents, shown
from .common import emit_json, opened_device, print_table, write_output
from .device_commands import EXIT_ERROR, _read_file

MAX_CONFIG_FILE = 16 * 1024 * 1024


def _editable(device: Device) -> EditsConfigFile:
    if not isinstance(device, EditsConfigFile):
        raise NotSupported("this device has no configuration file to edit (2N devices do: "
                           "/api/config)", host=device.host)
    return device


def _label(device: Device) -> str:
    info = device.info
    return f"{info.model if info else 'device'} {device.host}"


def _show(value: str | None) -> str:
    return "(absent)" if value is None else (value if value != "" else '""')


def _print_changes(changes: list[ValueChange] | tuple[ValueChange, ...], reveal: bool
                   ) -> None:
    changes = [masked_change(c, reveal=reveal) for c in changes]
    print_table([[c.path, _show(c.old), _show(c.new)] for c in changes],
                ["path", "on the device", "in the file"])


def _unified(before: ConfigDocument, after: ConfigDocument, name: str, reveal: bool) -> str:
    if not reveal:
        before, after = masked_documents(before, after)
    return unified_diff(before, after, after_name=name)


async def cmd_config_file(args: argparse.Namespace) -> int:
    if args.action == "get":
        return await _get(args)
    if not args.file:
        raise InvalidValue(f"config-file {args.action}: give the file (config-file HOST "
                           f"{args.action} FILE)")
    content = _read_file(args.file, MAX_CONFIG_FILE)
    edited = ConfigDocument.parse(content, what=args.file)  # refused before any request
    async with opened_device(args) as device:
        editable = _editable(device)
        await device.read_info()
        got = await download(editable, _label(device), keep_backup=args.action == "put")
        changes = document_changes(got.document, edited)
        if args.action == "diff":
            return _report_diff(args, got.document, edited, changes)
        if not changes:
            _say(args, "nothing to upload: the device already has these values")
            if args.json:
                emit_json({"changes": [], "backup": str(got.backup or "")})
            return 0
        prepared = prepare_upload(got.document, edited)
        if not args.json:
            print(f"{len(changes)} value(s) differ from the configuration of {device.host}:")
            _print_changes(prepared.changes, args.show_secrets)
            if args.unified:
                print(_unified(got.document, edited, args.file, args.show_secrets))
            print(f"original kept in {got.backup}")
        if not args.yes and not _ask(f"Upload {len(changes)} change(s) to {device.host}? "
                                     "The device replaces its whole configuration"):
            raise InvalidValue(f"not uploaded: uploading replaces the whole configuration of "
                               f"{device.host}: add --yes to confirm")
        report, _ = await upload(editable, got.document, prepared,
                                 on_step=None if args.json else _progress,
                                 apply_seconds=args.wait)
    if not args.json:
        print(file=sys.stderr)
    return _report_upload(args, report, str(got.backup or ""))


async def _get(args: argparse.Namespace) -> int:
    if not args.out:
        raise InvalidValue("config-file get: give --out FILE")
    async with opened_device(args) as device:
        editable = _editable(device)
        await device.read_info()
        got = await download(editable, _label(device), keep_backup=False)
    write_output(args.out, got.content)
    _say(args, f"wrote {len(got.content)} bytes ({len(got.document.values())} values) "
               f"to {args.out}")
    if args.json:
        emit_json({"file": args.out, "bytes": len(got.content),
                   "values": len(got.document.values())})
    return 0


def _report_diff(args: argparse.Namespace, device_doc: ConfigDocument, edited: ConfigDocument,
                 changes: list[ValueChange]) -> int:
    if args.json:
        emit_json({"changes": [_change_json(c, args.show_secrets) for c in changes]})
    elif not changes:
        print("no differences")
    else:
        _print_changes(changes, args.show_secrets)
        if args.unified:
            print(_unified(device_doc, edited, args.file, args.show_secrets))
    return 0


def _report_upload(args: argparse.Namespace, report: VerifyReport, backup: str) -> int:
    reveal = args.show_secrets
    if args.json:
        emit_json({"complete": report.complete, "backup": backup,
                   "results": [{"path": r.path, "before": shown(r.path, r.before, reveal=reveal),
                                "sent": shown(r.path, r.intended, reveal=reveal),
                                "actual": shown(r.path, r.actual, reveal=reveal),
                                "outcome": r.outcome.value}
                               for r in report.results],
                   "unexpected": [_change_json(c, reveal) for c in report.unexpected]})
    else:
        print_table([[r.path, _show(shown(r.path, r.intended, reveal=reveal)),
                      _show(shown(r.path, r.actual, reveal=reveal)), r.outcome.value]
                     for r in report.results], ["path", "sent", "on the device", "result"])
        for change in report.unexpected:
            change = masked_change(change, reveal=reveal)
            print(f"also changed by the device: {change.path}: {_show(change.old)} -> "
                  f"{_show(change.new)}")
        print(report.summary())
    return 0 if report.complete else EXIT_ERROR


def _change_json(change: ValueChange, reveal: bool) -> dict[str, Any]:
    kind = change.kind.value
    change = masked_change(change, reveal=reveal)
    return {"path": change.path, "old": change.old, "new": change.new, "kind": kind}


def _say(args: argparse.Namespace, text: str) -> None:
    print(text, file=sys.stderr if args.json else sys.stdout)


def _ask(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def _progress(step: Step) -> None:
    if step.phase is Phase.UPLOADING:
        text = "uploading…"
    elif step.phase is Phase.APPLYING:
        text = f"the device is applying it ({step.seconds_left:.0f} s left)…"
    else:
        text = "reading it back…"
    print(f"\r{text:<60}", end="", file=sys.stderr, flush=True)
