"""Site backup / restore and firmware waves against simulators."""

from __future__ import annotations

import hashlib
import stat

import pytest

from configurator.core.errors import InvalidValue
from configurator.live.journal import EventJournal
from configurator.services.site_ops.audit import AUDIT_TYPE, AuditTrail
from configurator.services.site_ops.backup import backup_site, read_manifest, restore_device
from configurator.services.site_ops.firmware import (
    DOWNGRADE,
    SAME,
    FirmwareFile,
    FirmwareRollout,
    plan_firmware,
    waves,
)
from configurator.services.site_ops.results import DeviceStatus
from configurator.simulators.twon.firmware import make_firmware

from .conftest import make_site


async def test_site_backup_manifest_and_restore_with_preview(site_fleet, tmp_path):
    members = [("2n", {}), ("onetouch", {}), ("fanvil", {"model": "x6"}), ("fcm5600", {})]
    async with site_fleet(members) as sims:
        site, creds = make_site(tmp_path, sims)
        backup = await backup_site(site, site.devices, creds, tmp_path / "backups")
        statuses = [r.status for r in backup.results]
        assert statuses[:3] == [DeviceStatus.SUCCEEDED] * 3
        assert statuses[3] is DeviceStatus.SKIPPED  # the PBX API has no backup
        assert stat.S_IMODE(backup.folder.stat().st_mode) == 0o700
        manifest = read_manifest(backup.folder)
        kinds = {(f["device"], f["kind"], f.get("table")) for f in manifest["files"]}
        assert (site.devices[0].key, "configuration", None) in kinds
        assert (site.devices[1].key, "table", "rfkey") in kinds
        for item in manifest["files"]:
            content = (backup.folder / item["file"]).read_bytes()
            assert hashlib.sha256(content).hexdigest() == item["sha256"]
            assert item["model"] and item["firmware"] and item["time"]
            assert stat.S_IMODE((backup.folder / item["file"]).stat().st_mode) == 0o600

        twon, entry = sims[0], site.devices[0]
        twon.device_name = "Changed after backup"
        preview = await restore_device(site, backup.folder, entry, creds, confirm=False)
        assert preview.status is DeviceStatus.NOT_STARTED and "--yes" in preview.message
        diff = "\n".join(preview.details["preview"]["diff"])
        assert "Changed after backup" in diff and twon.device_name == "Changed after backup"

        journal = EventJournal(":memory:")
        done = await restore_device(site, backup.folder, entry, creds, confirm=True,
                                    audit=AuditTrail(journal))
        assert done.status is DeviceStatus.SUCCEEDED
        assert twon.device_name != "Changed after backup"
        assert [e.params["action"] for e in journal.search(types=[AUDIT_TYPE])] == ["restore"]
        journal.close()

        config = next(f for f in manifest["files"] if f["device"] == entry.key
                      and f["kind"] == "configuration")
        (backup.folder / config["file"]).write_bytes(b"<tampered/>")
        with pytest.raises(InvalidValue, match="SHA-256"):
            await restore_device(site, backup.folder, entry, creds, confirm=True)


def test_waves_canary_then_batches():
    devices = list(range(7))
    assert waves(devices, 1, 3) == [[0], [1, 2, 3], [4, 5, 6]]  # type: ignore[arg-type]
    assert waves(devices, 0, 4) == [[0, 1, 2, 3], [4, 5, 6]]  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        waves(devices, 1, 0)  # type: ignore[arg-type]


