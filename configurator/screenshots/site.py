"""Screenshots of site-scale work on the demo fleet (offscreen).

``python -m configurator.screenshots.site [outdir]`` writes 13-17 and 19 into
``resources/screenshots``: the tree with a selection, bulk edit with "(various)", the device ×
key preview, the results of the apply, its audit events in the event log, and a firmware plan.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..ui.i18n import translate
from .common import Shots, main_for, screenshot_set, wait_for

USAGE = "usage: python -m configurator.screenshots.site [OUTDIR]  (default: resources/screenshots)"

HOLD_A = "Config.DoorSetting.RELAY.HoldDelayA"
NAME_C = "Config.DoorSetting.RELAY.NameC"


async def _shoot(shots: Shots) -> None:
    window, save = shots.window, shots.save
    sessions = [s for s in window.ctx.manager.sessions.values()
                if s.entry.vendor == "Onetouch" and s.device is not None]
    if len(sessions) < 2:
        raise RuntimeError("the demo fleet has fewer than two Onetouch devices")
    # One door was set differently by hand before: the bulk editor shows "(various)".
    await sessions[1].device.write_page("relay", {HOLD_A: 8})  # type: ignore[union-attr]
    work = window.site_work
    window.navigation.select_device(sessions[0].entry.address)
    work.select_same_vendor()
    await save("13-site-selection")

    dialog = work.open_bulk_edit()
    if dialog is None:
        raise RuntimeError("no bulk edit dialog")
    dialog.resize(1120, 700)
    index = next(i for i in range(dialog.page_box.count())
                 if dialog.page_box.itemData(i) == "relay")
    dialog.page_box.setCurrentIndex(index)
    await wait_for(lambda: dialog.fields.rowCount() > 0 and len(dialog.current) == 2)
    dialog.set_new_value(HOLD_A, "6")
    dialog.set_new_value(NAME_C, "Garage")
    dialog.fields.scrollToTop()
    await save("14-bulk-edit-various", dialog)
    await dialog.run(dry_run=True)
    await save("15-bulk-preview", dialog)
    await dialog.run(dry_run=False)
    await save("16-bulk-results", dialog)
    dialog.close()
    window.live.pane.flush()
    await save("17-audit-in-event-log")
    await _firmware_shot(window, work, save, shots.out)


async def _firmware_shot(window: Any, work: Any, save: Any, out: Path) -> None:
    """The firmware plan for every 2N of the demo: one file fits, others are skipped."""
    from ..simulators.twon.firmware import make_firmware

    twon = next(s for s in window.ctx.manager.sessions.values() if s.entry.vendor == "2N")
    window.navigation.select_device(twon.entry.address)
    work.select(lambda s: True)
    dialog = work.open_firmware()
    folder = Path(tempfile.mkdtemp(prefix="firmware-"))
    files = [folder / "verso-2.39.0.10.1.fw", folder / "style-2.37.0.1.1.fw"]
    files[0].write_bytes(make_firmware("verso", "2.39.0.10.1"))
    files[1].write_bytes(make_firmware("style", "2.37.0.1.1"))
    dialog.use_files(files)
    await dialog.make_plan()
    dialog.confirm.setText(translate("screenshots", "install"))
    await save("28-firmware-plan", dialog)
    dialog.close()


shoot = screenshot_set(_shoot)


def main(argv: list[str] | None = None) -> int:
    """This set's command line: ``[OUTDIR]``."""
    return main_for(shoot, USAGE, argv)


if __name__ == "__main__":
    raise SystemExit(main())
