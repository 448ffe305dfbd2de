"""Download, edit, upload and verify against the 2N simulator over real sockets."""

from __future__ import annotations

import asyncio

import pytest

from configurator.core.abilities import EditsConfigFile
from configurator.core.device import Capability
from configurator.core.errors import Rejected
from configurator.services.config_file import (
    ConfigDocument,
    Outcome,
    Phase,
    download,
    prepare_upload,
    upload,
)
from configurator.simulators.twon import config_xml

from ..drivers.test_twon_sim import device_for, simulator

SIP_NUMBER = "DeviceDatabase/Phone/Account[1]/SipNumber"
SWITCH1_MODE = "DeviceDatabase/Switches/Switch[1]/Mode"


async def test_2n_offers_the_config_file_ability(loopback):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        assert isinstance(dev, EditsConfigFile)
        assert Capability.CONFIG_FILE in await dev.capabilities()
        assert dev.config_apply_seconds == 15.0  # the manual's "approx. 15 s"


async def test_edit_upload_wait_and_verify(loopback, tmp_path):
    async with simulator(loopback(), config_apply_delay=0.4) as sim, device_for(sim) as dev:
        got = await download(dev, "Verso 127", backup_folder=tmp_path)
        assert got.backup is not None and got.backup.read_bytes() == got.content
        edited = got.document.copy()
        edited.set_value(SIP_NUMBER, "4711")
        edited.set_value(SWITCH1_MODE, "bistable")
        prepared = prepare_upload(got.document, edited)
        steps = []
        report, reread = await upload(dev, got.document, prepared, on_step=steps.append,
                                      apply_seconds=0.5, settle_seconds=0)
        assert {r.path: r.outcome for r in report.results} == {
            SIP_NUMBER: Outcome.APPLIED, SWITCH1_MODE: Outcome.APPLIED}
        assert report.complete and not report.unexpected
        assert reread.value(SIP_NUMBER) == "4711"
        # The effect is the device's own: its SIP status and switch caps say so.
        assert (await dev.client.phone_status())[0]["sipNumber"] == "4711"
        modes = {s["switch"]: s.get("mode") for s in await dev.client.switch_caps()}
        assert modes[1] == "bistable"
        phases = [s.phase for s in steps]
        assert phases[0] is Phase.UPLOADING and not steps[0].cancellable
        assert Phase.APPLYING in phases and phases[-1] is Phase.VERIFYING
        fractions = [s.fraction for s in steps if s.phase is Phase.APPLYING]
        assert fractions == sorted(fractions) and all(0 <= f < 1 for f in fractions)


async def test_a_change_the_device_does_not_take_is_reported_not_applied(loopback, tmp_path):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        got = await download(dev, "v", backup_folder=tmp_path)
        edited = got.document.copy()
        # Comments are not values, the simulator rebuilds them from its state: put the
        # change in something the device really regenerates (its product comment is not).
        edited.set_value("DeviceDatabase/HttpApi/Service[1]/Auth", "none")
        edited.set_value(SIP_NUMBER, "12")
        prepared = prepare_upload(got.document, edited)
        report, _ = await upload(dev, got.document, prepared, apply_seconds=0,
                                 settle_seconds=0.3, poll_seconds=0.1)
        outcomes = {r.path: (r.outcome, r.actual) for r in report.results}
        # The simulator ignores HTTP API security in an upload (see config_xml).
        assert outcomes["DeviceDatabase/HttpApi/Service[1]/Auth"][0] is Outcome.NOT_APPLIED
        assert outcomes[SIP_NUMBER] == (Outcome.APPLIED, "12")
        assert not report.complete


async def test_upload_refused_by_the_device_is_an_error_and_changes_nothing(loopback, tmp_path):
    async with simulator(loopback()) as sim, device_for(sim) as dev:
        got = await download(dev, "v", backup_folder=tmp_path)
        edited = got.document.copy()
        edited.set_value(SWITCH1_MODE, "sideways")  # parses, but the device refuses it
        edited.set_value(SIP_NUMBER, "99")
        prepared = prepare_upload(got.document, edited)
        with pytest.raises(Rejected) as info:
            await upload(dev, got.document, prepared, apply_seconds=0, settle_seconds=0)
        assert info.value.code == 12 and info.value.param == "blob-cfg"
        assert ConfigDocument.parse(await dev.config_file_get()).value(SIP_NUMBER) == "5207"


async def test_simulator_refuses_dtd_oversize_and_a_second_upload_while_applying(loopback):
    async with simulator(loopback(), config_apply_delay=0.3) as sim, device_for(sim) as dev:
        good = await dev.config_file_get()
        with pytest.raises(Rejected) as info:
            await dev.config_file_put(b'<!DOCTYPE d [<!ENTITY a "b">]><DeviceDatabase/>')
        assert (info.value.code, info.value.param) == (12, "blob-cfg")
        with pytest.raises(Rejected) as info:
            await dev.config_file_put(b"<DeviceDatabase>" + b" " * config_xml.MAX_CONFIG_BYTES
                                      + b"</DeviceDatabase>")
        assert (info.value.code, info.value.param) == (13, "blob-cfg")
        await dev.config_file_put(good.replace(b">5207<", b">6000<"))
        with pytest.raises(Rejected) as info:
            await dev.config_file_put(good)
        assert info.value.code == 18
        assert b">5207<" in await dev.config_file_get()  # not applied yet
        await asyncio.sleep(0.4)
        assert b">6000<" in await dev.config_file_get()
        await dev.config_file_put(good)  # accepted again once applied


async def test_plain_restore_refuses_a_file_that_does_not_parse_before_sending(loopback):
    from configurator.core.errors import InvalidValue

    async with simulator(loopback()) as sim, device_for(sim) as dev:
        sent = []
        sim.extensions["pcap"].observe = lambda request: sent.append(request.path)
        with pytest.raises(InvalidValue, match=r"gate\.xml is not well-formed XML"):
            await dev.restore(b"<DeviceDatabase><System></DeviceDatabase>", "gate.xml")
        assert "/api/config" not in sent
        await dev.config_file_get()
        assert "/api/config" in sent  # the observer does see such a request
