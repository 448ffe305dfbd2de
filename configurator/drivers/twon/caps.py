"""What a 2N device can do: ``/api/system/caps`` where it exists (v2.29+), else probing.

Older firmware (Helios IP v2.11) has no ``system/caps``; there each service is probed with a
harmless read and error codes 1/2 (not in this model), 5 (no licence), 4 (service disabled)
and 10 (no privilege) mean "do not offer it".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...core.device import Capability
from ...core.errors import DeviceError, NotSupported, PermissionDenied, ServiceDisabled
from .client import TwoNClient

log = logging.getLogger("configurator.drivers.twon")

# system/caps option -> capabilities it stands for.
OPTION_CAPS: dict[str, tuple[Capability, ...]] = {
    "switches": (Capability.SWITCHES,),
    "phone": (Capability.SIP, Capability.CALLS),
    "camera": (Capability.CAMERA,),
    "display": (Capability.DISPLAY,),
    "audioLoopTest": (Capability.AUDIO,),
    "smtpClient": (Capability.EMAIL,),
    "dir": (Capability.DIRECTORY,),
    "accessControl": (Capability.ACCESS,),
}

_ABSENT = (NotSupported, ServiceDisabled, PermissionDenied)


def option_active(value: str) -> bool:
    """``"active,licensed"`` / ``"active"`` -> usable.

    Assumption: an option is usable when its comma-separated value contains ``active``;
    ``licensed`` alone (licensed but not active) or an empty value means not usable.
    """
    return "active" in {part.strip().lower() for part in value.split(",")}


@dataclass
class DetectedCaps:
    """What the intercom offers, detected once (capabilities, switches, ports, accounts, camera)."""

    capabilities: set[str] = field(default_factory=set)
    options: dict[str, str] = field(default_factory=dict)  # system/caps, when available
    has_system_caps: bool = False
    switches: list[dict[str, Any]] = field(default_factory=list)
    ports: list[dict[str, Any]] = field(default_factory=list)
    camera: dict[str, Any] = field(default_factory=dict)
    displays: list[dict[str, Any]] = field(default_factory=list)
    log_events: list[str] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)


async def _probe(what: str, call: Callable[[], Awaitable[Any]]) -> Any | None:
    try:
        return await call()
    except _ABSENT as exc:
        log.debug("%s not offered: %s", what, exc)
        return None


async def detect(client: TwoNClient) -> DetectedCaps:
    """Detect capabilities; unreachable/auth problems other than privileges propagate."""
    found = DetectedCaps(capabilities={Capability.SYSTEM, Capability.MAINTENANCE})
    options = await _probe("system/caps", client.system_caps)
    if options is not None:
        found.has_system_caps = True
        found.options = options
        for option, caps in OPTION_CAPS.items():
            if option_active(options.get(option, "")):
                found.capabilities.update(caps)
    want = _wanted(found)
    # The reads below do not depend on each other: all at once (one round trip instead of up
    # to eight one after the other: the demo fleet's 2N devices came online ~1 s sooner).
    probes: dict[str, Callable[[], Awaitable[Any]]] = {}
    if want(Capability.SWITCHES):
        probes["switch/caps"] = client.switch_caps
    probes["io/caps"] = client.io_caps
    if want(Capability.SIP):
        probes["phone/status"] = client.phone_status
    if want(Capability.CAMERA):
        probes["camera/caps"] = client.camera_caps
    if want(Capability.DISPLAY):
        probes["display/caps"] = client.display_caps
    probes["log/caps"] = client.log_caps
    if found.has_system_caps:
        # Functions newer than system/caps (v2.29) with no option of their own.
        probes["phone/calllog"] = client.calllog_get
        probes["pcap/live/stats"] = client.pcap_live_stats
    answers = dict(zip(probes, await all_or_first_error(
        *(_probe(name, call) for name, call in probes.items())), strict=True))

    if "switch/caps" in answers:
        switches = answers["switch/caps"]
        if switches:
            found.switches = switches
            found.capabilities.update({Capability.SWITCHES, Capability.RELAYS})
        else:
            found.capabilities.discard(Capability.SWITCHES)
    ports = answers["io/caps"]
    if ports:
        found.ports = ports
        found.capabilities.add(Capability.IO)
        if any(p.get("type") == "input" for p in ports):
            found.capabilities.add(Capability.INPUTS)
    if "phone/status" in answers:
        accounts = answers["phone/status"]
        if accounts is not None:
            found.accounts = accounts
            found.capabilities.update({Capability.SIP, Capability.CALLS})
        else:
            found.capabilities.difference_update({Capability.SIP, Capability.CALLS})
    if "camera/caps" in answers:
        camera = answers["camera/caps"]
        if camera and camera.get("jpegResolution"):
            found.camera = camera
            found.capabilities.add(Capability.CAMERA)
        else:
            found.capabilities.discard(Capability.CAMERA)
    if "display/caps" in answers:
        displays = answers["display/caps"]
        if displays:
            found.displays = displays
            found.capabilities.add(Capability.DISPLAY)
        else:
            found.capabilities.discard(Capability.DISPLAY)
    events = answers["log/caps"]
    if events is not None:
        found.log_events = events
        found.capabilities.add(Capability.EVENTS)
    if answers.get("phone/calllog") is not None:
        found.capabilities.add(Capability.CALLLOG)
    if answers.get("pcap/live/stats") is not None:
        found.capabilities.add(Capability.PCAP)
    return found


async def all_or_first_error(*calls: Awaitable[Any]) -> list[Any]:
    """Await ``calls`` together; every one runs to its end, then the first error (in the
    order given) is raised, as if they had run one after the other up to it."""
    results = await asyncio.gather(*calls, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def _wanted(found: DetectedCaps) -> Callable[[Capability], bool]:
    """With system/caps, only probe what it lists; without it (v2.11), probe everything."""
    def want(cap: Capability) -> bool:
        return not found.has_system_caps or cap in found.capabilities
    return want


def summarize(options: Mapping[str, str]) -> dict[str, bool]:
    return {name: option_active(value) for name, value in options.items()}


__all__ = ["DetectedCaps", "DeviceError", "all_or_first_error", "detect", "option_active"]
