"""The vendor-neutral device interface the rest of the program talks to.

A driver subclasses :class:`Device`. The UI and CLI never see vendor JSON or XML: they see
``DeviceInfo``, the capability names, ``SettingsPage``/``TableSpec`` descriptors with typed
values, ``ActionSpec``s and a stream of ``DeviceEvent``s.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from .errors import NotSupported
from .events import DeviceEvent
from .params import ParamSpec, SettingsPage, TableSpec
from .transport import Transport


class Capability(StrEnum):
    """Tree nodes a device may offer; a driver lists only those the device really has."""

    SYSTEM = "system"
    SWITCHES = "switches"
    RELAYS = "relays"
    IO = "io"
    INPUTS = "inputs"
    SIP = "sip"
    CALLS = "calls"
    RFKEYS = "rfkeys"
    DIALREPLACE = "dialreplace"
    DIRECTORY = "directory"
    CONTACTS = "contacts"
    EXTENSIONS = "extensions"
    TRUNKS = "trunks"
    CAMERA = "camera"
    DISPLAY = "display"
    AUDIO = "audio"
    EMAIL = "email"
    EVENTS = "events"
    CALLLOG = "calllog"
    DOORLOG = "doorlog"
    ACCESS = "access"
    MAINTENANCE = "maintenance"
    PCAP = "pcap"


@dataclass
class DeviceInfo:
    vendor: str
    model: str
    serial: str = ""
    mac: str = ""
    firmware: str = ""
    hardware: str = ""
    name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "vendor": self.vendor,
            "model": self.model,
            "serial": self.serial,
            "mac": self.mac,
            "firmware": self.firmware,
            "hardware": self.hardware,
            "name": self.name,
            **({"extra": self.extra} if self.extra else {}),
        }


class WriteOutcome(StrEnum):
    APPLIED = "applied"
    REJECTED = "rejected"
    NOT_VERIFIED = "not verified"


@dataclass(frozen=True)
class KeyResult:
    key: str
    outcome: WriteOutcome
    value: Any = None  # what the device reports after the write (read back)
    message: str = ""


@dataclass
class WriteReport:
    """Per-key result of an apply: only changed keys were sent, then read back."""

    results: list[KeyResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.outcome is WriteOutcome.APPLIED for r in self.results)

    def by_key(self) -> dict[str, KeyResult]:
        return {r.key: r for r in self.results}


@dataclass(frozen=True)
class RowResult:
    """Result of one row of a table apply (add/set/del)."""

    op: str
    key: Any
    ok: bool
    message: str = ""


@dataclass(frozen=True)
class ActionSpec:
    """A device action (open door, dial, reboot...), its arguments described as ParamSpecs."""

    id: str
    label: str
    params: tuple[ParamSpec, ...] = ()
    help: str = ""
    capability: str = ""
    dangerous: bool = False  # reboot, factory reset: the UI asks for confirmation
    confirm_text: str = ""


@dataclass(frozen=True)
class CameraSource:
    """Where a camera's frames come from; the viewer picks MJPEG when ``mjpeg`` is true."""

    id: str
    label: str
    resolutions: tuple[tuple[int, int], ...] = ()
    mjpeg: bool = False
    max_fps: int = 0


