"""What the window remembers across a restart: its geometry, the dock layout, the last site."""

from __future__ import annotations

import asyncio

from configurator.app import build_window, reopen_last_site
from configurator.services.paths import config_dir
from configurator.services.site import RecentSites, Site
from configurator.ui.dialogs.prompter import AutoPrompter


async def quit_window(window) -> None:
    """Close the window the user's way (File → Quit) and wait for its shutdown."""
    window.close()
    async with asyncio.timeout(15):
        await window.wait_closed()


def test_geometry_and_dock_layout_come_back_after_a_restart(qtbot, qloop):
    async def scenario():
        first = build_window(demo=False, prompter=AutoPrompter())
        first.show()
        first.resize(700, 560)  # inside the offscreen screen (800x800)
        await asyncio.sleep(0.05)
        first.docks.camera.hide()                    # the user closed the camera dock
        first.docks.events.setFloating(True)         # and tore off the event log
        first.docks.discovery.show()                 # and opened Discovery (it needs width:
        await asyncio.sleep(0.05)                    # the window grows to its minimum)
        saved = first.size()
        assert saved.height() == 560
        await quit_window(first)

        second = build_window(demo=False, prompter=AutoPrompter())
        second.show()
        await asyncio.sleep(0.05)
        try:
            assert second.size() == saved
            assert not second.docks.camera.isVisible()
            assert second.docks.events.isFloating()
            assert second.docks.discovery.isVisible()
            assert second.docks.tree.isVisible() and not second.docks.tree.isFloating()
        finally:
            await quit_window(second)

    qloop.run_until_complete(scenario())


def test_a_fresh_start_has_the_default_layout(qtbot, qloop):
    async def scenario():
        window = build_window(demo=False, prompter=AutoPrompter())
        window.show()
        await asyncio.sleep(0.05)
        try:
            assert window.docks.camera.isVisible() and window.docks.events.isVisible()
            assert not window.docks.events.isFloating()
            assert not window.docks.discovery.isVisible()
        finally:
            await quit_window(window)

    qloop.run_until_complete(scenario())


def test_the_last_site_is_reopened_at_start(qtbot, qloop, tmp_path):
    older, newer = tmp_path / "older.json", tmp_path / "block-c.json"
    Site("Block A").save(older)
    Site("Block C").save(newer)
    RecentSites().add(older)
    RecentSites().add(newer)  # the most recent

    async def scenario():
        window = build_window(demo=False, prompter=AutoPrompter())
        window.show()
        try:
            assert await reopen_last_site(window) == newer
            assert window.ctx.site.path == newer
            assert "Block C" in window.windowTitle()
        finally:
            await quit_window(window)

    qloop.run_until_complete(scenario())


def test_a_deleted_recent_site_is_skipped_and_the_untitled_site_comes_back(qtbot, qloop,
                                                                          tmp_path):
    gone = tmp_path / "gone.json"
    RecentSites().add(gone)  # listed, but the file was deleted since
    untitled = config_dir() / "untitled-site.json"
    Site("My untitled work").save(untitled)

    async def scenario():
        window = build_window(demo=False, prompter=AutoPrompter())
        window.show()
        try:
            assert await reopen_last_site(window) == untitled
            assert window.ctx.site.path is None  # still untitled: Save asks for a file
            assert "My untitled work" in window.windowTitle()
        finally:
            await quit_window(window)

    qloop.run_until_complete(scenario())


def test_nothing_to_reopen_on_a_first_start(qtbot, qloop):
    async def scenario():
        window = build_window(demo=False, prompter=AutoPrompter())
        window.show()
        try:
            assert await reopen_last_site(window) is None
            assert window.ctx.site.path is None and not window.ctx.site.devices
        finally:
            await quit_window(window)

    qloop.run_until_complete(scenario())
