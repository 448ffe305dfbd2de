"""The discovery engine: sweep + fingerprint + multicast, streamed as events (no Qt).

    async with contextlib.aclosing(discover(options)) as events:
        async for event in events:
            ...   # DeviceFound / Progress, and a final Summary

Cancel by cancelling the consuming task or closing the generator: every probe and socket
is cancelled and closed in the generator's ``finally``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import time
from collections.abc import AsyncIterator, Sequence

from ..core.errors import InvalidValue
from ..core.transport import Credentials
from ..drivers.registry import identify
from .fingerprint import Identifier, identify_host
from .merge import Merger, finish
from .model import (
    DeviceFound,
    DiscoveredDevice,
    DiscoveryEvent,
    DiscoveryOptions,
    FoundBy,
    Progress,
    Summary,
    credentials_for,
)
from .neighbours import neighbour_table
from .ranges import (
    InterfaceInfo,
    check_size,
    default_ranges,
    hosts,
    interface_addresses,
    local_interfaces,
    parse_ranges,
)
from .scan import ScanStats, port_open, scan

log = logging.getLogger("configurator.discovery")

_DONE = object()


def resolve_ranges(options: DiscoveryOptions,
                   interfaces: Sequence[InterfaceInfo] | None = None
                   ) -> list[ipaddress.IPv4Network]:
    """The networks a sweep would cover (explicit ranges, else the interfaces' subnets);
    :class:`InvalidValue` when there is nothing to sweep or it is absurdly large."""
    if options.ranges:
        networks = parse_ranges(options.ranges)
    else:
        networks = default_ranges(interfaces if interfaces is not None else local_interfaces())
        if not networks:
            raise InvalidValue("no network interface with an IPv4 subnet to sweep; "
                               "give a range (e.g. 192.168.1.0/24)", param="ranges")
    check_size(networks, options.max_addresses)
    return networks


def validate_options(options: DiscoveryOptions) -> None:
    for port in options.extra_ports:
        if not isinstance(port, int) or not 1 <= port <= 65535:
            raise InvalidValue(f"{port!r} is not a TCP port (1-65535)", param="ports")
    if options.connect_timeout <= 0 or options.probe_timeout <= 0:
        raise InvalidValue("timeouts must be positive", param="timeout")
    if options.concurrency < 1 or options.probe_concurrency < 1:
        raise InvalidValue("concurrency must be at least 1", param="concurrency")


class _Run:
    """State of one discovery run; producers put events on ``queue``."""

    def __init__(self, options: DiscoveryOptions, identifier: Identifier) -> None:
        self.options = options
        self.identifier = identifier
        self.queue: asyncio.Queue[object] = asyncio.Queue()
        self.merger = Merger()
        self.probes = asyncio.Semaphore(options.probe_concurrency)
        self.probed_addresses: set[str] = set()
        self.warnings: list[str] = []
        self.scan_stats = ScanStats()
        self.started = time.monotonic()
        self.last_found = 0.0
        self._last_progress = 0.0

    def found(self, sighting: DiscoveredDevice, neighbours: dict[str, str]) -> None:
        finish(sighting, neighbours)
        if not sighting.identified and not self.options.report_unidentified:
            # Keep it for merging (a later sighting may identify it) but do not report.
            self.merger.add(sighting)
            return
        merged, is_new, changed = self.merger.add(sighting)
        if is_new or changed:
            self.last_found = time.monotonic() - self.started
            self.queue.put_nowait(DeviceFound(merged, updated=not is_new))

    def progress(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self._last_progress > 0.1:
            self._last_progress = now
            self.queue.put_nowait(Progress(phase, done, total))

    async def neighbours(self) -> dict[str, str]:
        if not self.options.use_neighbour_table:
            return {}
        return await neighbour_table()

    def _credentials(self, driver: str) -> list[Credentials]:
        return credentials_for(self.options, driver)

    async def identify(self, host: str, ports: tuple[int, ...]) -> None:
        async with self.probes:
            try:
                device = await identify_host(host, ports, identifier=self.identifier,
                                             timeout=self.options.probe_timeout,
                                             credentials=self._credentials)
            except Exception as exc:  # a broken driver probe must not end the sweep
                log.warning("%s: fingerprint probe failed: %r", host, exc)
                self.warnings.append(f"{host}: fingerprint probe failed: {exc}")
                device = DiscoveredDevice(host, open_ports=ports, found_by=(FoundBy.SWEEP,))
        self.found(device, await self.neighbours())

    async def sweep(self, networks: list[ipaddress.IPv4Network]) -> None:
        targets = list(hosts(networks))
        self.probed_addresses.update(targets)
        probes: list[asyncio.Task[None]] = []
        try:
            async for host, ports in scan(
                targets, self.options.ports, timeout=self.options.connect_timeout,
                concurrency=self.options.concurrency,
                progress=lambda d, t: self.progress("scan", d, t),
                stats=self.scan_stats, adaptive=self.options.adaptive_timeout,
            ):
                probes.append(asyncio.create_task(self.identify(host, ports)))
            for done, task in enumerate(asyncio.as_completed(probes), 1):
                await task
                self.progress("identify", done, len(probes))
        finally:
            for task in probes:
                task.cancel()
            await asyncio.gather(*probes, return_exceptions=True)

    async def multicast(self, interfaces: Sequence[InterfaceInfo] | None) -> None:
        from .multicast import multicast_sightings

        addresses = list(self.options.multicast_interfaces) or interface_addresses(interfaces)
        if not addresses:
            self.warnings.append("no interface to send multicast queries on")
            return
        followups: list[asyncio.Task[None]] = []
        try:
            async for sighting in multicast_sightings(addresses, self.options.listen_seconds):
                self.found(sighting, await self.neighbours())
                if sighting.address not in self.probed_addresses:
                    self.probed_addresses.add(sighting.address)
                    followups.append(asyncio.create_task(self.probe_announced(sighting.address)))
            await asyncio.gather(*followups)
        finally:
            for task in followups:
                task.cancel()
            await asyncio.gather(*followups, return_exceptions=True)

    async def probe_announced(self, host: str) -> None:
        """Fingerprint a device that announced itself but was outside the swept ranges."""
        checks = [port_open(host, port, self.options.connect_timeout)
                  for port in self.options.ports]
        results = await asyncio.gather(*checks)
        ports = tuple(p for p, ok in zip(self.options.ports, results, strict=True) if ok)
        if ports:
            await self.identify(host, ports)


async def discover(
    options: DiscoveryOptions,
    *,
    identifier: Identifier = identify,
    interfaces: Sequence[InterfaceInfo] | None = None,
) -> AsyncIterator[DiscoveryEvent]:
    """Find devices: ``DeviceFound`` as each is identified, ``Progress``, then ``Summary``.

    Raises :class:`InvalidValue` (before sending anything) for bad or absurd ranges.
    ``interfaces`` overrides the machine's interfaces (tests, or a user's selection).
    """
    validate_options(options)
    networks = resolve_ranges(options, interfaces) if options.sweep else []
    run = _Run(options, identifier)
    started = run.started
    producers: list[asyncio.Task[None]] = []
    if networks:
        producers.append(asyncio.create_task(run.sweep(networks)))
    if options.multicast:
        producers.append(asyncio.create_task(run.multicast(interfaces)))
    remaining = len(producers)
    for task in producers:
        task.add_done_callback(lambda _t: run.queue.put_nowait(_DONE))
    cancelled = True
    try:
        while remaining:
            item = await run.queue.get()
            if item is _DONE:
                remaining -= 1
                continue
            yield item  # type: ignore[misc]
        for task in producers:
            if not task.cancelled() and task.exception() is not None:
                exc = task.exception()
                log.warning("discovery step failed: %s", exc)
                run.warnings.append(f"discovery step failed: {exc}")
        # Events queued after the last producer finished.
        while not run.queue.empty():
            item = run.queue.get_nowait()
            if item is not _DONE:
                yield item  # type: ignore[misc]
        cancelled = False
        stats = run.scan_stats
        yield Summary(tuple(run.merger.devices), len(run.probed_addresses),
                      round(time.monotonic() - started, 3), cancelled=False,
                      warnings=tuple(run.warnings),
                      last_found_seconds=round(run.last_found, 3),
                      fast_timeout=round(stats.fast_timeout, 4),
                      rtt_p90=stats.rtt_p90, second_pass=stats.second_pass,
                      found_in_second_pass=stats.found_in_second_pass)
    finally:
        if cancelled:
            for task in producers:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*producers, return_exceptions=True)
