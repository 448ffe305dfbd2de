"""Screenshots of the 2N Configuration file page (issue 14): edited values with their diff, the
confirmation before the upload, the device's apply time, and the per-path result. Numbered
41- to stay clear of the other sets.

``python -m configurator.screenshots.configfile [OUTDIR]`` (default: resources/screenshots),
offscreen, on the demo fleet (its Verso applies an upload after the manual's 15 s).
"""

from __future__ import annotations

import asyncio
from typing import Any

from .common import Shots, find_session, main_for, screenshot_set, wait_for

SIP_NUMBER = "DeviceDatabase/Phone/Account[1]/SipNumber"
SWITCH_MODE = "DeviceDatabase/Switches/Switch[1]/Mode"
DEVICE_NAME = "DeviceDatabase/System/DeviceName"
SIP_PASSWORD = "DeviceDatabase/Phone/Account[1]/Password"


async def _shoot(shots: Shots) -> None:
    window, save = shots.window, shots.save
    twon = find_session(window, "2n", "verso") or find_session(window, "2n")
    if twon is None:
        return
    view = window.navigation.select_capability(twon.key, "configfile")
    page = getattr(view, "config_file", None)
    if page is None:
        return
    await wait_for(lambda: page.original is not None and not page.busy, 15)
    page.set_value(DEVICE_NAME, "Main entrance")
    page.set_value(SIP_NUMBER, "4711")
    page.set_value(SWITCH_MODE, "bistable")
    page.set_value(SIP_PASSWORD, "door-2024!")  # shown masked, as every secret
    page.select_path(SIP_PASSWORD)
    await save("41-2n-config-file-edited")

    shown: list[Any] = []

    async def confirm(dialog: Any) -> bool:
        dialog.show()
        await save("42-2n-config-file-confirm", dialog)
        dialog.tabs.setCurrentIndex(1)
        await save("43-2n-config-file-unified-diff", dialog)
        dialog.close()
        shown.append(dialog)
        return True

    page.run_confirm = confirm
    task = asyncio.ensure_future(page.upload())
    await wait_for(lambda: page.progress_bar.value() > 300, 20)
    await save("44-2n-config-file-applying")
    await task
    await save("45-2n-config-file-result")


USAGE = ("usage: python -m configurator.screenshots.configfile [OUTDIR]  "
         "(default: resources/screenshots)")


shoot = screenshot_set(_shoot)


def main(argv: list[str] | None = None) -> int:
    """This set's command line: ``[OUTDIR]``."""
    return main_for(shoot, USAGE, argv)


if __name__ == "__main__":
    raise SystemExit(main())
