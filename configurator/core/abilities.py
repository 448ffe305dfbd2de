"""Optional abilities of a device or of one of its streams, asked for by type.

Callers write ``isinstance(device, KeepsPastFrames)``, never ``getattr(device, ...)`` or
``device.client``: an ability is a small :class:`typing.Protocol` a driver's class fulfils by
having the named members. What every device has (settings, tables, actions, ``events()``,
``snapshot()``) stays on :class:`~configurator.core.device.Device`; the capability names of
``Device.capabilities()`` say which of those the device really offers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import httpx

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
