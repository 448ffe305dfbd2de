"""The generic configuration tree, its diff, verification and backups (no device)."""

from __future__ import annotations

import os
import stat
import sys
from datetime import datetime

import pytest

from configurator.core.errors import InvalidValue
from configurator.core.safexml import parse_xml_document
from configurator.services.config_file import (
    ChangeKind,
    ConfigDocument,
    Outcome,
    document_changes,
    prepare_upload,
    unified_diff,
    verify,
    write_backup,
)

# The manual's own example (5.3.1), completed so that it is well-formed, plus repeated blocks.
SAMPLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!--
    Product name: 2N IP Vario
    Serial number: 08-1860-0035
-->
<DeviceDatabase Version="4">
<Network>
    <DhcpEnabled>1</DhcpEnabled>
    <IpAddress>192.168.1.100</IpAddress>
</Network>
<Switches>
    <Switch Id="1"><Mode>monostable</Mode></Switch>
    <Switch Id="2"><Mode>bistable</Mode></Switch>
</Switches>
<Empty/>
</DeviceDatabase>
"""


def test_paths_name_every_value_generically():
    doc = ConfigDocument.parse(SAMPLE)
    assert doc.values() == {
        "DeviceDatabase/@Version": "4",
        "DeviceDatabase/Network/DhcpEnabled": "1",
        "DeviceDatabase/Network/IpAddress": "192.168.1.100",
        "DeviceDatabase/Switches/Switch[1]/@Id": "1",
        "DeviceDatabase/Switches/Switch[1]/Mode": "monostable",
        "DeviceDatabase/Switches/Switch[2]/@Id": "2",
        "DeviceDatabase/Switches/Switch[2]/Mode": "bistable",
        "DeviceDatabase/Empty": "",
    }
    root = doc.root_node
    assert [c.name for c in root.children] == ["Network", "Switches", "Empty"]
    assert root.value is None  # a container: its indentation is not a value
    assert root.children[1].children[1].attributes == (("Id", "2"),)


def test_edit_in_place_keeps_comments_and_layout_and_leaves_the_original_alone():
    original = ConfigDocument.parse(SAMPLE)
    edited = original.copy()
    edited.set_value("DeviceDatabase/Switches/Switch[2]/Mode", "monostable")
    edited.set_value("DeviceDatabase/Switches/Switch[2]/@Id", "7")
    out = edited.to_bytes()
    assert b"Product name: 2N IP Vario" in out
    assert b'<Switch Id="7"><Mode>monostable</Mode></Switch>' in out
    assert original.value("DeviceDatabase/Switches/Switch[2]/Mode") == "bistable"
    changes = document_changes(original, edited)
    assert [(c.path, c.old, c.new, c.kind) for c in changes] == [
        ("DeviceDatabase/Switches/Switch[2]/@Id", "2", "7", ChangeKind.CHANGED),
        ("DeviceDatabase/Switches/Switch[2]/Mode", "bistable", "monostable",
         ChangeKind.CHANGED)]
    diff = unified_diff(original, edited)
    assert '-    <Switch Id="2">' in diff and '+    <Switch Id="7">' in diff
    assert "+      <Mode>monostable</Mode>" in diff
    assert unified_diff(original, original.copy()) == ""


def test_unknown_paths_and_unencodable_values_are_refused():
    doc = ConfigDocument.parse(SAMPLE)
    with pytest.raises(InvalidValue, match="not a value"):
        doc.set_value("DeviceDatabase/Switches", "x")  # a container
    with pytest.raises(InvalidValue, match="not a value"):
        doc.set_value("DeviceDatabase/Nope", "x")
    with pytest.raises(InvalidValue, match="U\\+0001"):
        doc.set_value("DeviceDatabase/Empty", "a\x01b")


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"<DeviceDatabase><Network></DeviceDatabase>", "not well-formed XML.*line 1"),
    (b"not xml at all", "not well-formed XML"),
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>', "DTD"),
    (b'<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd"><d/>', "DTD"),
])
def test_malformed_or_hostile_files_are_refused_in_one_line(data, message):
    with pytest.raises(InvalidValue, match=message) as info:
        ConfigDocument.parse(data, what="the file")
    assert "\n" not in str(info.value)


def test_billion_laughs_is_refused_before_any_expansion():
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;") * 10)
                      for i in range(1, 10))
           + b"]><lolz>&lol9;</lolz>")
    with pytest.raises(InvalidValue):
        ConfigDocument.parse(lol)


def test_size_and_node_caps():
    with pytest.raises(InvalidValue, match="more than the 1 MB"):
        parse_xml_document(b"<a>" + b" " * (1024 * 1024) + b"</a>", max_bytes=1024 * 1024)
    many = b"<a>" + b"<b/>" * 50 + b"</a>"
    with pytest.raises(InvalidValue, match="more than 10 XML nodes"):
        parse_xml_document(many, max_elements=10)
    assert len(ConfigDocument(parse_xml_document(many))) == 51


def test_prepare_upload_refuses_what_does_not_parse_or_changes_nothing_or_is_foreign():
    original = ConfigDocument.parse(SAMPLE)
    with pytest.raises(InvalidValue, match="not well-formed"):
        prepare_upload(original, SAMPLE.replace(b"</Network>", b""))
    with pytest.raises(InvalidValue, match="nothing to upload"):
        prepare_upload(original, original.copy())
    with pytest.raises(InvalidValue, match="root element is <Other>"):
        prepare_upload(original, b"<Other/>")
    edited = original.copy()
    edited.set_value("DeviceDatabase/Network/DhcpEnabled", "0")
    prepared = prepare_upload(original, edited)
    assert [c.path for c in prepared.changes] == ["DeviceDatabase/Network/DhcpEnabled"]
    assert ConfigDocument.parse(prepared.content).value(
        "DeviceDatabase/Network/DhcpEnabled") == "0"


def test_verify_says_applied_or_not_per_path_and_what_else_changed():
    original = ConfigDocument.parse(SAMPLE)
    edited = original.copy()
    edited.set_value("DeviceDatabase/Network/DhcpEnabled", "0")
    edited.set_value("DeviceDatabase/Empty", "x")
    prepared = prepare_upload(original, edited)
    reread = original.copy()
    reread.set_value("DeviceDatabase/Network/DhcpEnabled", "0")
    reread.set_value("DeviceDatabase/Network/IpAddress", "10.0.0.9")
    report = verify(original.values(), prepared.changes, reread.values())
    outcomes = {r.path: (r.outcome, r.actual) for r in report.results}
    assert outcomes == {"DeviceDatabase/Network/DhcpEnabled": (Outcome.APPLIED, "0"),
                        "DeviceDatabase/Empty": (Outcome.NOT_APPLIED, "")}
    assert not report.complete
    assert [c.path for c in report.unexpected] == ["DeviceDatabase/Network/IpAddress"]
    assert report.summary() == ("1 of 2 change(s) applied; the device also changed 1 other "
                                "value(s)")


def test_backup_is_private_named_after_device_and_time_and_never_overwritten(tmp_path):
    when = datetime(2026, 12, 3, 18, 15, 0)
    first = write_backup(b"<a/>", "2N IP Verso (10.0.0.5)", when=when, folder=tmp_path)
    second = write_backup(b"<b/>", "2N IP Verso (10.0.0.5)", when=when, folder=tmp_path)
    assert first.name == "2N-IP-Verso-10.0.0.5_20261203-181500.xml"
    assert second.name == "2N-IP-Verso-10.0.0.5_20261203-181500-2.xml"
    assert first.read_bytes() == b"<a/>" and second.read_bytes() == b"<b/>"
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(first).st_mode) == 0o600


SECRET_SAMPLE = b"""<DeviceDatabase><Phone><Account Id="1"><SipNumber>5207</SipNumber>
<Password>old-secret</Password><Pin code="1234"/></Account></Phone>
<Users><User><PinCode>9999</PinCode><Pinned>1</Pinned></User></Users></DeviceDatabase>"""


def test_secret_values_are_recognised_by_name_and_masked_in_changes_and_diffs():
    from configurator.services.config_file.secrets import (
        MASK,
        is_secret_path,
        masked_change,
        masked_documents,
    )

    assert is_secret_path("DeviceDatabase/Phone/Account/Password")
    assert is_secret_path("DeviceDatabase/Users/User[2]/PinCode")
    assert is_secret_path("DeviceDatabase/X/@passwd")
    assert not is_secret_path("DeviceDatabase/Users/User/Pinned")
    assert not is_secret_path("DeviceDatabase/Phone/Account/SipNumber")
    original = ConfigDocument.parse(SECRET_SAMPLE)
    edited = original.copy()
    edited.set_value("DeviceDatabase/Phone/Account/Password", "new-secret")
    edited.set_value("DeviceDatabase/Phone/Account/SipNumber", "12")
    changes = {c.path: masked_change(c) for c in document_changes(original, edited)}
    password = changes["DeviceDatabase/Phone/Account/Password"]
    assert (password.old, password.new) == (MASK, MASK + " (changed)")
    assert changes["DeviceDatabase/Phone/Account/SipNumber"].new == "12"
    before, after = masked_documents(original, edited)
    diff = unified_diff(before, after)
    assert "secret" not in diff and "9999" not in diff and "1234" not in before.to_bytes().decode()
    assert f"+      <Password>{MASK} (changed)</Password>" in diff
    assert "+      <SipNumber>12</SipNumber>" in diff
    assert original.value("DeviceDatabase/Phone/Account/Password") == "old-secret"  # copies


def test_drafts_keep_edits_by_path_but_no_secret_and_nothing_stale(tmp_path):
    from configurator.services.config_file.drafts import load_draft, save_draft
    from configurator.services.drafts import DraftStore

    store = DraftStore(tmp_path / "drafts.json")
    original = ConfigDocument.parse(SECRET_SAMPLE)
    edited = original.copy()
    edited.set_value("DeviceDatabase/Phone/Account/SipNumber", "12")
    edited.set_value("DeviceDatabase/Phone/Account/Password", "never-on-disk")
    save_draft(store, "10.0.0.5:80", document_changes(original, edited))
    assert "never-on-disk" not in (tmp_path / "drafts.json").read_text()
    again = DraftStore(tmp_path / "drafts.json")
    assert load_draft(again, "10.0.0.5:80", original) == {
        "DeviceDatabase/Phone/Account/SipNumber": "12"}
    other = ConfigDocument.parse(b"<DeviceDatabase><Other>1</Other></DeviceDatabase>")
    assert load_draft(again, "10.0.0.5:80", other) == {}  # the path is gone: dropped
    save_draft(again, "10.0.0.5:80", [])
    assert load_draft(DraftStore(tmp_path / "drafts.json"), "10.0.0.5:80", original) == {}
