"""Bulk apply against simulators: per device per key results, faults, cancel and retry."""

from __future__ import annotations

import asyncio
import json

from configurator.live.journal import EventJournal
from configurator.services.site_ops.apply import BulkApply
from configurator.services.site_ops.audit import AUDIT_TYPE, AuditTrail
from configurator.services.site_ops.changes import parse_csv, parse_template
from configurator.services.site_ops.results import DeviceStatus, KeyOutcome
from configurator.services.site_ops.runner import Cancel, Progress, failed_devices, merge

from .conftest import make_site

HOLD_A = "Config.DoorSetting.RELAY.HoldDelayA"
DISPLAY = "Config.Account1.GENERAL.DisplayName"
SIP_USER = "Config.Account1.GENERAL.UserName"


def template(drivers: dict) -> object:
    return parse_template(json.dumps({"name": "t", "drivers": drivers}))


async def test_template_fills_placeholders_and_journals_every_change(site_fleet, tmp_path):
    members = [("onetouch", {}), ("onetouch", {}), ("fanvil", {"model": "x6"}), ("2n", {})]
    async with site_fleet(members) as sims:
        site, creds = make_site(tmp_path, sims)
        site.devices[1].fields = {}  # door2 has no sip_user: that key is skipped there
        source = template({
            "onetouch": {"relay": {"HoldDelayA": 9}, "sip": {SIP_USER: "{sip_user}"}},
            "fanvil": {"sip/sip.line.1.RegisterUser": "{sip_user}",
                       "sip/sip.line.1.RegisterPswd": "pw-{index}"}})
        journal = EventJournal(":memory:")
        audit = AuditTrail(journal, operation="apply t", user="installer")
        results = await BulkApply(site, source, creds, audit).run(site.devices)

        by_title = {r.title: r for r in results}
        door1, door2, phone, twon = (by_title[f"door{n}"] for n in range(1, 5))
        assert door1.status is DeviceStatus.SUCCEEDED
        assert {(k.key, k.old, k.new, k.outcome) for k in door1.keys} == {
            (HOLD_A, 5, 9, KeyOutcome.APPLIED), (SIP_USER, "", "2001", KeyOutcome.APPLIED)}
        assert sims[0].state.config[HOLD_A] == "9" and sims[0].state.config[SIP_USER] == "2001"
        skipped = [k for k in door2.keys if k.outcome is KeyOutcome.SKIPPED]
        assert [k.message for k in skipped] == ["no site field 'sip_user' for this device"]
        assert sims[1].state.config[SIP_USER] == "" and sims[1].state.config[HOLD_A] == "9"
        assert phone.status is DeviceStatus.SUCCEEDED
        assert sims[2].state.config["sip.line.1.RegisterUser"] == "2003"
        assert sims[2].state.config["sip.line.1.RegisterPswd"] == "pw-3"
        assert twon.status is DeviceStatus.SKIPPED and "nothing for 2n" in twon.message

        events = journal.search(types=[AUDIT_TYPE])
        summaries = sorted(e.summary for e in events)
        assert len(events) == 5  # door1: 2, door2: 1 (sip_user skipped), phone: 2
        assert f"relay/{HOLD_A}: 5 -> 9 applied" in summaries
        secret = next(e for e in events if e.params["key"] == "sip.line.1.RegisterPswd")
        assert secret.params["new"] == "••••••" and "pw-3" not in json.dumps(secret.params)
        assert {e.params["user"] for e in events} == {"installer"}
        journal.close()


async def test_faults_are_reported_for_what_they_are(site_fleet, tmp_path):
    members = [("onetouch", {}) for _ in range(5)]
    async with site_fleet(members) as sims:
        site, creds = make_site(tmp_path, sims, wrong_password=[sims[2]])
        offline, vanishing = sims[3], sims[4]
        await offline.stop()
        original = vanishing.state.handle

        def set_then_vanish(name, data, upload):  # the device takes the write, then goes away
            result = original(name, data, upload)
            if name == "relay/set":
                asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(
                    vanishing.stop()))
            return result

        vanishing.state.handle = set_then_vanish
        source = template({"onetouch": {"relay": {"HoldDelayA": 12},
                                        "sip": {DISPLAY: "{name}"}}})
        # door2 gets a display name the device refuses (longer than its 128 characters)
        site.devices[1].name = "x" * 150
        results = await BulkApply(site, source, creds, AuditTrail(None)).run(site.devices)

        ok, refusing, wrong_creds, gone, vanished = results
        assert ok.status is DeviceStatus.SUCCEEDED
        assert {k.outcome for k in ok.keys} == {KeyOutcome.APPLIED}
        assert refusing.status is DeviceStatus.FAILED
        refused = {k.key: k for k in refusing.keys}
        assert refused[DISPLAY].outcome is KeyOutcome.REJECTED
        assert "invalid value" in refused[DISPLAY].message  # the device's own words
        assert refused[HOLD_A].outcome is KeyOutcome.APPLIED
        assert wrong_creds.status is DeviceStatus.AUTH_FAILED and not wrong_creds.keys
        assert sims[2].state.config[HOLD_A] == "5"
        assert gone.status is DeviceStatus.UNREACHABLE
        assert vanished.status is DeviceStatus.UNREACHABLE
        # It took the value, but it was never read back: not reported as applied.
        assert not any(k.outcome is KeyOutcome.APPLIED for k in vanished.keys)
        assert {k.outcome for k in vanished.keys} <= {KeyOutcome.NOT_VERIFIED,
                                                      KeyOutcome.UNREACHABLE}
        assert vanishing.state.config[HOLD_A] == "12"  # it did change on the device


