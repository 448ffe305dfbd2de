"""Screenshots of the pages that bring more of the vendor documents within reach (issue 15):
the 2N status, call log, bank holidays and display picture, the files a device offers, the
FCM5600's call recordings and the licence plates a 2N intercom saw.

``python -m configurator.screenshots.reach [OUTDIR]`` (default: resources/screenshots),
offscreen, on the demo fleet; numbered after the window's own set (23-).
"""

from __future__ import annotations

import asyncio
import io
import tempfile
from pathlib import Path
from typing import Any

from .common import (
    Shots,
    find_session,
    main_for,
    open_capability,
    open_tab,
    screenshot_set,
)

USAGE = "usage: python -m configurator.screenshots.reach [OUTDIR]  (default: resources/screenshots)"


def _welcome_picture(width: int, height: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (20, 60, 110))
    draw = ImageDraw.Draw(image)
    draw.text((width // 16, height * 2 // 5), "Welcome - deliveries to reception",
              fill="white", font_size=max(12, height // 12))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


async def _shoot(shots: Shots) -> None:
    window, save = shots.window, shots.save
    verso = find_session(window, "2n", "verso")
    style = find_session(window, "2n", "style")
    onetouch = find_session(window, "onetouch")
    pbx = find_session(window, "fcm")
    if verso is not None and verso.device is not None:
        await open_capability(window, verso, "system")
        await save("23-2n-status")
        session = await verso.device.run_action("dial", {"number": "sip:100@10.0.0.9"})
        await asyncio.sleep(1.0)
        await verso.device.run_action("hangup", {"session": session})
        view = await open_capability(window, verso, "calllog")
        if view and view.tables:
            await view.tables[0].load()
            await save("24-2n-call-log")
        view = await open_capability(window, verso, "system")
        holidays = next((t for t in (view.tables if view else [])
                         if t.spec.id == "holidays"), None)
        if view and holidays is not None:
            await verso.device.apply_table("holidays", add=[
                {"date": "01/01"}, {"date": "24/12"}, {"date": "25/12"},
                {"date": "14/04/2027"}])
            await holidays.load()
            view.tabs.setCurrentWidget(holidays)
            await save("25-2n-bank-holidays")
    if style is not None and style.device is not None:
        view = await open_capability(window, style, "display")
        if view is not None and view.picture is not None:
            screen = style.device.screens()[0]
            path = Path(tempfile.mkdtemp()) / "welcome.jpg"
            path.write_bytes(_welcome_picture(screen.width, screen.height))
            view.picture.load(str(path))
            await view.picture.send()
            view.tabs.setCurrentWidget(view.picture)
            await save("26-2n-display-picture")
    if onetouch is not None:
        await open_capability(window, onetouch, "maintenance")
        await save("27-device-files")
    if pbx is not None and pbx.device is not None:
        await _recordings_shot(window, pbx, save)
    if verso is not None and verso.device is not None:
        await _plates_shot(window, verso, save)


async def _recordings_shot(window: Any, pbx: Any, save: Any) -> None:
    """Call log → Recordings on the PBX after a few recorded calls, one row selected."""
    for callee in ("101", "0612345678", "101"):
        await pbx.device.run_action("dial", {"src": "100", "dest": callee})
        await asyncio.sleep(1.2)
        await pbx.device.run_action("hangup", {"extensions": "100"})
    recordings = await open_tab(window, pbx, "calllog", "recordings")
    if recordings is None:
        return
    await recordings.search()
    recordings.table.selectRow(1)
    await save("29-fcm-recordings")


def _plate_picture(plate: str, colour: tuple[int, int, int]) -> bytes:
    """A camera's view of a car's rear with its plate (what an LPR system sends along)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), (70, 78, 84))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 400), fill=(52, 56, 60))  # the road
    draw.rounded_rectangle((110, 70, 530, 330), radius=40, fill=colour)  # the car's rear
    draw.rectangle((150, 110, 490, 190), fill=(35, 45, 55))  # its rear window
    for x in (130, 450):
        draw.rectangle((x, 215, x + 60, 245), fill=(190, 30, 30))  # lights
    draw.rectangle((240, 250, 400, 295), fill="white", outline="black", width=3)
    draw.text((320, 272), plate, fill="black", font_size=30, anchor="mm")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


async def _plates_shot(window: Any, verso: Any, save: Any) -> None:
    """Access → Licence plates after an LPR system reported three cars, the newest selected.

    The scene is staged the way the LPR system and the directory import would: through the
    device's documented functions (``call_raw``, the CLI's ``call``), not the driver's client."""
    import base64
    import json
    import uuid

    async def call(function: str, body: dict[str, Any]) -> None:
        await verso.device.call_raw(function, {"json": json.dumps(body)})

    await call("dir/create", {"force": False, "users": [
        {"name": "Jana Novak", "access": {"licensePlates": "4AB 2310"}}]})
    for plate, ap, colour in (("4AB 2310", 0, (150, 150, 160)), ("7CD 5521", 0, (30, 60, 120)),
                              ("4AB 2310", 1, (150, 150, 160))):
        picture = base64.b64encode(_plate_picture(plate, colour)).decode()
        await call("lpr/licenseplate", {"lprUuid": str(uuid.uuid4()), "accessPoint": ap,
                                        "plateText": plate, "plateImage": picture})
    plates = await open_tab(window, verso, "access", "plates")
    if plates is None:
        return
    await plates.load()
    plates.table.selectRow(0)
    await asyncio.sleep(0.5)
    await save("30-2n-licence-plates")


shoot = screenshot_set(_shoot)


def main(argv: list[str] | None = None) -> int:
    """This set's command line: ``[OUTDIR]``."""
    return main_for(shoot, USAGE, argv)


if __name__ == "__main__":
    raise SystemExit(main())
