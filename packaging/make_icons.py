"""Render the application icon from ``icons/configurator.svg`` into every size and format.

    .venv/bin/python packaging/make_icons.py

Writes (all committed, so a build needs no extra step; re-run after editing the SVG):
- ``configurator/assets/icons/configurator-{16..512}.png``: the window's icon at run time
  (PNG: the bundle needs no SVG plugin),
- ``packaging/icons/configurator.ico`` (Windows: 16-256 px) and ``configurator.icns`` (macOS),
- ``packaging/icons/configurator-256.png`` (Linux menus, AppStream).

Qt's SVG renderer draws the pixels; Pillow writes ICO and ICNS. Headless (offscreen).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SVG = HERE / "icons" / "configurator.svg"
RUNTIME_DIR = ROOT / "configurator" / "assets" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(size: int) -> bytes:
    """PNG bytes of the SVG at ``size`` x ``size``."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    RUNTIME_DIR.mkdir(parents=True, exist_ok=True)
    pngs = {size: render(size) for size in SIZES}
    for size, data in pngs.items():
        (RUNTIME_DIR / f"configurator-{size}.png").write_bytes(data)
    (HERE / "icons" / "configurator-256.png").write_bytes(pngs[256])
    images = {size: Image.open(io.BytesIO(data)) for size, data in pngs.items()}
    images[256].save(HERE / "icons" / "configurator.ico",
                     sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)],
                     append_images=[images[s] for s in (16, 24, 32, 48, 64, 128)])
    # ICNS holds up to 512@2x: drawn at 1024 rather than scaled up.
    large = Image.open(io.BytesIO(render(1024)))
    large.save(HERE / "icons" / "configurator.icns",
               append_images=[images[s] for s in (16, 32, 64, 128, 256, 512)])
    print(f"icons written: {RUNTIME_DIR}, {HERE / 'icons'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
