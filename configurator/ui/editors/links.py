"""A button on a read-only page that leads to the editor where its settings are changed."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from ..i18n import translate
from ..icons import icon


def edit_elsewhere_button(parent: QWidget, capability: str) -> QPushButton:
    """``Change in the configuration file…`` for ``configfile``; a generic label otherwise."""
    if capability == "configfile":
        button = QPushButton(icon("list"), translate("EditElsewhere",
                                                     "Change in the configuration file…"),
                             parent)
        button.setToolTip(translate("EditElsewhere",
                                    "Open the device's configuration file editor: download, "
                                    "edit, see the differences, upload and check"))
    else:
        button = QPushButton(icon("list"), translate(
            "EditElsewhere", "Change them on the {0} page…").format(capability), parent)
    return button
