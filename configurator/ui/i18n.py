"""Translation of what the window shows (Qt's own machinery, so Qt Linguist tools work).

- In a QObject subclass: ``self.tr("Text")``; the context is the class.
- Elsewhere: ``translate("Context", "Text")`` - the call is named ``translate`` on purpose:
  ``lupdate`` extracts ``translate(context, text)`` calls whatever module they come from.
- Placeholders are ``{name}`` filled with ``str.format`` after translation (an f-string cannot
  be looked up in a catalogue): ``self.tr("{count} device(s)").format(count=n)``.
- Labels, groups, help texts and choice labels of the drivers' parameter tables are data from
  below ``ui/`` (no Qt there): they are translated where they are shown, in the fixed context
  ``"params"`` (``param_text``); ``python -m configurator.i18n_catalogue`` lists them in the
  catalogue too.

``install_translator`` loads ``configurator_<locale>.qm`` from ``resources/i18n`` (or the
bundled ``configurator/assets/i18n``) for the system locale when such a file exists, and Qt's
own ``qtbase_<locale>.qm`` (dialog buttons) when Qt ships one; only English ships of ours,
and English needs no file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger("configurator.ui.i18n")

PARAMS_CONTEXT = "params"
CATALOGUE_NAME = "configurator"
_HERE = Path(__file__).resolve().parent
CATALOGUE_DIRS = (_HERE.parent / "assets" / "i18n", _HERE.parent.parent / "resources" / "i18n")


def translate(context: str, text: str, disambiguation: str | None = None,
              n: int = -1) -> str:
    """``text`` in the user's language (``text`` itself when no catalogue has it)."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def param_text(text: str) -> str:
    """A label/help/group/choice text of a driver's parameter table, translated in the
    ``"params"`` context (empty stays empty)."""
    return QCoreApplication.translate(PARAMS_CONTEXT, text) if text else text


def install_translator(locale: QLocale | None = None,
                       directories: tuple[Path, ...] = CATALOGUE_DIRS) -> list[QTranslator]:
    """Install our catalogue for ``locale`` (the system's by default) when a ``.qm`` exists,
    and then Qt's own for the same language (so dialog buttons speak it too).

    Returns the installed translators (none for English or an unknown language)."""
    app = QCoreApplication.instance()
    if app is None:
        return []
    locale = locale or QLocale.system()
    for directory in directories:
        ours = QTranslator(app)
        if ours.load(locale, CATALOGUE_NAME, "_", str(directory)):
            break
        ours.deleteLater()
    else:
        return []
    installed = [ours]
    qt_own = QTranslator(app)
    if qt_own.load(locale, "qtbase", "_",
                   QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        installed.insert(0, qt_own)
    for translator in installed:
        app.installTranslator(translator)
    log.info("translation loaded: %s", ours.filePath())
    return installed
