# The stock PyInstaller hook for PySide6.QtGui, minus the Qt files qt_selection leaves out, so
# that their own dependencies are never collected either.
import os
import sys

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

sys.path.insert(0, os.path.dirname(__file__))
from qt_selection import kept

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [entry for entry in binaries if kept(entry[0]) and kept(entry[1])]
datas = [entry for entry in datas if kept(entry[0]) and kept(entry[1])]
