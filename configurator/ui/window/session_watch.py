"""Main window device watching: one status monitor and one event stream per device, state
changes reflected in the tree, the event log and the counts, certificate changes asked about."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from ...core.errors import CertificateMismatch, DeviceError
from ...core.events import DeviceEvent, Severity
from ...core.transport import Credentials
from ...services.sessions import DeviceSession, DeviceState
from ...services.site import SiteDevice
from ..devices.capability_nodes import capability_nodes


class SessionWatch:
    """Mixin of ``MainWindow``: keeps the window in step with the session manager."""

    def add_session(self, entry: SiteDevice, creds: Credentials | None,
                    device: Any = None) -> DeviceSession:
        """Put a device into the site and the tree and start watching it."""
        self.site.add(entry)
        session = self.manager.add(entry, creds)
        self.tree.add_device(session)
        if device is not None and session.device is None:
            session.device = device
            self.manager.succeeded(session)
        self._start_monitor(session)
        self._update_counts()
        return session

    def _session_changed(self, session: DeviceSession) -> None:
        if session.key not in self.manager.sessions:
            return
        self.tree.update_device(session)
        self.live.rename(session.key, session.entry.address, session.title)
        self._note_state(session)
        if session.device is not None and session.key not in self.nodes:
            self.nodes[session.key] = capability_nodes(session.device, session.capabilities)
            self.tree.set_capabilities(session.key, self.nodes[session.key])
        if session.device is not None:
            self._start_events(session)
        if (session.state is DeviceState.CERTIFICATE and isinstance(session.error,
                                                                    CertificateMismatch)
                and session.key not in self._asked_certificate):
            self._asked_certificate.add(session.key)
            self.spawn(self._certificate_changed(session, session.error), owner=session.key)
        current = self.current_session()
        if current is session and self.stack.currentWidget() is self.device_page:
            self.device_page.show_session(session)
        self._update_counts()
        self._tasks_changed(0)
        self._update_actions()

    def _note_state(self, session: DeviceSession) -> None:
        """State transitions go to the event log (as events of the local source, journaled),
        so the installer sees when things changed."""
        old = self._last_state.get(session.key)
        if old is session.state or session.state is DeviceState.CONNECTING:
            return
        self._last_state[session.key] = session.state
        entry = session.entry
        if session.state is DeviceState.ONLINE:
            extra = f" (firmware {entry.firmware})" if entry.firmware else ""
            self.live.note(entry.address, f"{session.title} online{extra}",
                           type_="DeviceOnline")
        else:
            self.live.note(entry.address, f"{session.title} {session.state}: {session.message}",
                           Severity.WARNING, type_="DeviceOffline")

    def _start_events(self, session: DeviceSession) -> None:
        """Follow the device's event stream in the hub (once per connected device)."""
        if session.key in self._followed:
            return
        self._followed.add(session.key)
        self.live.follow(session.key, session.entry.address, session.title,
                         self._events_factory(session.key))

    def _events_factory(self, key: str) -> Callable[[], AsyncIterator[DeviceEvent]]:
        def events() -> AsyncIterator[DeviceEvent]:
            session = self.manager.get(key)
            if session is None or session.device is None:
                raise DeviceError("not connected", host=key)
            return session.device.events()
        return events

    async def _stop_events(self, key: str) -> None:
        self._followed.discard(key)
        await self.live.unfollow(key)

    def _event_activated(self, event: DeviceEvent) -> None:
        self.select_device(event.device)
        self.show_event_camera(event)

    async def _certificate_changed(self, session: DeviceSession, exc: CertificateMismatch
                                   ) -> None:
        if await self.prompter.accept_new_certificate(session.entry.address, exc.pinned,
                                                      exc.presented):
            self.manager.pins.put(session.entry.endpoint.key, exc.presented)
            self._asked_certificate.discard(session.key)
            self._start_monitor(session)

    def reconnect_current(self) -> None:
        session = self.current_session()
        if session is None:
            return
        self.spawn(self._reconnect(session), owner=session.key, name="reconnect")

    async def _reconnect(self, session: DeviceSession) -> None:
        session.backoff = self.manager.backoff_first
        self._start_monitor(session)
        self.status(f"Reconnecting to {session.title}…")

    def _start_monitor(self, session: DeviceSession) -> None:
        """One status monitor per device (restarted, never duplicated)."""
        old = self._monitors.pop(session.key, None)
        if old is not None and not old.done():
            old.cancel()
        task = self.spawn(self.manager.monitor(session), owner=session.key, name="monitor")
        if task is not None:
            self._monitors[session.key] = task

    async def _release_device(self, key: str) -> None:
        """Stop everything running for a device: its tasks, event stream and cameras."""
        await self.tasks.cancel_owner(key)
        await self._stop_events(key)
        self.camera.forget(key)
        if self.camera_grid is not None:
            self.camera_grid.forget(key)
        self.cameras.retire_owner(key)
