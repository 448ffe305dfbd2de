"""JPEG decoding off the event loop, into the pixel layout QImage ``Format_RGB32`` paints as is.

Two decoders with one signature (:data:`Decoder`): :func:`decode_rgb` here (Pillow's
libjpeg-turbo; no Qt: the default, e.g. ``configurator camera-check``) and the window's
``decode_qimage`` (``configurator/ui/live/qt_decode.py``: Qt's own JPEG reader, which releases
the GIL for the whole decode and yields the QImage the viewer paints without a copy). The
window sets its pipelines to the Qt one. Neither needs numpy: the bundle leaves it out (with
the OpenBLAS it drags in, 39 MB).
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..core.errors import ProtocolError

# QImage.Format_RGB32 is the 32-bit word 0xffRRGGBB: bytes B, G, R, X on little-endian machines.
PIXEL_RAWMODE = "BGRX" if sys.byteorder == "little" else "XRGB"
# Index of red, green, blue in a pixel of that layout.
RGB_INDEX = [2, 1, 0] if sys.byteorder == "little" else [1, 2, 3]
ALPHA_INDEX = 3 if sys.byteorder == "little" else 0

# A header can claim up to 65500 x 65500 pixels: 17 GB of output for a 200-byte frame (tried:
# 13.8 GB resident and 42 s before libjpeg gave up). 8K UHD is more than any camera stream
# this viewer is for.
MAX_FRAME_PIXELS = 7680 * 4320
# A JPEG ends with EOI (FF D9); some cameras put a line break or a little padding after it.
EOI_TAIL = 64

_executor: ThreadPoolExecutor | None = None


@dataclass(frozen=True)
class Picture:
    """A decoded picture: ``height`` rows of ``stride`` bytes in ``pixels`` (any buffer), each
    pixel 4 bytes in the byte order of QImage ``Format_RGB32`` (B, G, R, 0xFF on
    little-endian machines). ``image`` is the QImage that owns ``pixels`` when Qt decoded it
    (kept alive with the picture; the viewer paints it as it is)."""

    pixels: Any
    width: int
    height: int
    stride: int
    image: Any = None


# JPEG bytes, the smallest (width, height) a view needs or None -> (picture, CPU seconds)
Decoder = Callable[[bytes, "tuple[int, int] | None"], "tuple[Picture, float]"]


def decode_executor() -> ThreadPoolExecutor:
    """The shared decoder threads (2: one per core on the target laptops).

    Only ``submit`` is used (``CameraPipeline`` hands results back through a
    :class:`~.frames.LoopInbox`): ``loop.run_in_executor`` would finish its asyncio future from
    the decoder thread through qasync's ``call_soon_threadsafe``, a PySide6 cross-thread signal
    that crashed the viewer (``none_dealloc``).
    """
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="jpeg-decode")
    return _executor


def shutdown_decoders(wait: bool = True) -> None:
    """End the decoder threads (queued decodes are dropped); call at application exit after
    the pipelines' ``aclose``. A later ``decode_executor()`` starts new ones."""
    global _executor
    executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=wait, cancel_futures=True)


def scale_floor(size: tuple[int, int], min_size: tuple[int, int] | None) -> dict[str, int]:
    """``min_width``/``min_height`` that make libjpeg-turbo scale a ``size`` (width, height)
    picture by 1/2, 1/4 or 1/8 only (exactly the size libjpeg produces at that scale).

    Given only a minimum, libjpeg-turbo would pick any M/8 scale (5/8 for an 800x600 view of a
    1280x960 stream), and those scaled IDCTs have no SIMD code: slower than decoding at full
    size. The power-of-two ones are fast, so the minimum is rounded to one of them.
    """
    if min_size is None or min_size[0] <= 0 or min_size[1] <= 0:
        return {}
    width, height = size
    factor = 1
    while factor < 8 and width // (factor * 2) >= min_size[0] \
            and height // (factor * 2) >= min_size[1]:
        factor *= 2
    if factor == 1:
        return {}
    return {"min_width": -(-width // factor), "min_height": -(-height // factor)}


# Start-of-frame markers (C0-CF) except DHT (C4), JPG (C8) and DAC (CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _frame_header(data: bytes) -> tuple[int, int]:
    """(width, height) from the start-of-frame segment; ValueError when there is none."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("no JPEG start marker")
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise ValueError(f"no marker at byte {at}")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            at += 2
            continue
        length = int.from_bytes(data[at + 2:at + 4], "big")
        if marker in _SOF:
            if at + 9 > len(data):
                break
            height = int.from_bytes(data[at + 5:at + 7], "big")
            width = int.from_bytes(data[at + 7:at + 9], "big")
            return width, height
        if marker in (0xD9, 0xDA) or length < 2:  # end, or the scan before any frame header
            break
        at += 2 + length
    raise ValueError("no frame header")


def jpeg_size(data: bytes) -> tuple[int, int]:
    """Width and height of a complete JPEG (its start-of-frame header, and the end-of-image
    marker present: a frame cut off is not shown half grey), refusing pictures larger than
    ``MAX_FRAME_PIXELS`` before anything is allocated for them."""
    try:
        width, height = _frame_header(data)
    except ValueError as exc:
        raise ProtocolError(f"broken JPEG frame: {exc}") from None
    if b"\xff\xd9" not in data[-EOI_TAIL:]:
        raise ProtocolError("broken JPEG frame: it ends before its end-of-image marker")
    if width * height > MAX_FRAME_PIXELS:
        raise ProtocolError(f"JPEG frame of {width}×{height} pixels is larger than the viewer "
                            f"takes ({MAX_FRAME_PIXELS / 1e6:.0f} megapixels at most)")
    if width == 0 or height == 0:
        raise ProtocolError("broken JPEG frame: no pixels")
    return width, height


def decode_rgb(data: bytes, min_size: tuple[int, int] | None = None) -> tuple[Picture, float]:
    """Decode one JPEG with Pillow into a :class:`Picture`; return it with the thread CPU time
    spent. ``min_size`` (width, height) lets libjpeg-turbo scale down by 1/2, 1/4 or 1/8 while
    decoding as long as the result is still at least that large (much cheaper than scaling
    afterwards). Pillow holds the GIL while it copies the pixels out: the window uses Qt's
    decoder instead (see the module's text)."""
    from PIL import Image

    started = time.thread_time()
    scale = scale_floor(jpeg_size(data), min_size)
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG",)) as image:
            if scale:
                image.draft("RGB", (scale["min_width"], scale["min_height"]))
            image.load()
            rgb = image if image.mode == "RGB" else image.convert("RGB")
            pixels = bytearray(rgb.tobytes("raw", PIXEL_RAWMODE))
            width, height = rgb.size
            pixels[ALPHA_INDEX::4] = b"\xff" * (width * height)  # Pillow's X bytes are 0
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ProtocolError(f"broken JPEG frame: {exc}") from exc
    return Picture(pixels, width, height, width * 4), time.thread_time() - started
