"""Discovery in the window: the Discovery dock (built on first use) and adding what it found
through the same path as "Add device", asking credentials once per vendor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget

from ...core.events import Severity
from ...core.transport import Credentials
from ..context import WindowContext, bring_forward, credentials_from

if TYPE_CHECKING:  # the panel and the discovery engine are imported on first use
    from .discovery_panel import DiscoveryPanel
    from .found_devices import AddDevice


class DiscoveryControl(QObject):
    """The Discovery dock (``panel`` built on first use) and adding discovered devices
    through ``add_device`` (the path of "Add device")."""

    def __init__(self, ctx: WindowContext, dock: QDockWidget, add_device: AddDevice) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.dock = dock
        self.add_device = add_device
        self.panel: DiscoveryPanel | None = None
        dock.visibilityChanged.connect(self._dock_visible)

    def show_discovery(self) -> DiscoveryPanel:
        """The Discovery dock (its panel built on first use), brought forward."""
        if self.panel is None:
            # Assumption: discovery is an occasional task; it opens as a floating window
            # (dockable by the user) instead of squeezing the editors.
            self.dock.setFloating(True)
            self.dock.resize(920, 540)
        panel = self._build_panel()
        if self.ctx.demo:
            self.set_discovery_defaults()
        bring_forward(self.dock)
        return panel

    def _dock_visible(self, visible: bool) -> None:
        """The dock was shown another way (the saved layout at start-up, View > Discovery):
        it gets its panel too, never an empty frame."""
        if visible and self.panel is None:
            self._build_panel()
            if self.ctx.demo:
                self.set_discovery_defaults()

    def _build_panel(self) -> DiscoveryPanel:
        if self.panel is None:
            from .discovery_panel import DiscoveryPanel

            # Assumption: in demo mode the machine's own interfaces are not offered (the
            # fleet lives on loopback); the default range is the one holding the fleet.
            self.panel = DiscoveryPanel(self.dock, interfaces=[] if self.ctx.demo else None,
                                        settings=self.ctx.settings)
            self.panel.addRequested.connect(
                lambda devices: self.ctx.spawn(self.add_discovered_devices(devices),
                                               name="add discovered"))
            self.panel.model.in_site = self._in_site
            self.dock.setWidget(self.panel)
        return self.panel

    def _in_site(self, device: Any) -> bool:
        """A found device is in the site when an entry has its MAC, its serial, or its
        address and port."""
        for entry in self.ctx.site.devices:
            if device.mac and entry.mac and device.mac.lower() == entry.mac.lower():
                return True
            if device.serial and entry.serial == device.serial:
                return True
            if entry.address == device.address and (not device.port
                                                    or entry.port == device.port):
                return True
        return False

    def set_discovery_defaults(self) -> None:
        """Demo mode: sweep the range and the ports of the devices in the site."""
        panel = self.panel
        if panel is None:
            return
        from .found_devices import covering_range

        entries = [s.entry for s in self.ctx.manager.sessions.values()]
        ranges = covering_range(e.address for e in entries)
        if ranges:
            panel.ranges_edit.setText(ranges)
        ports = sorted({e.port for e in entries if e.port and e.port not in (80, 443)})
        panel.ports_edit.setText(", ".join(map(str, ports)))

    async def ask_discovered_credentials(self, vendor: str, devices: list[Any]
                                         ) -> Credentials | None:
        """Asked once per vendor before discovered devices are added."""
        from .found_devices import credentials_spec

        spec = credentials_spec(vendor, len(devices))
        answer = await self.ctx.prompter.action_args(self.ctx.window, vendor, spec)
        if answer is None:
            return None
        return credentials_from(answer)

    async def add_discovered_devices(self, devices: list[Any]) -> list[str]:
        """Add discovered devices through the same path as "Add device"."""
        from .found_devices import add_discovered

        added, errors = await add_discovered(devices, self.ask_discovered_credentials,
                                             self.add_device)
        model = self.panel.model if self.panel is not None else None
        for address in added:
            if model is not None:
                model.set_note(address, self.tr("added to the site"), added=True)
        for line in errors:
            address, _, reason = line.partition(": ")
            if model is not None:  # the reason next to the device, not only in the log
                model.set_note(address, reason)
            self.ctx.live.note(address, line, Severity.WARNING, type_="AddFailed")
        self.ctx.status(self.tr("Added {count} device(s)").format(count=len(added)) + (
            self.tr(", {count} not added (why: next to each in Discovery)").format(
                count=len(errors)) if errors else ""))
        return added

    async def aclose(self) -> None:
        if self.panel is not None:
            await self.panel.aclose()
