"""The translation catalogue can be produced with lupdate, and a compiled one is used."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

from PySide6.QtCore import QCoreApplication, QLocale

from configurator.ui.catalogue import DEFAULT_TS, driver_texts, lupdate_path, write_catalogue
from configurator.ui.i18n import install_translator, param_text


def messages(ts_file) -> set[tuple[str, str]]:
    root = ET.parse(ts_file).getroot()
    return {(context.findtext("name") or "", message.findtext("source") or "")
            for context in root.iter("context") for message in context.iter("message")}


def test_catalogue_holds_window_texts_and_parameter_labels(tmp_path) -> None:
    target = tmp_path / "i18n" / "configurator_en.ts"
    write_catalogue(target)
    found = messages(target)
    for expected in [
        ("WindowMenus", "&New site"),                      # self.tr in a QObject
        ("WindowDocks", "Event log"),                      # translate() in a plain class
        ("messages", "{where} requires HTTPS: choose https and try again."),  # placeholders
        ("DeviceState", "auth failed"),                    # QT_TRANSLATE_NOOP table
        ("capabilities", "Relays"),
        ("params", "Hold delay"),                          # a driver's parameter label
        ("app", "Demo fleet failed to start: {error}"),    # app.py
    ]:
        assert expected in found, expected
    assert len(found) > 500
    assert "Hold delay" in driver_texts()


def test_the_committed_catalogue_is_up_to_date(tmp_path) -> None:
    """Translators work from resources/i18n/configurator_en.ts: it must hold every text the
    code shows and none it no longer has (run ``python -m configurator.ui.catalogue``)."""
    fresh = tmp_path / "configurator_en.ts"
    write_catalogue(fresh)
    committed, current = messages(DEFAULT_TS), messages(fresh)
    missing = sorted(current - committed)[:5]
    gone = sorted(committed - current)[:5]
    assert (missing, gone) == ([], []), (
        "the catalogue is stale: run `python -m configurator.ui.catalogue` "
        f"(missing {missing}, no longer in the code {gone})")


def test_installed_translator_changes_what_the_window_says(qapp, tmp_path) -> None:
    french = tmp_path / "configurator_fr.ts"
    french.write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="fr">'
        "<context><name>WelcomePage</name><message><source>Try the demo (simulated devices)"
        "</source><translation>Essayer la démo</translation></message></context>"
        "<context><name>params</name><message><source>Hold delay</source>"
        "<translation>Temporisation</translation></message></context></TS>",
        encoding="utf-8")
    lrelease = lupdate_path().with_name(lupdate_path().name.replace("lupdate", "lrelease"))
    subprocess.run([str(lrelease), str(french)], check=True, capture_output=True)
    assert install_translator(QLocale("de_DE"), (tmp_path,)) == []  # no German file
    translators = install_translator(QLocale("fr_FR"), (tmp_path,))
    assert translators
    try:
        from configurator.ui.window.welcome import WelcomePage

        page = WelcomePage()
        assert page.demo_button.text() == "Essayer la démo"
        assert param_text("Hold delay") == "Temporisation"
        page.deleteLater()
    finally:
        for translator in translators:
            QCoreApplication.removeTranslator(translator)
    assert param_text("Hold delay") == "Hold delay"
