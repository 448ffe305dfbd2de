"""Small icons drawn with QPainter (no image files needed, crisp at any scale)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from ..services.sessions import DeviceState
from .palette import fg

APP_ICON_DIR = Path(__file__).resolve().parent.parent / "assets" / "icons"


def application_icon() -> QIcon:
    """The application icon at every rendered size (packaging/make_icons.py draws the PNGs
    from packaging/icons/configurator.svg: no SVG plugin needed at run time)."""
    icon = QIcon()
    for png in sorted(APP_ICON_DIR.glob("configurator-*.png")):
        icon.addFile(str(png))
    return icon


STATE_COLOURS: dict[DeviceState | str, str] = {
    DeviceState.ONLINE: "#2e9d4a",
    DeviceState.CONNECTING: "#8a8f98",
    DeviceState.OFFLINE: "#c0392b",
    DeviceState.AUTH_FAILED: "#d68910",
    DeviceState.CERTIFICATE: "#8e44ad",
    DeviceState.UNSUPPORTED: "#7f8c8d",
    "busy": "#2874a6",
}

OUTCOME_COLOURS = {
    "dirty": "#2874a6",
    "applied": "#2e9d4a",
    "rejected": "#c0392b",
    "not verified": "#d68910",
    "invalid": "#c0392b",
}

INK = "#37474f"

Painter = Callable[[QPainter, float], None]


def _icon(draw: Painter, size: int = 32) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw(painter, size)
    painter.end()
    return QIcon(pixmap)


def _pen(colour: str = INK, width: float = 2.2) -> QPen:
    # The ink of glyphs follows the palette (light strokes on a dark palette).
    pen = QPen(fg(colour) if colour == INK else QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


@functools.cache
def status_dot(colour: str, ring: bool = False) -> QIcon:
    def draw(p: QPainter, s: float) -> None:
        p.setPen(QPen(QColor(colour).darker(130), 1.5))
        p.setBrush(QColor(colour))
        p.drawEllipse(QRectF(s * 0.22, s * 0.22, s * 0.56, s * 0.56))
        if ring:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(QColor("#2874a6"), 2.5))
            p.drawEllipse(QRectF(s * 0.08, s * 0.08, s * 0.84, s * 0.84))
    return _icon(draw)


def state_icon(state: DeviceState, busy: bool = False) -> QIcon:
    return status_dot(STATE_COLOURS[state], ring=busy)


@functools.cache
def outcome_icon(outcome: str) -> QIcon:
    colour = OUTCOME_COLOURS.get(outcome, INK)

    def draw(p: QPainter, s: float) -> None:
        p.setPen(_pen(colour, s * 0.1))
        if outcome == "applied":
            p.drawPolyline([QPointF(s * .2, s * .52), QPointF(s * .42, s * .74),
                            QPointF(s * .8, s * .28)])
        elif outcome in ("rejected", "invalid"):
            p.drawLine(QPointF(s * .25, s * .25), QPointF(s * .75, s * .75))
            p.drawLine(QPointF(s * .75, s * .25), QPointF(s * .25, s * .75))
        elif outcome == "not verified":
            p.drawEllipse(QRectF(s * .18, s * .18, s * .64, s * .64))
            p.drawLine(QPointF(s * .5, s * .32), QPointF(s * .5, s * .54))
            p.drawPoint(QPointF(s * .5, s * .68))
        else:  # dirty: a filled pencil-blue dot
            p.setBrush(QColor(colour))
            p.drawEllipse(QRectF(s * .34, s * .34, s * .32, s * .32))
    return _icon(draw)


def _draw_device(p: QPainter, s: float) -> None:  # a door station: plate, camera, buttons
    p.setPen(_pen(INK, s * .07))
    p.setBrush(QColor("#eceff1"))
    p.drawRoundedRect(QRectF(s * .26, s * .08, s * .48, s * .84), s * .08, s * .08)
    p.setBrush(QColor(INK))
    p.drawEllipse(QRectF(s * .42, s * .17, s * .16, s * .16))
    p.setBrush(QColor("#2874a6"))
    p.drawRoundedRect(QRectF(s * .36, s * .45, s * .28, s * .14), 2, 2)
    p.drawRoundedRect(QRectF(s * .36, s * .66, s * .28, s * .14), 2, 2)


def _draw_phone(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .07))
    p.setBrush(QColor("#eceff1"))
    p.drawRoundedRect(QRectF(s * .12, s * .3, s * .76, s * .58), s * .08, s * .08)
    p.setBrush(QColor(INK))
    p.drawRoundedRect(QRectF(s * .08, s * .12, s * .2, s * .6), s * .08, s * .08)
    p.setBrush(QColor("#2874a6"))
    p.drawRect(QRectF(s * .4, s * .4, s * .38, s * .16))


def _draw_pbx(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .07))
    p.setBrush(QColor("#eceff1"))
    for i in range(3):
        p.drawRoundedRect(QRectF(s * .12, s * (.14 + i * .25), s * .76, s * .2), 3, 3)
        p.setBrush(QColor("#2e9d4a"))
        p.drawEllipse(QRectF(s * .7, s * (.2 + i * .25), s * .08, s * .08))
        p.setBrush(QColor("#eceff1"))


def _draw_site(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .07))
    p.setBrush(QColor("#cfd8dc"))
    p.drawRect(QRectF(s * .2, s * .2, s * .6, s * .7))
    p.setBrush(QColor("#fff"))
    for row in range(3):
        for col in range(2):
            p.drawRect(QRectF(s * (.3 + col * .24), s * (.3 + row * .18), s * .14, s * .1))


def _draw_gear(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .1))
    c = QPointF(s / 2, s / 2)
    for i in range(8):
        p.save()
        p.translate(c)
        p.rotate(i * 45)
        p.drawLine(QPointF(0, -s * .3), QPointF(0, -s * .42))
        p.restore()
    p.drawEllipse(c, s * .24, s * .24)
    p.drawEllipse(c, s * .08, s * .08)


def _draw_relay(p: QPainter, s: float) -> None:  # a switch symbol
    p.setPen(_pen(INK, s * .08))
    p.drawLine(QPointF(s * .08, s * .62), QPointF(s * .3, s * .62))
    p.drawLine(QPointF(s * .3, s * .62), QPointF(s * .68, s * .32))
    p.drawLine(QPointF(s * .7, s * .62), QPointF(s * .92, s * .62))
    p.setBrush(QColor(INK))
    p.drawEllipse(QPointF(s * .3, s * .62), s * .05, s * .05)
    p.drawEllipse(QPointF(s * .7, s * .62), s * .05, s * .05)


def _draw_input(p: QPainter, s: float) -> None:  # arrow into a box
    p.setPen(_pen(INK, s * .08))
    p.drawRect(QRectF(s * .5, s * .2, s * .36, s * .6))
    p.drawLine(QPointF(s * .08, s * .5), QPointF(s * .6, s * .5))
    p.drawPolyline([QPointF(s * .44, s * .36), QPointF(s * .6, s * .5), QPointF(s * .44, s * .64)])


def _draw_sip(p: QPainter, s: float) -> None:  # handset
    p.setPen(_pen(INK, s * .1))
    path = QPainterPath(QPointF(s * .22, s * .2))
    path.cubicTo(QPointF(s * .1, s * .45), QPointF(s * .5, s * .9), QPointF(s * .8, s * .78))
    p.drawPath(path)
    p.drawLine(QPointF(s * .16, s * .2), QPointF(s * .32, s * .14))
    p.drawLine(QPointF(s * .78, s * .86), QPointF(s * .86, s * .7))


def _draw_card(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .07))
    p.setBrush(QColor("#e3f2fd"))
    p.drawRoundedRect(QRectF(s * .1, s * .24, s * .8, s * .52), s * .08, s * .08)
    for i in range(3):
        r = s * (.08 + i * .08)
        p.drawArc(QRectF(s * .6 - r, s * .5 - r, 2 * r, 2 * r), -45 * 16, 90 * 16)


def _draw_list(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .08))
    for i in range(3):
        y = s * (.28 + i * .22)
        p.drawPoint(QPointF(s * .18, y))
        p.drawLine(QPointF(s * .32, y), QPointF(s * .84, y))


def _draw_people(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .07))
    p.setBrush(QColor("#cfd8dc"))
    p.drawEllipse(QPointF(s * .5, s * .32), s * .14, s * .14)
    p.drawChord(QRectF(s * .22, s * .52, s * .56, s * .56), 0, 180 * 16)


def _draw_camera(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .07))
    p.setBrush(QColor("#eceff1"))
    p.drawRoundedRect(QRectF(s * .1, s * .3, s * .8, s * .5), 4, 4)
    p.drawEllipse(QPointF(s * .5, s * .55), s * .15, s * .15)
    p.drawRect(QRectF(s * .34, s * .2, s * .2, s * .1))


def _draw_log(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .07))
    p.setBrush(QColor("#fffde7"))
    p.drawRect(QRectF(s * .2, s * .1, s * .6, s * .8))
    for i in range(4):
        y = s * (.26 + i * .16)
        p.drawLine(QPointF(s * .3, y), QPointF(s * .7, y))


def _draw_wrench(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .12))
    p.drawLine(QPointF(s * .25, s * .75), QPointF(s * .6, s * .4))
    p.setPen(_pen(INK, s * .08))
    p.drawArc(QRectF(s * .5, s * .12, s * .38, s * .38), 200 * 16, 270 * 16)


def _draw_plus(p: QPainter, s: float) -> None:
    p.setPen(_pen("#2e9d4a", s * .12))
    p.drawLine(QPointF(s * .5, s * .18), QPointF(s * .5, s * .82))
    p.drawLine(QPointF(s * .18, s * .5), QPointF(s * .82, s * .5))


def _draw_minus(p: QPainter, s: float) -> None:
    p.setPen(_pen("#c0392b", s * .12))
    p.drawLine(QPointF(s * .18, s * .5), QPointF(s * .82, s * .5))


def _draw_refresh(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .09))
    p.drawArc(QRectF(s * .2, s * .2, s * .6, s * .6), 30 * 16, 300 * 16)
    p.drawPolyline([QPointF(s * .62, s * .2), QPointF(s * .78, s * .3), QPointF(s * .8, s * .12)])


def _draw_apply(p: QPainter, s: float) -> None:
    p.setPen(_pen("#2e9d4a", s * .12))
    p.drawPolyline([QPointF(s * .18, s * .52), QPointF(s * .42, s * .76),
                    QPointF(s * .84, s * .26)])


def _draw_revert(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .09))
    p.drawArc(QRectF(s * .24, s * .26, s * .56, s * .52), -90 * 16, 220 * 16)
    p.drawPolyline([QPointF(s * .34, s * .12), QPointF(s * .2, s * .3), QPointF(s * .4, s * .4)])


def _draw_outline(p: QPainter, s: float, points: tuple[tuple[float, float], ...]) -> None:
    """The shape through ``points`` (fractions of the size), in the current pen and brush."""
    (x0, y0), *rest = points
    path = QPainterPath(QPointF(s * x0, s * y0))
    for x, y in rest:
        path.lineTo(QPointF(s * x, s * y))
    p.drawPath(path)


def _draw_bolt(p: QPainter, s: float) -> None:
    p.setPen(_pen("#d68910", s * .06))
    p.setBrush(QColor("#f5b041"))
    _draw_outline(p, s, ((.56, .08), (.24, .56), (.48, .56), (.4, .92), (.76, .42), (.52, .42),
                         (.56, .08)))


def _draw_folder(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .06))
    p.setBrush(QColor("#f9e79f"))
    _draw_outline(p, s, ((.1, .8), (.1, .22), (.4, .22), (.48, .32), (.9, .32), (.9, .8),
                         (.1, .8)))


def _draw_save(p: QPainter, s: float) -> None:
    p.setPen(_pen(INK, s * .06))
    p.setBrush(QColor("#aed6f1"))
    p.drawRoundedRect(QRectF(s * .14, s * .14, s * .72, s * .72), 3, 3)
    p.setBrush(QColor("#fff"))
    p.drawRect(QRectF(s * .3, s * .14, s * .4, s * .24))
    p.drawRect(QRectF(s * .26, s * .56, s * .48, s * .3))


_NAMED: dict[str, Painter] = {
    "device": _draw_device, "phone": _draw_phone, "pbx": _draw_pbx, "site": _draw_site,
    "system": _draw_gear, "relay": _draw_relay, "input": _draw_input, "sip": _draw_sip,
    "card": _draw_card, "list": _draw_list, "people": _draw_people, "camera": _draw_camera,
    "log": _draw_log, "maintenance": _draw_wrench, "add": _draw_plus, "remove": _draw_minus,
    "refresh": _draw_refresh, "apply": _draw_apply, "revert": _draw_revert, "action": _draw_bolt,
    "open": _draw_folder, "save": _draw_save,
}


@functools.cache
def icon(name: str) -> QIcon:
    """A named icon; unknown names get the generic list icon."""
    return _icon(_NAMED.get(name, _draw_list))


def device_icon(vendor: str, model: str) -> QIcon:
    text = f"{vendor} {model}".lower()
    if "fcm" in text or "pbx" in text:
        return icon("pbx")
    if "fanvil" in text and not any(w in text for w in ("i1", "i2", "i3", "door")):
        return icon("phone")
    return icon("device")


def export_pngs(directory: str) -> list[str]:
    """Write every icon as a PNG (for docs and packaging); returns the file names."""
    from pathlib import Path

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for name in _NAMED:
        path = out / f"{name}.png"
        icon(name).pixmap(32, 32).save(str(path))
        names.append(path.name)
    return names
