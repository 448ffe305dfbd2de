"""The camera viewer on the qasync loop: changing frames painted, stream stopped when hidden."""

from __future__ import annotations

import asyncio

from configurator.core.events import SourceState
from configurator.live.camera import CameraPipeline
from configurator.live.sources import url_camera
from configurator.ui.live.camera_view import CameraGrid, CameraView

from .mjpeg_server import CameraServer, colour


async def until(predicate, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        assert loop.time() < end, "condition not reached"
        await asyncio.sleep(0.01)


def centre_red(view: CameraView) -> int:
    image = view.canvas.grab().toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2).red()


def test_view_paints_changing_frames_and_stops_when_hidden(qloop, loopback, tmp_path) -> None:
    async def scenario() -> None:
        async with CameraServer(loopback(), fps=20) as cam:
            factory, transport = url_camera(cam.url("/stream"))
            pipeline = CameraPipeline(factory, name="door")
            view = CameraView(pipeline, title="Front door")
            view.resize(400, 330)
            assert not pipeline.running  # nothing streams before the view is visible
            view.show()
            await until(lambda: pipeline.stats.decoded >= 2)
            seen = set()
            for _ in range(40):
                seen.add(centre_red(view))
                if len(seen) >= 3:
                    break
                await asyncio.sleep(0.06)
            palette = {colour(i) for i in range(8)}
            assert len(seen) >= 3, seen  # the painted picture changes
            assert all(min(abs(r - c) for c in palette) <= 4 for r in seen), seen
            assert pipeline.stats.shown >= 1 and pipeline.state is SourceState.LIVE
            title, figures = view.canvas._overlay_lines()
            assert title == "Front door"
            if pipeline.stats.decoded_at[-1] - pipeline.stats.decoded_at[0] < 0.9:
                assert figures.startswith("… fps"), figures  # no rate from a few frames
            await until(lambda: view.canvas._overlay_lines()[1][0].isdigit(), 5)
            figures = view.canvas._overlay_lines()[1]
            fps = float(figures.split()[0])  # "19.8 fps · 3 ms · 320×240", refreshed 1/s
            assert 5 <= fps <= 40 and figures.endswith("320×240"), figures
            assert pipeline.stats.decoded >= 10  # a second of frames at 20 fps
            assert view.save_snapshot(str(tmp_path / "snap.png"))
            assert (tmp_path / "snap.png").stat().st_size > 1000

            view.pause_button.setChecked(True)
            assert not pipeline.running and view.canvas.status_text() == ""
            view.pause_button.setChecked(False)
            assert pipeline.running
            view.hide()
            assert not pipeline.running and pipeline.state is SourceState.STOPPED
            sent = cam.frames_sent
            await asyncio.sleep(0.2)
            assert cam.frames_sent - sent <= 2  # the server noticed the stream went away
            await pipeline.aclose()
            await transport.aclose()
            view.deleteLater()

    qloop.run_until_complete(scenario())


def test_grid_lays_out_cameras_and_full_screen_shares_the_stream(qloop, loopback) -> None:
    async def scenario() -> None:
        async with CameraServer(loopback(), fps=20) as cam:
            pipelines, transports = [], []
            grid = CameraGrid()
            for i in range(3):
                factory, transport = url_camera(cam.url("/stream"))
                pipelines.append(CameraPipeline(factory, name=f"cam{i}"))
                transports.append(transport)
                grid.add_camera(pipelines[-1], f"Camera {i}")
            grid.resize(640, 480)
            grid.show()
            positions = [grid._layout.getItemPosition(grid._layout.indexOf(v))[:2]
                         for v in grid.views]
            assert positions == [(0, 0), (0, 1), (1, 0)]
            await until(lambda: all(p.stats.decoded >= 1 for p in pipelines))
            view = grid.views[0]
            view.show_full_screen()
            assert view.full_screen is not None and view.full_screen.holding
            grid.hide()
            assert pipelines[0].running  # the full-screen window still holds it
            assert not pipelines[1].running
            view.full_screen.close()
            assert not pipelines[0].running
            grid.remove_camera(grid.views[2])
            assert len(grid.views) == 2
            for pipeline, transport in zip(pipelines, transports, strict=True):
                await pipeline.aclose()
                await transport.aclose()
            grid.deleteLater()

    qloop.run_until_complete(scenario())


def test_disabled_camera_says_why(qloop, loopback) -> None:
    async def scenario() -> None:
        async with CameraServer(loopback()) as cam:
            factory, transport = url_camera(cam.url("/auth"))
            pipeline = CameraPipeline(factory, name="door")
            view = CameraView(pipeline)
            view.show()
            await until(lambda: pipeline.state is SourceState.DISABLED)
            text = view.canvas.status_text()
            view.hide()
            await pipeline.aclose()
            await transport.aclose()
            view.deleteLater()
        assert text == ("Camera unavailable: camera: authentication failed "
                        "(check user and password)")

    qloop.run_until_complete(scenario())
