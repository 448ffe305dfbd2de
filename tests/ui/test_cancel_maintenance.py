"""Cancel on the Maintenance page: a backup or a file download that takes long can be stopped;
nothing is saved, the page says so, and the window's own shutdown still cancels the task."""

from __future__ import annotations

import asyncio

import pytest

from .test_maintenance import ScriptedAsker
from .test_window import close, open_window, session_at, start


async def wait_until(predicate, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


def held(calls: list[str], name: str):
    """A device call that never answers (a slow device), recording that it started."""
    async def call(*_args, **_kwargs):
        calls.append(name)
        await asyncio.Event().wait()
    return call


@pytest.mark.parametrize("what", ["backup", "download"])
def test_cancel_stops_a_long_read_and_nothing_is_saved(qtbot, qloop, loopback, tmp_path, what):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            panel = window.navigation.select_capability(session.key,
                                                        "maintenance").maintenance
            panel.asker = asker = ScriptedAsker(save_path=str(tmp_path / "saved"))
            calls: list[str] = []
            if what == "backup":
                session.device.backup = held(calls, "backup")
                task = asyncio.ensure_future(panel.backup())
            else:
                session.device.download = held(calls, "download")
                task = asyncio.ensure_future(panel.download(panel.files[0]))
            await wait_until(lambda: calls and panel.progress.cancel_button.isVisible())
            assert panel.progress.isVisible() and panel.busy
            panel.progress.cancel_button.click()
            assert await task == ""
            assert panel.banner.kind == "info" and "cancelled" in panel.banner.text()
            assert asker.asked == [] and not (tmp_path / "saved").exists()
            assert not panel.busy and not panel.progress.isVisible()
            assert not panel.progress.cancel_button.isVisible()
            await wait_until(lambda: session.busy == 0)  # the busy ring is released
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_writes_offer_no_cancel_and_a_window_close_still_cancels(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            panel = window.navigation.select_capability(session.key,
                                                        "maintenance").maintenance
            calls: list[str] = []
            session.device.restore = held(calls, "restore")
            write = asyncio.ensure_future(panel._run("Sending…", lambda: session.device.restore(
                b"x", "x.tgz")))
            await wait_until(lambda: calls and panel.progress.isVisible())
            assert not panel.progress.cancel_button.isVisible()  # a write: no Cancel
            write.cancel()  # what the window's shutdown does
            with pytest.raises(asyncio.CancelledError):
                await write
            session.device.backup = held(calls, "backup")
            read = asyncio.ensure_future(panel.backup())
            await wait_until(lambda: "backup" in calls)
            read.cancel()  # not the button: the cancel propagates, it is not "cancelled"
            with pytest.raises(asyncio.CancelledError):
                await read
            assert panel.banner.kind != "info"
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())
