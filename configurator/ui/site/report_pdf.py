"""The commissioning report as PDF through Qt's own printing: QTextDocument + QPdfWriter.

The HTML is the same as the HTML report's (``services/site_ops/report_html``); pictures are
handed to the document as image resources instead of ``data:`` URIs. Only the report path
imports this module (the CLI's ``site report --out FILE.pdf`` and the window).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ...services.site_ops.report import SiteReport
from ...services.site_ops.report_html import render_html
from ..i18n import translate

A4_MARGIN_MM = 14.0


def ensure_gui_application() -> object:
    """Qt's text layout needs a QGuiApplication; without a display, the offscreen platform."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) \
                and sys.platform.startswith("linux"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["configurator"])
    return app


def write_pdf(report: SiteReport, path: str | Path) -> int:
    """Render ``report`` to ``path``; returns the number of pages."""
    ensure_gui_application()
    from PySide6.QtCore import QByteArray, QMarginsF, QSizeF, QUrl
    from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    document = QTextDocument()
    pictures: list[tuple[str, QImage]] = []

    def resource(jpeg: bytes) -> str:
        name = f"picture-{len(pictures)}.jpg"
        image = QImage()
        image.loadFromData(QByteArray(jpeg))
        pictures.append((name, image))
        return name

    markup = render_html(report, image_src=resource)
    for name, image in pictures:
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    writer = QPdfWriter(str(path))
    writer.setTitle(translate("report_pdf", "Commissioning report - {name}").format(
        name=report.site.name))
    writer.setCreator("configurator")
    writer.setResolution(144)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(A4_MARGIN_MM, A4_MARGIN_MM, A4_MARGIN_MM,
                                               A4_MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    document.setDefaultStyleSheet("")
    document.setHtml(markup)
    rect = writer.pageLayout().paintRectPixels(writer.resolution())
    document.setPageSize(QSizeF(rect.width(), rect.height()))
    document.print_(writer)
    return document.pageCount()
