"""A button on a read-only page that leads to the editor where its settings are changed."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QPushButton, QWidget

from ..icons import icon


def _tr(text: str) -> str:
    return QCoreApplication.translate("EditElsewhere", text)


def edit_elsewhere_button(parent: QWidget, capability: str) -> QPushButton:
    """``Change in the configuration file…`` for ``configfile``; a generic label otherwise."""
    if capability == "configfile":
        button = QPushButton(icon("list"), _tr("Change in the configuration file…"), parent)
        button.setToolTip(_tr("Open the device's configuration file editor: download, "
                              "edit, see the differences, upload and check"))
    else:
        button = QPushButton(icon("list"), _tr("Change them on the {0} page…").format(
            capability), parent)
    return button
