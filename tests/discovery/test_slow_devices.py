"""Slow devices are not missed: a reply whose first byte comes 200 ms late, and a device
whose SYN-ACK comes ~1 s late (the second connect pass must find it)."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import pytest

from configurator.discovery import DeviceFound, DiscoveryOptions, Summary, discover
from configurator.discovery.scan import RttTracker, connect_once, kernel_rtt

from .fakes import FakeDevice, fake_identifier


def test_fast_timeout_follows_the_p90_rtt_between_floor_and_ceiling() -> None:
    rtts = RttTracker(ceiling=0.3)
    assert rtts.timeout() == 0.3  # nothing measured yet: the long timeout
    for ms in (1, 1, 1, 1, 1, 1, 1, 1, 2, 9):  # p90 of ten samples is the 9th: 2 ms
        rtts.add(ms / 1000)
    assert rtts.p90() == pytest.approx(0.002)
    assert rtts.timeout() == pytest.approx(0.025)  # 8 x 2 ms = 16 ms is below the floor
    rtts.samples[:] = [0.010] * 10
    assert rtts.timeout() == pytest.approx(0.080)
    rtts.samples[:] = [0.100] * 10
    assert rtts.timeout() == pytest.approx(0.3)  # never longer than the long timeout


async def test_kernel_rtt_is_measured_on_an_accepted_connection(loopback) -> None:
    device = await FakeDevice(loopback()).start()
    rtts = RttTracker(ceiling=0.3)
    try:
        assert await connect_once(device.host, device.port, lambda: 0.3, rtts) is True
        assert await connect_once(device.host, 1, lambda: 0.3, rtts) is False  # refused
    finally:
        await device.stop()
    assert len(rtts.samples) == 1  # only the accepted connect is a sample on Linux
    assert 0 <= rtts.samples[0] < 0.3
    with socket.socket() as unconnected:
        assert not kernel_rtt(unconnected)  # no RTT before any handshake


class SlowProxy:
    """Accepts at once but forwards nothing for ``delay`` seconds (a busy device's web
    server): the connect succeeds fast, the first byte of the reply comes late."""

    def __init__(self, host: str, target: FakeDevice, delay: float) -> None:
        self.host, self.target, self.delay = host, target, delay
        self.port = 0
        self.accepted = 0
        self._server: asyncio.base_events.Server | None = None

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        await asyncio.sleep(self.delay)
        up_reader, up_writer = await asyncio.open_connection(self.target.host, self.target.port)
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def start(self, port: int) -> SlowProxy:
        self._server = await asyncio.start_server(self._handle, self.host, port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()


async def test_device_whose_reply_comes_200ms_late_is_still_identified(loopback) -> None:
    fast = await FakeDevice(loopback(), serial="FAST").start()
    hidden = await FakeDevice(loopback(), serial="SLOW").start()
    slow_host = loopback()
    proxy = await SlowProxy(slow_host, hidden, 0.2).start(fast.port)
    hosts = [fast.host, slow_host]
    order: list[str] = []
    summary = None
    try:
        for host in hosts:  # the range is exactly these two addresses
            options = DiscoveryOptions(ranges=[host], extra_ports=[fast.port],
                                       use_neighbour_table=False)
            async for event in discover(options, identifier=fake_identifier):
                if isinstance(event, DeviceFound):
                    order.append(event.device.serial)
                elif isinstance(event, Summary):
                    summary = event
    finally:
        await proxy.stop()
        await fast.stop()
        await hidden.stop()
    assert order == ["FAST", "SLOW"]
    assert proxy.accepted >= 1
    assert summary is not None and summary.devices[0].address == slow_host


class LateSynAck:
    """A device whose TCP stack answers a SYN about a second late: its accept queue is full
    (filled by the test), so the kernel drops new SYNs until the client retransmits (~1 s);
    after ``delay`` the device starts accepting. Real sockets, no root needed."""

    def __init__(self, host: str, port: int, delay: float) -> None:
        self.host, self.port, self.delay = host, port, delay
        self.listener = socket.socket()
        self.listener.bind((host, port))
        self.listener.listen(0)
        self.listener.setblocking(False)
        self.fillers: list[socket.socket] = []
        self.device = FakeDevice(host, serial="LATE")

    async def start(self) -> LateSynAck:
        for _ in range(3):  # more than the queue holds (backlog 0 keeps one)
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect((self.host, self.port))
            self.fillers.append(filler)
        await asyncio.sleep(0.02)
        self._serve = asyncio.get_running_loop().call_later(
            self.delay, lambda: asyncio.ensure_future(self.device.start(self.listener)))
        return self

    async def stop(self) -> None:
        self._serve.cancel()
        await self.device.stop()
        for filler in self.fillers:
            filler.close()
        self.listener.close()


async def _sweep(options: DiscoveryOptions) -> tuple[list[str], Summary]:
    order: list[str] = []
    summary = None
    async for event in discover(options, identifier=fake_identifier):
        if isinstance(event, DeviceFound):
            order.append(event.device.serial)
        elif isinstance(event, Summary):
            summary = event
    assert summary is not None
    return order, summary


async def test_second_pass_finds_a_device_whose_syn_ack_comes_late(loopback) -> None:
    fast = await FakeDevice(loopback(), serial="FAST").start()
    late = await LateSynAck(loopback(), fast.port, delay=0.2).start()
    try:
        options = DiscoveryOptions(ranges=[fast.host, late.host], extra_ports=[fast.port],
                                   connect_timeout=1.5, use_neighbour_table=False)
        order, summary = await _sweep(options)
    finally:
        await late.stop()
        await fast.stop()
    assert order == ["FAST", "LATE"]  # the fast one is not held back by the late one
    assert summary.fast_timeout < 0.2  # the fast pass gave up on the late device ...
    assert (summary.second_pass, summary.found_in_second_pass) == (1, 1)  # ... pass 2 found it
    assert summary.last_found_seconds > 0.5 and summary.seconds >= summary.last_found_seconds


async def test_without_a_second_pass_the_late_device_is_missed(loopback) -> None:
    """The delay is real: one fixed 100 ms pass does not see the device."""
    fast = await FakeDevice(loopback(), serial="FAST").start()
    late = await LateSynAck(loopback(), fast.port, delay=0.2).start()
    try:
        options = DiscoveryOptions(ranges=[fast.host, late.host], extra_ports=[fast.port],
                                   connect_timeout=0.1, adaptive_timeout=False,
                                   use_neighbour_table=False)
        order, summary = await _sweep(options)
    finally:
        await late.stop()
        await fast.stop()
    assert order == ["FAST"]
    assert summary.second_pass == 0


def test_a_socket_whose_connect_was_never_issued_is_not_judged() -> None:
    """Event-loop lag can expire the deadline before connect() ran: neither open nor refused."""
    import socket

    from configurator.discovery.scan import _connected_now

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        assert _connected_now(sock) is None
    finally:
        sock.close()


def test_connected_and_refused_sockets_are_judged(loopback) -> None:
    import errno
    import socket
    import time

    from configurator.discovery.scan import _connected_now

    host = loopback()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((host, 0))
    server.listen()
    port = server.getsockname()[1]
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.setblocking(False)
    refused = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    refused.setblocking(False)
    try:
        assert client.connect_ex((host, port)) in (0, errno.EINPROGRESS)
        assert refused.connect_ex((host, 9)) in (errno.ECONNREFUSED, errno.EINPROGRESS)
        time.sleep(0.05)
        assert _connected_now(client) is True
        assert _connected_now(refused) is False
    finally:
        for s in (client, refused, server):
            s.close()


@pytest.mark.parametrize("path", ["selector", "portable"])
async def test_both_connect_paths_tell_open_refused_and_silent(loopback, path) -> None:
    """The selector loops' watcher (Linux, macOS) and the sock_connect path (Windows'
    proactor) judge alike: accepted, refused, and a SYN-ACK later than the deadline."""
    from configurator.discovery import scan as scan_module

    if path == "portable":
        async def attempt(host, port, deadline, rtts=None):
            return await scan_module._connect_once_portable(
                asyncio.get_running_loop(), host, port, deadline, rtts)
    else:
        attempt = connect_once
    device = await FakeDevice(loopback()).start()
    late = await LateSynAck(loopback(), device.port, delay=5.0).start()
    rtts = RttTracker(ceiling=0.3)
    try:
        assert await attempt(device.host, device.port, lambda: 0.3, rtts) is True
        assert await attempt(device.host, 1, lambda: 0.3, rtts) is False
        assert await attempt(late.host, late.port, lambda: 0.1, rtts) is None
    finally:
        await late.stop()
        await device.stop()
    assert len(rtts.samples) == 1 and 0 <= rtts.samples[0] < 0.3
