"""Reading the good items of a JSON array whose text does not decode as a whole."""

from __future__ import annotations

import pytest

from configurator.core.jsonsalvage import UndecodableItem, salvage_array

PATH = ("result", "events")


def test_items_are_decoded_one_by_one_and_a_bad_one_is_marked() -> None:
    text = ('{"success": true, "result": {"events": [{"id": 1, "s": "a,]\\"}["}, '
            + "[" * 70 + "]" * 70 + ', {"id": 3}, "ctl\x01", 1e999]}}')
    envelope, items = salvage_array(text, PATH)  # type: ignore[misc]
    assert envelope == '{"success": true, "result": {"events": []}}'
    assert items[0] == {"id": 1, "s": 'a,]"}['}  # brackets, commas, quotes inside a string
    assert isinstance(items[1], UndecodableItem) and "nested deeper" in items[1].reason
    assert items[2] == {"id": 3}
    assert isinstance(items[3], UndecodableItem)
    assert items[4] is None  # a number out of range is None (lenient), as in a whole reply


def test_trailing_commas_and_empty_arrays() -> None:
    assert salvage_array('{"result": {"events": [1, 2,],},}', PATH) == (
        '{"result": {"events": [],},}', [1, 2])
    assert salvage_array('{"result": {"events": []}}', PATH) == ('{"result": {"events": []}}',
                                                                 [])


@pytest.mark.parametrize("text", [
    '{"events": [1], "result": {"x": [2], "events": 5}}',  # the key elsewhere; not an array
    '{"result": [{"events": [1]}]}',  # inside an array, not at the path
    '{"result": {"events": [1, 2',  # cut short
    '{"result": {"events": [1, 2}}',  # brackets that do not match
    '{"result": {"events": ["never ends]}}',
    "",
    "[" * 100_000,  # deep: no recursion in the scanner
    '{"result": {"events": [1 2}}',
    '{"result": {"events": ["a \\" b, 6]}}',  # a string that never ends takes the rest
    '{"result": {"events": [[1, 2}, 3]}}',  # a bad item whose brackets do not match
])
def test_no_array_at_the_path_is_none(text: str) -> None:
    assert salvage_array(text, PATH) is None


def test_the_key_path_is_followed_exactly() -> None:
    text = '{"other": {"events": ["no"]}, "result": {"nested": {"events": ["no"]}, ' \
           '"events": ["yes"]}}'
    assert salvage_array(text, PATH) == (
        '{"other": {"events": ["no"]}, "result": {"nested": {"events": ["no"]}, '
        '"events": []}}', ["yes"])


def test_a_key_with_escapes_is_read_as_json() -> None:
    assert salvage_array('{"res\\u0075lt": {"events": [7]}}', PATH) == (
        '{"res\\u0075lt": {"events": []}}', [7])


@pytest.mark.parametrize(("items", "expected"), [
    ("1 2, 3", ["?", 3]),  # more after a value: the item is bad, not the array
    ("1,,2", [1, "?", 2]),
    ("Infinityx, 4", ["?", 4]),
    ('{"a": }, 5', ["?", 5]),
    ('"a \\" b", [6]', ['a " b', [6]]),
    ("[[[[[[1]]]]]], [[[[]]]], 7", [[[[[[[1]]]]]], [[[[]]]], 7]),
])
def test_each_bad_item_is_skipped_to_its_own_end(items: str, expected: list) -> None:
    salvaged = salvage_array('{"result": {"events": [' + items + "]}}", PATH)
    assert salvaged is not None
    got = ["?" if isinstance(item, UndecodableItem) else item for item in salvaged[1]]
    assert got == expected
