"""Colours that stay readable in the system's light and dark palettes.

The window uses the platform palette (light or dark, as the desktop says). The few colours it
adds itself - state words, banners, changed rows, muted help text - are written as their
light-palette value and passed through these functions, which keep them as they are on a
light palette and move them to the other end of the lightness scale on a dark one (same hue):
a text colour becomes light, a background tint becomes dark.

    label.setStyleSheet(f"color: {fg_css('#546e7a')};")
    item.setForeground(fg("#b3261e"))
    item.setBackground(bg("#e9f7ef"))

Colours are chosen when a widget is built or a cell is painted, from the palette of that
moment.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

# Lightness (0..1) of text and of tints on a dark palette.
DARK_TEXT_LIGHTNESS = 0.72
DARK_TINT_LIGHTNESS = 0.22
DARK_LINE_LIGHTNESS = 0.42


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette (the application's by default) has a dark window background."""
    if palette is None:
        if QGuiApplication.instance() is None:
            return False
        palette = QGuiApplication.palette()
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return window.lightnessF() < text.lightnessF()


def _with_lightness(colour: QColor, lightness: float, max_saturation: float = 1.0) -> QColor:
    hue, saturation, _lightness, alpha = colour.getHslF()
    return QColor.fromHslF(max(hue, 0.0), min(saturation, max_saturation), lightness, alpha)


def fg(colour: str | QColor, palette: QPalette | None = None) -> QColor:
    """A text colour given for a light background, readable on the current one."""
    base = QColor(colour)
    if not is_dark(palette) or base.lightnessF() >= DARK_TEXT_LIGHTNESS:
        return base
    return _with_lightness(base, DARK_TEXT_LIGHTNESS)


def bg(colour: str | QColor, palette: QPalette | None = None) -> QColor:
    """A background tint given for a light palette (pale), as a dark tint on a dark one."""
    base = QColor(colour)
    if not is_dark(palette) or base.lightnessF() <= DARK_TINT_LIGHTNESS:
        return base
    return _with_lightness(base, DARK_TINT_LIGHTNESS, max_saturation=0.45)


def line(colour: str | QColor, palette: QPalette | None = None) -> QColor:
    """A border colour (between text and background)."""
    base = QColor(colour)
    if not is_dark(palette):
        return base
    return _with_lightness(base, DARK_LINE_LIGHTNESS, max_saturation=0.5)


def fg_css(colour: str | QColor) -> str:
    return fg(colour).name()


def bg_css(colour: str | QColor) -> str:
    return bg(colour).name()


def line_css(colour: str | QColor) -> str:
    return line(colour).name()


def muted_css() -> str:
    """Secondary text (help under a title, counts): the palette's placeholder colour."""
    return fg_css("#546e7a")


def dark_palette() -> QPalette:
    """A dark palette (Fusion's roles), for screenshots and tests of the dark look; the
    program itself takes the system's palette."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2d30", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1f22", QPalette.ColorRole.AlternateBase: "#26282b",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#35373b",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#2f65ca",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#35373b",
        QPalette.ColorRole.ToolTipText: "#e6e6e6", QPalette.ColorRole.PlaceholderText: "#8c8f94",
        QPalette.ColorRole.Link: "#8ab4f8", QPalette.ColorRole.Mid: "#4a4d52",
        QPalette.ColorRole.Dark: "#1a1b1e", QPalette.ColorRole.Light: "#505358",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7d82"))
    return palette


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1..21)."""
    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
                + 0.0722 * channel(colour.blueF()))
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
