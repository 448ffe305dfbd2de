"""The event log, camera dock and discovery dock wired into the main window, against real
2N simulators on loopback."""

from __future__ import annotations

import asyncio

import pytest

from configurator.core.events import SourceState
from configurator.core.transport import Credentials
from configurator.services.site import SiteDevice
from configurator.ui.dialogs.prompter import AutoPrompter
from configurator.ui.discovery.found_devices import covering_range

from .helpers import run_without_warnings, wait_until
from .test_window import close, open_view, open_window, session_at, start


def event_types(window) -> list[str]:
    window.events.flush()
    return [e.type for e in window.events.model.visible_events()]


async def subscribed(device) -> None:
    """Wait until the 2N driver's log channel exists (events after it are delivered)."""
    await wait_until(lambda: getattr(device, "event_source", None) is not None
                     and device.event_source.channel is not None)


def test_covering_range_is_the_smallest_cidr_of_the_fleet():
    fleet = [f"127.0.50.{n}" for n in range(1, 9)]
    assert covering_range(fleet) == "127.0.50.0/28"
    assert covering_range(["127.0.100.7", "127.0.100.8"]) == "127.0.100.0/28"
    assert covering_range(["10.0.0.1", "10.0.1.200"]) == "10.0.0.0/23"
    # a device on the /28's broadcast (or network) address would be skipped by the sweep
    assert covering_range(["127.0.100.14", "127.0.100.15"]) == "127.0.100.0/27"
    assert covering_range(["127.0.100.16", "127.0.100.17"]) == "127.0.100.0/27"
    assert covering_range([]) == ""


def test_door_opening_appears_in_event_log_and_journal(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback(), model="verso")
        window = await open_window([sim], AutoPrompter(args={"switch": 1}))
        try:
            session = session_at(window, sim.host)
            device = session.device
            await subscribed(device)
            assert "SwitchStateChanged" not in event_types(window)
            await window.commands.run_action(session, device.action("open_door"))
            assert window.statusBar().currentMessage().endswith(": done")
            await wait_until(lambda: "SwitchStateChanged" in event_types(window))
            events = window.events.model.visible_events()
            door = next(e for e in events if e.type == "SwitchStateChanged")
            assert door.device == sim.host and door.summary.startswith("Switch 1 on")
            # the program's own events: online, and the action result
            assert {"DeviceOnline", "ActionDone"} <= set(event_types(window))
            # the source list shows the stream as live, under the device's name
            await wait_until(lambda: window.live.sources.state_of(session.key) == "live")
            assert window.live.hub.states[session.key][0] is SourceState.LIVE
            # the Device column shows the name with the address
            row = events.index(door)
            shown = window.events.model.index(row, 1).data()
            assert shown == f"{session.title} ({sim.host})"
            # double-click jumps to the device
            window.tree.clearSelection()
            window.events.eventActivated.emit(door)
            assert window.navigation.current_session() is session
            # journaled
            window.live.journal.flush()
            stored = window.live.journal.search(types=["SwitchStateChanged"])
            assert [e.event_id for e in stored] == [door.event_id]
        finally:
            await close(window, [sim])
        # the history comes back on restart (same demo journal in the config dir)
        again = await open_window([])
        try:
            assert "SwitchStateChanged" in event_types(again)
            assert "ActionDone" in event_types(again)
        finally:
            await close(again, [])

    qloop.run_until_complete(scenario())


