"""JSON from devices, files and the network, decoded within bounds.

``json.loads`` lets hostile text escape as exceptions no caller expects: nesting 100,000
deep raises ``RecursionError``; ``1e999`` becomes ``inf`` (then ``int(inf)`` raises
``OverflowError``); an integer of more than 4,300 digits raises a bare ``ValueError``;
``NaN`` is accepted. :func:`loads` turns each into a :class:`json.JSONDecodeError` (a
``ValueError`` with ``msg``, what callers already catch for text that is not JSON) and
refuses nesting deeper than any reply or file of this program has.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_DEPTH = 64  # the deepest documented reply is under 10 levels
MAX_INT_DIGITS = 40  # far beyond any id, counter or timestamp (a uint64 has 20)


def _number_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:20]}")
    return value


def _number_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"integer of {len(text)} digits")
    return int(text)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _lenient(parse: Any) -> Any:
    def number(text: str) -> Any:
        try:
            return parse(text)
        except ValueError:
            return None
    return number


def loads(data: bytes | bytearray | str, *, max_depth: int = MAX_DEPTH,
          lenient_numbers: bool = False) -> Any:
    """Decode ``data``; :class:`json.JSONDecodeError` for anything that is not bounded JSON.

    ``lenient_numbers``: a number out of range (``1e999``, 5,000 digits, ``NaN``) decodes as
    None instead of failing the whole text (a batch of events where one is hostile: the
    others are still read, the bad one is skipped by its consumer).
    """
    text = data if isinstance(data, str) else ""
    hooks = (_number_float, _number_int, _no_constant)
    if lenient_numbers:
        hooks = tuple(_lenient(hook) for hook in hooks)
    try:
        if not isinstance(data, str):
            raw = bytes(data)
            text = raw.decode(json.detect_encoding(raw), "surrogatepass")  # as json.loads
        value = json.loads(text, parse_float=hooks[0], parse_int=hooks[1],
                           parse_constant=hooks[2])
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None
    except (ValueError, UnicodeDecodeError) as exc:  # from the number hooks or the decoding
        raise json.JSONDecodeError(str(exc).splitlines()[0][:120], text, 0) from None
    if depth(value) > max_depth:
        raise json.JSONDecodeError(f"nested deeper than {max_depth} levels", text, 0)
    return value


def depth(value: Any) -> int:
    """Nesting depth of decoded JSON (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            continue
        level += 1
        deepest = max(deepest, level)
        stack.extend((child, level) for child in node if isinstance(child, dict | list))
    return deepest


__all__ = ["MAX_DEPTH", "depth", "loads"]
