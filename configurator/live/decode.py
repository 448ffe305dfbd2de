"""JPEG decoding off the event loop: simplejpeg (libjpeg-turbo) releases the GIL while it works.

``QImage.fromData`` would hold the GIL and stall the GUI even in a thread, so the viewer decodes
here into an owned 32-bit buffer and only wraps that buffer in a QImage on the GUI thread.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import simplejpeg

from ..core.errors import ProtocolError

# libjpeg-turbo's fast integer IDCT and fast chroma upsampling: what the viewer uses.
DECODE_FLAGS = {"fastdct": True, "fastupsample": True}
# QImage.Format_RGB32 is the 32-bit word 0xffRRGGBB: bytes B, G, R, X on little-endian machines.
PIXEL_COLORSPACE = "BGRX" if sys.byteorder == "little" else "XRGB"
# Index of red, green, blue in a pixel of that layout.
RGB_INDEX = [2, 1, 0] if sys.byteorder == "little" else [1, 2, 3]

# A header can claim up to 65500 x 65500 pixels: 17 GB of output for a 200-byte frame (tried:
# 13.8 GB resident and 42 s before libjpeg gave up). 8K UHD is more than any camera stream
# this viewer is for.
MAX_FRAME_PIXELS = 7680 * 4320

_executor: ThreadPoolExecutor | None = None


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
    picture by 1/2, 1/4 or 1/8 only.

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


def jpeg_size(data: bytes) -> tuple[int, int]:
    """Width and height from a JPEG's header, refusing pictures larger than
    ``MAX_FRAME_PIXELS`` before anything is allocated for them."""
    try:
        height, width = simplejpeg.decode_jpeg_header(data)[:2]
    except (ValueError, RuntimeError) as exc:
        raise ProtocolError(f"broken JPEG frame: {exc}") from exc
    if width * height > MAX_FRAME_PIXELS:
        raise ProtocolError(f"JPEG frame of {width}×{height} pixels is larger than the viewer "
                            f"takes ({MAX_FRAME_PIXELS / 1e6:.0f} megapixels at most)")
    return width, height


def decode_rgb(data: bytes, min_size: tuple[int, int] | None = None) -> tuple[np.ndarray, float]:
    """Decode one JPEG to an H x W x 4 array in the byte order of QImage ``Format_RGB32``
    (B, G, R, 0xFF on little-endian machines); return it with the thread CPU time spent.

    ``min_size`` (width, height) lets libjpeg-turbo scale down by 1/2, 1/4 or 1/8 while decoding
    as long as the result is still at least that large (much cheaper than scaling afterwards).
    The 4-byte pixels are what the Qt raster engine paints without converting.
    """
    started = time.thread_time()
    scale = scale_floor(jpeg_size(data), min_size)
    try:
        pixels = simplejpeg.decode_jpeg(data, colorspace=PIXEL_COLORSPACE, **DECODE_FLAGS,
                                        **scale)
    except (ValueError, RuntimeError) as exc:
        raise ProtocolError(f"broken JPEG frame: {exc}") from exc
    if not pixels.flags.c_contiguous:
        pixels = np.ascontiguousarray(pixels)
    return pixels, time.thread_time() - started
