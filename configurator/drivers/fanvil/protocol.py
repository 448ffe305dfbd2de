"""Fanvil / OpenVox XML API wire format: building requests and parsing replies.

Requests are built with lxml (values are escaped by the serializer, never concatenated).
Replies are parsed tolerantly because the vendor's own examples are not well-formed
(``</ FanvilConfiguration>``, ``< FanvilPhoneExecute >``, curly quotes around attribute
values, ``info. dev.Model`` with a stray space): a recovering parser that never resolves
entities, never touches the network and refuses huge trees.

NC-config lines (``<Item> sip.line.1.RegisterAddr = 172.16.1.2 </Item>``) are split at the
first ``=``: the key loses all whitespace (``info. dev.Model`` -> ``info.dev.Model``), the value
keeps its exact inner text (it may contain ``=`` and spaces); only the whitespace at the ends
of the item and around the first ``=`` is formatting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from ...core.errors import InvalidValue, ProtocolError
from ...core.safexml import safe_parser

CONFIG_ROOT = "FanvilConfiguration"
EXECUTE_ROOT = "FanvilPhoneExecute"
COMMANDS = ("get", "set", "del")
# The documented <ExecuteItem> types (section 2.3).
EXECUTE_TYPES = ("Led", "Key", "Cmd", "Dial", "Shell")

_CURLY = str.maketrans({"“": '"', "”": '"', "„": '"', "″": '"'})
_TAG = re.compile(r"<[^<>]*>")
_ATTR_GLUE = re.compile(r'"(?=[A-Za-z_][\w.-]*\s*=)')  # Beep="yes"cmd="set" -> add a space
_TAG_SPACE = re.compile(r"<(/?)\s+(?=[A-Za-z_])")  # "< Foo" / "</ Foo" -> "<Foo" / "</Foo"
_KEY = re.compile(r"^[A-Za-z0-9_$.\-\[\]]+$")


# -- NC-config lines -------------------------------------------------------------------------

def normalize_key(key: str) -> str:
    """Canonical NC key: no whitespace; a leading ``Info.`` becomes ``info.``."""
    compact = "".join(key.split())
    head, dot, rest = compact.partition(".")
    if dot and head.lower() == "info":
        return "info." + rest
    return compact


def parse_nc_line(text: str) -> tuple[str, str]:
    """``' sip.line.1.RegisterAddr = 1.2.3.4 '`` -> ``('sip.line.1.RegisterAddr', '1.2.3.4')``.

    A line without ``=`` is a key with an empty value (how the device reports a key it could
    not read).
    """
    key, _, value = text.strip().partition("=")
    return normalize_key(key), value.strip()


def format_nc_line(key: str, value: str) -> str:
    """One ``key = value`` line of the NC syntax."""
    return f"{key} = {value}"


def parse_nc_text(text: str) -> dict[str, str]:
    """An NC configuration file (``/ncConfig.txt``, export): one ``key = value`` per line.

    Blank lines and ``#`` / ``;`` comments and section headers (``<...>``, ``[...]``) are skipped.
    """
    values: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped[0] in "#;<[" or "=" not in stripped:
            continue
        key, value = parse_nc_line(stripped)
        if key:
            values[key] = value
    return values


def render_nc_text(values: Mapping[str, str]) -> str:
    """NC text (``key = value`` lines) for these values."""
    return "".join(format_nc_line(k, v) + "\n" for k, v in values.items())


def check_key(key: str) -> str:
    """Normalize and validate a key or prefix to send (``.`` and ``sip.line.1.`` allowed)."""
    key = normalize_key(key)
    if not key or not _KEY.match(key):
        raise InvalidValue(f"{key!r} is not an NC configuration key (e.g. sip.line.1.RegisterAddr)",
                           param=key)
    return key


def check_value(key: str, value: str) -> str:
    """The value, refused (:class:`InvalidValue`) when it cannot travel in one NC line."""
    if any(ch in value for ch in "\r\n\x00"):
        raise InvalidValue(f"{key}: line breaks are not allowed in a value", param=key)
    if value != value.strip():
        # Assumption: the NC syntax cannot carry leading/trailing blanks (they are formatting).
        raise InvalidValue(f"{key}: a value cannot start or end with blanks", param=key)
    return value


# -- requests --------------------------------------------------------------------------------

def _serialize(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def build_config_request(
    cmd: str, items: Iterable[str], *, beep: bool | None = None
) -> bytes:
    """``<FanvilConfiguration cmd="get|set|del" [Beep="yes|no"]>`` with one ``<Item>`` each."""
    if cmd not in COMMANDS:
        raise InvalidValue(f"unknown XML API command {cmd!r} (get, set, del)")
    root = etree.Element(CONFIG_ROOT)
    if beep is not None:
        root.set("Beep", "yes" if beep else "no")
    root.set("cmd", cmd)
    for text in items:
        etree.SubElement(root, "Item").text = text
    return _serialize(root)


def build_get(keys: Iterable[str]) -> bytes:
    """The XML body of a ``get`` of these keys or nodes."""
    return build_config_request("get", (check_key(k) for k in keys))


def build_set(values: Mapping[str, str], *, beep: bool | None = None) -> bytes:
    """The XML body of a ``set`` of these values."""
    lines = [format_nc_line(check_key(k), check_value(k, v)) for k, v in values.items()]
    return build_config_request("set", lines, beep=beep)


def build_del(items: Iterable[str], *, beep: bool | None = None) -> bytes:
    """The XML body of a ``del`` of these records or lists."""
    return build_config_request("del", (check_key(i) for i in items), beep=beep)


def execute_uri(kind: str, param: str) -> str:
    """The ``Execute`` URI ``kind:param`` for a known execute type."""
    if kind not in EXECUTE_TYPES:
        raise InvalidValue(f"unknown execute type {kind!r} (one of {', '.join(EXECUTE_TYPES)})")
    if not param or any(ch in param for ch in "\r\n\x00"):
        raise InvalidValue(f"{kind}: a single-line parameter is required")
    return f'URI="{kind}:{param}"'


def build_execute(uris: Iterable[str], *, beep: bool | None = None) -> bytes:
    """``<FanvilPhoneExecute beep="yes"><ExecuteItem>URI="Type:Param"</ExecuteItem>...``."""
    root = etree.Element(EXECUTE_ROOT)
    if beep is not None:
        root.set("beep", "yes" if beep else "no")
    for uri in uris:
        etree.SubElement(root, "ExecuteItem").text = uri
    return _serialize(root)


# -- replies ---------------------------------------------------------------------------------

@dataclass
class Reply:
    """A parsed ``FanvilConfiguration`` / ``FanvilPhoneExecute`` reply."""

    root: str
    ret_code: int
    items: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""  # non-Item content of <info> (shell output)
    length: int | None = None  # <len> of a shell reply

    def values(self) -> dict[str, str]:
        """The reply's items as a mapping."""
        return dict(self.items)


