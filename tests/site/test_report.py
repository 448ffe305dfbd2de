"""Door tests and the commissioning report (HTML, and PDF through Qt) against simulators."""

from __future__ import annotations

import json
import re

from configurator.core.abilities import OpensDoors
from configurator.live.journal import EventJournal
from configurator.services.site_ops.apply import BulkApply
from configurator.services.site_ops.audit import AuditTrail, site_journal_path
from configurator.services.site_ops.changes import parse_template
from configurator.services.site_ops.doortest import (
    DOOR_TEST_TYPE,
    run_door_test,
    snapshot_dir,
)
from configurator.services.site_ops.report import collect
from configurator.services.site_ops.report_html import render_html
from configurator.services.site_ops.results import DeviceStatus
from configurator.services.site_ops.runner import run_devices, with_device

from .conftest import make_site


async def test_door_test_records_event_latency_and_snapshot(site_fleet, tmp_path):
    async with site_fleet([("2n", {"model": "verso"}), ("fanvil", {})]) as sims:
        site, creds = make_site(tmp_path, sims)
        assert site.path is not None
        journal = EventJournal(site_journal_path(site.path))
        audit = AuditTrail(journal, operation="door test", user="installer")

        async def job(entry, device):
            found = device.doors() if isinstance(device, OpensDoors) else []
            assert [door.label for door in found] == (
                ["Switch 1", "Switch 2"] if entry.driver == "2n" else [])
            return await run_door_test(entry, device, wait=3.0, audit=audit,
                                       snapshots=snapshot_dir(site.path))

        twon, phone = await run_devices(site.devices, with_device(job, creds))
        assert phone.status is DeviceStatus.SKIPPED and "no open-door" in phone.message
        assert twon.status is DeviceStatus.SUCCEEDED
        for door in twon.details["doors"]:
            assert door["seen"] and door["event_type"] == "SwitchStateChanged"
            assert 0 <= door["latency_ms"] < 3000
            picture = (snapshot_dir(site.path) / door["snapshot"]).read_bytes()
            assert picture[:2] == b"\xff\xd8"  # a JPEG from the camera
        journal.flush()
        recorded = journal.search(types=[DOOR_TEST_TYPE])
        assert [e.params["door"] for e in recorded] == ["Switch 1", "Switch 2"]
        journal.close()


async def test_report_lists_devices_tests_problems_and_audit(site_fleet, tmp_path, qapp):
    members = [("2n", {"model": "verso"}), ("onetouch", {}), ("fanvil", {"model": "x6"}),
               ("onetouch", {})]
    async with site_fleet(members) as sims:
        site, creds = make_site(tmp_path, sims)
        assert site.path is not None
        journal = EventJournal(site_journal_path(site.path))
        audit = AuditTrail(journal, operation="apply", user="installer")
        source = parse_template(json.dumps({"drivers": {"onetouch": {"sip": {
            "Config.Account1.GENERAL.DisplayName": "{name}"}}}}))
        site.devices[3].name = "y" * 150  # refused by the device: an open problem
        await BulkApply(site, source, creds, audit).run(site.devices)

        async def job(entry, device):
            return await run_door_test(entry, device, wait=3.0, audit=audit,
                                       snapshots=snapshot_dir(site.path))

        await run_devices(site.devices[:1], with_device(job, creds))
        audit.flush()
        await sims[2].stop()  # the phone is offline when the report is made

        report, results = await collect(site, site.devices, creds, journal)
        journal.close()
        assert [r.status for r in results].count(DeviceStatus.UNREACHABLE) == 1
        twon, door2, phone, refusing = report.devices
        assert twon.state == "online" and twon.sip == "registered"
        assert twon.entry.serial and twon.entry.firmware
        assert [t.door for t in twon.doors] == ["Switch 1", "Switch 2"]
        assert all(t.seen and t.snapshot[:2] == b"\xff\xd8" for t in twon.doors)
        assert any(s.label.endswith("Hold delay") for s in door2.settings)
        assert phone.state == "unreachable"
        problems = " | ".join(f"{t}: {p}" for t, p in report.problems)
        assert "Fanvil" in problems or "door3" in problems
        assert "unreachable" in problems and "change not applied" in problems
        assert "door2" not in problems.split("change not applied")[-1]  # it was applied
        assert refusing.state == "online"

        page = render_html(report)
        assert page.startswith("<!DOCTYPE html>") and site.name in page
        for d in report.devices:
            assert d.entry.key in page
        assert page.count("data:image/jpeg;base64,") == 2
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing external
        assert "Config.Account1.GENERAL.DisplayName" in page  # the audit trail
        assert "installer" in page

        from configurator.ui.site.report_pdf import write_pdf

        pdf = tmp_path / "report.pdf"
        pages = write_pdf(report, pdf)
        content = pdf.read_bytes()
        assert content.startswith(b"%PDF") and pages >= 2
        assert len(re.findall(rb"/Type\s*/Page\b(?!s)", content)) == pages
        assert content.count(b"/Subtype /Image") + content.count(b"/Subtype/Image") >= 2


async def test_report_takes_sip_registration_from_every_vendor(tmp_path, site_fleet) -> None:
    members = [("fanvil", {"model": "i30", "register_delay": 0.0}),
               ("fanvil", {"model": "i30", "register_delay": 0.0}),
               ("fcm5600", {"https_port": 0})]
    async with site_fleet(members) as sims:
        registrar = sims[1].state.config["sip.line.1.RegisterAddr"]
        sims[1].set_registrar(registrar, 403)  # this phone's registrar refuses it
        site, creds = make_site(tmp_path, sims)
        report, _results = await collect(site, site.devices, creds, None)
        phone, refused, pbx = report.devices
        assert phone.sip == "registered"
        assert refused.sip == "not registered"
        assert pbx.sip == "not registered"  # one of the demo PBX's two trunks is down
        assert any("SIP account not registered" in p for _t, p in report.problems)
