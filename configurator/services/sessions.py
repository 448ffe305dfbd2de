"""Connected devices and their state at a glance (no Qt).

A ``DeviceSession`` pairs a site entry with its driver ``Device`` (once connected) and keeps the
state shown in the tree: online / offline / auth failed / busy / certificate problem, the SIP
registration where the driver reports one, and which pages have unsaved edits. The manager
connects, refreshes status with backoff and tells listeners about every change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..core.backoff import Backoff, BackoffPolicy
from ..core.device import Device
from ..core.errors import (
    AuthError,
    CertificateMismatch,
    CertificateRejected,
    ConfiguratorError,
    NotSupported,
    Unreachable,
)
from ..core.registration import (
    RegRole,
    ReportsRegistration,
    SipRegistration,
    merged,
    summarize,
)
from ..core.transport import Credentials, Endpoint, PinStore, TrustOnFirstUse, trust_always
from .site import SiteDevice

log = logging.getLogger("configurator.sessions")

Connector = Callable[..., Awaitable[Device]]

ONLINE_PERIOD = 30.0
BACKOFF_FIRST = 5.0
BACKOFF_MAX = 120.0
SESSION_BACKOFF = BackoffPolicy(initial=BACKOFF_FIRST, maximum=BACKOFF_MAX)  # 5, 10, ... 120 s
# Devices being opened at the same time (identify + identity + capabilities). All devices of a
# site connect concurrently up to this bound, so a large site does not open hundreds of
# connections at once.
MAX_CONNECTS = 16


class DeviceState(StrEnum):
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"
    AUTH_FAILED = "auth failed"
    CERTIFICATE = "certificate problem"
    UNSUPPORTED = "not supported"


@dataclass
class DeviceSession:
    entry: SiteDevice
    credentials: Credentials | None = None
    device: Device | None = None
    state: DeviceState = DeviceState.CONNECTING
    message: str = ""
    capabilities: frozenset[str] = frozenset()
    # SIP registration per account, as the driver reports it (read with the status and
    # updated from registration events); ``registration_note``: what the device does not tell.
    registrations: tuple[SipRegistration, ...] = ()
    registration_note: str = ""
    busy: int = 0
    dirty_pages: set[str] = field(default_factory=set)
    retry: Backoff = field(default_factory=lambda: SESSION_BACKOFF.start())
    error: ConfiguratorError | None = None

    @property
    def backoff(self) -> float:
        """Seconds the next failed status check will wait before trying again."""
        return self.retry.peek()

    @property
    def key(self) -> str:
        return self.entry.key

    @property
    def title(self) -> str:
        return self.entry.title

    @property
    def dirty(self) -> bool:
        return bool(self.dirty_pages)

    @property
    def sip(self) -> str | None:
        """"registered" when every account the device registers itself is, "not registered"
        when one is not, None when it has none in use (or does not tell)."""
        own = summarize(r for r in self.registrations if r.role is RegRole.OWN)
        if not own.in_use:
            return None
        return "registered" if own.all_registered else "not registered"


Listener = Callable[[DeviceSession], None]


class SessionManager:
    def __init__(
        self,
        *,
        pins: PinStore,
        trust: TrustOnFirstUse = trust_always,
        connector: Connector | None = None,
        online_period: float = ONLINE_PERIOD,
        backoff_first: float = BACKOFF_FIRST,
        backoff_max: float = BACKOFF_MAX,
        max_connects: int = MAX_CONNECTS,
    ) -> None:
        if connector is None:
            from ..drivers.registry import connect

            connector = connect
        self._connector = connector
        self.pins = pins
        self.trust = trust
        self.sessions: dict[str, DeviceSession] = {}
        self.listeners: list[Listener] = []
        self.online_period = online_period
        self.backoff_policy = BackoffPolicy(initial=backoff_first,
                                            maximum=max(backoff_first, backoff_max))
        self._connect_locks: dict[str, asyncio.Lock] = {}
        self.max_connects = max_connects
        self._connect_slots: asyncio.Semaphore | None = None  # made inside the running loop

    # -- bookkeeping ----------------------------------------------------------------------
    def add(self, entry: SiteDevice, credentials: Credentials | None) -> DeviceSession:
        session = self.sessions.get(entry.key)
        if session is None:
            session = DeviceSession(entry, credentials, retry=self.backoff_policy.start())
            self.sessions[entry.key] = session
        else:
            session.credentials = credentials
        self.changed(session)
        return session

    def get(self, key: str) -> DeviceSession | None:
        return self.sessions.get(key)

    def changed(self, session: DeviceSession) -> None:
        for listener in list(self.listeners):
            listener(session)

    async def remove(self, key: str) -> None:
        session = self.sessions.pop(key, None)
        if session is not None and session.device is not None:
            device, session.device = session.device, None
            await device.aclose()

    async def close_all(self) -> None:
        for key in list(self.sessions):
            await self.remove(key)

    # -- connecting -----------------------------------------------------------------------
    async def connect(self, session: DeviceSession) -> Device:
        """Open the device (identify its driver, read identity and capabilities)."""
        lock = self._connect_locks.setdefault(session.key, asyncio.Lock())
        async with lock:
            if session.device is not None:
                return session.device
            session.state = DeviceState.CONNECTING
            self.changed(session)
            if self._connect_slots is None:
                self._connect_slots = asyncio.Semaphore(self.max_connects)
            async with self._connect_slots:
                return await self._open(session)

    async def _open(self, session: DeviceSession) -> Device:
        """Identify the device and read its identity and capabilities (one slot held)."""
        try:
            device = await self._connector(
                session.entry.endpoint,
                session.credentials,
                driver_id=session.entry.driver or None,
                pins=self.pins,
                trust=self.trust,
            )
        except ConfiguratorError as exc:
            self.failed(session, exc)
            raise
        try:
            info = await device.read_info()
            session.capabilities = frozenset(await device.capabilities())
            device.restore_program_settings(session.entry.settings)
        except BaseException as exc:
            await device.aclose()
            if isinstance(exc, ConfiguratorError):
                self.failed(session, exc)
            raise
        session.device = device
        _update_entry(session.entry, device, info)
        self.succeeded(session)
        return device

    async def refresh(self, session: DeviceSession) -> None:
        """One status check: connect if needed, else a cheap identity read."""
        try:
            if session.device is None:
                await self.connect(session)
            else:
                await session.device.read_info()
                self.succeeded(session)
            await self._refresh_sip(session)
        except ConfiguratorError as exc:
            self.failed(session, exc)

    async def monitor(self, session: DeviceSession) -> None:
        """Refresh forever: every ``online_period`` when online, with backoff when not."""
        while True:
            await self.refresh(session)
            if session.state is DeviceState.ONLINE:
                delay = self.online_period
            elif session.state in (DeviceState.AUTH_FAILED, DeviceState.CERTIFICATE,
                                   DeviceState.UNSUPPORTED):
                return  # needs the user: new credentials or accepting a certificate
            else:
                delay = session.retry.next_delay()
            await asyncio.sleep(delay)

    async def _refresh_sip(self, session: DeviceSession) -> None:
        """Read the registration of every SIP account where the driver can tell it."""
        device = session.device
        if not isinstance(device, ReportsRegistration):
            return
        try:
            report = await device.sip_registrations()
        except ConfiguratorError as exc:
            log.debug("%s: registration not read: %s", session.key, exc)
            return
        if (report.accounts, report.note) != (session.registrations,
                                              session.registration_note):
            session.registrations = report.accounts
            session.registration_note = report.note
            self.changed(session)

    def note_registration(self, session: DeviceSession, record: SipRegistration) -> None:
        """A registration event: one account's new state (the others are kept)."""
        updated = merged(session.registrations, record)
        if updated != session.registrations:
            session.registrations = updated
            self.changed(session)

    # -- state transitions ----------------------------------------------------------------
    def succeeded(self, session: DeviceSession) -> None:
        changed = session.state is not DeviceState.ONLINE or session.message
        session.state = DeviceState.ONLINE
        session.message = ""
        session.error = None
        session.retry.reset()
        if changed:
            self.changed(session)

    def failed(self, session: DeviceSession, exc: ConfiguratorError) -> None:
        session.state = state_for(exc)
        session.message = str(exc)
        session.error = exc
        self.changed(session)

    @contextlib.asynccontextmanager
    async def busy(self, session: DeviceSession) -> AsyncIterator[None]:
        session.busy += 1
        self.changed(session)
        try:
            yield
        except ConfiguratorError as exc:
            if isinstance(exc, Unreachable | AuthError | CertificateMismatch):
                self.failed(session, exc)
            raise
        finally:
            session.busy -= 1
            self.changed(session)


def state_for(exc: BaseException) -> DeviceState:
    """What a session whose device failed with ``exc`` shows (anything else: offline)."""
    if isinstance(exc, AuthError):
        return DeviceState.AUTH_FAILED
    if isinstance(exc, CertificateMismatch | CertificateRejected):
        return DeviceState.CERTIFICATE
    if isinstance(exc, NotSupported):
        return DeviceState.UNSUPPORTED
    return DeviceState.OFFLINE


def _update_entry(entry: SiteDevice, device: Device, info: Any) -> None:
    entry.driver = device.driver_id or entry.driver
    entry.take_identity(info, name=False)
    entry.vendor = info.vendor or device.vendor or entry.vendor
    # Assumption: the device's own name (often a generic "System") is not used as the title;
    # the title is vendor + model unless the user named the device in the site file.


def endpoint_for(address: str, scheme: str, port: int | None) -> Endpoint:
    return Endpoint(address.strip(), port or None, "https" if scheme == "https" else "http")