def repair(raw: bytes | str) -> bytes:
    """Undo the vendor examples' typos so a recovering parser keeps the whole tree."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = _TAG_SPACE.sub(r"<\1", text)
    text = _TAG.sub(lambda m: _ATTR_GLUE.sub('" ', m.group(0).translate(_CURLY)), text)
    return text.encode("utf-8")


def parse_xml(raw: bytes | str) -> etree._Element:
    """Tolerant, safe parse (no entity expansion, no network, no huge trees)."""
    data = repair(raw)
    if data.lstrip().startswith(b"<?xml"):
        data = re.sub(rb"^\s*<\?xml[^>]*\?>", b"", data, count=1)
    try:
        root = etree.fromstring(
            data, safe_parser(recover=True, remove_comments=True, remove_pis=True))
    except etree.XMLSyntaxError as exc:
        raise ProtocolError(f"unreadable XML reply: {exc}") from exc
    if root is None:
        raise ProtocolError("empty or unreadable XML reply")
    return root


def _child(element: etree._Element, name: str) -> etree._Element | None:
    low = name.lower()
    for child in element:
        if isinstance(child.tag, str) and child.tag.lower() == low:
            return child
    return None


def _text(element: etree._Element) -> str:
    """Text of an element, entity references left as written (never expanded)."""
    return "".join(element.itertext())


def parse_reply(raw: bytes | str) -> Reply:
    """Parse a configuration or execute reply (:class:`ProtocolError` when it is neither)."""
    root = parse_xml(raw)
    if not isinstance(root.tag, str) or root.tag not in (CONFIG_ROOT, EXECUTE_ROOT):
        raise ProtocolError(f"not a Fanvil XML API reply (root element {root.tag!r})")
    code_el = _child(root, "RetCode")
    if code_el is None:
        raise ProtocolError("Fanvil reply without <RetCode>")
    try:
        code = int(_text(code_el).strip())
    except ValueError:
        raise ProtocolError(f"Fanvil reply with a non-numeric RetCode {_text(code_el)!r}") from None
    reply = Reply(root=root.tag, ret_code=code)
    info = _child(root, "info")
    if info is None:
        return reply
    rest: list[str] = [info.text or ""]
    for child in info:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "item":
            reply.items.append(parse_nc_line(_text(child)))
        elif tag == "len":
            try:
                reply.length = int(_text(child).strip())
            except ValueError:
                reply.length = None
        elif tag:
            rest.append(_text(child))
        rest.append(child.tail or "")
    reply.text = "".join(rest).strip()
    return reply