async def test_firmware_plan_matches_files_and_skips_what_it_must(site_fleet, tmp_path):
    members = [("2n", {"model": "verso"}), ("2n", {"model": "style"}), ("2n", {"model": "verso"}),
               ("onetouch", {}), ("fanvil", {})]
    async with site_fleet(members) as sims:
        site, creds = make_site(tmp_path, sims)
        sims[2].sw_version = "2.39.0.10.1"  # already there
        verso = FirmwareFile("verso-2.39.fw", make_firmware("verso", "2.39.0.10.1"))
        plan = await plan_firmware(site.devices, [verso], creds)
        new, style, same, onetouch, phone = plan
        assert new.status is DeviceStatus.SUCCEEDED and new.details["version"] == "2.39.0.10.1"
        assert style.status is DeviceStatus.SKIPPED and "no file fits" in style.message
        assert same.status is DeviceStatus.SKIPPED and same.details["plan"] == SAME
        # Onetouch cannot check a file: a file not named after its model is not offered.
        assert onetouch.status is DeviceStatus.SKIPPED and "not named after" in onetouch.message
        assert phone.status is DeviceStatus.SKIPPED and "no firmware upload" in phone.message
        assert all(s.pending_firmware is None for s in sims[:3])  # checked, then discarded

        old = FirmwareFile("verso-2.37.fw", make_firmware("verso", "2.37.0.1.1"))
        refused = await plan_firmware(site.devices[:1], [old], creds)
        assert refused[0].status is DeviceStatus.NOT_STARTED
        assert refused[0].details["plan"] == DOWNGRADE and "--allow-downgrade" in \
            refused[0].message
        allowed = await plan_firmware(site.devices[:1], [old], creds, allow_downgrade=True)
        assert allowed[0].status is DeviceStatus.SUCCEEDED


async def test_firmware_wave_stops_at_a_device_that_restarts_under_it(site_fleet, tmp_path):
    members = [("2n", {"model": "verso", "restart_downtime": 0.3}) for _ in range(5)]
    async with site_fleet(members) as sims:
        site, creds = make_site(tmp_path, sims)
        verso = FirmwareFile("verso-2.39.fw", make_firmware("verso", "2.39.0.10.1"))
        plan = await plan_firmware(site.devices, [verso], creds)
        assert [p.status for p in plan] == [DeviceStatus.SUCCEEDED] * 5

        # The third device (second wave) restarts by itself while its upload arrives.
        flaky = sims[2]

        steps: list[tuple[str, str]] = []
        journal = EventJournal(":memory:")
        rollout = FirmwareRollout(creds, {verso.name: verso}, AuditTrail(journal),
                                  restart_timeout=10.0, poll=0.1,
                                  on_step=lambda e, text, s: steps.append((e.key, text)))

        def reboot_on_upload(entry, text, seconds):
            steps.append((entry.key, text))
            if entry.key == site.devices[2].key and text.startswith("uploading"):
                flaky.schedule_reboot(delay=0.0)

        rollout.on_step = reboot_on_upload
        results = await rollout.run_waves(list(zip(site.devices, plan, strict=True)),
                                          canary=1, batch=2)
        statuses = [r.status for r in results]
        assert statuses[0] is DeviceStatus.SUCCEEDED and sims[0].sw_version == "2.39.0.10.1"
        assert statuses[1] is DeviceStatus.SUCCEEDED and sims[1].sw_version == "2.39.0.10.1"
        assert statuses[2] in (DeviceStatus.UNREACHABLE, DeviceStatus.FAILED)
        assert statuses[3:] == [DeviceStatus.NOT_STARTED] * 2
        assert "wave stopped" in results[3].message and results[2].title in results[3].message
        assert [s.sw_version for s in sims[3:]] == ["2.38.0.52.4"] * 2
        audited = journal.search(types=[AUDIT_TYPE])
        assert sum(1 for e in audited if "2.39.0.10.1" in e.summary) == 2
        journal.close()


def test_an_empty_or_missing_firmware_file_is_one_line(tmp_path):
    path = tmp_path / "x.fw"
    path.write_bytes(b"")
    with pytest.raises(InvalidValue, match="empty"):
        FirmwareFile.read(path)
    with pytest.raises(InvalidValue, match="cannot read"):
        FirmwareFile.read(tmp_path / "missing.fw")
