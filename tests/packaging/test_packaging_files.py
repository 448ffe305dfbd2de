"""The release files in packaging/: which Qt files the bundle leaves out, and that the desktop
integration files are well-formed and agree with each other and with the program."""

from __future__ import annotations

import configparser
import importlib.util
import plistlib
from pathlib import Path

import pytest
from lxml import etree

from configurator import __version__

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


def _qt_selection():
    spec = importlib.util.spec_from_file_location(
        "qt_selection", PACKAGING / "hooks" / "qt_selection.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", [
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6\\plugins\\platforms\\qwindows.dll",
    "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
    "PySide6/Qt/plugins/imageformats/libqjpeg.so",
    "PySide6\\plugins\\imageformats\\qjpeg.dll",
    "PySide6/Qt/lib/libQt6Widgets.so.6",
    "PySide6/Qt/lib/libQt6Gui.so.6",
    "PySide6/Qt/lib/libQt6DBus.so.6",
    "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
    "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so",
])
def test_what_the_program_uses_is_kept(path: str) -> None:
    assert _qt_selection().kept(path)


@pytest.mark.parametrize("path", [
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/plugins/imageformats/libqpdf.so",
    "PySide6\\plugins\\imageformats\\qgif.dll",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/lib/libQt6Svg.so.6",
    "PySide6/Qt/lib/libQt6Pdf.so.6",
    "PySide6/Qt/lib/libQt6Network.so.6",
    "PySide6/Qt/lib/libQt6Qml.so.6",
    "PySide6\\Qt6Quick.dll",
    "PySide6/Qt/translations/qtbase_de.qm",
])
def test_what_it_never_loads_is_left_out(path: str) -> None:
    assert not _qt_selection().kept(path)


def test_linux_desktop_entry() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(PACKAGING / "linux" / "configurator.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "configurator"
    assert section["Icon"] == "configurator"
    assert section["Terminal"] == "false"
    assert section["Categories"].endswith(";")


def test_appstream_metainfo_names_the_desktop_entry_and_this_version() -> None:
    root = etree.parse(str(PACKAGING / "linux" / "io.github.configurator.metainfo.xml")).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("launchable") == "configurator.desktop"
    assert root.findtext("project_license") == "MIT"
    assert root.findtext("provides/binary") == "configurator"
    assert __version__ in [r.get("version") for r in root.iter("release")]


def test_macos_info_plist() -> None:
    info = plistlib.loads((PACKAGING / "macos" / "Info.plist").read_bytes())
    assert info["CFBundleIdentifier"] == "io.github.configurator"
    assert info["CFBundleIconFile"] == "configurator.icns"
    assert info["NSLocalNetworkUsageDescription"]  # macOS asks before local network access


def test_windows_version_resource_template_is_filled_by_the_spec() -> None:
    text = (PACKAGING / "windows" / "version_info.txt").read_text(encoding="utf-8")
    assert "{version_tuple}" in text and "{version}" in text
    filled = text.replace("{version_tuple}", "(0, 1, 0, 0)").replace("{version}", "0.1.0")
    code = "\n".join(line for line in filled.splitlines() if not line.startswith("#"))
    names = {n: (lambda *a, **k: (a, k)) for n in (
        "VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
        "VarFileInfo", "VarStruct")}
    eval(compile(code, "version_info.txt", "eval"), names)  # well-formed expression


def test_generated_icons_exist_at_every_size() -> None:
    from PIL import Image

    assert Image.open(PACKAGING / "icons" / "configurator.ico").info["sizes"] >= {
        (16, 16), (32, 32), (48, 48), (256, 256)}
    assert Image.open(PACKAGING / "icons" / "configurator.icns").size == (1024, 1024)
    runtime = PACKAGING.parent / "configurator" / "assets" / "icons"
    for size in (16, 32, 48, 256):
        assert Image.open(runtime / f"configurator-{size}.png").size == (size, size)
