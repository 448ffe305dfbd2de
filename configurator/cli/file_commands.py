"""Files a device holds or shows: ``configurator recordings`` (a PBX's call recordings),
``configurator download`` (logs and packet captures), ``configurator picture`` (a picture
on an intercom's display) and ``configurator plates`` (licence plates an intercom saw and
their pictures)."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from typing import Any

from ..core.downloads import OffersFiles
from ..core.errors import InvalidValue, NotSupported
from ..core.recordings import CallRecordings, safe_file_name
from .common import emit_json, opened_device, opened_with, print_table, write_output

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
            date_to=args.date_to or "", call_type=args.type)
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
    write_output(str(path), content)  # a call is personal data: readable by the user only
    return str(path)


async def cmd_download(args: argparse.Namespace) -> int:
    """Without FILE: list the device's files; with it: save it to --out (0600)."""
    if args.file and not args.out:
        raise InvalidValue("name the file to write with --out PATH")
    async with opened_with(args, OffersFiles, lambda d: d.files(),
                           "this device offers no files to download") as device:
        if not args.file:
            files = device.files()
            if args.json:
                for f in files:
                    emit_json({"file": f.id, "label": f.label, "suffix": f.suffix,
                               "help": f.help})
            else:
                print_table([[f.id, f.label, f.suffix, f.help] for f in files],
                            ["file", "what", "suffix", "note"])
            return 0
        content, device_name = await device.download(args.file)
    write_output(args.out, content)
    if args.json:
        emit_json({"file": args.file, "bytes": len(content), "out": args.out,
                   "device_name": device_name})
    else:
        print(f"wrote {len(content)} bytes to {args.out}"
              + (f" (the device calls it {device_name})" if device_name else ""))
    return 0


async def cmd_picture(args: argparse.Namespace) -> int:
    """Show FILE on a display (until removed, or --seconds), or --remove it."""
    from ..core.pictures import MAX_PICTURE_BYTES, ShowsPictures, picture_format
    from .device_commands import _read_file

    if bool(args.file) == bool(args.remove):
        raise InvalidValue("give a picture file to show, or --remove")
    content = b""
    if args.file:
        content = _read_file(args.file, MAX_PICTURE_BYTES)
        picture_format(content, os.path.basename(args.file))  # before connecting
    async with opened_with(args, ShowsPictures, lambda d: d.screens(),
                           "this device has no display that shows pictures") as device:
        screen = args.display or device.screens()[0].id
        if args.remove:
            await device.remove_picture(screen)
            said = f"picture removed from display {screen}"
        else:
            await device.show_picture(screen, content, os.path.basename(args.file),
                                      args.seconds)
            how = f"for {args.seconds} s" if args.seconds else "until removed"
            said = f"{os.path.basename(args.file)} shown on display {screen} {how}"
    if args.json:
        emit_json({"display": screen, "ok": True, "message": said})
    else:
        print(said)
    return 0


async def cmd_plates(args: argparse.Namespace) -> int:
    """Without PLATE: the recognitions in the device's event log; with it: save its picture."""
    from ..core.plates import ReadsPlates

    if args.plate and not args.out:
        raise InvalidValue("name the file to write the picture to with --out FILE")
    if args.out and not args.plate:
        raise InvalidValue("name the plate whose picture --out should save")
    async with opened_with(args, ReadsPlates, lambda d: d.reads_plates(),
                           "this device takes no licence plate recognitions") as device:
        if not args.plate:
            sightings = await device.plate_sightings()
        else:
            content = await device.plate_picture(args.plate)
    if not args.plate:
        for seen in sightings if args.json else ():
            emit_json({"time": seen.time, "plate": seen.plate, "direction": seen.direction,
                       "valid": seen.valid, "user": seen.user})
        if not args.json:
            print_table([[s.time, s.plate, s.direction, "" if s.valid is None else
                          ("yes" if s.valid else "no"), s.user] for s in sightings],
                        ["seen", "plate", "vehicle", "known", "user"])
            if not sightings:
                print("no licence plate recognitions in the event log")
        return 0
    write_output(args.out, content)  # a vehicle and its plate: personal data (0600)
    if args.json:
        emit_json({"plate": args.plate, "bytes": len(content), "out": args.out})
    else:
        print(f"wrote the picture of {args.plate} ({len(content)} bytes) to {args.out}")
    return 0
