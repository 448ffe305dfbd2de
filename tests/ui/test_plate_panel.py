"""The 2N licence plates in the window (Access → Licence plates) against the 2N simulator over
loopback: the recognitions from the event log, a selected plate's picture (lpr/image) shown
and saved with the exact bytes, and the device's "no data" in words."""

from __future__ import annotations

import base64
import io
import uuid

from PIL import Image
from PySide6.QtCore import QItemSelectionModel

from configurator.drivers.twon.client import TwoNClient
from configurator.ui.dialogs.awaitable import Asker

from .helpers import wait_until
from .test_window import close, open_window, session_at, start


class SaveAsker(Asker):
    def __init__(self, save_path: str = "") -> None:
        self.save = save_path
        self.asked: list[tuple[str, ...]] = []

    async def save_path(self, parent, title, suggested, name_filter):
        self.asked.append(("save", title, suggested))
        return self.save


def _jpeg(width: int, height: int, colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG")
    return out.getvalue()


async def report(client: TwoNClient, plate: str, ap: int, picture: bytes | None) -> None:
    await client.lpr_licenseplate(str(uuid.uuid4()), ap, plate,
                                  base64.b64encode(picture).decode() if picture else None)


def test_selecting_a_plate_shows_its_picture_and_saves_it(qtbot, qloop, loopback, tmp_path):
    async def scenario():
        sim = await start("2n", loopback())
        window = await open_window([sim])
        try:
            session = session_at(window, sim.host)
            client = session.device.client
            await client.dir_create([{"name": "Delivery van", "access": {
                "licensePlates": "1AB 2345"}}])  # the directory knows this plate
            van = _jpeg(320, 200, "navy")
            await report(client, "1AB2345", 0, _jpeg(64, 40, "grey"))
            await report(client, "XYZ999", 1, None)  # reported without a picture
            await report(client, "1AB2345", 1, van)  # the newest picture of that plate
            view = window.navigation.select_capability(session.key, "access")
            panel = view.plates
            assert panel is not None and view.tabs.indexOf(panel) >= 0
            await wait_until(lambda: panel.loaded)
            assert [panel.table.item(r, 1).text() for r in range(3)] == [
                "1AB2345", "XYZ999", "1AB2345"]
            assert [panel.table.item(r, 2).text() for r in range(3)] == [
                "Leaving", "Leaving", "Entering"]
            assert [panel.table.item(r, 3).text() for r in range(3)] == [
                "Delivery van", "not a known plate", "Delivery van"]
            assert panel.count_label.text() == "3 recognitions, newest first"
            assert not panel.save_button.isEnabled()

            panel.table.selectionModel().select(
                panel.table.model().index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            await wait_until(lambda: panel.content)
            assert panel.content == van and panel.plate_edit.text() == "1AB2345"
            assert not panel.preview.pixmap().isNull()
            assert panel.details.text().startswith("1AB2345 · 320×200")
            assert panel.save_button.isEnabled()

            panel.asker = asker = SaveAsker("")
            assert await panel.save() == ""
            assert panel.banner.kind == "info" and "not saved" in panel.banner.text()
            assert asker.asked[-1][2].startswith("plate-1AB2345-")
            target = tmp_path / "van.jpg"
            asker.save = str(target)
            assert await panel.save() == str(target)
            assert target.read_bytes() == van and target.stat().st_mode & 0o777 == 0o600
            assert panel.banner.kind == "success" and "van.jpg" in panel.banner.text()

            # A plate the intercom has no picture of: the reason in words, nothing to save.
            assert not await panel.show_picture("XYZ999")
            assert panel.banner.kind == "error"
            assert "no picture of plate XYZ999" in panel.banner.text()
            assert panel.preview.pixmap().isNull() and not panel.save_button.isEnabled()
            assert not await panel.show_picture("   ")
            assert panel.banner.kind == "warning"

            # A typed plate (not in the list) works too; Reload picks up new recognitions.
            await report(client, "NEW1", 0, _jpeg(80, 50, "olive"))
            panel.plate_edit.setText("NEW1")
            assert await panel.show_picture(panel.plate_edit.text())
            assert panel.details.text().startswith("NEW1 · 80×50")
            assert await panel.load()
            assert panel.table.item(0, 1).text() == "NEW1" and panel.table.rowCount() == 4
        finally:
            await close(window, [sim])

    qloop.run_until_complete(scenario())
