"""Navigation: what the tree selection shows in the centre (welcome page, device page or a
capability's editors, built on first use) and selecting devices by key or address."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from ...core.device import ActionSpec
from ...services.sessions import DeviceSession
from ...services.site_ops.audit import record_edits
from ..context import WindowContext
from ..devices.capability_nodes import CapabilityNode
from ..devices.summary_page import DevicePage
from ..devices.tree import CAP_ROLE, CAPABILITY, DEVICE, KEY_ROLE, KIND_ROLE, DeviceTree
from ..editors.capability_view import CapabilityView
from ..editors.context import EditorContext
from .welcome import WelcomePage


class Navigation(QObject):
    """The current selection and the centre page it shows (``stack``)."""

    page_changed = Signal()  # another page, or the current page's dirty state changed
    camera_selected = Signal(object)  # DeviceSession whose Camera node was selected
    action_requested = Signal(object, object)  # DeviceSession, ActionSpec

    def __init__(self, ctx: WindowContext, tree: DeviceTree,
                 nodes: dict[str, list[CapabilityNode]], parent: QWidget) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.tree = tree
        self.nodes = nodes
        self.views: dict[tuple[str, str], CapabilityView] = {}
        self.stack = QStackedWidget(parent)
        self.welcome = WelcomePage(parent, demo=ctx.demo)
        self.device_page = DevicePage(parent)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.device_page)
        tree.selectionModel().currentChanged.connect(self._current_changed)
        ctx.device_dropped.connect(self._device_dropped)
        ctx.editors_stale.connect(self.drop_views)

    def current_session(self) -> DeviceSession | None:
        index = self.tree.currentIndex()
        key = index.data(KEY_ROLE) if index.isValid() else None
        return self.ctx.manager.get(key) if key else None

    def current_view(self) -> CapabilityView | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, CapabilityView) else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        index = current.siblingAtColumn(0)
        kind = index.data(KIND_ROLE)
        key = index.data(KEY_ROLE)
        session = self.ctx.manager.get(key) if key else None
        if kind == CAPABILITY and session is not None:
            self.show_capability(session, index.data(CAP_ROLE))
            if index.data(CAP_ROLE) == "camera":
                self.camera_selected.emit(session)
        elif kind == DEVICE and session is not None:
            self.device_page.show_session(session)
            self.stack.setCurrentWidget(self.device_page)
        else:
            self.stack.setCurrentWidget(self.welcome)
        self.page_changed.emit()

    def session_updated(self, session: DeviceSession) -> None:
        """The device page and the device's open pages follow the state of the device."""
        if (self.current_session() is session
                and self.stack.currentWidget() is self.device_page):
            self.device_page.show_session(session)
        for (key, _capability), view in self.views.items():
            if key == session.key:
                view.session_updated()

    def device_event(self, session: DeviceSession) -> None:
        """An event of the device: the page shown now refreshes its status values."""
        view = self.current_view()
        if view is not None and view.ctx.session is session:
            view.device_event()

    def show_capability(self, session: DeviceSession, capability: str) -> CapabilityView | None:
        view = self.views.get((session.key, capability))
        if view is None:
            node = next((n for n in self.nodes.get(session.key, [])
                         if n.capability == capability), None)
            if node is None:
                return None
            ctx = self.ctx
            editor_ctx = EditorContext(
                session, ctx.manager, ctx.tasks, ctx.prompter, ctx.drafts, ctx.status,
                applied=lambda _page, s=session: ctx.settings_applied.emit(s),
                audited=lambda _page, changes, s=session: record_edits(
                    ctx.live.hub.publish, s.entry.address, s.title, changes))
            view = CapabilityView(node, editor_ctx, self.stack)
            view.action_requested.connect(
                lambda action, s=session: self._request_action(s, action))
            view.dirty_changed.connect(self.page_changed.emit)
            view.capability_requested.connect(
                lambda cap, s=session: self.select_capability(s.key, cap))
            self.views[(session.key, capability)] = view
            self.stack.addWidget(view)
            ctx.spawn(view.load(), owner=session.key, name=f"load {capability}")
        self.stack.setCurrentWidget(view)
        return view

    def _request_action(self, session: DeviceSession, action: ActionSpec) -> None:
        self.action_requested.emit(session, action)

    def select_device(self, device: str) -> bool:
        """Select a device in the tree by its key (``host:port``) or address (event rows)."""
        for session in self.ctx.manager.sessions.values():
            if device in (session.key, session.entry.address):
                item = self.tree.devices.get(session.key)
                if item is not None:
                    self.tree.select(item.index())
                    return True
        return False

    def select_capability(self, key: str, capability: str) -> CapabilityView | None:
        self.tree.select(self.tree.capability_index(key, capability))
        return self.views.get((key, capability))

    def save_drafts(self) -> None:
        """Shutdown: every open form keeps what was typed and not applied."""
        for view in self.views.values():
            for form in view.forms:
                form.save_draft()
            if view.config_file is not None:
                view.config_file.save_draft()

    def drop_views(self, key: str) -> None:
        """Forget the editors built for a device's old session."""
        for view_key in [k for k in self.views if k[0] == key]:
            view = self.views.pop(view_key)
            self.stack.removeWidget(view)
            view.deleteLater()
        if self.stack.currentWidget() is None:
            self.stack.setCurrentWidget(self.welcome)

    def _device_dropped(self, key: str) -> None:
        self.drop_views(key)
        self.tree.remove_device(key)
        self.stack.setCurrentWidget(self.welcome)
