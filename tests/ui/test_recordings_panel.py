"""The FCM5600's call recordings in the window (Call log → Recordings) against the PBX
simulator over HTTPS on loopback: search by kind, extension, dates and call type; download
the selected recordings with the exact bytes, progress, Cancel and errors in words."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QDate, QItemSelectionModel

from configurator.simulators.fleet import factory
from configurator.ui.dialogs.awaitable import Asker

from .helpers import wait_until
from .test_window import close, open_window, session_at, start


class FolderAsker(Asker):
    """Answers the save and folder questions from the test and records them."""

    def __init__(self, save_path: str = "", folder: str = "") -> None:
        self.save = save_path
        self.folder = folder
        self.asked: list[tuple[str, ...]] = []

    async def save_path(self, parent, title, suggested, name_filter):
        self.asked.append(("save", title, suggested))
        return self.save

    async def folder_path(self, parent, title):
        self.asked.append(("folder", title))
        return self.folder


async def start_pbx(host):
    simulator = factory("fcm5600")(host, https_port=0)
    await simulator.start()
    return simulator


def select_rows(panel, rows) -> None:
    panel.table.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        panel.table.selectionModel().select(panel.table.model().index(row, 0), flags)


def test_recordings_are_found_by_kind_extension_dates_and_type(qtbot, qloop, loopback):
    async def scenario():
        sim = await start_pbx(loopback())
        sim.state.dial("100", "101")
        sim.state.hangup(["100"])  # an internal call on a recording extension
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            view = window.navigation.select_capability(session.key, "calllog")
            panel = view.recordings
            assert panel is not None and view.tabs.indexOf(panel) >= 0
            assert not panel.download_button.isEnabled()  # nothing found, nothing selected

            assert await panel.search()
            assert len(panel.rows) == 1 and panel.table.rowCount() == 1
            assert panel.table.item(0, 1).text() == "100"
            assert panel.table.item(0, 1).toolTip() == "Caller: 测试 1"  # its name on the PBX
            assert panel.table.item(0, 2).text() == "101"
            assert panel.table.item(0, 3).text() == "Internal"
            assert panel.table.item(0, 4).text() == "Answered"
            assert panel.table.item(0, 6).text().endswith(".wav")
            assert panel.count_label.text().startswith("1 recording")

            panel.extension_edit.setText("101")  # the callee's extension finds it too
            assert await panel.search() and len(panel.rows) == 1
            panel.extension_edit.setText("555")
            assert await panel.search() and panel.rows == []
            assert panel.count_label.text() == "No recordings match."
            panel.extension_edit.clear()

            panel.type_box.setCurrentIndex(panel.type_box.findData("outgoing"))
            assert await panel.search() and panel.rows == []
            panel.type_box.setCurrentIndex(panel.type_box.findData("internal"))
            assert await panel.search() and len(panel.rows) == 1
            panel.type_box.setCurrentIndex(panel.type_box.findData("all"))

            # The seeded conference recording is of 2022-11-01 (an outgoing call of 100).
            panel.kind_box.setCurrentIndex(panel.kind_box.findData("conference"))
            panel.from_edit.setDate(QDate(2022, 11, 1))
            panel.to_edit.setDate(QDate(2022, 11, 1))
            assert await panel.search() and len(panel.rows) == 1
            assert panel.rows[0]["startTime"] == "2022-11-01 22:45:00"
            panel.from_edit.setDate(QDate(2022, 11, 2))
            panel.to_edit.setDate(QDate(2022, 12, 31))
            assert await panel.search() and panel.rows == []
            searches = len([p for _m, p in sim.requests if "recording-page" in p])
            panel.to_edit.setDate(QDate(2022, 10, 1))  # before the first day
            assert not await panel.search()
            assert panel.banner.kind == "error" and "after the last day" in panel.banner.text()
            assert len([p for _m, p in sim.requests if "recording-page" in p]) == searches

            panel.kind_box.setCurrentIndex(panel.kind_box.findData("onetouch"))
            panel.from_edit.setDate(panel.from_edit.minimumDate())  # "any day"
            panel.to_edit.setDate(panel.to_edit.minimumDate())
            assert panel.from_edit.text() == "any day"
            assert await panel.search() and len(panel.rows) == 1
            assert panel.banner.kind == ""
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_selected_recordings_are_downloaded_with_the_exact_bytes(qtbot, qloop, loopback,
                                                                 tmp_path):
    async def scenario():
        sim = await start_pbx(loopback())
        for callee in ("101", "0987654"):
            sim.state.dial("100", callee)
            sim.state.hangup(["100"])
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            panel = window.navigation.select_capability(session.key, "calllog").recordings
            assert await panel.search() and len(panel.rows) == 2
            urls = [row["playUrl"] for row in panel.rows]

            panel.asker = asker = FolderAsker(save_path="")
            select_rows(panel, [1])
            assert panel.download_button.isEnabled()
            assert await panel.download() == []  # cancelled at the save dialog
            assert panel.banner.kind == "info" and "cancelled" in panel.banner.text()
            one = tmp_path / "call.wav"
            asker.save = str(one)
            assert await panel.download() == [one]
            assert asker.asked[-1][2] == urls[1].rsplit("/", 1)[-1]  # the PBX's file name
            assert one.read_bytes() == sim.state.files[urls[1]]
            assert one.read_bytes()[:4] == b"RIFF" and one.stat().st_mode & 0o777 == 0o600
            assert panel.banner.kind == "success" and "call.wav" in panel.banner.text()
            assert panel.progress.isHidden() and panel.cancel_button.isHidden()

            # Several: into a folder, never over a file that is there already.
            folder = tmp_path / "recordings"
            folder.mkdir()
            first_name = urls[0].rsplit("/", 1)[-1]
            (folder / first_name).write_bytes(b"keep me")
            asker.folder = str(folder)
            select_rows(panel, [0, 1])
            saved = await panel.download()
            assert len(saved) == 2 and all(p.parent == folder for p in saved)
            assert (folder / first_name).read_bytes() == b"keep me"
            assert [p.read_bytes() for p in saved] == [sim.state.files[u] for u in urls]
            assert saved[0].name == first_name.replace(".wav", "-2.wav")
            assert panel.banner.kind == "success" and "All 2 recordings" in \
                panel.banner.text()

            # The PBX no longer has the file: the error says which one and why.
            del sim.state.files[urls[1]]
            select_rows(panel, [1])
            asker.save = str(tmp_path / "gone.wav")
            assert await panel.download() == []
            assert panel.banner.kind == "error"
            assert "record does not exist" in panel.banner.text()
            assert urls[1].rsplit("/", 1)[-1] in panel.banner.text()
            assert not (tmp_path / "gone.wav").exists()
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_cancel_stops_a_download_and_writes_nothing_partial(qtbot, qloop, loopback,
                                                            tmp_path):
    async def scenario():
        sim = await start_pbx(loopback())
        sim.state.dial("100", "101")
        sim.state.hangup(["100"])
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            panel = window.navigation.select_capability(session.key, "calllog").recordings
            assert await panel.search() and len(panel.rows) == 1
            sim.downloads_held = asyncio.Event()  # the PBX is slow to send the file
            target = tmp_path / "slow.wav"
            panel.asker = FolderAsker(save_path=str(target))
            select_rows(panel, [0])
            downloads = len([p for _m, p in sim.requests if "/pbx/play/" in p])
            task = asyncio.ensure_future(panel.download())
            await wait_until(lambda: not panel.cancel_button.isHidden())
            # The request reached the PBX and waits there for its answer.
            await wait_until(lambda: len([p for _m, p in sim.requests if "/pbx/play/" in p])
                             == downloads + 1)
            assert panel.progress_label.text() == "Downloading recording 1 of 1…"
            assert panel.progress_label.toolTip() == target.name
            assert not panel.search_button.isEnabled() and not panel.download_button.isEnabled()
            panel.cancel_button.click()
            assert await task == []
            assert panel.banner.kind == "info" and "cancelled" in panel.banner.text()
            assert "No recording was saved" in panel.banner.text()
            assert not target.exists() and panel.cancel_button.isHidden()
            assert panel.search_button.isEnabled()
        finally:
            if sim.downloads_held is not None:
                sim.downloads_held.set()
            await close(window, [sim])

    qloop.run_until_complete(scenario())


def test_only_a_device_with_recordings_has_the_recordings_tab(qtbot, qloop, loopback):
    async def scenario():
        sim = await start("onetouch", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            view = window.navigation.select_capability(session.key, "calllog")
            assert view is not None and view.recordings is None
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())
