"""The base Device: one lookup for pages, tables and actions; action arguments validated."""

import pytest

from configurator.core.device import ActionSpec, Device, DeviceInfo
from configurator.core.errors import InvalidValue, NotSupported
from configurator.core.params import Kind, ParamSpec, SettingsPage, TableSpec
from configurator.core.transport import Endpoint, Transport


class Fixed(Device):
    fixed_actions = (
        ActionSpec("dial", "Dial", (ParamSpec("number", "Number", required=True),
                                    ParamSpec("seconds", "Ring for", Kind.INT, minimum=1,
                                              maximum=60, default=30))),
        ActionSpec("reboot", "Reboot"),
    )

    async def read_info(self) -> DeviceInfo:
        return DeviceInfo()

    async def capabilities(self) -> frozenset[str]:
        return frozenset()

    def pages(self) -> list[SettingsPage]:
        return [SettingsPage("switches", "Switches", ())]

    def tables(self) -> list[TableSpec]:
        return [TableSpec("users", "Users", (), "id")]


def device() -> Fixed:
    return Fixed(Transport(Endpoint("127.0.0.1")))


def test_lookups_match_loosely_for_pages_and_tables_exactly_for_actions() -> None:
    dev = device()
    assert dev.page("Switch").id == "switches" and dev.table("user").id == "users"
    assert [a.id for a in dev.actions()] == ["dial", "reboot"]
    with pytest.raises(NotSupported, match=r"no action 'Dial' \(available: dial, reboot\)"):
        dev.action("Dial")
    with pytest.raises(NotSupported, match=r"no settings group 'x' \(available: switches\)"):
        dev.page("x")
    with pytest.raises(NotSupported, match=r"no table 'x' \(available: users\)"):
        dev.table("x")


def test_action_values_validate_and_fill_defaults() -> None:
    dev = device()
    assert dev.action_values("dial", {"number": "100"}) == {"number": "100", "seconds": 30}
    assert dev.action_values("dial", {"number": "100", "seconds": "5"})["seconds"] == 5
    with pytest.raises(InvalidValue):
        dev.action_values("dial", {})
    with pytest.raises(InvalidValue):
        dev.action_values("dial", {"number": "100", "seconds": 99})
