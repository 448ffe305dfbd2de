"""Firmware rollout over a site: match files to devices, then canary and batches.

**Plan** (nothing installed): every targeted device that offers firmware upload is shown each
file until one fits. A device that checks files (2N: it stages the image and reports its
version, refusing another model's file) decides itself; the staged image is discarded again.
A device that cannot check a file before installing it (Onetouch: checked by MD5 only at
install) only gets a file that no checking device claimed and whose name mentions its model -
a wrong image must not be one keystroke away. Same version: skipped. Downgrade: refused unless
confirmed (``allow_downgrade``).

**Waves** (``run_waves``): the first ``canary`` devices, then batches of ``batch``; per device:
upload, apply, wait until it answers again with the new version, verify. The wave stops at the
first failure: the devices after it are ``not started``, with what to do. Cancel takes effect
between devices.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...core.device import Device, FirmwareImage
from ...core.errors import ConfiguratorError, DeviceError, InvalidValue, NotSupported
from ..site import SiteDevice
from .audit import AuditTrail
from .credentials import SiteCredentials
from .results import DeviceResult, DeviceStatus
from .runner import Cancel, Progress, guarded, not_started, run_devices, with_device

INSTALL, SAME, DOWNGRADE = "install", "same version", "downgrade"

StepReport = Callable[[SiteDevice, str, float], None]


@dataclass(frozen=True)
class FirmwareFile:
    name: str
    content: bytes

    @classmethod
    def read(cls, path: str | Path) -> FirmwareFile:
        path = Path(path)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise InvalidValue(f"cannot read {path}: {exc.strerror or exc}") from None
        if not content:
            raise InvalidValue(f"{path} is empty")
        return cls(path.name, content)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


async def _discard(device: Device, image: FirmwareImage) -> None:
    if image.staged:
        try:
            await device.firmware_reject(image)
        except NotSupported:  # v2.11: dropped by the device after 5 minutes or a restart
            pass


async def match_file(device: Device, entry: SiteDevice, files: Sequence[FirmwareFile],
                     claimed: set[str]) -> tuple[FirmwareFile, FirmwareImage] | str:
    """The file this device takes (and the device's view of it), or why none fits."""
    refusals: list[str] = []
    for file in sorted(files, key=lambda f: f.name not in claimed):
        try:
            image = await device.firmware_upload(file.content, file.name)
        except (InvalidValue, DeviceError) as exc:
            if isinstance(exc, DeviceError) and not exc.code and not exc.param:
                raise  # not a refusal of the file: unreachable, auth, ...
            refusals.append(f"{file.name}: {exc.message}")
            continue
        await _discard(device, image)
        if image.staged or image.version:  # the device checked the file itself
            claimed.add(file.name)
            return file, image
        # The device cannot check files: only an unclaimed file named after its model.
        model = _norm(entry.model)
        if model and model in _norm(file.name) and file.name not in claimed:
            return file, image
        refusals.append(f"{file.name}: not named after {entry.model or 'the model'}")
    if not refusals:
        return "no firmware file given"
    return "no file fits this device (" + "; ".join(refusals) + ")"


async def plan_firmware(devices: Sequence[SiteDevice], files: Sequence[FirmwareFile],
                        credentials: SiteCredentials, *, allow_downgrade: bool = False,
                        progress: Progress | None = None) -> list[DeviceResult]:
    """Who gets what. Devices are checked one at a time so that devices of one model learn
    from the first (``claimed``) and each device sees a file at most once per plan."""
    claimed: set[str] = set()

    async def job(entry: SiteDevice, device: Device) -> DeviceResult:
        if not device.maintenance().firmware:
            return DeviceResult(entry.key, entry.title, DeviceStatus.SKIPPED,
                                "this device offers no firmware upload through its API")
        info = await device.read_info()
        found = await match_file(device, entry, files, claimed)
        if isinstance(found, str):
            return DeviceResult(entry.key, entry.title, DeviceStatus.SKIPPED, found,
                                details={"current": info.firmware})
        file, image = found
        details = {"current": info.firmware, "file": file.name, "version": image.version,
                   "plan": INSTALL}
        if image.version and image.version == info.firmware:
            details["plan"] = SAME
            return DeviceResult(entry.key, entry.title, DeviceStatus.SKIPPED,
                                f"already runs {info.firmware}", details=details)
        if image.downgrade:
            details["plan"] = DOWNGRADE
            if not allow_downgrade:
                return DeviceResult(entry.key, entry.title, DeviceStatus.NOT_STARTED,
                                    f"{file.name} is a DOWNGRADE ({info.firmware} -> "
                                    f"{image.version}): allow downgrades to install it "
                                    "(CLI: --allow-downgrade)",
                                    details=details)
        version = image.version or "a version the device reports only after installing"
        return DeviceResult(entry.key, entry.title, DeviceStatus.SUCCEEDED,
                            f"{info.firmware or 'unknown'} -> {version} from {file.name}",
                            details=details)

    return await run_devices(devices, with_device(job, credentials), concurrency=1,
                             progress=progress)


def waves(devices: Sequence[SiteDevice], canary: int, batch: int) -> list[list[SiteDevice]]:
    if canary < 0 or batch < 1:
        raise InvalidValue("--canary must be 0 or more and --batch at least 1")
    out = [list(devices[:canary])] if canary else []
    rest = list(devices[canary:])
    out += [rest[i:i + batch] for i in range(0, len(rest), batch)]
    return [w for w in out if w]


@dataclass
class FirmwareRollout:
    credentials: SiteCredentials
    files: dict[str, FirmwareFile]
    audit: AuditTrail | None = None
    restart_timeout: float = 300.0
    poll: float = 2.0
    on_step: StepReport | None = None

    async def install(self, entry: SiteDevice, file_name: str, expected: str) -> DeviceResult:
        """Upload, apply, wait for the device to come back, verify the version."""
        file = self.files[file_name]
        started = time.monotonic()

        def step(text: str) -> None:
            if self.on_step is not None:
                self.on_step(entry, text, time.monotonic() - started)

        async def job(entry: SiteDevice, device: Device) -> DeviceResult:
            before = (await device.read_info()).firmware
            step(f"uploading {file.name}")
            image = await device.firmware_upload(file.content, file.name)
            if expected and image.version and image.version != expected:
                await _discard(device, image)
                raise InvalidValue(f"the device now reads {file.name} as {image.version}, "
                                   f"planned {expected}")
            try:
                await device.firmware_apply(image, step)
            except ConfiguratorError as exc:
                self._journal(entry, file.name, f"failed: {exc.message}", ok=False)
                raise
            step("waiting for the device to restart")
            running = await self.wait_back(device, before, image.version)
            if image.version and running != image.version:
                raise DeviceError(f"back with {running or 'an unknown version'}, not "
                                  f"{image.version}: the upgrade did not take effect")
            self._journal(entry, file.name, f"{before} -> {running}", ok=True)
            step(f"running {running}")
            return DeviceResult(entry.key, entry.title, DeviceStatus.SUCCEEDED,
                                f"{before} -> {running}",
                                details={"file": file.name, "from": before, "to": running})

        return await guarded(entry, with_device(job, self.credentials))

    async def wait_back(self, device: Device, before: str, version: str) -> str:
        """The firmware reported once the device answers with the new version (or, when the
        file's version is unknown, answers again after having been away)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + self.restart_timeout
        went_away, last = False, ""
        while loop.time() < end:
            await asyncio.sleep(self.poll)
            try:
                last = (await device.read_info()).firmware
            except ConfiguratorError:
                went_away, last = True, ""
                continue
            if version and last == version:
                return last
            if not version and (went_away or last != before):
                return last
        seen = f"it reports {last}" if last else "it does not answer"
        raise DeviceError(f"the device did not come back with the new firmware within "
                          f"{self.restart_timeout:.0f} s ({seen})")

    def _journal(self, entry: SiteDevice, file: str, result: str, *, ok: bool) -> None:
        if self.audit is not None:
            self.audit.action(entry.address, entry.title, "firmware", result, ok=ok, file=file)
            self.audit.flush()

    async def run_waves(self, plan: Sequence[tuple[SiteDevice, DeviceResult]], *,
                        canary: int = 1, batch: int = 8, cancel: Cancel | None = None,
                        progress: Progress | None = None) -> list[DeviceResult]:
        """Install the planned devices wave by wave; stop at the first failure."""
        progress = progress or Progress()
        todo = [entry for entry, planned in plan if planned.status is DeviceStatus.SUCCEEDED]
        planned_by_key = {entry.key: planned for entry, planned in plan}
        results: dict[str, DeviceResult] = {}
        stop_reason = ""
        for wave in waves(todo, canary, batch):
            if stop_reason or (cancel is not None and cancel.requested):
                reason = stop_reason or "cancelled before its turn: left untouched"
                for entry in wave:
                    results[entry.key] = not_started(entry, reason)
                    progress.on_done(results[entry.key])
                continue

            async def one(entry: SiteDevice) -> DeviceResult:
                planned = planned_by_key[entry.key].details
                if cancel is not None and cancel.requested:
                    return not_started(entry, "cancelled before its turn: left untouched")
                progress.on_start(entry)
                return await self.install(entry, planned["file"], planned.get("version", ""))

            done = await asyncio.gather(*(one(entry) for entry in wave))
            for result in done:
                results[result.device] = result
                progress.on_done(result)
            failed = [r for r in done if not r.ok and r.status is not DeviceStatus.NOT_STARTED]
            if failed:
                first = failed[0]
                why = first.message or str(first.status)
                stop_reason = (f"wave stopped: {first.title} failed ({why}); check that "
                               "device, then run the same command again (devices already on "
                               "the new version are skipped)")
        out = []
        for entry, planned in plan:
            out.append(results.get(entry.key, planned))
        return out

