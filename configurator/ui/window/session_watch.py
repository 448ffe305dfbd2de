"""Device watching: one status monitor and one event stream per device, state changes
reflected in the tree and the event log, certificate changes asked about."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ...core.errors import CertificateMismatch, DeviceError
from ...core.events import DeviceEvent, Severity
from ...core.transport import Credentials
from ...services.sessions import DeviceSession, DeviceState
from ...services.site import SiteDevice
from ..context import WindowContext
from ..devices.capability_nodes import CapabilityNode, capability_nodes
from ..devices.tree import DeviceTree
from ..live.event_log import LOCAL_SOURCE


class SessionWatch(QObject):
    """Keeps the tree and the event log in step with the session manager."""

    # A session changed (DeviceSession): the window refreshes counts, actions, device page.
    session_updated = Signal(object)
    # A device's own event arrived (DeviceSession): open pages refresh their status values.
    device_event = Signal(object)

    def __init__(self, ctx: WindowContext, tree: DeviceTree) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.tree = tree
        self.nodes: dict[str, list[CapabilityNode]] = {}  # capability nodes per device key
        self._followed: set[str] = set()
        self._asked_certificate: set[str] = set()
        self._monitors: dict[str, asyncio.Task[Any]] = {}
        self._last_state: dict[str, DeviceState] = {}
        ctx.manager.listeners.append(self.session_changed)
        self._unsubscribe = ctx.live.hub.subscribe(self._event_arrived)

    def add_session(self, entry: SiteDevice, creds: Credentials | None,
                    device: Any = None) -> DeviceSession:
        """Put a device into the site and the tree and start watching it."""
        self.ctx.site.add(entry)
        session = self.ctx.manager.add(entry, creds)
        self.tree.add_device(session)
        if device is not None and session.device is None:
            session.device = device
            self.ctx.manager.succeeded(session)
        self.start_monitor(session)
        self.session_updated.emit(session)
        return session

    def session_changed(self, session: DeviceSession) -> None:
        manager = self.ctx.manager
        if session.key not in manager.sessions:
            return
        self.tree.update_device(session)
        self.ctx.live.rename(session.key, session.entry.address, session.title)
        self._note_state(session)
        if session.device is not None and session.key not in self.nodes:
            self.nodes[session.key] = capability_nodes(session.device, session.capabilities)
            self.tree.set_capabilities(session.key, self.nodes[session.key])
            self._mark_drafts(session)
            self.tree.update_device(session)  # the new nodes show marks and SIP accounts
        if session.device is not None:
            self._start_events(session)
        if (session.state is DeviceState.CERTIFICATE and isinstance(session.error,
                                                                    CertificateMismatch)
                and session.key not in self._asked_certificate):
            self._asked_certificate.add(session.key)
            self.ctx.spawn(self._certificate_changed(session, session.error), owner=session.key)
        self.session_updated.emit(session)

    def _mark_drafts(self, session: DeviceSession) -> bool:
        """Pages with a draft kept from an earlier run count as unsaved before they are
        opened (the tree marks them, quitting asks); returns whether any was marked."""
        drafts = self.ctx.drafts
        if drafts is None:
            return False
        nodes = self.nodes.get(session.key, [])
        pages = {page.id for node in nodes for page in node.pages}
        # A node that is one editor of its own (the configuration file) keeps its draft
        # under its capability.
        pages |= {node.capability for node in nodes if not node.pages and not node.tables}
        marked = pages & set(drafts.pages_with_drafts(session.key)) - session.dirty_pages
        session.dirty_pages |= marked
        return bool(marked)

    def stop(self) -> None:
        """Shutdown: no more session changes reach the window."""
        if self.session_changed in self.ctx.manager.listeners:
            self.ctx.manager.listeners.remove(self.session_changed)
        self._unsubscribe()

    def _event_arrived(self, event: DeviceEvent) -> None:
        """A device's event: a registration change updates that account at once (the tree
        and the SIP page follow); any device event tells open pages their status values may
        have changed (a switch went on)."""
        if event.source == LOCAL_SOURCE:
            return
        session = self._session_at(event.device)
        if session is None:
            return
        if event.registration is not None:
            self.ctx.manager.note_registration(session, event.registration)
        self.device_event.emit(session)

    def _session_at(self, device: str) -> DeviceSession | None:
        """The session an event belongs to (events name the device by address or key)."""
        sessions = self.ctx.manager.sessions
        if device in sessions:
            return sessions[device]
        return next((s for s in sessions.values() if s.entry.address == device), None)

    def _note_state(self, session: DeviceSession) -> None:
        """State transitions go to the event log (as events of the local source, journaled),
        so the installer sees when things changed."""
        old = self._last_state.get(session.key)
        if old is session.state or session.state is DeviceState.CONNECTING:
            return
        self._last_state[session.key] = session.state
        entry = session.entry
        if session.state is DeviceState.ONLINE:
            extra = (self.tr(" (firmware {version})").format(version=entry.firmware)
                     if entry.firmware else "")
            self.ctx.live.note(entry.address, self.tr("{device} online{firmware}").format(
                device=session.title, firmware=extra), type_="DeviceOnline")
        else:
            self.ctx.live.note(entry.address,
                               self.tr("{device} {state}: {message}").format(
                                   device=session.title, state=session.state,
                                   message=session.message),
                               Severity.WARNING, type_="DeviceOffline")

    def _start_events(self, session: DeviceSession) -> None:
        """Follow the device's event stream in the hub (once per connected device)."""
        if session.key in self._followed:
            return
        self._followed.add(session.key)
        self.ctx.live.follow(session.key, session.entry.address, session.title,
                             self._events_factory(session.key))

    def _events_factory(self, key: str) -> Callable[[], AsyncIterator[DeviceEvent]]:
        def events() -> AsyncIterator[DeviceEvent]:
            session = self.ctx.manager.get(key)
            if session is None or session.device is None:
                raise DeviceError("not connected", host=key)
            return session.device.events()
        return events

    async def _certificate_changed(self, session: DeviceSession, exc: CertificateMismatch
                                   ) -> None:
        if await self.ctx.prompter.accept_new_certificate(session.entry.address, exc.pinned,
                                                          exc.presented):
            self.ctx.manager.pins.put(session.entry.endpoint.key, exc.presented)
            self._asked_certificate.discard(session.key)
            self.start_monitor(session)

    def reconnect(self, session: DeviceSession | None) -> None:
        """Try the device again now (its backoff starts over)."""
        if session is None:
            return
        self.ctx.spawn(self._reconnect(session), owner=session.key, name="reconnect")

    async def _reconnect(self, session: DeviceSession) -> None:
        session.retry.reset()
        self.start_monitor(session)
        self.ctx.status(self.tr("Reconnecting to {title}…").format(title=session.title))

    def start_monitor(self, session: DeviceSession) -> None:
        """One status monitor per device (restarted, never duplicated)."""
        old = self._monitors.pop(session.key, None)
        if old is not None and not old.done():
            old.cancel()
        task = self.ctx.spawn(self.ctx.manager.monitor(session), owner=session.key,
                              name="monitor")
        if task is not None:
            self._monitors[session.key] = task

    async def release_device(self, key: str) -> None:
        """Stop everything running for a device: its tasks, event stream and cameras."""
        await self.ctx.tasks.cancel_owner(key)
        self._followed.discard(key)
        await self.ctx.live.unfollow(key)
        self.ctx.device_released.emit(key)

    def forget(self, key: str) -> None:
        """The device left the window: its capability nodes are built anew next time."""
        self.nodes.pop(key, None)
