"""Main window navigation: what the tree selection shows in the centre (welcome page, device
page or a capability's editors, built on first use) and selecting devices by key or address."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from ...services.sessions import DeviceSession
from ..devices.tree import CAP_ROLE, CAPABILITY, DEVICE, KEY_ROLE, KIND_ROLE
from ..editors.capability_view import CapabilityView
from ..editors.context import EditorContext


class Navigation:
    """Mixin of ``MainWindow``: the current selection and the centre page it shows."""

    def current_session(self) -> DeviceSession | None:
        index = self.tree.currentIndex()
        key = index.data(KEY_ROLE) if index.isValid() else None
        return self.manager.get(key) if key else None

    def current_view(self) -> CapabilityView | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, CapabilityView) else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        index = current.siblingAtColumn(0)
        kind = index.data(KIND_ROLE)
        key = index.data(KEY_ROLE)
        session = self.manager.get(key) if key else None
        if kind == CAPABILITY and session is not None:
            self.show_capability(session, index.data(CAP_ROLE))
            if index.data(CAP_ROLE) == "camera":
                self.show_camera(session)
        elif kind == DEVICE and session is not None:
            self.device_page.show_session(session)
            self.stack.setCurrentWidget(self.device_page)
        else:
            self.stack.setCurrentWidget(self.welcome)
        self._update_actions()

    def show_capability(self, session: DeviceSession, capability: str) -> CapabilityView | None:
        view = self.views.get((session.key, capability))
        if view is None:
            node = next((n for n in self.nodes.get(session.key, [])
                         if n.capability == capability), None)
            if node is None:
                return None
            ctx = EditorContext(session, self.manager, self.tasks, self.prompter, self.drafts,
                                self.status,
                                applied=lambda _page, s=session: self.settings_applied(s))
            view = CapabilityView(node, ctx, self.stack)
            view.action_requested.connect(
                lambda action, s=session: self.spawn(self.run_action(s, action), owner=s.key))
            view.dirty_changed.connect(self._update_actions)
            self.views[(session.key, capability)] = view
            self.stack.addWidget(view)
            self.spawn(view.load(), owner=session.key, name=f"load {capability}")
        self.stack.setCurrentWidget(view)
        return view

    def select_device(self, device: str) -> bool:
        """Select a device in the tree by its key (``host:port``) or address (event rows)."""
        for session in self.manager.sessions.values():
            if device in (session.key, session.entry.address):
                item = self.tree.devices.get(session.key)
                if item is not None:
                    self.tree.select(item.index())
                    return True
        return False

    def select_capability(self, key: str, capability: str) -> CapabilityView | None:
        self.tree.select(self.tree.capability_index(key, capability))
        return self.views.get((key, capability))
