"""Synthetic camera: JPEG frames showing the model, source, a frame counter and the time.

Frames are a pure function of (source, size, frame tick), so any moment of the last 30 s
can be produced again (``time=-N``); the most recent frames are kept in a small cache (the
"ring"), so several viewers of one camera cost one encode per frame. Rendering runs in the
default executor (Pillow releases the GIL while encoding).
"""

from __future__ import annotations

import asyncio
import io
import time
from collections import OrderedDict
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

FRAME_RATE = 15  # the frame clock; streams at lower fps pick every n-th tick
MEMORY_SECONDS = 30  # how far back ``time=-N`` may reach
CACHE_FRAMES = 96
BOUNDARY = "2n-mjpeg-frame"


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


@lru_cache(maxsize=32)
def _background(variant: str, source: str, width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top = (30, 60, 110) if source == "internal" else (70, 40, 90)
    for y in range(height):
        k = y / max(1, height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(int(c * (1 - k) + 15 * k) for c in top))
    size = max(10, height // 12)
    draw.text((width // 20, height // 20), variant, fill=(255, 255, 255), font=_font(size))
    draw.text((width // 20, height // 20 + size + 4), f"source: {source}",
              fill=(200, 220, 255), font=_font(max(8, size * 2 // 3)))
    return image


def render(variant: str, source: str, width: int, height: int, tick: int,
           utc: float) -> bytes:
    image = _background(variant, source, width, height).copy()
    draw = ImageDraw.Draw(image)
    size = max(10, height // 10)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(utc))
    draw.text((width // 20, height // 2), f"frame {tick}", fill=(255, 255, 0), font=_font(size))
    draw.text((width // 20, height // 2 + size + 4), stamp + " UTC", fill=(255, 255, 255),
              font=_font(max(8, size * 2 // 3)))
    bar = int((tick % FRAME_RATE) / FRAME_RATE * width)  # a moving bar: frames differ
    draw.rectangle([bar, height - max(4, height // 20), bar + width // 10, height - 1],
                   fill=(255, 80, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


class Camera:
    def __init__(self, variant: str) -> None:
        self.variant = variant
        self.start = time.time()
        self._cache: OrderedDict[tuple[str, int, int, int], bytes] = OrderedDict()
        self._pending: dict[tuple[str, int, int, int], asyncio.Future[bytes]] = {}
        self.sizes_served: set[tuple[int, int]] = set()  # (width, height) of any frame asked for

    def tick_at(self, utc: float) -> int:
        return max(0, int((utc - self.start) * FRAME_RATE))

    async def frame(self, source: str, width: int, height: int, *, back: float = 0.0) -> bytes:
        utc = time.time() - back
        tick = self.tick_at(utc)
        key = (source, width, height, tick)
        self.sizes_served.add((width, height))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(None, render, self.variant, source, width, height,
                                      tick, self.start + tick / FRAME_RATE)
        self._pending[key] = future  # type: ignore[assignment]
        try:
            data = await future
        finally:
            self._pending.pop(key, None)
        self._cache[key] = data
        while len(self._cache) > CACHE_FRAMES:
            self._cache.popitem(last=False)
        return data


def part(jpeg: bytes) -> bytes:
    """One part of the multipart/x-mixed-replace stream, with Content-Length."""
    head = (f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
            f"Content-Length: {len(jpeg)}\r\n\r\n").encode("ascii")
    return head + jpeg + b"\r\n"
