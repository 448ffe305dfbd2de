"""The editor shown for one capability node: tabs of generated forms and tables, plus the
node's actions as buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ...core.abilities import EditsConfigFile
from ...core.device import ActionSpec, Capability
from ...core.downloads import OffersFiles
from ...core.pictures import ShowsPictures
from ...core.plates import ReadsPlates
from ...core.recordings import CallRecordings
from ...services.sessions import DeviceState
from ..configfile.page import ConfigFilePage
from ..devices.capability_nodes import CapabilityNode
from ..i18n import param_text, translate
from ..icons import icon
from ..maintenance.maintenance_page import MaintenancePanel
from ..palette import fg_css
from .context import EditorContext
from .picture_panel import PicturePanel
from .plate_panel import PlatePanel
from .recordings_panel import RecordingsPanel
from .registration_panel import RegistrationPanel
from .settings_form import PageForm
from .table_editor import TableEditor

STATUS_REFRESH_DELAY_MS = 300


class CapabilityView(QWidget):
    dirty_changed = Signal()
    action_requested = Signal(object)  # ActionSpec
    capability_requested = Signal(str)  # a link to another node of the same device

    def __init__(self, node: CapabilityNode, ctx: EditorContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.node = node
        self.ctx = ctx
        self.forms: list[PageForm] = []
        self.tables: list[TableEditor] = []
        self.maintenance: MaintenancePanel | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        title = QLabel(self.tr("<span style='font-size:15px; font-weight:600'>{label}</span>"
                       "<span style='color:{muted}'> — {title} "
                       "({address})</span>").format(
                           label=translate("capabilities", node.label),
                           title=ctx.session.title, address=ctx.session.entry.address,
                           muted=fg_css("#78909c")), self)
        layout.addWidget(title)
        self.registration = RegistrationPanel(node.capability, self)
        layout.addWidget(self.registration)
        if node.actions:
            # A toolbar: in a narrow window the buttons that do not fit go into its »
            # menu instead of widening the page.
            bar = QToolBar(self)
            bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.action_bar = bar
            for action in node.actions:
                item = bar.addAction(icon("action"), param_text(action.label) + (
                    "…" if action.params or action.dangerous else ""))
                item.setToolTip(param_text(action.help or action.label))
                item.triggered.connect(lambda _=False, a=action: self._request(a))
            layout.addWidget(bar)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        for page in node.pages:
            form = PageForm(page, ctx, self.tabs)
            form.dirty_changed.connect(lambda _d, f=form: self._form_dirty(f))
            form.capability_requested.connect(self.capability_requested.emit)
            self.tabs.addTab(form, param_text(page.title))
            self.forms.append(form)
        for table in node.tables:
            editor = TableEditor(table, ctx, self.tabs)
            for signal in (editor.model.dataChanged, editor.model.modelReset,
                           editor.model.rowsInserted, editor.model.rowsRemoved):
                signal.connect(lambda *_, e=editor: self._table_dirty(e))
            self.tabs.addTab(editor, param_text(table.title))
            self.tables.append(editor)
        device = ctx.session.device
        self.picture: PicturePanel | None = None
        if (node.capability == Capability.DISPLAY and isinstance(device, ShowsPictures)
                and device.screens()):
            self.picture = PicturePanel(ctx, device, self)
            self.tabs.addTab(self.picture, self.tr("Picture"))
        self.plates: PlatePanel | None = None
        if (node.capability == Capability.ACCESS and isinstance(device, ReadsPlates)
                and device.reads_plates()):
            self.plates = PlatePanel(ctx, device, self)
            self.tabs.addTab(self.plates, self.tr("Licence plates"))
        self.recordings: RecordingsPanel | None = None
        if node.capability == Capability.CALLLOG and isinstance(device, CallRecordings):
            self.recordings = RecordingsPanel(ctx, device, self)
            self.tabs.addTab(self.recordings, self.tr("Recordings"))
        if node.capability == Capability.MAINTENANCE and device is not None:
            files = device.files() if isinstance(device, OffersFiles) else ()
            self.maintenance = MaintenancePanel(ctx, device.maintenance(), self, files=files)
            # A small window squeezes nothing: the page scrolls instead.
            scroll = QScrollArea(self)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(self.maintenance)
            if self.tabs.count():
                self.tabs.insertTab(0, scroll, self.tr("Backup and firmware"))
                self.tabs.setCurrentIndex(0)
            else:
                layout.addWidget(scroll, 1)
        self.config_file: ConfigFilePage | None = None
        if node.capability == Capability.CONFIG_FILE and isinstance(device, EditsConfigFile):
            self.config_file = ConfigFilePage(ctx, self)
            self.config_file.dirty_changed.connect(lambda d: self._mark("configfile", d))
            layout.addWidget(self.config_file, 1)
        if self.tabs.count():
            layout.addWidget(self.tabs, 1)
        elif self.maintenance is None and self.config_file is None:
            note = QLabel(self._empty_text(), self)
            note.setWordWrap(True)
            note.setStyleSheet(f"color: {fg_css('#546e7a')}; padding: 12px;")
            layout.addWidget(note)
            layout.addStretch(1)

        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(STATUS_REFRESH_DELAY_MS)
        self._status_timer.timeout.connect(self._refresh_status)
        self.session_updated()

    def session_updated(self) -> None:
        """The session changed: the registration lines follow it."""
        session = self.ctx.session
        records = [r for r in session.registrations if r.capability == self.node.capability]
        self.registration.show_records(records, session.registration_note,
                                       session.state is DeviceState.ONLINE)
        for form in self.forms:
            form.show_registrations(session.registrations)

    def device_event(self) -> None:
        """The device reported an event: status values may have changed (a switch is on).
        Events in a burst make one read, a moment after the first."""
        if any(f.has_status and f.loaded for f in self.forms) and \
                not self._status_timer.isActive():
            self._status_timer.start()

    def _refresh_status(self) -> None:
        form = self.current_form()
        if form is not None and form.has_status and self.isVisible():
            self.ctx.spawn(form.refresh_status(), "status")

    def _empty_text(self) -> str:
        if self.node.capability in ("events", "calllog", "doorlog"):
            return self.tr("Live events of this device appear in the Event log pane at the "
                           "bottom of the window.")
        if self.node.capability == "camera":
            return self.tr("The live picture is in the Camera dock at the bottom of the window "
                           "(source, resolution and frame rate are chosen there). View → Camera "
                           "grid shows every camera of the site.")
        return self.tr("Use the buttons above.")

    def _request(self, action: ActionSpec) -> None:
        self.action_requested.emit(action)

    def _form_dirty(self, form: PageForm) -> None:
        index = self.tabs.indexOf(form)
        self.tabs.setTabText(index, param_text(form.page.title) + (" •" if form.dirty else ""))
        self._mark(form.page.id, form.dirty)

    def _table_dirty(self, editor: TableEditor) -> None:
        index = self.tabs.indexOf(editor)
        self.tabs.setTabText(index, param_text(editor.spec.title) + (" •" if editor.dirty else ""))
        self._mark(f"table:{editor.spec.id}", editor.dirty)

    def _mark(self, page_key: str, dirty: bool) -> None:
        session = self.ctx.session
        was = page_key in session.dirty_pages
        if dirty:
            session.dirty_pages.add(page_key)
        else:
            session.dirty_pages.discard(page_key)
        if was != dirty:
            self.ctx.manager.changed(session)
        self.dirty_changed.emit()

    @property
    def dirty(self) -> bool:
        return (any(f.dirty for f in self.forms) or any(t.dirty for t in self.tables)
                or (self.config_file is not None and self.config_file.dirty))

    def current_form(self) -> PageForm | None:
        widget = self.tabs.currentWidget() if self.tabs.count() else None
        return widget if isinstance(widget, PageForm) else None

    async def load(self) -> None:
        for form in self.forms:
            await form.load()
            # A draft marked before the page was opened may not have survived validation:
            # the mark says what the form holds now.
            self._mark(form.page.id, form.dirty)
        for table in self.tables:
            await table.load()
        if self.plates is not None:
            await self.plates.load()
        if self.config_file is not None:
            await self.config_file.load()
