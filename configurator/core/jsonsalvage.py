"""Read the good items of a JSON array whose text does not decode as a whole.

A batch of device events is one JSON text: one item nested too deeply, holding a control
character or otherwise broken makes :func:`.safejson.loads` refuse the whole text, and with it
every good item around the bad one. :func:`salvage_array` finds the array at a key path with a
scanner that only matches brackets and strings (no recursion, nothing decoded but object
keys), which also cuts the array into its items; each is decoded on its own with the bounded
decoder, and a bad one is marked. The text around the
array is handed back with the array emptied, so the caller can still check the envelope.
Callers bound the text's size: the scanner is Python, linear in the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import safejson

# One token of the scan: a whole JSON string, a structural character, or a lone quote, which
# is a string that never ends (the text breaks there).
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|["{}\[\]:,]', re.DOTALL)
_UNENDING = '"'
_SPACE = re.compile(r"[ \t\n\r]*")


@dataclass(frozen=True)
class UndecodableItem:
    """An item of the array that is not bounded JSON (``reason`` says why, one line)."""

    reason: str


@dataclass
class _Frame:
    kind: str  # "{" or "["
    key: str | None = None  # in an object: the key whose value is being read
    expect_key: bool = True


def _at(stack: list[_Frame], path: Sequence[str]) -> bool:
    """The next value is the one at ``path``."""
    return len(stack) == len(path) and all(
        frame.kind == "{" and frame.key == key for frame, key in zip(stack, path, strict=True))


def array_start(text: str, path: Sequence[str]) -> int | None:
    """The index of the ``[`` that opens the array at ``path`` (object keys from the top),
    or None when the text has no array there before it breaks or ends."""
    stack: list[_Frame] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        top = stack[-1] if stack else None
        if token == _UNENDING:
            return None
        if token[0] == '"':
            if top is not None and top.kind == "{" and top.expect_key:
                try:
                    top.key = str(json.loads(token))
                except ValueError:
                    top.key = None
                top.expect_key = False
        elif token == "[" and _at(stack, path):
            return match.start()
        elif token in "{[":
            stack.append(_Frame(token))
        elif token in "}]":
            if top is None or top.kind != ("{" if token == "}" else "["):
                return None
            stack.pop()
        elif token == "," and top is not None and top.kind == "{":
            top.expect_key = True
    return None


def item_end(text: str, pos: int) -> int | None:
    """The index of the ``,`` or ``]`` that ends the array item starting at ``pos`` (its
    brackets matched, strings skipped), or None when the text breaks or ends first."""
    open_kinds: list[str] = []
    for match in _TOKEN.finditer(text, pos):
        token = match.group()
        if token == _UNENDING:
            return None
        if token[0] == '"':
            continue
        if not open_kinds and token in ",]":
            return match.start()
        if token in "{[":
            open_kinds.append(token)
        elif token in "}]" and (not open_kinds
                                or open_kinds.pop() != ("{" if token == "}" else "[")):
            return None
    return None


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def salvage_array(text: str, path: Sequence[str], *, lenient_numbers: bool = True
                  ) -> tuple[str, list[Any]] | None:
    """``(text with the array emptied, items)``: each item decoded on its own
    (:func:`.safejson.loads`), or an :class:`UndecodableItem` in its place. None when the
    array cannot be found or does not end (the caller keeps its error for the whole text)."""
    start = array_start(text, path)
    if start is None:
        return None
    items: list[Any] = []
    pos = _skip_space(text, start + 1)
    while pos < len(text) and text[pos] != "]":
        end = item_end(text, pos)
        if end is None:
            return None
        piece = text[pos:end]  # decoding a slice: an error costs the item's length, no more
        try:
            items.append(safejson.loads(piece, lenient_numbers=lenient_numbers))
        except json.JSONDecodeError as exc:
            items.append(UndecodableItem(exc.msg[:120] or "not JSON"))
        if text[end] == ",":
            end += 1  # a trailing comma before "]" is tolerated (the 2N manual has them)
        pos = _skip_space(text, end)
    if pos >= len(text):
        return None
    return text[:start] + "[]" + text[pos + 1:], items


__all__ = ["UndecodableItem", "array_start", "item_end", "salvage_array"]
