"""ParamSpec / TableSpec: the single validator used by forms, CLI and tests."""

from __future__ import annotations

import pytest

from configurator.core.errors import InvalidValue
from configurator.core.params import (
    Choice,
    Kind,
    ParamSpec,
    SettingsPage,
    TableOp,
    TableSpec,
    repeat,
)

HOLD = ParamSpec("Config.DoorSetting.RELAY.HoldDelayA", "Hold delay A", Kind.INT,
                 minimum=0, maximum=60, unit="s")


def test_int_range_messages_name_the_allowed_range() -> None:
    assert HOLD.parse("5") == 5
    assert HOLD.validate(60) == 60
    with pytest.raises(InvalidValue, match=r"61 is above the maximum 60 s"):
        HOLD.parse("61")
    with pytest.raises(InvalidValue, match="below the minimum 0"):
        HOLD.validate(-1)
    with pytest.raises(InvalidValue, match="not a whole number"):
        HOLD.parse("5.5")
    with pytest.raises(InvalidValue, match="not a whole number"):
        HOLD.validate(True)


def test_error_is_one_line_and_names_key() -> None:
    with pytest.raises(InvalidValue) as info:
        HOLD.parse("abc")
    assert "\n" not in str(info.value)
    assert info.value.param == HOLD.key


@pytest.mark.parametrize(("text", "expected"), [
    ("1", True), ("yes", True), ("On", True), ("0", False), ("false", False), ("off", False)])
def test_bool_parsing(text: str, expected: bool) -> None:
    assert ParamSpec("x", "X", Kind.BOOL).parse(text) is expected


def test_bool_rejects_other_text() -> None:
    with pytest.raises(InvalidValue, match="yes/no"):
        ParamSpec("x", "X", Kind.BOOL).parse("maybe")


def test_enum_by_value_or_label() -> None:
    spec = ParamSpec("t", "Type", Kind.ENUM, choices=(Choice("0", "NO"), Choice("1", "NC")))
    assert spec.parse("1") == "1"
    assert spec.parse("nc") == "1"
    with pytest.raises(InvalidValue, match="not one of"):
        spec.parse("2")


def test_enum_integer_values() -> None:
    spec = ParamSpec("lvl", "Level", Kind.ENUM, choices=tuple(Choice(i, str(i)) for i in range(8)))
    assert spec.parse("7") == 7
    assert spec.validate(3) == 3


def test_port_default_range() -> None:
    spec = ParamSpec("p", "Port", Kind.PORT)
    assert spec.parse("5060") == 5060
    with pytest.raises(InvalidValue, match="above the maximum 65535"):
        spec.parse("70000")
    with pytest.raises(InvalidValue, match="below the minimum 1"):
        spec.parse("0")


@pytest.mark.parametrize("good", ["10.0.0.5", "sip.example.com", "pbx", "fe80::1"])
def test_host_accepts(good: str) -> None:
    assert ParamSpec("h", "Host", Kind.HOST).parse(good) == good


@pytest.mark.parametrize("bad", ["10.0.0.500", "bad host", "-x.com", "a_b.com"])
def test_host_rejects(bad: str) -> None:
    with pytest.raises(InvalidValue):
        ParamSpec("h", "Host", Kind.HOST).parse(bad)


def test_ip_rejects_hostname() -> None:
    with pytest.raises(InvalidValue, match="not an IP address"):
        ParamSpec("i", "IP", Kind.IP).parse("pbx.local")


def test_time_hh_mm() -> None:
    spec = ParamSpec("t", "Start", Kind.TIME)
    assert spec.parse("7:05") == "07:05"
    assert spec.parse("23:59") == "23:59"
    for bad in ("24:00", "12:60", "1200", "aa:bb"):
        with pytest.raises(InvalidValue, match="HH:MM"):
            spec.parse(bad)


