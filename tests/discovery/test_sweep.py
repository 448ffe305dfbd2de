"""Sweep + fingerprint over real sockets on loopback, with the fake device and its probe."""

from __future__ import annotations

import asyncio
import contextlib

from configurator.discovery import (
    DeviceFound,
    DiscoveryOptions,
    FoundBy,
    Progress,
    Summary,
    discover,
)
from configurator.discovery.scan import port_open, scan

from .fakes import FakeDevice, fake_identifier, web_port


async def collect(options: DiscoveryOptions) -> list[object]:
    return [event async for event in discover(options, identifier=fake_identifier)]


async def started(*devices: FakeDevice) -> list[FakeDevice]:
    return [await d.start() for d in devices]


async def test_scan_reports_only_open_ports() -> None:
    device = await FakeDevice("127.0.91.7").start()
    try:
        results = [r async for r in scan(["127.0.91.6", "127.0.91.7"], [device.port, 1],
                                         timeout=0.3)]
        assert results == [("127.0.91.7", (device.port,))]
        assert await port_open("127.0.91.7", device.port, 0.3)
        assert not await port_open("127.0.91.6", device.port, 0.3)
    finally:
        await device.stop()


async def test_sweep_identifies_scattered_devices_and_reports_unidentified() -> None:
    port = web_port()
    devices = await started(
        FakeDevice("127.0.92.3", model="FK-A", serial="S3", firmware="2.1", port=port),
        FakeDevice("127.0.92.17", model="FK-B", serial="S17", firmware="2.2", port=port),
        FakeDevice("127.0.92.29", model="FK-C", serial="S29", mac="0c-38-3e-01-02-03",
                   firmware="2.3", port=port),
    )
    extra = [] if port == 80 else sorted({d.port for d in devices})
    try:
        events = await collect(DiscoveryOptions(ranges=["127.0.92.0/27"], extra_ports=extra))
    finally:
        for device in devices:
            await device.stop()
    found = [e.device for e in events if isinstance(e, DeviceFound)]
    summary = events[-1]
    assert isinstance(summary, Summary)
    assert summary.addresses_probed == 30
    by_address = {d.address: d for d in summary.devices}
    assert sorted(by_address) == ["127.0.92.17", "127.0.92.29", "127.0.92.3"]
    assert [(d.model, d.serial, d.firmware) for d in summary.devices] == [
        ("FK-A", "S3", "2.1"), ("FK-B", "S17", "2.2"), ("FK-C", "S29", "2.3")]
    assert {d.address for d in found} == set(by_address)
    fanvil = by_address["127.0.92.29"]
    assert fanvil.mac == "0C:38:3E:01:02:03"
    assert fanvil.vendor_hint == "Fanvil"
    assert fanvil.found_by == (FoundBy.SWEEP,)
    assert fanvil.driver == "fake" and fanvil.scheme == "http"
    progress = [e for e in events if isinstance(e, Progress) and e.phase == "scan"]
    assert progress[-1].done == progress[-1].total == 30


async def test_device_needing_credentials_is_reported_as_auth_required() -> None:
    device = await FakeDevice("127.0.93.5", model="LOCKED-1", locked=True).start()
    try:
        events = await collect(DiscoveryOptions(ranges=["127.0.93.5"],
                                                extra_ports=[device.port]))
    finally:
        await device.stop()
    (result,) = events[-1].devices  # type: ignore[attr-defined]
    assert result.auth_required is True
    assert result.model == "LOCKED-1"
    assert result.serial == ""


async def test_unidentified_http_server_reported_or_hidden() -> None:
    from aiohttp import web

    app = web.Application()
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.93.9", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        shown = await collect(DiscoveryOptions(ranges=["127.0.93.9"], extra_ports=[port]))
        hidden = await collect(DiscoveryOptions(ranges=["127.0.93.9"], extra_ports=[port],
                                                report_unidentified=False))
    finally:
        await runner.cleanup()
    (device,) = shown[-1].devices  # type: ignore[attr-defined]
    assert not device.identified and device.open_ports == (port,)
    assert not [e for e in hidden if isinstance(e, DeviceFound)]


async def test_results_stream_while_other_probes_are_still_running() -> None:
    """A quick device is reported before a slow device's probe has answered."""
    quick = await FakeDevice("127.0.94.1", serial="QUICK").start()
    slow = await FakeDevice("127.0.94.2", serial="SLOW", port=quick.port).start()
    release = asyncio.Event()

    async def identifier(transport):  # the slow device's probe waits for the test
        if transport.endpoint.host == "127.0.94.2":
            await release.wait()
        return await fake_identifier(transport)

    order: list[str] = []
    try:
        options = DiscoveryOptions(ranges=["127.0.94.0/29"], extra_ports=[quick.port])
        async for event in discover(options, identifier=identifier):
            if isinstance(event, DeviceFound):
                order.append(event.device.serial)
                release.set()
            if isinstance(event, Summary):
                order.append("summary")
    finally:
        await quick.stop()
        await slow.stop()
    assert order == ["QUICK", "SLOW", "summary"]


async def test_cancel_stops_the_run_and_closes_sockets() -> None:
    """Closing the stream mid-run cancels every probe (no task left behind)."""
    device = await FakeDevice("127.0.95.1").start()
    before = len(asyncio.all_tasks())
    try:
        options = DiscoveryOptions(ranges=["127.0.95.0/24"], extra_ports=[device.port])
        stream = discover(options, identifier=fake_identifier)
        async with contextlib.aclosing(stream):
            async for event in stream:
                if isinstance(event, Progress):
                    break
        await asyncio.sleep(0)
        assert len(asyncio.all_tasks()) == before
    finally:
        await device.stop()


async def test_credentials_only_go_to_recognised_locked_devices() -> None:
    """A stranger's web server never sees a password; a locked device of the right driver
    is re-probed with the driver's own credentials only."""
    from aiohttp import web

    from configurator.core.transport import Credentials

    seen: list[str] = []

    async def stranger(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="x"'})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", stranger)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.93.20", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    locked = await FakeDevice("127.0.93.21", model="LOCKED-2", firmware="3.3", locked=True,
                              password="fake-pw", port=port).start()
    options = DiscoveryOptions(ranges=["127.0.93.20-21"], extra_ports=[port], credentials={
        "fake": [Credentials("admin", "wrong"), Credentials("admin", "fake-pw")],
        "2n": [Credentials("admin", "2n-pw")]})
    try:
        events = [e async for e in discover(options, identifier=fake_identifier)]
    finally:
        await locked.stop()
        await runner.cleanup()
    by_address = {d.address: d for d in events[-1].devices}  # type: ignore[attr-defined]
    assert seen and all(header == "" for header in seen)
    assert not by_address["127.0.93.20"].identified
    assert locked.passwords_seen == ["wrong", "fake-pw"]  # never the 2N password
    opened = by_address["127.0.93.21"]
    assert (opened.auth_required, opened.firmware, opened.details["user"]) == (False, "3.3",
                                                                               "admin")
