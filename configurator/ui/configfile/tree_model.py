"""The configuration file as a Qt item model: one row per element, its attributes as child
rows (``@Id``), values editable in place, changed values marked; a filter proxy that searches
names and values and can show only what was changed."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QFont, QStandardItem, QStandardItemModel

from ...services.config_file import ConfigDocument, ConfigNode
from ...services.config_file.secrets import MASK, is_secret_path
from ..palette import bg, fg

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
CHANGED_ROLE = Qt.ItemDataRole.UserRole + 2
NAME_COLUMN, VALUE_COLUMN = 0, 1

# Light-palette values; palette.fg/bg adapt them when they are used.
_CHANGED_BACKGROUND = "#fff3cd"
_ATTRIBUTE_FOREGROUND = "#6a1b9a"
_CONTAINER_FOREGROUND = "#78909c"


class ValueItem(QStandardItem):
    """A value cell; a secret one (by its name) shows a mask until the model reveals it.
    Editing always works on the real value."""

    def __init__(self, secret: bool = False) -> None:
        super().__init__()
        self.secret = secret

    def data(self, role: int = Qt.ItemDataRole.UserRole + 1) -> object:
        if (role == Qt.ItemDataRole.DisplayRole and self.secret
                and not getattr(self.model(), "reveal_secrets", True)):
            return MASK if super().data(Qt.ItemDataRole.EditRole) else ""
        return super().data(role)


class ConfigTreeModel(QStandardItemModel):
    """Rows built from a :class:`ConfigDocument`; ``value_items`` finds a value by path."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(0, 2, parent)  # type: ignore[arg-type]
        self.value_items: dict[str, QStandardItem] = {}
        self.reveal_secrets = False
        self._originals: dict[str, str] = {}
        self._headers()

    def _headers(self) -> None:
        self.setHorizontalHeaderLabels([self.tr("Element / attribute"), self.tr("Value")])

    def load(self, document: ConfigDocument, original: dict[str, str]) -> None:
        """Show ``document``; values that differ from ``original`` are marked changed."""
        for _ in self.build(document, original):
            pass

    def build(self, document: ConfigDocument, original: dict[str, str], *,
              every: int = 1000) -> Iterator[int]:
        """:meth:`load` in steps: yields the number of elements built every ``every`` of
        them, so a caller can let the event loop run (a large file does not freeze the
        window). The rows are built apart and shown at once when complete."""
        self.clear()
        self._headers()
        self.value_items = {}
        self._originals = original
        counter = [0]
        root = yield from self._row(document.root_node, document, original, counter, every)
        self.appendRow(root)

    def _row(self, node: ConfigNode, document: ConfigDocument, original: dict[str, str],
             counter: list[int], every: int) -> Generator[int, None, list[QStandardItem]]:
        name = QStandardItem(node.name)
        name.setEditable(False)
        name.setData(node.path, PATH_ROLE)
        name.setToolTip(node.path)
        value = ValueItem(is_secret_path(node.path))
        value.setData(node.path, PATH_ROLE)
        if node.value is None:
            value.setEditable(False)
            name.setForeground(QBrush(fg(_CONTAINER_FOREGROUND))
                               if not node.children and not node.attributes else QBrush())
        else:
            self._value_item(value, node.path, document.value(node.path) or "", original)
        for attr, _ in node.attributes:
            path = f"{node.path}/@{attr}"
            attr_name = QStandardItem("@" + attr)
            attr_name.setEditable(False)
            attr_name.setData(path, PATH_ROLE)
            attr_name.setToolTip(path)
            attr_name.setForeground(QBrush(fg(_ATTRIBUTE_FOREGROUND)))
            attr_value = ValueItem(is_secret_path(path))
            attr_value.setData(path, PATH_ROLE)
            self._value_item(attr_value, path, document.value(path) or "", original)
            name.appendRow([attr_name, attr_value])
        for child in node.children:
            name.appendRow((yield from self._row(child, document, original, counter, every)))
        counter[0] += 1
        if counter[0] % every == 0:
            yield counter[0]
        return [name, value]

    def _value_item(self, item: QStandardItem, path: str, text: str,
                    original: dict[str, str]) -> None:
        item.setText(text)  # editable by default
        self.value_items[path] = item
        if text != original.get(path):  # unchanged values need no styling (large files)
            self.mark(path, original.get(path))

    def mark(self, path: str, original: str | None) -> None:
        """Show whether the value at ``path`` differs from ``original`` (bold, tinted, the
        downloaded value in the tooltip)."""
        item = self.value_items.get(path)
        if item is None:
            return
        changed = str(item.data(Qt.ItemDataRole.EditRole) or "") != original
        item.setData(changed, CHANGED_ROLE)
        font = QFont(item.font())
        font.setBold(changed)
        item.setFont(font)
        item.setBackground(QBrush(bg(_CHANGED_BACKGROUND)) if changed else QBrush())
        if changed:
            hidden = isinstance(item, ValueItem) and item.secret and not self.reveal_secrets
            was = (self.tr("(not in the downloaded file)") if original is None
                   else MASK if hidden and original else repr(original))
            item.setToolTip(self.tr("Changed; downloaded value: {0}").format(was))
        else:
            item.setToolTip("")


    def set_reveal(self, reveal: bool) -> None:
        """Show secret values in clear (True) or masked."""
        self.reveal_secrets = reveal
        for path, item in self.value_items.items():
            if isinstance(item, ValueItem) and item.secret:
                item.emitDataChanged()
                if item.data(CHANGED_ROLE):
                    self.mark(path, self._originals.get(path))

    def remember_originals(self, original: dict[str, str]) -> None:
        self._originals = original


class ConfigFilterProxy(QSortFilterProxyModel):
    """Search in names, paths and values (case-insensitive); optionally changed rows only.
    A matching row keeps its ancestors visible, and its children stay reachable."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._text = ""
        self._changed_only = False

    def _change_filter(self, change: Callable[[], None]) -> None:
        # Qt 6.10 deprecates invalidateRowsFilter() for begin/endFilterChange().
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            change()
            self.endFilterChange()
        else:  # pragma: no cover - older Qt
            change()
            self.invalidateRowsFilter()

    def set_text(self, text: str) -> None:
        self._change_filter(lambda: setattr(self, "_text", text.strip().lower()))

    def set_changed_only(self, on: bool) -> None:
        def change() -> None:
            self._changed_only = on
            self.setAutoAcceptChildRows(not on)
        self._change_filter(change)

    def refresh(self) -> None:
        """Filter again (the changed marks moved)."""
        self._change_filter(lambda: None)

    @property
    def active(self) -> bool:
        return bool(self._text) or self._changed_only

    def filterAcceptsRow(self, source_row: int,
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        name = model.index(source_row, NAME_COLUMN, source_parent)
        value = model.index(source_row, VALUE_COLUMN, source_parent)
        if self._changed_only and not value.data(CHANGED_ROLE):
            return False
        if not self._text:
            return True
        haystack = " ".join(str(x or "") for x in (
            name.data(), value.data(), name.data(PATH_ROLE))).lower()
        return self._text in haystack
