"""The vendor-neutral device interface the rest of the program talks to.

A driver subclasses :class:`Device`. The UI and CLI never see vendor JSON or XML: they see
``DeviceInfo``, the capability names, ``SettingsPage``/``TableSpec`` descriptors with typed
values, ``ActionSpec``s and a stream of ``DeviceEvent``s.
"""

from __future__ import annotations

import abc
import asyncio
import hashlib
import operator
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeVar

from .errors import InvalidValue, NotSupported
from .events import DeviceEvent
from .identity import DeviceIdentity
from .params import ParamSpec, SettingsPage, TableOp, TableSpec
from .transport import Transport
from .write import (
    KeyResult,
    RowResult,
    RowWriter,
    SendResult,
    TableChanges,
    WriteOutcome,
    WriteReport,
    apply_settings,
    same_value,
)

__all__ = ["KeyResult", "RowResult", "SendResult", "TableChanges", "WriteOutcome",
           "WriteReport"]


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
    CONFIG_FILE = "configfile"  # the whole configuration as one editable file


@dataclass
class DeviceInfo(DeviceIdentity):
    """What a driver read from the device: the identity record plus vendor-specific facts."""

    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The identity as JSON, with ``extra`` when there is any."""
        return {**self.identity_json(), **({"extra": self.extra} if self.extra else {})}


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
    # The resolution the user picked for this program's views (None: the viewer decides).
    preferred: tuple[int, int] | None = None


@dataclass(frozen=True)
class MaintenanceSpec:
    """What the Maintenance node may offer for a device (besides its reboot/reset actions)."""

    backup: bool = False  # ``backup()``: the device's own configuration file
    restore: bool = False  # ``restore()``: send such a file back
    firmware: bool = False  # ``firmware_upload()`` / ``firmware_apply()``
    config_suffix: str = ""  # file suffix of the configuration file (".xml", ".tgz", ".txt")
    restore_restarts: bool = False  # the device restarts after a restore
    help: str = ""  # one line for the UI: what restore/firmware do on this device


@dataclass(frozen=True)
class FirmwareImage:
    """A firmware file on its way to a device (``firmware_upload`` -> ``firmware_apply``).

    ``staged`` means the device already holds the image and waits for apply or reject (2N);
    otherwise nothing was sent yet and ``content`` goes out at apply time (Onetouch).
    """

    filename: str
    size: int
    md5: str
    version: str = ""  # the version the device read from the file, when it tells
    downgrade: bool = False
    note: str = ""
    file_id: str = ""
    staged: bool = False
    content: bytes = field(default=b"", repr=False, compare=False)


StepCallback = Callable[[str], None]


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Item = TypeVar("_Item", bound=_HasId)


async def firmware_image(content: bytes, filename: str, **details: object) -> FirmwareImage:
    """A :class:`FirmwareImage` for a file read by the user (MD5 hashed off the loop)."""
    if not content:
        raise InvalidValue(f"{filename or 'the firmware file'} is empty")
    md5 = await asyncio.to_thread(lambda: hashlib.md5(content).hexdigest())
    return FirmwareImage(filename=filename, size=len(content), md5=md5, content=content,
                         **details)  # type: ignore[arg-type]


def check_file(content: bytes, filename: str, what: str, *, suffixes: Sequence[str] = (),
               magic: bytes | Sequence[bytes] = b"") -> None:
    """Refuse an obviously wrong file before it is sent to a device (one-line InvalidValue)."""
    name = filename or "the file"
    if not content:
        raise InvalidValue(f"{name} is empty; expected {what}")
    if suffixes and not filename.lower().endswith(tuple(s.lower() for s in suffixes)):
        raise InvalidValue(f"{name} is not {what} (expected {' or '.join(suffixes)})")
    starts = (magic,) if isinstance(magic, bytes) else tuple(magic)
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if any(starts) and not any(head.startswith(m) for m in starts if m):
        raise InvalidValue(f"{name} is not {what} (its content does not match)")


class Device(abc.ABC):
    """A connected device of some vendor. Construct through the driver registry."""

    vendor: ClassVar[str] = ""
    driver_id: ClassVar[str] = ""
    #: The actions of a driver whose actions do not depend on the device (see :meth:`actions`).
    fixed_actions: ClassVar[Sequence[ActionSpec]] = ()

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
        """The settings page ``page_id`` (ids match loosely: :func:`_same_id`)."""
        return self._one_of(self.pages(), page_id, "settings group", _same_id)

    async def read_page(self, page_id: str) -> dict[str, Any]:
        """Every value of a page, typed, keyed by setting key."""
        raise NotSupported(f"reading {page_id} is not supported", host=self.host)

    async def write_page(self, page_id: str, changes: Mapping[str, Any]) -> WriteReport:
        """Write settings through the one write contract (:mod:`configurator.core.write`):
        validate, send only the changed keys, read back, report per key."""
        return await apply_settings(self, page_id, changes)

    # What a driver supplies to the write contract: reading and writing values.
    async def writable_page(self, page_id: str) -> SettingsPage:
        """The page whose specs validate a write (a driver that builds a page from the
        device's own key list refreshes it here)."""
        return self.page(page_id)

    async def read_values(self, page_id: str, keys: Sequence[str]) -> dict[str, Any]:
        """Current typed values of these keys; the default reads the whole page."""
        values = await self.read_page(page_id)
        return {key: values[key] for key in keys if key in values}

    async def write_values(self, page_id: str, values: Mapping[str, Any]) -> SendResult:
        """Send validated, changed values (typed); raise the device's error for the whole
        call or return the keys it refused with its words."""
        raise NotSupported(f"writing {page_id} is not supported", host=self.host)

    def same_value(self, spec: ParamSpec, current: Any, wanted: Any) -> bool:
        """Whether a value read from the device counts as the wanted one."""
        return same_value(spec, current, wanted)

    # -- tables ---------------------------------------------------------------------------
    def tables(self) -> Sequence[TableSpec]:
        return ()

    def table(self, table_id: str) -> TableSpec:
        """The table ``table_id`` (ids match loosely: :func:`_same_id`)."""
        return self._one_of(self.tables(), table_id, "table", _same_id)

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
        """Add, update and delete rows of one table; one :class:`RowResult` per row."""
        return await self.change_table(table_id, TableChanges(add, update, delete))

    async def change_table(self, table_id: str, changes: TableChanges) -> list[RowResult]:
        """The driver's part of :meth:`apply_table` (the default: the table is read-only)."""
        raise NotSupported(f"changing table {table_id} is not supported", host=self.host)

    async def clear_table(self, table_id: str) -> list[RowResult]:
        """Delete every row of a table in one request (``TableOp.CLEAR``); one ``clear``
        :class:`RowResult` described like any other row (applied / rejected with the
        device's words / not verified when the answer was lost)."""
        spec = self.table(table_id)
        if TableOp.CLEAR not in spec.operations:
            raise NotSupported(f"{spec.title} cannot be cleared on this device", host=self.host)
        writer = RowWriter()
        await writer.row("clear", "all rows", lambda: self.send_clear(spec.id))
        return writer.results

    async def send_clear(self, table_id: str) -> None:
        """Driver part of :meth:`clear_table`: the device's own "delete all" request."""
        raise NotSupported(f"clearing {table_id} is not supported", host=self.host)

    # -- actions --------------------------------------------------------------------------
    def actions(self) -> Sequence[ActionSpec]:
        """The actions this device offers; the default: :attr:`fixed_actions`."""
        return self.fixed_actions

    def action(self, action_id: str) -> ActionSpec:
        """The action ``action_id`` (its exact id)."""
        return self._one_of(self.actions(), action_id, "action", operator.eq)

    def action_values(self, action_id: str, args: Mapping[str, Any]) -> dict[str, Any]:
        """The arguments of ``action_id``, each validated by its ParamSpec (a missing one
        takes the spec's default)."""
        return {p.key: p.validate(args.get(p.key, p.default))
                for p in self.action(action_id).params}

    async def run_action(self, action_id: str, args: Mapping[str, Any]) -> Any:
        raise NotSupported(f"action {action_id} is not supported", host=self.host)

    # -- raw documented functions (CLI ``call``) --------------------------------------------
    async def call_raw(self, function: str, args: Mapping[str, str]) -> Any:
        raise NotSupported("raw function calls are not supported", host=self.host)

    # -- events and camera ----------------------------------------------------------------
    def events(self) -> AsyncIterator[DeviceEvent]:
        """An endless stream of events (reconnecting by itself); cancel to stop."""
        raise NotSupported("this device has no event stream", host=self.host)

    def program_settings(self) -> dict[str, Any]:
        """Settings this program keeps for the device (not on it; e.g. the 2N camera and log
        filter choices), as JSON values: saved with the site, given back by
        :meth:`restore_program_settings` on the next connect."""
        return {}

    def restore_program_settings(self, values: Mapping[str, Any]) -> list[str]:
        """Take back :meth:`program_settings` (called after ``capabilities()``); returns the
        keys left out: unknown here, or no longer valid for this device."""
        return sorted(values)

    def cameras(self) -> Sequence[CameraSource]:
        """The device's cameras, the one the user prefers first."""
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

    def maintenance(self) -> MaintenanceSpec:
        """Which of backup / restore / firmware the Maintenance node offers."""
        return MaintenanceSpec()

    async def restore(self, content: bytes, filename: str) -> None:
        """Send a configuration file made by ``backup()`` back to the device (replaces it)."""
        raise NotSupported("configuration restore is not supported", host=self.host)

    async def firmware_upload(self, content: bytes, filename: str) -> FirmwareImage:
        """Check (and where the device does that, stage) a firmware image; nothing is
        installed until ``firmware_apply``."""
        raise NotSupported("firmware upload is not supported", host=self.host)

    async def firmware_apply(self, image: FirmwareImage,
                             on_step: StepCallback | None = None) -> None:
        """Install the image; the device restarts. ``on_step`` gets a line per stage."""
        raise NotSupported("firmware upgrade is not supported", host=self.host)

    async def firmware_reject(self, image: FirmwareImage) -> None:
        """Discard a staged image without installing it."""
        raise NotSupported("discarding an uploaded firmware is not supported", host=self.host)

    # -- the device's own table files (TableOp.EXPORT / TableOp.IMPORT) ----------------------
    async def export_table(self, table_id: str) -> tuple[bytes, str]:
        """The device's own export file of a table: (content, file suffix such as ".xml")."""
        raise NotSupported(f"table {table_id} has no export file", host=self.host)

    async def import_table(self, table_id: str, content: bytes,
                           filename: str) -> list[RowResult] | None:
        """Send an export file back; the device replaces the table with its rows. Returns
        per-row results where the device reports them, else None (all or nothing)."""
        raise NotSupported(f"table {table_id} cannot be imported from a file", host=self.host)

    async def aclose(self) -> None:
        await self.transport.aclose()

    def _one_of(self, items: Sequence[_Item], wanted: str, what: str,
                same: Callable[[str, str], bool]) -> _Item:
        """The item whose id is ``wanted``; NotSupported naming the ids there are."""
        for item in items:
            if same(item.id, wanted):
                return item
        known = ", ".join(item.id for item in items) or "none"
        raise NotSupported(f"no {what} {wanted!r} (available: {known})", host=self.host)


def _same_id(known: str, asked: str) -> bool:
    """Ids match case-insensitively and singular/plural alike (``switch`` finds ``switches``)."""
    def norm(text: str) -> str:
        text = text.lower().replace("-", "").replace("_", "")
        for suffix in ("es", "s"):
            if text.endswith(suffix) and len(text) > len(suffix) + 2:
                return text[: -len(suffix)]
        return text

    return known == asked or norm(known) == norm(asked)
