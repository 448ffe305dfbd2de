"""Identify what answered on an open port with each driver's fingerprint probe."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import httpx

from ..core.errors import AuthError, DeviceError, NotSupported
from ..core.transport import Credentials, Endpoint, MemoryPinStore, Transport
from ..drivers.registry import Fingerprint, driver, identify
from .model import HTTPS_PORTS, DiscoveredDevice, FoundBy

log = logging.getLogger("configurator.discovery")

Identifier = Callable[[Transport], Awaitable[Fingerprint | None]]


async def _quiet_trust(key: str, fp: str) -> bool:
    # Discovery only reads the unauthenticated fingerprint; the pin is reported with the
    # result and taken for real when the user adds the device.
    return True


def schemes_for(port: int) -> tuple[str, ...]:
    """Schemes to try on a port. Assumption: extra ports are tried as HTTP, then HTTPS."""
    if port in HTTPS_PORTS:
        return ("https",)
    if port == 80:
        return ("http",)
    return ("http", "https")


class ProbeTransport(Transport):
    """A Transport for one fingerprint session: identical GETs are answered from memory.

    Several drivers' probes ask the same thing (2N and Onetouch both start with
    ``GET /api/system/info``); the second asks the first's complete reply instead of the
    device, so one request identifies most devices. Only GETs without a body are cached,
    keyed by path, parameters and headers; the session lives for one probe only.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answers: dict[tuple[str, str, str], httpx.Response] = {}
        self.requests_sent = 0

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        body = any(kwargs.get(k) is not None for k in ("data", "files", "json", "content"))
        key = (path, _frozen(kwargs.get("params")), _frozen(kwargs.get("headers")))
        if method.upper() == "GET" and not body and key in self._answers:
            return self._answers[key]
        self.requests_sent += 1
        response = await super().request(method, path, **kwargs)
        if method.upper() == "GET" and not body:
            self._answers[key] = response
        return response


def _frozen(mapping: Mapping[str, Any] | None) -> str:
    return repr(sorted((str(k), str(v)) for k, v in (mapping or {}).items()))


def only_driver(identifier: Identifier, driver_id: str) -> Identifier:
    """The registry identifier restricted to one driver (re-probes of a recognised device
    need not ask every other driver again); any other identifier is returned unchanged."""
    if identifier is not identify:
        return identifier
    try:
        entry = driver(driver_id)
    except NotSupported:
        return identifier
    return functools.partial(identify, candidates=[entry])


async def probe_endpoint(
    endpoint: Endpoint,
    *,
    identifier: Identifier = identify,
    timeout: float = 3.0,
    credentials: Credentials | None = None,
) -> tuple[Fingerprint | None, str]:
    """Run the driver probes against one endpoint: (fingerprint or None, TLS fingerprint)."""
    pins = MemoryPinStore()
    transport = ProbeTransport(endpoint, credentials, pins=pins, trust=_quiet_trust,
                               connect_timeout=timeout, read_timeout=timeout)
    try:
        async with asyncio.timeout(timeout * 2):
            found = await identifier(transport)
    except AuthError as exc:
        # A probe that could not even tell what it is: nothing to report as identified.
        log.debug("%s: probe needs credentials: %s", endpoint.host, exc)
        found = None
    except (DeviceError, TimeoutError) as exc:
        log.debug("%s:%s probe failed: %s", endpoint.host, endpoint.effective_port, exc)
        found = None
    finally:
        await transport.aclose()
    return found, pins.get(endpoint.key) or ""


async def identify_host(
    host: str,
    open_ports: Sequence[int],
    *,
    identifier: Identifier = identify,
    timeout: float = 3.0,
    credentials: Callable[[str], Sequence[Credentials]] = lambda _driver: (),
) -> DiscoveredDevice:
    """Probe the open ports of one host in order; the first port a driver recognises wins.

    Assumption: one device per address - once a driver recognised it on one port, the other
    open ports are only listed, not probed again.
    """
    device = DiscoveredDevice(address=host, open_ports=tuple(sorted(open_ports)),
                              found_by=(FoundBy.SWEEP,))
    for port in sorted(open_ports, key=lambda p: (p != 80, p != 443, p)):
        for scheme in schemes_for(port):
            endpoint = Endpoint(host, port, scheme)  # type: ignore[arg-type]
            found, tls_fp = await probe_endpoint(endpoint, identifier=identifier,
                                                 timeout=timeout)
            if found is not None:
                known = credentials(found.driver) if found.auth_required else ()
                if known:
                    found = await _with_credentials(endpoint, found, known, identifier, timeout)
                apply_fingerprint(device, found)
                device.scheme, device.port, device.tls_fingerprint = scheme, port, tls_fp
                return device
    return device


async def _with_credentials(endpoint: Endpoint, found: Fingerprint,
                            credentials: Sequence[Credentials], identifier: Identifier,
                            timeout: float) -> Fingerprint:
    """Re-probe a recognised, locked device with each known credential; the first that
    yields an unlocked fingerprint of the same driver wins. Only that driver's probe runs."""
    identifier = only_driver(identifier, found.driver)
    for credential in credentials:
        again, _tls = await probe_endpoint(endpoint, identifier=identifier, timeout=timeout,
                                           credentials=credential)
        if again is None or again.driver != found.driver:
            continue
        if not again.auth_required or again.info.firmware:
            return Fingerprint(again.driver, again.info, again.auth_required,
                               {**again.details, "user": credential.user})
    return found


def apply_fingerprint(device: DiscoveredDevice, found: Fingerprint) -> None:
    info = found.info
    device.driver = found.driver
    device.take_identity(info)
    device.auth_required = found.auth_required
    if found.details:
        device.details.update({k: v for k, v in found.details.items() if _jsonable(v)})


def _jsonable(value: object) -> bool:
    return isinstance(value, str | int | float | bool) or value is None
