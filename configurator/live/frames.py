"""Frames between the stream reader and the decoder: a newest-frame-wins slot.

The reader never waits for the decoder: a frame that arrives while the previous one is still
waiting to be decoded replaces it (counted in ``dropped``). Nothing can pile up, so a slow
decoder or a busy GUI shows fewer frames but never falls behind real time.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import numpy as np

from .decode import RGB_INDEX


@dataclass(frozen=True)
class JpegFrame:
    """One received JPEG and when its last byte arrived (``loop.time()``)."""

    data: bytes
    received: float
    seq: int


@dataclass(frozen=True)
class DecodedFrame:
    """An owned H x W x 4 buffer (``pixels``, C-contiguous) in the byte order of QImage
    ``Format_RGB32``, ready to paint without a copy; ``rgb`` is an H x W x 3 view of it."""

    pixels: np.ndarray
    width: int
    height: int
    seq: int
    received: float  # last byte of the JPEG arrived (loop.time())
    decoded: float  # decoded image available on the loop (loop.time())
    decode_cpu: float  # CPU seconds the decoder thread spent on this frame

    @property
    def latency(self) -> float:
        return self.decoded - self.received

    @property
    def stride(self) -> int:
        return int(self.pixels.strides[0])

    @property
    def rgb(self) -> np.ndarray:
        """Red, green, blue channels (H x W x 3; a view for slicing, a copy when indexed)."""
        if RGB_INDEX == [2, 1, 0]:
            return self.pixels[..., 2::-1]  # a view, no copy
        return self.pixels[..., 1:4]


class FrameSlot:
    """Holds at most one undecoded frame; ``put`` replaces it, ``get`` waits for one."""

    def __init__(self) -> None:
        self._frame: JpegFrame | None = None
        self._ready = asyncio.Event()
        self.received = 0
        self.dropped = 0

    def put(self, frame: JpegFrame) -> None:
        self.received += 1
        if self._frame is not None:
            self.dropped += 1
        self._frame = frame
        self._ready.set()

    async def get(self) -> JpegFrame:
        while self._frame is None:
            self._ready.clear()
            await self._ready.wait()
        frame, self._frame = self._frame, None
        self._ready.clear()
        return frame

    def clear(self) -> None:
        """Forget a pending frame (stream restarted); counts are kept."""
        self._frame = None
        self._ready.clear()

    @property
    def pending(self) -> bool:
        return self._frame is not None
