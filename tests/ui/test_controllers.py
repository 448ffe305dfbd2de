"""Each controller of the main window built alone: a context, the widgets it drives, no
MainWindow. What one controller changes reaches the others only through the context's signals,
so a test can watch those signals instead of the whole window."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDockWidget, QMainWindow

from configurator.core.device import ActionSpec
from configurator.core.errors import Rejected
from configurator.core.params import Kind, ParamSpec, SettingsPage
from configurator.core.transport import Credentials, MemoryPinStore
from configurator.services.credentials import CredentialStore
from configurator.services.sessions import SessionManager
from configurator.services.site import RecentSites, Site, SiteDevice
from configurator.services.tasks import TaskRegistry
from configurator.ui.context import WindowContext
from configurator.ui.devices.tree import DeviceTree
from configurator.ui.dialogs.prompter import AutoPrompter
from configurator.ui.live.camera_control import CameraControl
from configurator.ui.live.event_log import LiveLog
from configurator.ui.window.command_control import CommandControl
from configurator.ui.window.device_control import DeviceControl
from configurator.ui.window.navigation import Navigation
from configurator.ui.window.session_watch import SessionWatch
from configurator.ui.window.site_control import SiteControl

from .fakes import MemoryDevice
from .helpers import wait_until

RELAY = SettingsPage("relay", "Relay", (
    ParamSpec("hold", "Hold delay", Kind.INT, minimum=1, maximum=60),), capability="switches")
DOOR = ActionSpec("open_door", "Open door")


class ActionDevice(MemoryDevice):
    """A memory device with one action and a quiet event stream."""

    def __init__(self, host: str, fail: bool = False) -> None:
        super().__init__(pages=[RELAY], values={"hold": 5}, host=host)
        self.fail = fail
        self.ran: list[str] = []

    def actions(self):
        return [DOOR]

    async def run_action(self, action_id, args):
        self.ran.append(action_id)
        if self.fail:
            raise Rejected("the lock is blocked")
        return "opened"

    async def events(self) -> AsyncIterator:  # nothing happens at this door
        if False:
            yield None


def make_context(tmp_path, devices: dict[str, MemoryDevice] | None = None,
                 prompter: AutoPrompter | None = None) -> WindowContext:
    devices = devices if devices is not None else {}

    async def connector(endpoint, credentials, **_kwargs):
        return devices[endpoint.host]

    window = QMainWindow()
    manager = SessionManager(pins=MemoryPinStore(), connector=connector)
    return WindowContext(
        window=window, manager=manager, credentials=CredentialStore(None, persistent=False),
        tasks=TaskRegistry(), prompter=prompter or AutoPrompter(),
        settings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
        live=LiveLog(window), site=Site("Test site"))


async def close(ctx: WindowContext) -> None:
    ctx.manager.listeners.clear()  # as the window's shutdown: no session change follows
    await ctx.live.aclose()
    await ctx.tasks.shutdown()
    await ctx.manager.close_all()
    ctx.window.deleteLater()


def recorder(signal) -> list:
    seen: list = []
    signal.connect(lambda *args: seen.append(args[0] if args else None))
    return seen


def test_devices_add_and_remove_through_the_context_alone(qtbot, qloop, tmp_path):
    async def scenario():
        ctx = make_context(tmp_path, {"127.0.0.1": ActionDevice("127.0.0.1")})
        tree = DeviceTree()
        watch = SessionWatch(ctx, tree)
        devices = DeviceControl(ctx, watch, current=lambda: None)
        site_changes, dropped, released = (recorder(ctx.site_changed),
                                           recorder(ctx.device_dropped),
                                           recorder(ctx.device_released))
        try:
            entry = SiteDevice("127.0.0.1", 80, "http")
            assert await devices.add_device(entry, Credentials("admin", "pw")) == ""
            assert ctx.site.find(entry.key) is not None and entry.key in tree.devices
            assert site_changes == [None]
            assert "already in this site" in await devices.add_device(entry, None)
            await wait_until(lambda: entry.key in watch.nodes)
            await devices.remove_device(entry.key)
            assert released == [entry.key] and dropped == [entry.key]
            assert ctx.site.devices == [] and ctx.manager.sessions == {}
            assert entry.key not in watch.nodes and len(site_changes) == 2
        finally:
            await close(ctx)

    qloop.run_until_complete(scenario())


def test_sites_open_replaces_the_devices_and_renames(qtbot, qloop, tmp_path):
    async def scenario():
        ctx = make_context(tmp_path, {"127.0.0.2": ActionDevice("127.0.0.2")})
        tree = DeviceTree()
        watch = SessionWatch(ctx, tree)
        devices = DeviceControl(ctx, watch, current=lambda: None)
        sites = SiteControl(ctx, devices, RecentSites(tmp_path / "recent.json"))
        renamed = recorder(ctx.site_renamed)
        path = Site("Block C", [SiteDevice("127.0.0.2", 80, "http")]).save(tmp_path / "c.json")
        broken = tmp_path / "broken.json"
        broken.write_text("{ not json")
        try:
            assert await sites.open_site(path)
            assert ctx.site.name == "Block C" and renamed == [None]
            assert list(tree.devices) == ["127.0.0.2:80"]
            assert sites.recent.list() == [path]
            assert not await sites.open_site(broken)  # refused, the open site stays
            assert ctx.site.name == "Block C"
        finally:
            await close(ctx)

    qloop.run_until_complete(scenario())


@pytest.mark.parametrize("fail", [False, True])
def test_commands_run_an_action_and_note_the_result(qtbot, qloop, tmp_path, fail):
    async def scenario():
        device = ActionDevice("127.0.0.3", fail=fail)
        ctx = make_context(tmp_path, {"127.0.0.3": device})
        watch = SessionWatch(ctx, DeviceTree())
        commands = CommandControl(ctx, current_view=lambda: None)
        notes: list[str] = []
        ctx.live.hub.subscribe(lambda event: notes.append(event.summary))
        try:
            session = watch.add_session(SiteDevice("127.0.0.3", 80, "http"), None, device)
            result = await commands.run_action(session, DOOR)
            assert device.ran == ["open_door"]
            if fail:
                assert result is None
                assert any("Open door failed" in n and "the lock is blocked" in n
                           for n in notes)
            else:
                assert result == "opened"
                assert any("Open door on" in n and "done (opened)" in n for n in notes)
        finally:
            await close(ctx)

    qloop.run_until_complete(scenario())


def test_navigation_builds_a_page_once_and_drops_it_with_the_device(qtbot, qloop, tmp_path):
    async def scenario():
        device = ActionDevice("127.0.0.4")
        ctx = make_context(tmp_path, {"127.0.0.4": device})
        tree = DeviceTree()
        watch = SessionWatch(ctx, tree)
        navigation = Navigation(ctx, tree, watch.nodes, ctx.window)
        pages = recorder(navigation.page_changed)
        try:
            entry = SiteDevice("127.0.0.4", 80, "http")
            session = watch.add_session(entry, None, device)
            session.capabilities = await device.capabilities()
            ctx.manager.changed(session)
            view = navigation.select_capability(entry.key, "switches")
            assert view is not None and navigation.current_view() is view
            assert navigation.current_session() is session and pages
            assert navigation.select_capability(entry.key, "switches") is view  # built once
            ctx.device_dropped.emit(entry.key)
            assert navigation.views == {} and entry.key not in tree.devices
            assert navigation.stack.currentWidget() is navigation.welcome
        finally:
            await close(ctx)

    qloop.run_until_complete(scenario())


def test_camera_forgets_a_released_device(qtbot, qloop, tmp_path):
    async def scenario():
        ctx = make_context(tmp_path)
        dock = QDockWidget("Camera", ctx.window)
        camera = CameraControl(ctx, dock)
        try:
            assert dock.widget() is camera.panel
            pipeline = camera.keeper.make(lambda: None, "127.0.0.5:80", "door")  # not started
            camera.keeper.make(lambda: None, "127.0.0.6:80", "gate")
            ctx.device_released.emit("127.0.0.5:80")
            assert pipeline not in camera.keeper.owners
            assert list(camera.keeper.owners.values()) == ["127.0.0.6:80"]
        finally:
            await camera.aclose()
            await close(ctx)

    qloop.run_until_complete(scenario())