def test_weekdays_and_flags_are_sets_in_choice_order() -> None:
    days = ParamSpec("d", "Days", Kind.WEEKDAYS)
    value = days.parse("Sun,Mon ,Wed")
    assert value == frozenset({"Mon", "Wed", "Sun"})
    assert days.format(value) == "Mon,Wed,Sun"
    with pytest.raises(InvalidValue, match="not one of"):
        days.parse("Mon,Funday")
    doors = ParamSpec("door", "Doors", Kind.FLAGS, choices=(Choice("A", "A"), Choice("B", "B")))
    assert doors.parse("B+A") == frozenset({"A", "B"})


def test_hex_is_normalised_upper() -> None:
    spec = ParamSpec("c", "Code", Kind.HEX, max_length=16)
    assert spec.parse("00ab12") == "00AB12"
    with pytest.raises(InvalidValue, match="hexadecimal"):
        spec.parse("00xz")
    with pytest.raises(InvalidValue, match="longer than 16"):
        spec.parse("0" * 17)


def test_url() -> None:
    spec = ParamSpec("u", "URL", Kind.URL)
    assert spec.parse("http://10.0.0.1/open?x=1") == "http://10.0.0.1/open?x=1"
    with pytest.raises(InvalidValue, match="not a URL"):
        spec.parse("javascript:alert(1)")


def test_string_rules() -> None:
    spec = ParamSpec("n", "Name", Kind.STRING, max_length=4, required=True)
    assert spec.parse("door") == "door"
    with pytest.raises(InvalidValue, match="required"):
        spec.parse("")
    with pytest.raises(InvalidValue, match="control characters"):
        spec.validate("a\nb")


def test_secret_is_masked_unless_revealed() -> None:
    spec = ParamSpec("pw", "Password", Kind.SECRET)
    assert spec.format("hunter2") == "••••••"
    assert spec.format("hunter2", reveal=True) == "hunter2"
    assert spec.format("") == ""


def test_repeat_expands_templates() -> None:
    template = ParamSpec("Config.DoorSetting.RELAY.HoldDelay{n}", "Hold delay", Kind.INT,
                         minimum=0, maximum=60, group="{label}", help="Relay {n} hold time")
    specs = repeat([template], [("A", "Relay A"), ("B", "Relay B"), ("C", "Relay C")])
    assert [s.key for s in specs] == [f"Config.DoorSetting.RELAY.HoldDelay{n}" for n in "ABC"]
    assert [s.group for s in specs] == ["Relay A", "Relay B", "Relay C"]
    assert specs[2].help == "Relay C hold time"
    assert specs[1].maximum == 60


def test_page_lookup_and_groups() -> None:
    page = SettingsPage("relay", "Relays", tuple(repeat(
        [HOLD.__class__("k{n}", "K", group="G{n}")], [("1", ""), ("2", "")])))
    assert page.groups() == ["G1", "G2"]
    assert page.spec("k2").key == "k2"
    with pytest.raises(InvalidValue, match="no setting"):
        page.spec("nope")


def test_table_rows_validated_and_typos_refused() -> None:
    table = TableSpec(
        "rfkey", "RF keys",
        (ParamSpec("ID", "ID", Kind.INT, minimum=1, read_only=True),
         ParamSpec("Code", "Code", Kind.HEX, required=True),
         ParamSpec("DoorNum", "Doors", Kind.FLAGS, choices=(Choice("1", "A"), Choice("2", "B")))),
        row_key="ID", operations=frozenset({TableOp.ADD, TableOp.DEL}))
    row = table.parse_row({"Code": "ab", "DoorNum": "A,2"})
    assert row == {"Code": "AB", "DoorNum": frozenset({"1", "2"})}
    with pytest.raises(InvalidValue, match="unknown column"):
        table.parse_row({"Code": "AB", "Cdoe": "1"})
    with pytest.raises(InvalidValue, match="required"):
        table.validate_row({"DoorNum": ["1"]})
