"""The application icon and Help > About (version, licence, library versions)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from configurator import __version__
from configurator.app import build_window
from configurator.services.about import about_text, library_version, library_versions
from configurator.ui.icons import application_icon


def test_the_application_icon_has_every_rendered_size(qapp) -> None:
    icon = application_icon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes


def test_about_names_version_licence_and_libraries(qapp) -> None:
    text = about_text()
    assert text.splitlines()[0].startswith(f"configurator {__version__}")
    assert "Licence: MIT" in text
    versions = library_versions()
    for name in ("Python", "Qt", "PySide6", "httpx", "lxml", "qasync", "keyring"):
        assert versions[name] not in ("", "unknown", "not installed"), name
        assert f"{name} {versions[name]}" in text


def test_a_missing_library_reads_not_installed() -> None:
    assert library_version("no-such-distribution", "no_such_module") == "not installed"


def test_help_about_shows_it_with_the_icon(qtbot, qloop) -> None:
    async def scenario() -> None:
        window = build_window(demo=True)
        window.show()
        try:
            window.menus.about_action.trigger()
            box = window.menus.about_box
            assert box.isVisible()
            assert f"configurator {__version__}" in box.text() and "MIT" in box.text()
            assert "PySide6" in box.informativeText() and "httpx" in box.informativeText()
            assert not box.iconPixmap().isNull()
            assert box.iconPixmap().toImage() == application_icon().pixmap(64, 64).toImage()
            box.grab().save(str(Path(tempfile.gettempdir()) / "configurator-about.png"))
            box.close()
        finally:
            window.close()
            await window.wait_closed()

    qloop.run_until_complete(scenario())
