"""/api/camera/*, /api/display/*, /api/audio/test and /api/email/send."""

from __future__ import annotations

import asyncio
import io
import re
from typing import TYPE_CHECKING, Any

from aiohttp import web
from PIL import Image, UnidentifiedImageError

from ..camera import BOUNDARY, FRAME_RATE, MEMORY_SECONDS, Camera, part
from ..protocol import ApiError, ApiRequest, invalid, missing, ok

if TYPE_CHECKING:
    from ..device import TwoNSimulator

_EMAIL = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$")


def _camera(sim: TwoNSimulator) -> Camera:
    return sim.extensions["camera"]


async def camera_caps(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    return ok({
        "jpegResolution": [{"width": w, "height": h} for w, h in sim.profile.resolutions],
        "sources": [{"source": s} for s in sim.profile.sources],
    })


def _resolution(sim: TwoNSimulator, req: ApiRequest) -> tuple[int, int]:
    width = req.int_param("width", required=True, minimum=1)
    height = req.int_param("height", required=True, minimum=1)
    if (width, height) not in sim.profile.resolutions:
        # Assumption: a size not listed by camera/caps is reported on "width".
        raise invalid("width" if width not in {w for w, _ in sim.profile.resolutions}
                      else "height")
    return int(width or 0), int(height or 0)


async def snapshot(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    width, height = _resolution(sim, req)
    source = req.choice("source", sim.profile.sources, default=sim.profile.sources[0])
    source = source or sim.profile.sources[0]
    # "fps >= 1": a stream; the document sets no upper limit, so none is refused here.
    fps = req.int_param("fps", default=0, minimum=0)
    back = 0
    if sim.profile.api != "2.11":
        back = -(req.int_param("time", default=0, minimum=-MEMORY_SECONDS, maximum=0) or 0)
    if req.get("time") is not None or not fps:
        if sim.profile.static_max is not None:
            max_w, max_h = sim.profile.static_max
            if width * height > max_w * max_h:  # doc: Style answers 1280x960 at most
                width, height = max_w, max_h
        jpeg = await _camera(sim).frame(source, width, height, back=back)
        return web.Response(body=jpeg, content_type="image/jpeg")
    return await _stream(sim, req, source, width, height, fps or 1)


async def _stream(sim: TwoNSimulator, req: ApiRequest, source: str, width: int, height: int,
                  fps: int) -> web.StreamResponse:
    assert req.http is not None
    response = web.StreamResponse(headers={
        "Content-Type": f"multipart/x-mixed-replace; boundary={BOUNDARY}",
        "Cache-Control": "no-cache"})
    await response.prepare(req.http)
    loop = asyncio.get_running_loop()
    camera, due = _camera(sim), loop.time()
    try:
        while not sim.stopping:
            jpeg = await camera.frame(source, width, height)
            await response.write(part(jpeg))
            # A frame that took long to render (the first of a size) does not make the
            # next ones come in a burst to catch up: a camera sends late, not faster.
            # Assumption (the document is silent): the sensor takes FRAME_RATE pictures a
            # second; asked for more, the camera sends each picture as it is taken.
            due = max(due + 1.0 / min(fps, FRAME_RATE), loop.time())
            await asyncio.sleep(due - loop.time())
    except (ConnectionResetError, ConnectionError):
        pass
    return response


# -- display ---------------------------------------------------------------------------
_FORMATS = {"2.38": ("JPEG", "BMP", "PNG"), "2.11": ("GIF", "JPEG", "BMP")}


async def display_caps(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    return ok({"displays": [{"display": d, "resolution": {"width": w, "height": h}}
                            for d, w, h in sim.profile.displays]})


def _display(sim: TwoNSimulator, req: ApiRequest) -> tuple[str, int, int]:
    name = req.require("display")
    for display in sim.profile.displays:
        if display[0] == name:
            return display
    raise invalid("display")


async def display_put(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    name, width, height = _display(sim, req)
    image, video = req.blobs.get("blob-image"), req.blobs.get("blob-video")
    if not sim.profile.video_display:
        video = None
    if image is not None and video is not None:
        raise ApiError(17, "blob-video")
    if image is None and video is None:
        raise missing("blob-image")
    # v2.11 documents display and blob-image only: duration is not read there (ignored).
    duration = None if sim.profile.api == "2.11" else req.int_param("duration", minimum=1)
    repeat = req.int_param("repeat", minimum=1) if video is not None else None
    shown: dict[str, Any] = {"duration": duration, "repeat": repeat}
    if image is not None:
        shown.update(_check_image(sim, image.data, width, height))
    else:
        assert video is not None
        if not video.data:
            raise invalid("blob-video")
        shown.update({"kind": "video", "bytes": len(video.data)})
    # Assumption: without duration/repeat the image is an overlay (kept until DELETE).
    # The Vario can only show notifications (doc 5.9.2.1).
    shown["mode"] = ("notification" if duration or repeat or sim.profile.api == "2.11"
                     else "overlay")
    sim.extensions["display"][name] = shown
    return ok()


def _check_image(sim: TwoNSimulator, data: bytes, width: int, height: int) -> dict[str, Any]:
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt, size, progressive = img.format, img.size, bool(img.info.get("progressive"))
    except (UnidentifiedImageError, OSError):
        raise invalid("blob-image") from None
    if fmt not in _FORMATS[sim.profile.api] or progressive:
        raise invalid("blob-image")
    # Assumption: the doc's sizes disagree (320x214, 214x240, caps 320x240): any image no
    # larger than the display resolution from display/caps is accepted.
    if size[0] > width or size[1] > height:
        raise invalid("blob-image")
    return {"kind": "image", "format": fmt, "size": size}


async def display_delete(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    name, _, _ = _display(sim, req)
    sim.extensions["display"].pop(name, None)
    return ok()


# -- audio and e-mail --------------------------------------------------------------------
async def audio_test(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    async def run() -> None:
        await asyncio.sleep(sim.audio_test_duration)
        sim.events.emit("AudioLoopTest", {"result": "passed"})

    sim.spawn(run())
    return ok()


async def email_send(sim: TwoNSimulator, req: ApiRequest) -> web.StreamResponse:
    to = req.require("to")
    subject = req.require("subject")
    if not all(_EMAIL.match(a.strip()) for a in to.split(",")):
        raise invalid("to")
    pictures = req.int_param("pictureCount", default=0, minimum=0, maximum=5)
    span = req.int_param("timeSpan", default=0, minimum=0)
    size = None
    if req.get("width") is not None or req.get("height") is not None:
        size = _resolution(sim, req)
    sim.extensions["mail"].append({"to": to, "subject": subject, "body": req.get("body", ""),
                                   "pictureCount": pictures, "timeSpan": span,
                                   "resolution": size})
    return ok()
