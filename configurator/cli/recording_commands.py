"""``configurator recordings``: find a PBX's call recordings and download them to files."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from typing import Any

from ..core.errors import InvalidValue, NotSupported
from ..core.recordings import CallRecordings
from .common import emit_json, opened_device, print_table

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")


def safe_file_name(play_url: str) -> str:
    """A file name for a recording from its ``playUrl``: the last path element, with anything
    that is not a plain file-name character replaced (the name comes from the device)."""
    name = _UNSAFE.sub("_", play_url.rstrip("/").rsplit("/", 1)[-1]).lstrip(".")
    return name or "recording"


async def cmd_recordings(args: argparse.Namespace) -> int:
    for value, flag in ((args.date_from, "--from"), (args.date_to, "--to")):
        if value and not _DATE.match(value):
            raise InvalidValue(f"{flag} must be a date as YYYY-MM-DD, not {value!r}")
    out_dir = Path(args.out) if args.out else None
    if out_dir is not None and not out_dir.is_dir():
        raise InvalidValue(f"{out_dir} is not a folder")
    async with opened_device(args) as device:
        if not isinstance(device, CallRecordings):
            raise NotSupported("this device keeps no call recordings (FCM5600 PBX only)")
        rows = await device.recordings(
            args.kind, extension=args.extension or "", date_from=args.date_from or "",
            date_to=args.date_to or "")
        for row in rows:
            if out_dir is not None and row.get("playUrl"):
                content = await device.download_recording(str(row["playUrl"]))
                row["file"] = _save(out_dir, str(row["playUrl"]), content)
            _show(args, row)
    if not args.json:
        print_table([[str(r.get(k, "")) for k in ("id", "startTime", "callSrc", "callTo",
                                                   "timeLength", "file")] for r in rows],
                    ["id", "start", "from", "to", "seconds", "file"])
        if not rows:
            print("no recordings match")
    return 0


def _show(args: argparse.Namespace, row: dict[str, Any]) -> None:
    if args.json:
        emit_json(row)


def _save(folder: Path, play_url: str, content: bytes) -> str:
    path = folder / safe_file_name(play_url)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a call is personal data
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    return str(path)
