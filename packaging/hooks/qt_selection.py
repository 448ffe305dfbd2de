"""Which of Qt's files the bundle leaves out: plugins and libraries the program never loads.

Used by the Qt hooks in this folder (so that a left-out plugin's own dependencies are never
collected) and by configurator.spec (a last filter over everything collected). Kept: the
platform plugins (xcb, wayland, offscreen, windows, cocoa), the JPEG image format (camera
snapshots), the desktop portal theme, input contexts (compose, ibus), xcb GL integration and
the Wayland client plugins.
"""

import re

LEFT_OUT = re.compile(
    r"(^|[\\/])("
    r"imageformats[\\/](?!(lib)?qjpeg)[^\\/]+"  # only JPEG (camera snapshots)
    r"|iconengines[\\/].*"  # the SVG icon engine: icons are PNG or drawn with QPainter
    r"|platforms[\\/](lib)?q(eglfs|linuxfb|minimal|minimalegl|vnc|vkkhrdisplay|direct2d)[^\\/]*"
    r"|platformthemes[\\/](lib)?qgtk3[^\\/]*"  # GTK 3 theme: would pull GTK's libraries
    r"|egldeviceintegrations[\\/].*|generic[\\/].*|wayland-graphics-integration-server[\\/].*"
    r"|tls[\\/].*|networkinformation[\\/].*|sqldrivers[\\/].*|printsupport[\\/].*"
    r"|qmltooling[\\/].*|translations[\\/].*"  # English user interface only
    r"|(lib)?Qt6?(Svg|Pdf|Qml|Quick|Network|OpenGLWidgets|VirtualKeyboard|Designer"
    r"|EglFSDeviceIntegration|EglFsKmsSupport)[^\\/]*"
    r")$")


def kept(path: str) -> bool:
    return not LEFT_OUT.search(path)
