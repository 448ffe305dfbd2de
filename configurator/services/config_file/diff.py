"""What differs between two configuration files: per path old -> new, and a unified diff."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from lxml import etree

from .document import ConfigDocument


class ChangeKind(StrEnum):
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class ValueChange:
    """One value that differs: ``old`` is None when it was added, ``new`` when removed."""

    path: str
    old: str | None
    new: str | None

    @property
    def kind(self) -> ChangeKind:
        if self.old is None:
            return ChangeKind.ADDED
        if self.new is None:
            return ChangeKind.REMOVED
        return ChangeKind.CHANGED


def value_changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[ValueChange]:
    """Every path whose value differs, in the order of ``after`` then removed ones."""
    out = [ValueChange(path, before.get(path), value)
           for path, value in after.items() if before.get(path) != value]
    out.extend(ValueChange(path, value, None) for path, value in before.items()
               if path not in after)
    return out


def document_changes(before: ConfigDocument, after: ConfigDocument) -> list[ValueChange]:
    """:func:`value_changes` of two documents."""
    return value_changes(before.values(), after.values())


def readable_lines(document: ConfigDocument) -> list[str]:
    """The document indented one element per line (a device may send it on one line), for
    a diff a person can read. Only layout whitespace changes; values are untouched."""
    root = etree.fromstring(etree.tostring(document.tree.getroot()))
    for element in root.iter():
        if len(element) and element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    etree.indent(root, space="  ")
    return str(etree.tostring(root, encoding="unicode")).splitlines()


def unified_diff(before: ConfigDocument, after: ConfigDocument, *,
                 before_name: str = "downloaded", after_name: str = "edited",
                 context: int = 2) -> str:
    """A unified diff of the two documents as :func:`readable_lines` (empty when equal)."""
    lines = difflib.unified_diff(readable_lines(before), readable_lines(after),
                                 fromfile=before_name, tofile=after_name, n=context,
                                 lineterm="")
    return "\n".join(lines)
