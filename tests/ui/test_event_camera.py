"""Double-click an event: the Camera dock shows the frame of the event's moment (2N keeps the
last 30 s of frames), labelled with the event time, until "Back to live"."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from PySide6.QtCore import Qt

from configurator.core.events import now_utc
from configurator.simulators.twon.camera import FRAME_RATE, render
from configurator.ui.dialogs.prompter import AutoPrompter
from configurator.ui.live.camera_control import NO_FRAME_KEPT, keeps_past_frames, seconds_back
from configurator.ui.live.camera_windows import moment_text

from .helpers import wait_until
from .test_live_integration import subscribed
from .test_window import close, open_window, session_at, start


def frame_moment(sim, jpeg: bytes, around: float, source: str, size: tuple[int, int]
                 ) -> float | None:
    """The simulator time a JPEG shows: frames are a pure function of the frame tick, so the
    tick whose rendering is byte-identical to ``jpeg`` (searched ±3 s around ``around``)."""
    camera = sim.extensions["camera"]
    centre = camera.tick_at(around)
    for tick in range(max(0, centre - 3 * FRAME_RATE), centre + 3 * FRAME_RATE + 1):
        utc = camera.start + tick / FRAME_RATE
        if render(camera.variant, source, size[0], size[1], tick, utc) == jpeg:
            return utc
    return None


def test_seconds_back_is_clamped_to_the_memory_window():
    now = datetime(2024, 5, 1, 12, 0, 30, tzinfo=UTC)
    assert seconds_back(now - timedelta(seconds=12.4), now) == 12
    assert seconds_back(now - timedelta(seconds=30), now) == 30
    assert seconds_back(now + timedelta(seconds=2), now) == 0  # device clock slightly ahead
    assert seconds_back(now - timedelta(seconds=31), now) is None


def test_only_devices_with_a_picture_memory_keep_past_frames():
    camera = SimpleNamespace(id="internal")
    async def snapshot(source="", width=0, height=0, *, time=0):
        return b""

    # the ability is a type (core.abilities.KeepsPastFrames), not a reach into device.client
    memory = SimpleNamespace(past_frames_seconds=30, snapshot=snapshot,
                             cameras=lambda: [camera])
    assert keeps_past_frames(memory)
    assert not keeps_past_frames(SimpleNamespace(snapshot=snapshot, cameras=lambda: [camera]))
    assert not keeps_past_frames(SimpleNamespace(past_frames_seconds=30, snapshot=snapshot,
                                                 cameras=lambda: []))
    assert not keeps_past_frames(None)


def test_double_click_event_shows_the_frame_of_its_moment(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback(), model="verso")
        # the camera has been running for a minute: frames from before the event exist (a
        # fresh camera answers its first frame for any moment before it started)
        sim.extensions["camera"].start -= 60
        window = await open_window([sim], AutoPrompter(args={"switch": 1}))
        try:
            session = session_at(window, sim.host)
            await subscribed(session.device)
            await window.commands.run_action(session, session.device.action("open_door"))
            await wait_until(lambda: any(e.type == "SwitchStateChanged" for e in
                                         window.events.model.visible_events()))
            window.events.flush()
            events = window.events.model.visible_events()
            door = next(e for e in events if e.type == "SwitchStateChanged")
            panel = window.camera.panel
            assert not panel.showing_still

            # double-click the event's row
            table = window.events.table
            index = window.events.model.index(events.index(door), 2)
            table.scrollTo(index)
            rect = table.visualRect(index)
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

            # the jump to the device still works
            assert window.navigation.current_session() is session
            assert panel.showing_still and panel.still.moment == door.utc
            await wait_until(lambda: panel.still.jpeg is not None)
            assert moment_text(door.utc) in panel.still.caption.text()
            assert panel.still.isVisible() and not panel.view.isVisible()
            assert not panel.view.canvas.holding  # the live stream is let go while the still shows
            size = panel.resolution_box.currentData()
            shown = frame_moment(sim, panel.still.jpeg, door.utc.timestamp(),
                                 panel.source_box.currentData(), size)
            assert shown is not None, "the still frame is no frame of the simulator"
            assert abs(shown - door.utc.timestamp()) <= 1.0

            # Back to live: the live picture and its stream come back
            pipeline = panel.pipeline
            before = pipeline.last_frame
            qtbot.mouseClick(panel.still.back_button, Qt.MouseButton.LeftButton)
            assert not panel.showing_still
            assert panel.view.isVisible() and not panel.still.isVisible()
            assert panel.view.canvas.holding and pipeline.running
            await wait_until(lambda: pipeline.last_frame is not None
                             and pipeline.last_frame is not before)

            # an event older than the device's memory: said so, no frame
            old = dataclasses.replace(door, utc=now_utc() - timedelta(seconds=45))
            window.events.eventActivated.emit(old)
            assert panel.showing_still and panel.still.jpeg is None
            assert panel.still.picture.text() == NO_FRAME_KEPT
            assert not panel.view.canvas.holding
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_double_click_keeps_the_users_place_and_the_log_in_view(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback(), model="verso")
        window = await open_window([sim], AutoPrompter(args={"switch": 1}))
        try:
            session = session_at(window, sim.host)
            await subscribed(session.device)
            await window.commands.run_action(session, session.device.action("open_door"))
            await wait_until(lambda: any(e.type == "SwitchStateChanged" for e in
                                         window.events.model.visible_events()))
            window.events.flush()
            door = next(e for e in window.events.model.visible_events()
                        if e.type == "SwitchStateChanged")
            # the installer is on the SIP page; the camera and the log are tabbed together
            window.navigation.select_capability(session.key, "sip")
            place = window.tree.currentIndex()
            page = window.navigation.stack.currentWidget()
            window.tabifyDockWidget(window.docks.events, window.docks.camera)
            window.docks.camera.raise_()
            window.docks.events.raise_()
            window.events.eventActivated.emit(door)
            assert window.tree.currentIndex() == place  # the tree did not jump
            assert window.navigation.stack.currentWidget() is page
            assert window.camera.panel.showing_still
            # both in view: the log was not hidden behind the camera
            assert window.tabifiedDockWidgets(window.docks.events) == []
            assert window.docks.events.isVisible() and window.docks.camera.isVisible()
            assert not window.docks.events.visibleRegion().isEmpty()
            assert not window.camera.panel.visibleRegion().isEmpty()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())