async def test_cancel_leaves_the_rest_untouched_and_retry_finishes(site_fleet, tmp_path):
    members = [("onetouch", {}) for _ in range(4)]
    async with site_fleet(members) as sims:
        site, creds = make_site(tmp_path, sims)
        source = template({"onetouch": {"relay": {"HoldDelayA": 21}}})
        cancel = Cancel()
        started: list[str] = []
        progress = Progress(on_start=lambda e: started.append(e.key),
                            on_done=lambda r: cancel.cancel())
        bulk = BulkApply(site, source, creds, AuditTrail(None), concurrency=1)
        results = await bulk.run(site.devices, cancel=cancel, progress=progress)

        assert [r.status for r in results] == [DeviceStatus.SUCCEEDED] + \
            [DeviceStatus.NOT_STARTED] * 3
        assert started == [site.devices[0].key]
        assert [s.state.config[HOLD_A] for s in sims] == ["21", "5", "5", "5"]
        assert all("left untouched" in r.message for r in results[1:])

        retry = failed_devices(site.devices, results)
        assert [d.key for d in retry] == [d.key for d in site.devices[1:]]
        final = merge(results, await bulk.run(retry))
        assert [r.status for r in final] == [DeviceStatus.SUCCEEDED] * 4
        assert [s.state.config[HOLD_A] for s in sims] == ["21"] * 4


async def test_dry_run_changes_nothing_and_shows_current_to_new(site_fleet, tmp_path):
    async with site_fleet([("onetouch", {}), ("fanvil", {"model": "x6"})]) as sims:
        site, creds = make_site(tmp_path, sims)
        source = template({"*": {"relay": {"HoldDelayA": 30}}})
        results = await BulkApply(site, source, creds).run(site.devices, dry_run=True)
        door, phone = results
        assert [(k.old, k.new, k.outcome) for k in door.keys] == [(5, 30, None)]
        assert phone.keys[0].outcome is KeyOutcome.SKIPPED  # no relay page on a phone
        assert sims[0].state.config[HOLD_A] == "5"


async def test_csv_rows_by_address_and_serial(site_fleet, tmp_path):
    members = [("onetouch", {}), ("fanvil", {"model": "x6"}), ("fanvil", {"model": "x6"})]
    async with site_fleet(members) as sims:
        site, creds = make_site(tmp_path, sims)
        phone = site.devices[2]
        phone.serial = "FVX6-TEST-1"
        text = ("address,serial,relay/HoldDelayA,sip.line.1.RegisterUser\n"
                f"{sims[0].host},,7,\n"
                f",FVX6-TEST-1,,3003\n"
                "10.9.9.9,,3,\n")
        source = parse_csv(text, "doors.csv")
        assert source.covers(site, site.devices) == ["10.9.9.9"]
        results = await BulkApply(site, source, creds).run(site.devices)
        door, untouched, changed = results
        assert door.status is DeviceStatus.SUCCEEDED and sims[0].state.config[HOLD_A] == "7"
        assert untouched.status is DeviceStatus.SKIPPED and "no row" in untouched.message
        assert changed.status is DeviceStatus.SUCCEEDED
        assert sims[2].state.config["sip.line.1.RegisterUser"] == "3003"


async def test_same_rows_on_many_devices_with_per_row_results(site_fleet, tmp_path):
    async with site_fleet([("onetouch", {}), ("onetouch", {}), ("fanvil", {})]) as sims:
        site, creds = make_site(tmp_path, sims)
        card = {"Name": "Tenant 7", "Code": "4BD9E903", "DoorNum": "A"}
        source = template({"*": {"tables": {"rfkey": {"add": [card]}}}})
        journal = EventJournal(":memory:")
        results = await BulkApply(site, source, creds, AuditTrail(journal)).run(site.devices)
        for result, sim in zip(results[:2], sims[:2], strict=True):
            assert result.status is DeviceStatus.SUCCEEDED
            assert [(r.op, r.ok) for r in result.rows] == [("add", True)]
            assert [r["Code"] for r in sim.state.tables["rfkey"].rows] == ["4BD9E903"]
        assert "no table" in results[2].rows[0].message
        assert len(journal.search(types=[AUDIT_TYPE])) == 2
        journal.close()
