"""What a 2N device can do: ``/api/system/caps`` where it exists (v2.29+), else probing.

Older firmware (Helios IP v2.11) has no ``system/caps``; there each service is probed with a
harmless read and error codes 1/2 (not in this model), 5 (no licence), 4 (service disabled)
and 10 (no privilege) mean "do not offer it".
"""

from __future__ import annotations

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

    if want(Capability.SWITCHES):
        switches = await _probe("switch/caps", client.switch_caps)
        if switches:
            found.switches = switches
            found.capabilities.update({Capability.SWITCHES, Capability.RELAYS})
        else:
            found.capabilities.discard(Capability.SWITCHES)
    ports = await _probe("io/caps", client.io_caps)
    if ports:
        found.ports = ports
        found.capabilities.add(Capability.IO)
        if any(p.get("type") == "input" for p in ports):
            found.capabilities.add(Capability.INPUTS)
    if want(Capability.SIP):
        accounts = await _probe("phone/status", client.phone_status)
        if accounts is not None:
            found.accounts = accounts
            found.capabilities.update({Capability.SIP, Capability.CALLS})
        else:
            found.capabilities.difference_update({Capability.SIP, Capability.CALLS})
    if want(Capability.CAMERA):
        camera = await _probe("camera/caps", client.camera_caps)
        if camera and camera.get("jpegResolution"):
            found.camera = camera
            found.capabilities.add(Capability.CAMERA)
        else:
            found.capabilities.discard(Capability.CAMERA)
    if want(Capability.DISPLAY):
        displays = await _probe("display/caps", client.display_caps)
        if displays:
            found.displays = displays
            found.capabilities.add(Capability.DISPLAY)
        else:
            found.capabilities.discard(Capability.DISPLAY)
    events = await _probe("log/caps", client.log_caps)
    if events is not None:
        found.log_events = events
        found.capabilities.add(Capability.EVENTS)
    if found.has_system_caps:
        # Functions newer than system/caps (v2.29) with no option of their own.
        if await _probe("phone/calllog", client.calllog_get) is not None:
            found.capabilities.add(Capability.CALLLOG)
        if await _probe("pcap/live/stats", client.pcap_live_stats) is not None:
            found.capabilities.add(Capability.PCAP)
    return found


def _wanted(found: DetectedCaps) -> Callable[[Capability], bool]:
    """With system/caps, only probe what it lists; without it (v2.11), probe everything."""
    def want(cap: Capability) -> bool:
        return not found.has_system_caps or cap in found.capabilities
    return want


def summarize(options: Mapping[str, str]) -> dict[str, bool]:
    return {name: option_active(value) for name, value in options.items()}


__all__ = ["DetectedCaps", "DeviceError", "detect", "option_active"]
