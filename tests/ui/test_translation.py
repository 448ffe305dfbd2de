"""Every user-visible string of the window goes through Qt's translation functions.

An AST check over ``configurator/ui``: a string literal (or f-string) passed straight to a
text-taking Qt call (``setText``, ``QLabel(...)``, ``addAction``, ``QMessageBox`` texts, …) or
to the project's own text sinks (banners, the status bar) fails, unless it has no words
("…", "✓") or is on the small allow-list below. An f-string inside ``tr()``/``translate()``
fails too: ``lupdate`` cannot extract it (``"{name}"`` + ``str.format`` after translation).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[2] / "configurator" / "ui"

TEXT_CALLS = frozenset({
    # Qt
    "setText", "setWindowTitle", "setToolTip", "setPlaceholderText", "setStatusTip",
    "setWhatsThis", "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox",
    "QAction", "QToolButton", "QCommandLinkButton", "QDockWidget", "QMessageBox",
    "QProgressDialog", "addAction", "addMenu", "addSection", "addTab", "insertTab",
    "setTabText", "setTabToolTip", "setHorizontalHeaderLabels", "setVerticalHeaderLabels",
    "setHeaderLabels", "setHeaderLabel", "information", "warning", "critical", "question",
    "about", "setInformativeText", "setDetailedText", "showMessage", "addRow", "setTitle",
    "setSpecialValueText", "addToolBar", "getOpenFileName", "getOpenFileNames",
    "getSaveFileName", "getExistingDirectory", "getText", "getItem", "getInt",
    "setLabelText", "setCancelButtonText", "addButton", "setSuffix", "setPrefix",
    "setNameFilter", "setAccessibleName", "setAccessibleDescription", "QFileDialog",
    # the project's text sinks: status bar, banners, event-log notes, questions
    "status", "error", "info", "success", "note", "confirm", "ConfirmDialog", "open_path",
    "save_path", "folder_path",
})
# Receivers whose info/warning/error are logging, not text for a person.
LOGGERS = frozenset({"log", "logger", "logging"})
# Keyword arguments that carry identifiers, not text.
DATA_KEYWORDS = frozenset({"type_", "key", "name", "objectName"})
# Strings with letters that are not language.
ALLOWED = frozenset({
    "configurator", "<h2>configurator</h2>", "SIP ✓", "SIP ✗", "MJPEG", "JPEG", "HTTP",
    "HTTPS", "http", "https", "OK", "admin",
})
WORDS = re.compile(r"[^\W\d_]{2,}")
MARKUP = re.compile(r"<[^>]*>")
TRANSLATORS = frozenset({"tr", "translate"})


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _receiver(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id
    return ""


def _literal_words(node: ast.AST) -> str:
    """The words of a literal text expression ('' when the expression is not a literal)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return "" if node.value in ALLOWED else node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.IfExp):
        return _literal_words(node.body) + _literal_words(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_words(node.left) + _literal_words(node.right)
    return ""


def untranslated(source: str, filename: str = "<source>") -> list[str]:
    """``file:line: call(text)`` for each literal text given to a text call without tr."""
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node)
        if name in TRANSLATORS:
            position = 0 if name == "tr" else 1
            text = node.args[position] if len(node.args) > position else None
            if isinstance(text, ast.JoinedStr):
                problems.append(f"{filename}:{node.lineno}: f-string in {name}()")
            continue
        if name not in TEXT_CALLS or _receiver(node) in LOGGERS:
            continue
        args = list(node.args) + [k.value for k in node.keywords
                                  if k.arg not in DATA_KEYWORDS]
        for arg in args:
            if WORDS.search(MARKUP.sub("", _literal_words(arg))):
                problems.append(f"{filename}:{node.lineno}: {name}({ast.unparse(arg)[:60]})")
    return problems


# Sub-packages still being converted (the list shrinks to nothing as they are).
PENDING: frozenset[str] = frozenset()


def ui_sources() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py")
                  if p.relative_to(UI).parts[0] not in PENDING)


def test_the_check_finds_untranslated_text() -> None:
    bad = untranslated('label.setText("Hello")\nQLabel(f"{n} devices", self)\n'
                       'box.setWindowTitle("Added " + name)\nself.tr(f"{n} items")\n'
                       'banner.error("Failed" if x else "Broken")\n')
    assert len(bad) == 5, bad
    good = untranslated('label.setText(self.tr("Hello"))\nlabel.setText("…")\n'
                        'QLabel(translate("ctx", "{n} devices").format(n=n), self)\n'
                        'log.error("not for people: %s", x)\nlabel.setText(value)\n'
                        'label.setText("✓")\nlabel.setText(f"<b>{name}</b>")\n'
                        'banner.show_message("info", text)\n'
                        'note(address, text, type_="DeviceOnline")\n')
    assert good == []


@pytest.mark.parametrize("path", ui_sources(), ids=lambda p: str(p.relative_to(UI)))
def test_ui_texts_are_translated(path: Path) -> None:
    assert untranslated(path.read_text(encoding="utf-8"), str(path.relative_to(UI))) == []
