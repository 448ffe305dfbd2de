"""Unit tests of the Fanvil ParamSpecs, pages and tables."""

from __future__ import annotations

import pytest

from configurator.core.errors import InvalidValue
from configurator.core.params import Category, Kind, TableOp
from configurator.drivers.fanvil import specs


def test_sip_page_has_every_documented_key_per_line() -> None:
    page = next(p for p in specs.build_pages([1, 2, 3]) if p.id == "sip")
    keys = {s.key for s in page.params}
    for n in (1, 2, 3):
        for name in ("EnableReg", "RegisterAddr", "RegisterUser", "RegisterPswd"):
            assert f"sip.line.{n}.{name}" in keys
    assert "sip.line.4.EnableReg" not in keys
    assert page.groups()[:3] == ["Line 1", "Line 2", "Line 3"]
    assert page.spec("sip.line.2.RegisterPswd").kind is Kind.SECRET
    assert page.spec("sip.PNPIP").default == "224.0.1.75"


def test_values_validated_by_spec() -> None:
    page = next(p for p in specs.build_pages([1]) if p.id == "sip")
    assert page.spec("sip.line.1.EnableReg").parse("1") is True
    with pytest.raises(InvalidValue):
        page.spec("sip.line.1.RegisterPort").parse("70000")
    with pytest.raises(InvalidValue):
        page.spec("sip.line.1.RegisterAddr").parse("not a host")
    assert page.spec("sip.line.1.Transport").parse("TLS") == "2"


def test_status_page_read_only() -> None:
    page = next(p for p in specs.build_pages([1, 2]) if p.id == "status")
    assert all(s.read_only and s.category is Category.STATUS for s in page.params)
    assert page.spec("info.sip.line.2.registerCode").label == "Line 2 registration"


def test_spec_for_key_uses_templates_for_any_line_and_falls_back_to_string() -> None:
    spec = specs.spec_for_key("sip.line.17.RegisterPswd")
    assert (spec.kind, spec.group) == (Kind.SECRET, "sip")
    assert "line 17" in spec.help
    assert specs.spec_for_key("tr069.ACSURL").kind is Kind.URL
    assert specs.spec_for_key("net.Vlan.Id").kind is Kind.STRING
    assert specs.spec_for_key("ldap.1.BindPassword").kind is Kind.SECRET
    assert specs.spec_for_key("info.sys.UpTime").read_only


def test_nc_conversion() -> None:
    spec = specs.spec_for_key("sip.line.1.EnableReg")
    assert specs.to_nc(spec, True) == "1" and specs.from_nc(spec, "0") is False
    port = specs.spec_for_key("sip.line.1.RegisterPort")
    assert specs.from_nc(port, "") is None and specs.from_nc(port, "garbage") == "garbage"


def test_tables() -> None:
    table = specs.build_table("mmifilter")
    assert [c.key for c in table.columns] == ["index", "StartIP", "EndIP"]
    assert table.row_key == "index" and TableOp.CLEAR in table.operations
    assert table.validate_row({"StartIP": "172.16.7.1", "EndIP": "172.16.7.255"}) == {
        "StartIP": "172.16.7.1", "EndIP": "172.16.7.255"}
    with pytest.raises(InvalidValue):
        table.validate_row({"StartIP": "172.16.7.1"})  # EndIP required
    access = specs.build_table("inaccess")
    assert access.column("Action").parse("allow") == "Allow"
    with pytest.raises(InvalidValue):
        access.column("Port").parse("80;90")


def test_status_specs_carry_the_information_query_table() -> None:
    """Doc 2.2: parameter -> description, for every documented info item."""
    documented = {
        "info.dev.Model": "Openvox Device Model", "info.dev.Vendor": "Brand",
        "info.dev.Mac": "Mac Address", "info.dev.SN": "Sequence Number",
        "info.sys.MemFree": "Remaining Memory", "info.sys.FlashFree": "Remaining Flash",
        "info.sys.UpTime": "Running time", "info.sys.FwVersion": "Software version",
        "info.sys.HwVersion": "Hardware version",
        "info.sip.line.2.registerCode": "SIP line registration status",
    }
    page = next(p for p in specs.build_pages([1, 2]) if p.id == "status")
    for key, description in documented.items():
        spec = page.spec(key)
        assert description in spec.help and "(doc 2.2)" in spec.help, key
        assert spec.read_only


def test_doc_set_example_values_parse_with_the_specs() -> None:
    """Doc 2.1.2: every item of the SET example is accepted and written back unchanged."""
    example = {"sip.line.1.EnableReg": "1", "sip.line.1.RegisterAddr": "172.16.1.3",
               "sip.line.1.RegisterUser": "8218", "sip.line.1.RegisterPswd": "8218",
               "sip.PNPIP": "224.0.1.75", "call.port.1.EnableDND": "1"}
    for key, text in example.items():
        spec = specs.spec_for_key(key)
        assert spec.help != "Reported by the device (no description known).", key
        assert specs.to_nc(spec, specs.from_nc(spec, text)) == text
    mmi = specs.build_table("mmifilter")
    row = mmi.validate_row({"index": 2, "StartIP": "172.16.6.1", "EndIP": "172.16.6.255"})
    assert row == {"index": 2, "StartIP": "172.16.6.1", "EndIP": "172.16.6.255"}
    with pytest.raises(InvalidValue):
        mmi.validate_row({"StartIP": "172.16.6.300", "EndIP": "172.16.6.255"})
