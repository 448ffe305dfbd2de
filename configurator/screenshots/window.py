"""Render the main window offscreen in demo mode in representative states.

``python -m configurator.screenshots [outdir]`` writes PNGs into ``resources/screenshots``.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from ..app import start_demo
from ..core.abilities import OpensDoors
from ..core.events import SourceState
from ..core.params import Kind
from .common import (
    Shots,
    find_session,
    main_for,
    open_capability,
    screenshot_set,
    wait_for,
    wait_online,
)


async def _live_shots(window: Any, twon: Any, save: Any) -> None:
    """The event log after door openings, then the camera dock on the same 2N device."""
    from PySide6.QtCore import Qt

    hub = window.ctx.live.hub  # the 2N event stream subscribed: its state is LIVE
    await wait_for(lambda: hub.states.get(twon.key, (None,))[0] is SourceState.LIVE, 10)
    device = twon.device
    if isinstance(device, OpensDoors):
        door = device.doors()[0]
        for _ in range(3):
            await device.open_door(door)
            await asyncio.sleep(0.3)
    window.docks.events.raise_()
    window.resizeDocks([window.docks.events], [300], Qt.Orientation.Vertical)
    # a monostable switch re-triggered while on reports "on" once, then "off"
    await wait_for(lambda: sum(e.type == "SwitchStateChanged"
                               for e in window.events.model.visible_events()) >= 2, 10)
    await save("09-event-log")
    window.navigation.select_capability(twon.key, "camera")
    pipeline = window.camera.panel.pipeline
    if pipeline is not None:
        # over a second of frames, so the overlay shows the stream's rate
        await wait_for(lambda: pipeline.stats.decoded >= 13, 10)
        await asyncio.sleep(0.15)
    await save("10-camera-dock")
    # the operator's view: a door opening double-clicked in the log, its picture beside it
    door = next((e for e in reversed(window.events.model.visible_events())
                 if e.type == "SwitchStateChanged"), None)
    if door is not None:
        window.camera.show_event_camera(door)
        await wait_for(lambda: window.camera.panel.showing_still, 5)
        await asyncio.sleep(0.5)
        await save("19-camera-beside-event-log")
        window.camera.panel.back_to_live()


async def _sip_shot(window: Any, simulators: list[Any], save: Any) -> None:
    """SIP registration per account in the tree and on a phone's SIP page, one line failing
    (its registrar refuses it) while the others are registered."""
    phone = next((s for s in simulators if getattr(s, "vendor", "") == "Fanvil"
                  and getattr(s, "model", "") == "i30"), None)
    session = next((s for s in window.ctx.manager.sessions.values()
                    if phone is not None and s.entry.address == phone.host), None)
    if phone is None or session is None:
        return
    registrar = phone.state.config["sip.line.1.RegisterAddr"]
    phone.set_registrar(registrar, 403)
    await wait_for(lambda: any(r.state == "failed" for r in session.registrations), 15)
    for other in window.ctx.manager.sessions.values():
        if other is session or "Verso" in other.entry.model or "FCM" in other.entry.model:
            window.tree.expand(window.tree.devices[other.key].index())
    await open_capability(window, session, "sip")
    await save("31-sip-registration")
    phone.set_registrar(registrar, 200)
    await wait_for(lambda: all(r.state != "failed" for r in session.registrations), 15)
    window.tree.collapseAll()
    window.tree.expand(window.tree.site_item.index())


async def _small_screen_shot(window: Any, twon: Any, save: Any) -> None:
    """The window at 1024x700 on the 2N switches page (tree names whole, page scrolls)."""
    size = window.size()
    window.resize(1024, 700)
    await open_capability(window, twon, "switches")
    await asyncio.sleep(0.4)
    await save("20-window-1024x700")
    window.resize(size)
    await asyncio.sleep(0.2)


async def _add_user_shot(window: Any, twon: Any, save: Any) -> None:
    """The 2N add-user dialog: sections, titles in words, scrolling."""
    from ..ui.editors.table_editor import RowDialog

    view = await open_capability(window, twon, "directory")
    if view is None or not view.tables:
        return
    dialog = RowDialog(view.tables[0].spec, None, window)
    dialog.show()
    await save("22-2n-add-user", dialog)
    dialog.close()


async def _maintenance_shot(window: Any, twon: Any, save: Any) -> None:
    """The 2N Maintenance page after a firmware file was checked by the device (version,
    downgrade flag, notes shown); the confirmation is declined, so the image is rejected."""
    from ..simulators.twon.firmware import make_firmware
    from ..ui.dialogs.awaitable import Asker

    view = window.navigation.select_capability(twon.key, "maintenance")
    panel = getattr(view, "maintenance", None)
    if panel is None:
        return
    path = Path(tempfile.mkdtemp(prefix="configurator-fw-")) / "2n-verso-2.37.0.1.1.fw"
    path.write_bytes(make_firmware("verso", "2.37.0.1.1", note="Older release kept for "
                                   "sites that need it", size=65536))

    class Decline(Asker):
        async def open_path(self, parent: Any, title: str, name_filter: str) -> str:
            return str(path)

        async def confirm(self, parent: Any, title: str, text: str, *, phrase: str = "",
                          ok_text: str = "Continue") -> bool:
            return False

    panel.asker = Decline()
    await panel.upgrade_firmware()
    await save("12-maintenance")


async def _discovery_shot(window: Any, save: Any) -> None:
    panel = window.discovery.show_discovery()
    task = panel.start()
    if task is not None:
        async with asyncio.timeout(30):
            await task
    panel.table.selectRow(0)
    await save("11-discovery", window.docks.discovery)
    window.docks.discovery.hide()


async def _shoot(shots: Shots) -> None:
    window, save = shots.window, shots.save
    await asyncio.sleep(0.3)
    await save("21-first-start")  # before any device: the first steps
    simulators = await start_demo(window)
    await wait_online(window)
    await asyncio.sleep(0.3)
    await save("01-overview")
    await _sip_shot(window, simulators, save)
    onetouch = find_session(window, "onetouch")
    if onetouch is not None:
        view = await open_capability(window, onetouch, "relays")
        if view and view.forms:
            form = view.forms[0]
            number = next((r for r in form.rows.values() if r.spec.kind is Kind.INT
                           and r.spec.maximum is not None and not r.spec.read_only), None)
            if number is not None:
                number.set_value(int(number.spec.maximum) + 100)
            await save("02-relay-validation-error")
        view = await open_capability(window, onetouch, "rfkeys")
        if view and view.tables:
            table = view.tables[0]
            cards = [("Janitor", "12345678", {"A"}), ("Flat 1 Smith", "0A1B2C3D", {"A", "B"}),
                     ("Flat 2 Novak", "99887766", {"A"}), ("Courier", "CAFE0001", {"B"})]
            for name, code, doors in cards[:3]:
                table.add_row({"Name": name, "Code": code, "DoorNum": frozenset(doors)})
            await table.apply()
            name, code, doors = cards[3]
            table.add_row({"Name": name, "Code": code, "DoorNum": frozenset(doors)})
            table.view.resizeColumnsToContents()
            await save("03-rfkey-table")
        view = await open_capability(window, onetouch, "sip")
        if view and view.forms:
            form = view.forms[0]
            texts = [r for r in form.rows.values() if r.spec.kind in (Kind.STRING, Kind.HOST)
                     and not r.spec.read_only][:3]
            for i, row in enumerate(texts):
                row.set_value(f"{row.editor.raw() or 'sip'}{i + 1}"[: row.spec.max_length
                                                                      or 40])
            await save("04-sip-unsaved")
            from ..ui.dialogs.awaitable import DiffDialog

            dialog = DiffDialog(f"{onetouch.title} — {form.page.title}", form.diff(), window)
            dialog.show()
            await asyncio.sleep(0.2)
            await save("05-diff-preview", dialog)
            dialog.close()
    twon = find_session(window, "2n", "verso") or find_session(window, "2n")
    if twon is not None:
        view = await open_capability(window, twon, "directory")
        if view and view.tables:
            table = view.tables[0]
            for name, email in (("Reception", "reception@example.com"),
                                ("Flat 12 Dvořák", "dvorak@example.com"),
                                ("Caretaker", "care@example.com")):
                table.add_row({"name": name, "email": email})
            await table.apply()
            table.view.resizeColumnsToContents()
            await save("06-2n-directory")
        view = await open_capability(window, twon, "switches")
        if view:
            await save("07-2n-switches")
        await _live_shots(window, twon, save)
        await _maintenance_shot(window, twon, save)
        await _small_screen_shot(window, twon, save)
        await _add_user_shot(window, twon, save)
    await _discovery_shot(window, save)
    from ..ui.dialogs.add_device import AddDeviceDialog

    async def never(*_: Any) -> str:
        return ""

    dialog = AddDeviceDialog(never, window.ctx.spawn, window, persistent_credentials=False)
    dialog.address.setText("192.168.1.50")
    dialog.show_error("Cannot reach 192.168.1.50: connection timed out (device offline or "
                      "wrong address?). Check the address, the port and http/https, and "
                      "that the device is powered and on this network.")
    dialog.show()
    await save("08-add-device", dialog)
    dialog.close()


USAGE = "usage: python -m configurator.screenshots [OUTDIR]  (default: resources/screenshots)"


shoot = screenshot_set(_shoot, prompter_args={"switch": 1}, settle=0.15, fleet=False)


def main(argv: list[str] | None = None) -> int:
    """The main window's set (01-12, 19-22)."""
    return main_for(shoot, USAGE, argv)


if __name__ == "__main__":
    raise SystemExit(main())
