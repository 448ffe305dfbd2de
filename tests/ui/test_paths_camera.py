"""View → Camera by URL…: any MJPEG stream or JPEG snapshot URL in the Camera dock, against the
small aiohttp camera of the live tests on a loopback address."""

from __future__ import annotations

import asyncio

from configurator.core.events import SourceState
from configurator.ui.dialogs.prompter import AutoPrompter

from ..live.mjpeg_server import CameraServer
from .helpers import wait_until
from .test_window import close, open_window


def url_answer(url: str, user: str = "", password: str = "") -> dict[str, str]:
    return {"url": url, "user": user, "password": password}


async def ask_camera(window, prompter: AutoPrompter, answer: dict[str, str] | None) -> None:
    """Trigger View → Camera by URL… with the dialog answered by ``answer`` (None: cancel)."""
    prompter.answer = answer is not None
    prompter.args = answer or {}
    asked = len(prompter.asked)
    window.menus.camera_url_action.trigger()
    await wait_until(lambda: len(prompter.asked) > asked
                     and window.ctx.tasks.count("app") == 0)
    assert prompter.asked[-1] == ("args", "camera_url")


def test_mjpeg_url_streams_changing_frames_into_the_camera_dock(qtbot, qloop, loopback):
    async def scenario():
        async with CameraServer(loopback(), fps=30) as camera:
            prompter = AutoPrompter()
            window = await open_window([], prompter)
            try:
                assert window.camera.panel.pipeline is None
                url = camera.url("/stream")
                await ask_camera(window, prompter, url_answer(url))
                pipeline = window.camera.panel.pipeline
                assert pipeline is not None
                # the dock came forward over the Event log tab, so the stream runs
                assert window.docks.camera.isVisible() and window.camera.panel.view.isVisible()
                await wait_until(lambda: pipeline.stats.decoded >= 1)
                first = pipeline.last_frame.rgb
                await wait_until(lambda: pipeline.stats.decoded >= 4)
                assert first != pipeline.last_frame.rgb
                assert (pipeline.last_frame.width, pipeline.last_frame.height) == (320, 240)
                assert pipeline.state is SourceState.LIVE and pipeline.source_label == "MJPEG"
                assert camera.connections == 1 and camera.snapshots == 0
                assert url in window.camera.panel.label.text()
            finally:
                await close(window, [])
            assert not pipeline.running and window.camera.keeper.owners == {}

    qloop.run_until_complete(scenario())


def test_snapshot_url_is_polled(qtbot, qloop, loopback):
    async def scenario():
        async with CameraServer(loopback()) as camera:
            prompter = AutoPrompter()
            window = await open_window([], prompter)
            try:
                await ask_camera(window, prompter, url_answer(camera.url("/snapshot")))
                pipeline = window.camera.panel.pipeline
                await wait_until(lambda: pipeline.stats.decoded >= 3)
                assert camera.snapshots >= 3 and camera.connections == 0
                assert pipeline.source_label == "snapshots"
            finally:
                await close(window, [])

    qloop.run_until_complete(scenario())


def test_refused_credentials_stop_the_camera_without_showing_the_password(qtbot, qloop,
                                                                         loopback):
    async def scenario():
        async with CameraServer(loopback()) as camera:
            prompter = AutoPrompter()
            window = await open_window([], prompter)
            try:
                await ask_camera(window, prompter,
                                 url_answer(camera.url("/auth"), "admin", "Hunter2-secret"))
                pipeline = window.camera.panel.pipeline
                await wait_until(lambda: pipeline.state is SourceState.DISABLED)
                await asyncio.sleep(0.1)
                # no retry loop on a wrong password: it stays stopped until asked again
                assert pipeline.stats.reconnects == 0 and pipeline.stats.received == 0
                assert pipeline.state is SourceState.DISABLED
                shown = " ".join([pipeline.message, window.camera.panel.label.text(),
                                  window.statusBar().currentMessage()])
                assert "Hunter2-secret" not in shown
                assert pipeline.message  # says why
            finally:
                await close(window, [])

    qloop.run_until_complete(scenario())


def test_bad_or_cancelled_url_starts_nothing(qtbot, qloop, loopback):
    async def scenario():
        async with CameraServer(loopback()) as camera:
            prompter = AutoPrompter()
            window = await open_window([], prompter)
            try:
                await ask_camera(window, prompter, url_answer("ftp://camera/stream"))
                assert window.statusBar().currentMessage() == (
                    "not a camera URL (http:// or https:// expected): 'ftp://camera/stream'")
                await ask_camera(window, prompter, None)  # the user cancelled the dialog
                assert window.camera.panel.pipeline is None and window.camera.keeper.owners == {}
                assert camera.connections == 0 and camera.snapshots == 0
            finally:
                await close(window, [])

    qloop.run_until_complete(scenario())


def test_a_camera_that_gave_up_is_not_running(qtbot, qloop, loopback):
    async def scenario():
        async with CameraServer(loopback()) as camera:
            prompter = AutoPrompter()
            window = await open_window([], prompter)
            try:
                await ask_camera(window, prompter, url_answer(camera.url("/auth"), "a", "b"))
                pipeline = window.camera.panel.pipeline
                await wait_until(lambda: pipeline.state is SourceState.DISABLED)
                assert not pipeline.running
            finally:
                await close(window, [])

    qloop.run_until_complete(scenario())
