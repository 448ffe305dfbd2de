"""A device configuration file as a generic XML tree whose values can be edited in place.

No schema is assumed: whatever elements the device returns become nodes. Every value has a
*path* that names it in diffs and results:

- an element: its tags from the root, ``DeviceDatabase/Switches/Switch[2]/Mode``; the ``[n]``
  (1-based) appears only when the parent has several children with that tag;
- an attribute: the element's path plus ``/@name`` (``…/Switch[2]/@Id``).

An element's value is its text when it has no child elements (a leaf) or when it carries
non-blank text beside them; the whitespace that indents children is formatting, not a value.
Comments and processing instructions are kept as they are and are not values.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from ...core.errors import InvalidValue
from ...core.safexml import parse_xml_document


@dataclass(frozen=True)
class ConfigNode:
    """One element of the tree, with its attributes and children (for a tree view).

    ``value`` and ``attributes`` are the values when the document was parsed; the current
    ones are :meth:`ConfigDocument.value`."""

    path: str
    name: str  # the tag with its index when it has same-named siblings: ``Switch[2]``
    value: str | None  # the element's text value, None when it has none (a container)
    attributes: tuple[tuple[str, str], ...]  # (name, value) in document order
    children: tuple[ConfigNode, ...] = field(default=())


def _tag(element: etree._Element) -> str:
    tag = element.tag
    if isinstance(tag, str) and not tag.startswith("{"):
        return tag
    qname = etree.QName(element)
    return f"{element.prefix}:{qname.localname}" if element.prefix else qname.localname


def _attribute_name(element: etree._Element, name: str) -> str:
    if not name.startswith("{"):
        return name
    qname = etree.QName(name)
    prefix = next((p for p, uri in element.nsmap.items() if uri == qname.namespace and p), None)
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


def _elements(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]


def _has_value(element: etree._Element, children: list[etree._Element] | None = None) -> bool:
    if not (children if children is not None else _elements(element)):
        return True
    return bool(element.text and element.text.strip())


class ConfigDocument:
    """A parsed configuration: its values by path, editable, serialisable."""

    def __init__(self, tree: etree._ElementTree) -> None:
        self.tree = tree
        self._elements: dict[str, etree._Element] = {}
        self._attributes: dict[str, tuple[etree._Element, str]] = {}
        # Every value in document order: (path, element, attribute name or None for text).
        self._slots: list[tuple[str, etree._Element, str | None]] = []
        self.root_node = self._index(tree.getroot(), _tag(tree.getroot()))

    # -- building -------------------------------------------------------------------------
    @classmethod
    def parse(cls, data: bytes, *, what: str = "the configuration file") -> ConfigDocument:
        """Parse safely (see :mod:`configurator.core.safexml`); one-line error if it fails."""
        return cls(parse_xml_document(data, what=what))

    def copy(self) -> ConfigDocument:
        """An independent copy (edits to it leave this one alone)."""
        return ConfigDocument(etree.ElementTree(_deep_copy(self.tree.getroot())))

    def _index(self, element: etree._Element, path: str) -> ConfigNode:
        self._elements[path] = element
        elements = _elements(element)
        value = (element.text or "") if _has_value(element, elements) else None
        if value is not None:
            self._slots.append((path, element, None))
        attributes = []
        for raw_name, attr_value in element.attrib.items():
            name = _attribute_name(element, str(raw_name))
            attr_path = f"{path}/@{name}"
            self._attributes[attr_path] = (element, str(raw_name))
            self._slots.append((attr_path, element, str(raw_name)))
            attributes.append((name, str(attr_value)))
        tags = [_tag(child) for child in elements]
        counts: dict[str, int] = {}
        for tag in tags:
            counts[tag] = counts.get(tag, 0) + 1
        seen: dict[str, int] = {}
        children = []
        for child, tag in zip(elements, tags, strict=True):
            if counts[tag] > 1:
                seen[tag] = seen.get(tag, 0) + 1
                name = f"{tag}[{seen[tag]}]"
            else:
                name = tag
            children.append(self._index(child, f"{path}/{name}"))
        return ConfigNode(path, path.rsplit("/", 1)[-1], value, tuple(attributes),
                          tuple(children))

    # -- reading --------------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        """Every value by path, in document order (attributes right after their element)."""
        return {path: (element.text or "") if raw is None else str(element.get(raw, ""))
                for path, element, raw in self._slots}

    def walk(self) -> Iterator[ConfigNode]:
        """Every element node, depth first in document order."""
        stack = [self.root_node]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def value(self, path: str) -> str | None:
        """The current value at ``path`` (None when the path names no value)."""
        if path in self._attributes:
            element, raw = self._attributes[path]
            return str(element.get(raw, ""))
        element = self._elements.get(path)
        if element is None or not _has_value(element):
            return None
        return element.text or ""

    def set_value(self, path: str, value: str) -> None:
        """Change one value in place; :class:`InvalidValue` for an unknown path or a value
        XML cannot hold (control characters)."""
        _check_text(path, value)
        if path in self._attributes:
            element, raw = self._attributes[path]
            element.set(raw, value)
            return
        element = self._elements.get(path)
        if element is None or not _has_value(element):
            raise InvalidValue(f"{path} is not a value of this configuration")
        element.text = value

    def to_bytes(self) -> bytes:
        """The document as UTF-8 XML with a declaration (comments and layout kept)."""
        return bytes(etree.tostring(self.tree, xml_declaration=True, encoding="UTF-8"))

    def __len__(self) -> int:
        return len(self._elements)


def _deep_copy(root: etree._Element) -> etree._Element:
    # The whole tree (comments and processing instructions around the root too); it was
    # checked when it was parsed, so the copy needs no second check.
    return copy.deepcopy(root.getroottree()).getroot()


def _check_text(path: str, value: str) -> None:
    for ch in value:
        code = ord(ch)
        if (code < 0x20 and ch not in "\t\n\r") or 0xD800 <= code <= 0xDFFF or code in (
                0xFFFE, 0xFFFF):
            raise InvalidValue(f"{path}: the value holds character U+{code:04X}, which an "
                               "XML file cannot carry")
