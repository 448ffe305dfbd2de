"""JPEG decoding off the event loop: simplejpeg (libjpeg-turbo) releases the GIL while it works.

``QImage.fromData`` would hold the GIL and stall the GUI even in a thread, so the viewer decodes
here into an owned RGB buffer and only wraps that buffer in a QImage on the GUI thread.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import simplejpeg

from ..core.errors import ProtocolError

_executor: ThreadPoolExecutor | None = None


def decode_executor() -> ThreadPoolExecutor:
    """The shared decoder threads (2: one per core on the target laptops)."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="jpeg-decode")
    return _executor


def decode_rgb(data: bytes, min_size: tuple[int, int] | None = None) -> tuple[np.ndarray, float]:
    """Decode one JPEG to an H x W x 3 RGB array; return it with the thread CPU time spent.

    ``min_size`` (width, height) lets libjpeg-turbo scale down by 1/2, 1/4 or 1/8 while decoding
    as long as the result is still at least that large (much cheaper than scaling afterwards).
    """
    started = time.thread_time()
    kwargs = {}
    if min_size is not None and min_size[0] > 0 and min_size[1] > 0:
        kwargs = {"min_width": int(min_size[0]), "min_height": int(min_size[1])}
    try:
        rgb = simplejpeg.decode_jpeg(data, colorspace="RGB", fastdct=True, fastupsample=True,
                                     **kwargs)
    except (ValueError, RuntimeError) as exc:
        raise ProtocolError(f"broken JPEG frame: {exc}") from exc
    if not rgb.flags.c_contiguous:
        rgb = np.ascontiguousarray(rgb)
    return rgb, time.thread_time() - started
