"""The window's JPEG decoder: Qt's own reader, in the decoder threads.

Qt's JPEG plugin (libjpeg-turbo inside) runs with the GIL released for the whole decode
(PySide6 lets go of it around the call), so a decoding thread never stalls the GUI thread; it
writes ``Format_RGB32`` directly and the viewer paints that QImage without converting or
copying. A quality below 50 makes the plugin use libjpeg's fast integer IDCT and plain chroma
upsampling (what the camera view used before with simplejpeg); the scaled size, always one of
libjpeg's own 1/2, 1/4, 1/8 sizes (:func:`~configurator.live.decode.scale_floor`), makes it
scale while decoding and never afterwards. Qt's build of libjpeg-turbo has no SIMD code: it
costs more CPU per frame than Pillow's, but Pillow holds the GIL while copying pixels out.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QImage, QImageReader

from ...core.errors import ProtocolError
from ...live.decode import Picture, jpeg_size, scale_floor

FAST_QUALITY = 49  # below Qt's threshold of 50: fast IDCT, no fancy upsampling
RGB32 = QImage.Format.Format_RGB32


def decode_qimage(data: bytes, min_size: tuple[int, int] | None = None) -> tuple[Picture, float]:
    """Decode one JPEG into a QImage-backed :class:`~configurator.live.decode.Picture`;
    return it with the thread CPU time spent (same contract as ``decode_rgb``)."""
    started = time.thread_time()
    scale = scale_floor(jpeg_size(data), min_size)
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, b"jpeg")
    reader.setQuality(FAST_QUALITY)
    if scale:
        reader.setScaledSize(QSize(scale["min_width"], scale["min_height"]))
    image = reader.read()
    if image.isNull():
        raise ProtocolError(f"broken JPEG frame: {reader.errorString()}")
    if image.format() != RGB32:  # a grey-scale or CMYK JPEG
        image = image.convertToFormat(RGB32)
    picture = Picture(image.constBits(), image.width(), image.height(), image.bytesPerLine(),
                      image)
    return picture, time.thread_time() - started
