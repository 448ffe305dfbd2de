"""The window's own colours stay readable on a dark palette; high-DPI renders are sharp."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtGui import QColor, QPalette

from configurator.ui.palette import bg, contrast, dark_palette, fg, is_dark
from configurator.ui.widgets import Banner

# Text colours the window uses (state words, errors, muted help text).
TEXT_COLOURS = ["#546e7a", "#37474f", "#c0392b", "#b3261e", "#1b7a3a", "#9a6200", "#2874a6",
                "#12324a", "#8a8f98", "#922b21", "#1d6b33"]


@pytest.fixture
def dark(qapp):
    before = qapp.palette()
    qapp.setPalette(dark_palette())
    yield qapp.palette()
    qapp.setPalette(before)


def test_light_palette_keeps_the_colours(qapp) -> None:
    light = QPalette(QColor("#000000"), QColor("#f0f0f0"))  # button text / window
    light.setColor(QPalette.ColorRole.WindowText, QColor("#000000"))
    assert not is_dark(light)
    assert fg("#546e7a", light).name() == "#546e7a"
    assert bg("#e9f7ef", light).name() == "#e9f7ef"


def test_text_colours_are_readable_on_a_dark_palette(dark) -> None:
    assert is_dark()
    window = dark.color(QPalette.ColorRole.Window)
    base = dark.color(QPalette.ColorRole.Base)
    for colour in TEXT_COLOURS:
        assert contrast(QColor(colour), window) < 4.5 or colour == "#8a8f98"  # unreadable as is
        assert contrast(fg(colour), window) >= 4.5, colour
        assert contrast(fg(colour), base) >= 4.5, colour
        # the hue stays: an error is still red, a success still green
        assert abs(fg(colour).hslHueF() - QColor(colour).hslHueF()) < 0.02 or \
            QColor(colour).hslSaturationF() < 0.05


def test_banners_are_readable_on_a_dark_palette(dark, qtbot) -> None:
    banner = Banner()
    qtbot.addWidget(banner)
    for kind in ("info", "success", "warning", "error"):
        banner.show_message(kind, "Hold delay: 160 is above the maximum")
        style = banner.styleSheet()
        background = QColor(style.split("background: ")[1].split(";")[0])
        foreground = QColor(style.split("color: ")[1].split(";")[0])
        assert background.lightnessF() < 0.3, (kind, style)
        assert contrast(foreground, background) >= 4.5, (kind, style)


def test_window_renders_sharp_at_scale_factor_2(tmp_path) -> None:
    """Offscreen at QT_SCALE_FACTOR=2 the window's grab and the drawn icons have twice the
    pixels (no blurry upscaling of 1x pixmaps)."""
    script = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QSize
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from configurator.app import build_window
        from configurator.ui.icons import icon
        window = build_window(demo=True)
        window.resize(800, 500)
        window.show()
        app.processEvents()
        shot = window.grab()
        pixmap = icon("apply").pixmap(QSize(16, 16), 2.0)
        print(shot.devicePixelRatio(), shot.width(), window.width(),
              pixmap.width(), pixmap.devicePixelRatio())
        shot.save(sys.argv[1])
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2",
           "CONFIGURATOR_CONFIG_DIR": str(tmp_path / "config")}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "x2.png")], env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    ratio, shot_width, window_width, icon_width, icon_ratio = done.stdout.split()[-5:]
    assert float(ratio) == 2.0
    assert int(shot_width) == 2 * int(window_width)
    assert int(icon_width) == 32 and float(icon_ratio) == 2.0
