"""Strict, safe parsing of XML documents that come from devices or from the user's files.

The same lxml settings the Fanvil driver uses for untrusted replies (no entity expansion, no
network, no DTD loading, libxml2's limits on depth and text size kept on), but without
recovery: a document that is not well-formed is refused with one line that says where, and so
is one that declares a DTD (a device configuration never has one, and it is how entity
expansion attacks begin). The size of the input and the number of elements are capped before
anything is built from them.
"""

from __future__ import annotations

from lxml import etree

from .errors import InvalidValue

MAX_XML_BYTES = 16 * 1024 * 1024  # a 2N configuration is a few hundred kB
MAX_XML_ELEMENTS = 200_000


def safe_parser(*, recover: bool = False, remove_comments: bool = False,
                remove_pis: bool = False) -> etree.XMLParser:
    """A parser for untrusted XML: it never resolves entities, loads or validates a DTD,
    touches the network or accepts a huge tree; ``recover`` reads past syntax errors."""
    return etree.XMLParser(
        recover=recover,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=remove_comments,
        remove_pis=remove_pis,
    )


def strict_parser() -> etree.XMLParser:
    """A non-recovering parser that never resolves entities nor touches the network."""
    return safe_parser()


def parse_xml_document(data: bytes, *, what: str = "the file",
                       max_bytes: int = MAX_XML_BYTES,
                       max_elements: int = MAX_XML_ELEMENTS) -> etree._ElementTree:
    """Parse ``data`` into a tree, or raise :class:`InvalidValue` with one line saying why."""
    if len(data) > max_bytes:
        raise InvalidValue(f"{what} is {len(data):,} bytes: more than the "
                           f"{max_bytes // (1024 * 1024)} MB an XML configuration can be")
    if not data.strip():
        raise InvalidValue(f"{what} is empty")
    try:
        root = etree.fromstring(data, strict_parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidValue(f"{what} is not well-formed XML: {_syntax_message(exc)}") from None
    except ValueError as exc:  # e.g. a str with an encoding declaration
        raise InvalidValue(f"{what} is not XML this program can read: {exc}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InvalidValue(f"{what} declares a DTD (<!DOCTYPE …>); a device configuration "
                           "never does, and it is refused for safety")
    for count, _ in enumerate(root.iter(), 1):
        if count > max_elements:
            raise InvalidValue(f"{what} has more than {max_elements:,} XML nodes: too big "
                               "for a device configuration")
    return tree


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    line, column = exc.position if exc.position else (0, 0)
    message = str(exc.msg or exc).split("\n", 1)[0].strip()
    # libxml2 appends ", line N, column M" itself; keep one place for it.
    message = message.split(", line ", 1)[0]
    return f"{message} (line {line}, column {column})" if line else message
