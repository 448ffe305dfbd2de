"""``configurator site ...``: the site as the unit of work, for scripts and unattended runs.

Every sub-command prints one result per targeted device (one JSON line each with ``--json``)
and exits 0 only when every targeted device succeeded (1 otherwise). Credentials come from the
OS keyring, the site's credentials file (mode 0600) or ``--password``/``$CONFIGURATOR_PASSWORD``
(see ``services/site_ops/credentials.py``); never from the site file, never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path

from ..core.errors import InvalidValue
from ..services.site import Site, SiteDevice
from ..services.site_ops.credentials import SiteCredentials
from ..services.site_ops.results import DeviceResult, DeviceStatus, value_text
from ..services.site_ops.runner import DEFAULT_CONCURRENCY, Cancel, Progress
from .common import emit_json, parse_endpoint
from .site_parser import USAGE

EXIT_OK, EXIT_FAILED = 0, 1

async def cmd_site(args: argparse.Namespace) -> int:
    handler = HANDLERS[args.site_command]
    return await handler(args)


# -- shared helpers -------------------------------------------------------------------------
def _operands(args: argparse.Namespace, minimum: int, maximum: int | None = None) -> list[str]:
    ops = list(args.operands)
    if len(ops) < minimum or (maximum is not None and len(ops) > maximum):
        raise InvalidValue(f"usage: configurator {USAGE[args.site_command]}")
    return ops


def _load(path: str) -> Site:
    return Site.load(Path(path))


def _concurrency(args: argparse.Namespace) -> int:
    if args.concurrency is not None and args.concurrency < 1:
        raise InvalidValue("--concurrency must be at least 1")
    return args.concurrency or DEFAULT_CONCURRENCY


def _credentials(args: argparse.Namespace, site: Site) -> SiteCredentials:
    return SiteCredentials.for_site(site, file=args.credentials, user=args.user,
                                    password=args.password)


def _progress(args: argparse.Namespace) -> Progress:
    def done(result: DeviceResult) -> None:
        print_result(result, args.json)
    return Progress(on_done=done)


def print_result(result: DeviceResult, as_json: bool) -> None:
    if as_json:
        emit_json(result.to_json())
        return
    note = f" - {result.message}" if result.message else ""
    print(f"{result.title} ({result.device}): {result.status}{note}", flush=True)
    for key in result.keys:
        data = key.to_json()
        arrow = f"{value_text(data['old'])} -> {value_text(data['new'])}"
        outcome = data.get("outcome", "planned" if key.changed else "unchanged")
        extra = f" ({key.message})" if key.message else ""
        print(f"  {key.page}/{key.key}: {arrow} {outcome}{extra}", flush=True)
    for row in result.rows:
        state = {True: "ok", False: "failed", None: "planned"}[row.ok]
        extra = f" ({row.message})" if row.message else ""
        print(f"  {row.table}: {row.op} {row.key} {state}{extra}", flush=True)




def summarize(results: Sequence[DeviceResult]) -> int:
    counts: dict[str, int] = {}
    for r in results:
        counts[str(r.status)] = counts.get(str(r.status), 0) + 1
    text = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"# {len(results)} device(s): {text or 'none'}", file=sys.stderr, flush=True)
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


@contextlib.contextmanager
def interrupt_cancels(cancel: Cancel) -> Iterator[None]:
    """The first Ctrl-C stops starting devices (those running finish); the second stops."""
    loop = asyncio.get_running_loop()

    def first() -> None:
        print("# cancelling: devices in progress finish, the others are left untouched "
              "(Ctrl-C again to stop at once)", file=sys.stderr, flush=True)
        cancel.cancel()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)

    installed = False
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, first)
        installed = True
    try:
        yield
    finally:
        if installed:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signal.SIGINT)


# -- add / list / tag -----------------------------------------------------------------------
async def site_add(args: argparse.Namespace) -> int:
    from ..services.site_ops.inventory import add_devices

    path, *hosts = _operands(args, 2)
    site_path = Path(path)
    site = Site.load(site_path) if site_path.exists() else Site(
        name=args.name or site_path.stem, path=site_path)
    entries = []
    for host in hosts:
        endpoint = parse_endpoint(host, None, None)
        entries.append(SiteDevice(endpoint.host, endpoint.port, endpoint.scheme,
                                  user=args.user or "", tags=list(args.tags)))
    credentials = _credentials(args, site)
    results = await add_devices(site, entries, credentials, concurrency=_concurrency(args),
                                progress=_progress(args))
    site.save(site_path)
    if args.save_credentials and args.password is not None:
        from ..core.transport import Credentials

        places = {credentials.remember(entry, Credentials(entry.user or args.user or "admin",
                                                          args.password))
                  for entry, result in zip(entries, results, strict=True)
                  if result.status is DeviceStatus.SUCCEEDED}
        if places:
            print(f"# credentials kept in {', '.join(sorted(places))}", file=sys.stderr)
    print(f"# {site_path}: {len(site.devices)} device(s)", file=sys.stderr)
    return summarize(results)


async def site_list(args: argparse.Namespace) -> int:
    from ..services.site_ops.targets import select

    (path,) = _operands(args, 1, 1)
    site = _load(path)
    devices = select(site, args.devices) if site.devices else []
    for entry in devices:
        data = {"device": entry.key, "title": entry.title, "name": entry.name,
                "address": entry.address, "port": entry.port, "driver": entry.driver,
                "vendor": entry.vendor, "model": entry.model, "serial": entry.serial,
                "mac": entry.mac, "firmware": entry.firmware, "tags": entry.tags,
                "fields": entry.fields}
        if args.json:
            emit_json(data)
        else:
            tags = f"  [{', '.join(entry.tags)}]" if entry.tags else ""
            print(f"{entry.key:<24}{entry.title:<28}{entry.serial or '-':<18}"
                  f"{entry.firmware or '-':<16}{tags}".rstrip())
    if not args.json:
        print(f"# {site.name}: {len(devices)} of {len(site.devices)} device(s)",
              file=sys.stderr)
    return EXIT_OK


async def site_tag(args: argparse.Namespace) -> int:
    from ..services.site_ops.targets import select

    path, tag = _operands(args, 2, 2)
    if not args.devices:
        raise InvalidValue("tag needs --devices SELECTOR (which devices get the tag)")
    site = _load(path)
    chosen = select(site, args.devices)
    for entry in chosen:
        if args.remove:
            entry.tags = [t for t in entry.tags if t.lower() != tag.lower()]
        elif tag.lower() not in (t.lower() for t in entry.tags):
            entry.tags.append(tag)
    site.save()
    verb = "removed from" if args.remove else "added to"
    print(f"tag {tag!r} {verb} {len(chosen)} device(s)")
    return EXIT_OK


# -- apply ----------------------------------------------------------------------------------
async def site_apply(args: argparse.Namespace) -> int:
    from ..live.journal import EventJournal
    from ..services.site_ops.apply import BulkApply
    from ..services.site_ops.audit import AuditTrail, site_journal_path
    from ..services.site_ops.changes import load_source
    from ..services.site_ops.targets import select

    path, source_path = _operands(args, 2, 2)
    site = _load(path)
    source = load_source(source_path)
    devices = select(site, args.devices)
    for ident in source.covers(site, devices):
        print(f"# warning: the CSV names {ident!r}, which is not among the targeted devices",
              file=sys.stderr)
    credentials = _credentials(args, site)
    journal = None if args.dry_run else EventJournal(site_journal_path(Path(path)))
    try:
        audit = AuditTrail(journal, operation=f"apply {Path(source_path).name}")
        bulk = BulkApply(site, source, credentials, audit, concurrency=_concurrency(args))
        cancel = Cancel()
        with interrupt_cancels(cancel):
            results = await bulk.run(devices, dry_run=args.dry_run, cancel=cancel,
                                     progress=_progress(args))
    finally:
        if journal is not None:
            journal.close()
    return summarize(results)


# -- backup / restore -----------------------------------------------------------------------
async def site_backup(args: argparse.Namespace) -> int:
    from ..services.site_ops.backup import backup_site
    from ..services.site_ops.targets import select

    (path,) = _operands(args, 1, 1)
    if not args.out:
        raise InvalidValue("backup needs --out DIR (a dated folder is made inside it)")
    site = _load(path)
    devices = select(site, args.devices)
    cancel = Cancel()
    with interrupt_cancels(cancel):
        backup = await backup_site(site, devices, _credentials(args, site), Path(args.out),
                                   concurrency=_concurrency(args), cancel=cancel,
                                   progress=_progress(args))
    print(f"# backup in {backup.folder}", file=sys.stderr)
    return summarize(backup.results)


async def site_restore(args: argparse.Namespace) -> int:
    from ..live.journal import EventJournal
    from ..services.site_ops.audit import AuditTrail, site_journal_path
    from ..services.site_ops.backup import restore_device
    from ..services.site_ops.targets import select

    path, folder, which = _operands(args, 3, 3)
    site = _load(path)
    chosen = select(site, which)
    if len(chosen) != 1:
        raise InvalidValue(f"{which!r} names {len(chosen)} devices; restore takes one")
    journal = EventJournal(site_journal_path(Path(path))) if args.yes else None
    try:
        audit = AuditTrail(journal, operation="restore")
        result = await restore_device(site, Path(folder), chosen[0], _credentials(args, site),
                                      confirm=args.yes, audit=audit)
    finally:
        if journal is not None:
            journal.close()
    if args.json:
        emit_json(result.to_json())
    else:
        print_result(result, False)
        shown = result.details.get("preview")
        if shown:
            print(f"  {shown['file']}: {shown['summary']}")
            for line in shown.get("diff", []):
                print(f"    {line}")
        for name in result.details.get("table_files", []):
            print(f"  table file {name} is in the backup (not restored; use "
                  "`configurator import HOST TABLE FILE`)")
    return summarize([result])


# -- firmware -------------------------------------------------------------------------------
async def site_firmware(args: argparse.Namespace) -> int:
    from ..live.journal import EventJournal
    from ..services.site_ops.audit import AuditTrail, site_journal_path
    from ..services.site_ops.firmware import FirmwareFile, FirmwareRollout, plan_firmware
    from ..services.site_ops.targets import select

    path, *names = _operands(args, 2)
    if args.apply and not args.yes:
        raise InvalidValue("installing firmware restarts every device it goes to: add --yes")
    site = _load(path)
    devices = select(site, args.devices)
    files = [FirmwareFile.read(name) for name in names]
    credentials = _credentials(args, site)
    print(f"# planning: {len(files)} file(s) against {len(devices)} device(s)",
          file=sys.stderr, flush=True)
    quiet = Progress()
    plan = await plan_firmware(devices, files, credentials, allow_downgrade=args.allow_downgrade,
                               progress=quiet if args.apply else _progress(args))
    if not args.apply:
        print("# plan only: add --apply --yes to install (canary first, then batches)",
              file=sys.stderr)
        return summarize(plan)

    def step(entry: SiteDevice, text: str, seconds: float) -> None:
        print(f"# {entry.title} ({entry.key}) {seconds:6.1f} s: {text}", file=sys.stderr,
              flush=True)

    journal = EventJournal(site_journal_path(Path(path)))
    try:
        rollout = FirmwareRollout(credentials, {f.name: f for f in files},
                                  AuditTrail(journal, operation="firmware"),
                                  restart_timeout=args.restart_timeout, on_step=step)
        cancel = Cancel()
        with interrupt_cancels(cancel):
            results = await rollout.run_waves(list(zip(devices, plan, strict=True)),
                                              canary=args.canary, batch=args.batch,
                                              cancel=cancel)
    finally:
        journal.close()
    for result in results:
        print_result(result, args.json)
    return summarize(results)


# -- door test / report ---------------------------------------------------------------------
async def site_doortest(args: argparse.Namespace) -> int:
    from ..core.device import Device
    from ..live.journal import EventJournal
    from ..services.site_ops.audit import AuditTrail, site_journal_path
    from ..services.site_ops.doortest import run_door_test, snapshot_dir
    from ..services.site_ops.runner import run_devices, with_device
    from ..services.site_ops.targets import select

    (path,) = _operands(args, 1, 1)
    site = _load(path)
    devices = select(site, args.devices)
    journal = EventJournal(site_journal_path(Path(path)))
    try:
        audit = AuditTrail(journal, operation="door test")

        async def job(entry: SiteDevice, device: Device) -> DeviceResult:
            return await run_door_test(entry, device, wait=args.wait, audit=audit,
                                       snapshots=snapshot_dir(Path(path)))

        cancel = Cancel()
        with interrupt_cancels(cancel):
            results = await run_devices(devices, with_device(job, _credentials(args, site)),
                                        concurrency=_concurrency(args), cancel=cancel,
                                        progress=_door_progress(args))
        audit.flush()
    finally:
        journal.close()
    return summarize(results)


def _door_progress(args: argparse.Namespace) -> Progress:
    def done(result: DeviceResult) -> None:
        print_result(result, args.json)
        if not args.json:
            for door in result.details.get("doors", []):
                seen = (f"event {door['event_type']} after {door['latency_ms']} ms"
                        if door["seen"] else door.get("error") or "no event")
                picture = "  + snapshot" if door.get("snapshot") else ""
                print(f"  {door['door']}: {seen}{picture}", flush=True)
    return Progress(on_done=done)


async def site_report(args: argparse.Namespace) -> int:
    from ..live.journal import EventJournal
    from ..services.site_ops.audit import site_journal_path
    from ..services.site_ops.report import REPORT_CONCURRENCY, collect
    from ..services.site_ops.report_html import render_html
    from ..services.site_ops.targets import select

    (path,) = _operands(args, 1, 1)
    out = Path(args.out or "")
    if out.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise InvalidValue("report needs --out FILE.html or FILE.pdf")
    site = _load(path)
    devices = select(site, args.devices)
    journal_path = site_journal_path(Path(path))
    journal = EventJournal(journal_path) if journal_path.exists() else None
    try:
        reading = _concurrency(args) if args.concurrency is not None else REPORT_CONCURRENCY
        report, results = await collect(site, devices, _credentials(args, site), journal,
                                        concurrency=reading,
                                        progress=_progress(args))
    finally:
        if journal is not None:
            journal.close()
    try:
        if out.suffix.lower() == ".pdf":
            try:
                from ..ui.site.report_pdf import write_pdf
            except ImportError as exc:
                raise InvalidValue(f"PDF needs Qt (PySide6): {exc}") from None
            pages = write_pdf(report, out)
            print(f"# wrote {out} ({pages} page(s))", file=sys.stderr)
        else:
            from ..services.paths import atomic_write_text

            atomic_write_text(out, render_html(report))
            print(f"# wrote {out}", file=sys.stderr)
    except OSError as exc:
        raise InvalidValue(f"cannot write {out}: {exc.strerror or exc}") from None
    for title, problem in report.problems:
        print(f"# open problem: {title}: {problem}", file=sys.stderr)
    return summarize(results)


Handler = Callable[[argparse.Namespace], Awaitable[int]]
HANDLERS: dict[str, Handler] = {
    "add": site_add, "list": site_list, "tag": site_tag, "apply": site_apply,
    "backup": site_backup, "restore": site_restore, "firmware": site_firmware,
    "doortest": site_doortest, "report": site_report,
}