def test_camera_node_shows_changing_frames_and_stops_when_hidden(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback(), model="verso")
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            assert any(n.capability == "camera" for n in window.watch.nodes[session.key])
            window.navigation.select_capability(session.key, "camera")
            panel = window.camera.panel
            assert not panel.isHidden() and panel.isVisible()
            cameras = session.device.cameras()
            assert [panel.resolution_box.itemData(i)
                    for i in range(panel.resolution_box.count())] == list(
                        cameras[0].resolutions)
            assert (panel.fps_box.minimum(), panel.fps_box.maximum()) == (1, 30)
            pipeline = panel.pipeline
            await wait_until(lambda: pipeline.stats.decoded >= 1)
            first = pipeline.last_frame.rgb
            await wait_until(lambda: pipeline.stats.decoded >= 4)
            assert first != pipeline.last_frame.rgb
            assert panel.view.canvas.image is not None
            # a new fps choice makes a new stream at that rate
            panel.fps_box.setValue(5)
            assert panel.pipeline is not pipeline and not pipeline.running
            assert panel.pipeline.running
            # hidden behind the Event log tab (the user tabbed the two docks): the stream stops
            window.tabifyDockWidget(window.docks.events, window.docks.camera)
            window.docks.events.raise_()
            await wait_until(lambda: not panel.pipeline.running)
            window.docks.camera.raise_()
            await wait_until(lambda: panel.pipeline.running)
            # the grid window: one view per camera of the site, stopped when closed
            grid = window.camera.show_grid()
            assert len(grid.grid.views) == 1
            grid_pipeline = grid.pipelines()[0]
            await wait_until(lambda: grid_pipeline.stats.decoded >= 2)
            grid.close()
            assert not grid_pipeline.running
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_camera_page_resolution_is_what_the_dock_streams(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback(), model="verso")
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            view = await open_view(window, session, "camera")
            panel = window.camera.panel
            sizes = list(session.device.cameras()[0].resolutions)
            form = view.forms[0]
            row = form.rows["camera.resolution"]
            # Automatic: the dock takes the largest size up to 640 pixels wide
            assert row.editor.raw() == "auto"
            automatic = max(s for s in sizes if s[0] <= 640)
            assert panel.resolution_box.currentData() == automatic
            served = sim.extensions["camera"].sizes_served
            await wait_until(lambda: automatic in served)
            largest = sizes[-1]
            assert largest != automatic
            row.set_value(f"{largest[0]}x{largest[1]}")
            before = panel.pipeline
            assert await form.apply()
            assert panel.resolution_box.currentData() == largest
            assert panel.pipeline is not before and panel.pipeline.running
            # kept with the site, for the next time the device is opened
            assert window.ctx.site.find(session.key).settings["camera.resolution"] == \
                f"{largest[0]}x{largest[1]}"
            await wait_until(lambda: largest in served)
            # the dock's own choice stays while the Camera page does not change
            panel.resolution_box.setCurrentIndex(0)
            chosen = panel.pipeline
            window.ctx.settings_applied.emit(session)
            window.navigation.select_capability(session.key, "camera")
            assert panel.pipeline is chosen and panel.resolution_box.currentIndex() == 0
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_camera_choices_saved_with_the_site_come_back_on_connect(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("2n", loopback(), model="verso")
        info = sim.describe()
        window = await open_window([])
        try:
            entry = SiteDevice(address=info["address"], port=info["port"], driver="2n",
                               user=info["user"],
                               settings={"camera.source": "external",
                                         "camera.resolution": "320x240"})
            session = window.watch.add_session(entry, Credentials(info["user"], info["password"]))
            await wait_until(lambda: session.device is not None)
            cameras = session.device.cameras()
            assert cameras[0].id == "external" and cameras[0].preferred == (320, 240)
            window.navigation.select_capability(session.key, "camera")
            assert window.camera.panel.source_box.currentData() == "external"
            assert window.camera.panel.resolution_box.currentData() == (320, 240)
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_discovery_finds_two_simulators_and_adds_them(qtbot, qloop, loopback):
    async def scenario():
        # http only, so the sweep finds them on their test ports whoever runs the tests
        sims = [await start("2n", loopback(), model="verso", https_port=None),
                await start("2n", loopback(), model="style", https_port=None)]
        prompter = AutoPrompter(args={"user": sims[0].user, "password": sims[0].password})
        window = await open_window([], prompter)
        try:
            panel = window.discovery.show_discovery()
            assert panel.interface_list.count() == 0  # demo: never the machine's interfaces
            panel.ranges_edit.setText(covering_range(s.host for s in sims))
            panel.ports_edit.setText(", ".join(str(s.port) for s in sims))
            task = panel.start()
            assert task is not None
            await asyncio.wait_for(task, 20)
            found = sorted(panel.model.device(r).address for r in range(panel.model.rowCount()))
            assert found == sorted(s.host for s in sims)
            panel.table.selectAll()
            assert panel.add_button.isEnabled()
            panel.add_button.click()
            await wait_until(lambda: len(window.ctx.manager.sessions) == 2
                             and all(s.device is not None
                                     for s in window.ctx.manager.sessions.values()), 15)
            asked = [q for q in prompter.asked if q == ("args", "discovered_credentials")]
            assert asked == [("args", "discovered_credentials")]  # once for the vendor
            assert sorted(window.tree.devices) == sorted(f"{s.host}:{s.port}" for s in sims)
            models = sorted(s.entry.model for s in window.ctx.manager.sessions.values())
            assert all(models) and models == sorted(models)
        finally:
            await close(window, sims)

    qloop.run_until_complete(scenario())


def test_demo_discovery_defaults_to_the_fleet_range(qtbot, qloop, loopback):
    async def scenario():
        sims = [await start("2n", loopback(), model="verso"),
                await start("onetouch", loopback())]
        window = await open_window(sims)
        try:
            panel = window.discovery.show_discovery()
            assert panel.ranges_edit.text() == covering_range(s.host for s in sims)
            assert sorted(panel.ports_edit.text().split(", ")) == sorted(
                {str(s.port) for s in sims})
        finally:
            await close(window, sims)

    qloop.run_until_complete(scenario())


@pytest.mark.filterwarnings("error")
def test_closing_with_streams_and_event_tasks_shuts_down_cleanly(qtbot, qloop, loopback,
                                                                 caplog):
    async def scenario():
        sim = await start("2n", loopback(), model="verso")
        window = await open_window([sim])
        session = session_at(window, sim.host)
        await subscribed(session.device)
        window.navigation.select_capability(session.key, "camera")
        grid = window.camera.show_grid()
        pipelines = [window.camera.panel.pipeline, *grid.pipelines()]
        await wait_until(lambda: all(p.stats.decoded >= 1 for p in pipelines))
        panel = window.discovery.show_discovery()
        panel.ranges_edit.setText(sim.host)
        panel.ports_edit.setText(str(sim.port))
        panel.start()
        assert window.live.hub.devices == [session.key]
        journal = window.live.journal
        window.close()
        await asyncio.wait_for(window.wait_closed(), 10)
        assert window.ctx.tasks.count() == 0
        assert window.live.hub.devices == [] and window.live.journal is None
        assert not any(p.running for p in pipelines)
        assert window.camera.keeper.owners == {}
        assert not panel.running
        assert session.device is None
        with pytest.raises(Exception, match="closed"):
            journal.count()
        await sim.stop()

    run_without_warnings(qloop, caplog, scenario())


def test_removing_a_device_stops_its_event_stream_and_camera(qtbot, qloop, loopback):
    async def scenario():
        sims = [await start("2n", loopback(), model="verso"),
                await start("onetouch", loopback())]
        window = await open_window(sims)
        try:
            twon, onetouch = session_at(window, sims[0].host), session_at(window, sims[1].host)
            assert sorted(window.live.hub.devices) == sorted([twon.key, onetouch.key])
            window.navigation.select_capability(twon.key, "camera")
            pipeline = window.camera.panel.pipeline
            grid = window.camera.show_grid()
            tiles = {v.canvas.title for v in grid.grid.views}
            grid_pipeline = next(v.pipeline for v in grid.grid.views if v.canvas.title
                                 == twon.title)
            await wait_until(lambda: pipeline.stats.decoded >= 1
                             and grid_pipeline.stats.decoded >= 1)
            await window.devices.remove_device(twon.key)
            assert window.live.hub.devices == [onetouch.key]
            assert twon.key not in window.live.sources.items
            assert window.camera.panel.pipeline is None and not pipeline.running
            # the open grid window drops the device's tile and stops its stream too
            assert not grid_pipeline.running
            assert {v.canvas.title for v in grid.grid.views} == tiles - {twon.title}
            assert grid_pipeline not in window.camera.keeper.owners
            assert all(twon.key not in owner for owner in window.camera.keeper.owners.values())
        finally:
            await close(window, sims)

    qloop.run_until_complete(scenario())
