"""Optional abilities of a device or of one of its streams, asked for by type.

Callers write ``isinstance(device, KeepsPastFrames)``, never ``getattr(device, ...)`` or
``device.client``: an ability is a small :class:`typing.Protocol` a driver's class fulfils by
having the named members. What every device has (settings, tables, actions, ``events()``,
``snapshot()``) stays on :class:`~configurator.core.device.Device`; the capability names of
``Device.capabilities()`` say which of those the device really offers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import httpx

from .device import ActionSpec
from .errors import NotSupported
from .events import SourceState

StateCallback = Callable[[SourceState, str], None]


@runtime_checkable
class KeepsPastFrames(Protocol):
    """A camera that keeps its recent frames: ``snapshot(time=-N)`` for N up to
    ``past_frames_seconds`` (2N ``/api/camera/snapshot?time=-N``)."""

    past_frames_seconds: int

    async def snapshot(self, source: str = "", width: int = 0, height: int = 0, *,
                       time: int = 0) -> bytes:
        """One JPEG; ``time`` < 0 asks for a frame that many seconds back."""
        ...


@runtime_checkable
class ExplainsCameraErrors(Protocol):
    """A device that reads its own camera error answers (vendor error bodies)."""

    def raise_camera_error(self, response: httpx.Response, body: bytes) -> None:
        """Raise the typed error this answer means; return when it is not the device's."""
        ...


@runtime_checkable
class ReportsState(Protocol):
    """An event stream that reports its own connection state (connecting / live /
    retrying / disabled) through ``on_state``; others are judged by their events."""

    state: SourceState
    on_state: StateCallback | None


@runtime_checkable
class EditsConfigFile(Protocol):
    """A device whose configuration is one file read and written whole (2N ``/api/config``
    GET/PUT). The device answers the upload at once and applies it about
    ``config_apply_seconds`` later."""

    config_apply_seconds: float

    async def config_file_get(self) -> bytes:
        """The device's complete configuration file."""
        ...

    async def config_file_put(self, content: bytes) -> None:
        """Send a complete configuration file; raises the device's error when it refuses."""
        ...


@dataclass(frozen=True)
class Door:
    """One door a device can open: its label in words and what opening it takes (the
    arguments of the device's open-door action)."""

    label: str
    args: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class OpensDoors(Protocol):
    """A device that opens doors (a relay or switch triggered): ``doors()`` lists the doors it
    can open now (none while it has not said), ``open_door`` opens one."""

    def doors(self) -> list[Door]:
        """The doors, in the device's order."""
        ...

    async def open_door(self, door: Door) -> None:
        """Open ``door`` (it locks again by itself, as the device is set up to)."""
        ...


def doors_of_action(action: ActionSpec) -> list[Door]:
    """The doors an open-door action can open: one per choice of its first argument that
    offers choices (a relay, a switch), else one door with the action's defaults."""
    defaults = {p.key: p.default for p in action.params if p.default is not None}
    chooser = next((p for p in action.params if p.choices), None)
    if chooser is None:
        return [Door("Door", defaults)]
    return [Door(c.label if c.label.lower().startswith(chooser.label.lower())
                 else f"{chooser.label} {c.label}", {**defaults, chooser.key: c.value})
            for c in chooser.choices]


class _RunsActions(Protocol):
    def action(self, action_id: str) -> ActionSpec: ...

    async def run_action(self, action_id: str, args: Mapping[str, Any]) -> Any: ...


class DoorsFromAction:
    """:class:`OpensDoors` for a device whose ``open_door`` action opens its doors (a driver's
    device class lists it before ``Device``)."""

    def doors(self: _RunsActions) -> list[Door]:
        """The doors the open-door action can open now (none without that action)."""
        try:
            return doors_of_action(self.action("open_door"))
        except NotSupported:
            return []

    async def open_door(self: _RunsActions, door: Door) -> None:
        """Open ``door`` through the open-door action."""
        await self.run_action("open_door", door.args)