class Device(abc.ABC):
    """A connected device of some vendor. Construct through the driver registry."""

    vendor: ClassVar[str] = ""
    driver_id: ClassVar[str] = ""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.info: DeviceInfo | None = None

    @property
    def host(self) -> str:
        return self.transport.endpoint.host

    # -- identity and capabilities --------------------------------------------------------
    @abc.abstractmethod
    async def read_info(self) -> DeviceInfo:
        """Read model, serial, MAC and firmware (also stores it in ``self.info``)."""

    @abc.abstractmethod
    async def capabilities(self) -> frozenset[str]:
        """Capability names this device really offers (detected, not assumed)."""

    # -- settings -------------------------------------------------------------------------
    def pages(self) -> Sequence[SettingsPage]:
        """Settings pages this device offers (call after ``capabilities()``)."""
        return ()

    def page(self, page_id: str) -> SettingsPage:
        for page in self.pages():
            if _same_id(page.id, page_id):
                return page
        known = ", ".join(p.id for p in self.pages()) or "none"
        raise NotSupported(f"no settings group {page_id!r} (available: {known})", host=self.host)

    async def read_page(self, page_id: str) -> dict[str, Any]:
        raise NotSupported(f"reading {page_id} is not supported", host=self.host)

    async def write_page(self, page_id: str, changes: Mapping[str, Any]) -> WriteReport:
        raise NotSupported(f"writing {page_id} is not supported", host=self.host)

    # -- tables ---------------------------------------------------------------------------
    def tables(self) -> Sequence[TableSpec]:
        return ()

    def table(self, table_id: str) -> TableSpec:
        for spec in self.tables():
            if _same_id(spec.id, table_id):
                return spec
        known = ", ".join(t.id for t in self.tables()) or "none"
        raise NotSupported(f"no table {table_id!r} (available: {known})", host=self.host)

    async def read_table(self, table_id: str) -> list[dict[str, Any]]:
        raise NotSupported(f"reading table {table_id} is not supported", host=self.host)

    async def apply_table(
        self,
        table_id: str,
        *,
        add: Sequence[Mapping[str, Any]] = (),
        update: Sequence[Mapping[str, Any]] = (),
        delete: Sequence[Any] = (),
    ) -> list[RowResult]:
        raise NotSupported(f"changing table {table_id} is not supported", host=self.host)

    # -- actions --------------------------------------------------------------------------
    def actions(self) -> Sequence[ActionSpec]:
        return ()

    def action(self, action_id: str) -> ActionSpec:
        for spec in self.actions():
            if spec.id == action_id:
                return spec
        known = ", ".join(a.id for a in self.actions()) or "none"
        raise NotSupported(f"no action {action_id!r} (available: {known})", host=self.host)

    async def run_action(self, action_id: str, args: Mapping[str, Any]) -> Any:
        raise NotSupported(f"action {action_id} is not supported", host=self.host)

    # -- raw documented functions (CLI ``call``) --------------------------------------------
    async def call_raw(self, function: str, args: Mapping[str, str]) -> Any:
        raise NotSupported("raw function calls are not supported", host=self.host)

    # -- events and camera ----------------------------------------------------------------
    def events(self) -> AsyncIterator[DeviceEvent]:
        """An endless stream of events (reconnecting by itself); cancel to stop."""
        raise NotSupported("this device has no event stream", host=self.host)

    def cameras(self) -> Sequence[CameraSource]:
        return ()

    async def snapshot(self, source: str = "", width: int = 0, height: int = 0, *,
                       time: int = 0) -> bytes:
        """One JPEG; ``time`` < 0 asks for a past frame where the device keeps them (2N)."""
        raise NotSupported("this device has no camera", host=self.host)

    def mjpeg_request(
        self, source: str = "", width: int = 0, height: int = 0, fps: int = 10
    ) -> tuple[str, dict[str, str]]:
        """Path and query parameters of the device's MJPEG stream."""
        raise NotSupported("this device has no MJPEG stream", host=self.host)

    # -- maintenance ----------------------------------------------------------------------
    async def backup(self) -> tuple[bytes, str]:
        """The device's configuration file: (content, suggested file suffix)."""
        raise NotSupported("configuration backup is not supported", host=self.host)

    async def aclose(self) -> None:
        await self.transport.aclose()


def _same_id(known: str, asked: str) -> bool:
    """Ids match case-insensitively and singular/plural alike (``switch`` finds ``switches``)."""
    def norm(text: str) -> str:
        text = text.lower().replace("-", "").replace("_", "")
        for suffix in ("es", "s"):
            if text.endswith(suffix) and len(text) > len(suffix) + 2:
                return text[: -len(suffix)]
        return text

    return known == asked or norm(known) == norm(asked)
