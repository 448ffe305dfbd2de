"""Download, upload and verify a device's configuration file (no Qt: the window and the CLI
both call these).

download → the original is parsed and kept as a backup file → the user edits a copy →
:func:`prepare_upload` refuses a file that does not parse or changes nothing → :func:`upload`
sends it, waits the device's documented apply time (reporting each second), re-reads the
configuration and classifies each intended change as applied / not applied; while some are not
there yet it reads again a few times (``settle_seconds``) before saying so.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from ...core.abilities import EditsConfigFile
from ...core.errors import InvalidValue
from .backups import write_backup
from .diff import ValueChange, document_changes
from .document import ConfigDocument
from .verify import VerifyReport, verify

SETTLE_SECONDS = 15.0  # extra time given to a device that is slower than documented
POLL_SECONDS = 3.0  # between re-reads while waiting for it


class Phase(StrEnum):
    DOWNLOADING = "downloading"
    UPLOADING = "uploading"
    APPLYING = "applying"
    VERIFYING = "verifying"


@dataclass(frozen=True)
class Step:
    """Progress of an upload: the phase, a fraction when it is known (the apply wait), the
    seconds left of it, and whether stopping now is harmless (the upload itself cannot be taken
    back once sent; waiting for the result can be abandoned)."""

    phase: Phase
    fraction: float | None = None
    seconds_left: float = 0.0
    cancellable: bool = True


StepCallback = Callable[[Step], None]


@dataclass(frozen=True)
class Downloaded:
    """A configuration as downloaded, and where its backup copy was written."""

    content: bytes
    document: ConfigDocument
    backup: Path | None
    when: datetime


@dataclass(frozen=True)
class PreparedUpload:
    """A file that parses, and what it changes against the downloaded one."""

    content: bytes
    document: ConfigDocument
    changes: tuple[ValueChange, ...]


async def download(device: EditsConfigFile, label: str, *, keep_backup: bool = True,
                   backup_folder: Path | None = None) -> Downloaded:
    """Read the configuration, parse it (a device answer that does not parse is refused) and
    keep it as a backup file named after ``label`` (the device's name and address)."""
    content = await device.config_file_get()
    # Parsing a large file takes a moment: not on the loop's thread.
    document = await asyncio.to_thread(ConfigDocument.parse, content,
                                       what="the device's configuration")
    when = datetime.now()
    backup = None
    if keep_backup:
        try:
            backup = await asyncio.to_thread(write_backup, content, label, when=when,
                                             folder=backup_folder)
        except OSError as exc:
            raise InvalidValue(f"cannot keep a backup of the configuration: "
                               f"{exc.strerror or exc}") from None
    return Downloaded(content, document, backup, when)


def prepare_upload(original: ConfigDocument, edited: ConfigDocument | bytes
                   ) -> PreparedUpload:
    """The bytes to send and their changes; :class:`InvalidValue` when the file does not
    parse or changes nothing."""
    if isinstance(edited, bytes):
        document = ConfigDocument.parse(edited, what="the file to upload")
    else:
        document = ConfigDocument.parse(edited.to_bytes(), what="the edited configuration")
    if document.root_node.name != original.root_node.name:
        raise InvalidValue(f"the file's root element is <{document.root_node.name}>, the "
                           f"device's is <{original.root_node.name}>: not this device's "
                           "configuration")
    changes = tuple(document_changes(original, document))
    if not changes:
        raise InvalidValue("the file is the same as the downloaded configuration: "
                           "nothing to upload")
    return PreparedUpload(document.to_bytes(), document, changes)


async def upload(device: EditsConfigFile, original: ConfigDocument, prepared: PreparedUpload,
                 *, on_step: StepCallback | None = None, apply_seconds: float | None = None,
                 settle_seconds: float = SETTLE_SECONDS, poll_seconds: float = POLL_SECONDS
                 ) -> tuple[VerifyReport, ConfigDocument]:
    """Send, wait for the device to apply, re-read, verify. Returns the report and the
    configuration read back. Errors of the upload itself propagate (nothing was applied);
    cancelling after the upload leaves the device applying it on its own."""
    step = on_step or (lambda _s: None)
    wait = device.config_apply_seconds if apply_seconds is None else apply_seconds
    step(Step(Phase.UPLOADING, cancellable=False))
    await device.config_file_put(prepared.content)
    started = time.monotonic()
    while (left := wait - (time.monotonic() - started)) > 0:
        step(Step(Phase.APPLYING, 1.0 - left / wait if wait else 1.0, left))
        await asyncio.sleep(min(1.0, left))
    deadline = time.monotonic() + settle_seconds
    original_values = original.values()
    while True:
        step(Step(Phase.VERIFYING))
        reread = await asyncio.to_thread(ConfigDocument.parse, await device.config_file_get(),
                                         what="the configuration read back")
        report = verify(original_values, prepared.changes, reread.values())
        if report.complete or time.monotonic() >= deadline:
            return report, reread
        await asyncio.sleep(min(poll_seconds, max(0.0, deadline - time.monotonic())))
