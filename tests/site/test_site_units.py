"""Selectors, credentials precedence and file mode, templates and CSV shapes (no network)."""

from __future__ import annotations

import json

import pytest

from configurator.core.errors import InvalidValue
from configurator.core.transport import Credentials
from configurator.services.site import Site, SiteDevice, SiteFileError
from configurator.services.site_ops.changes import parse_csv, parse_template
from configurator.services.site_ops.credentials import SiteCredentials, write_private
from configurator.services.site_ops.targets import select


def site() -> Site:
    return Site("S", [
        SiteDevice("10.0.0.1", driver="2n", vendor="2N", model="2N IP Verso", serial="54-1",
                   name="Gate", tags=["entrances"]),
        SiteDevice("10.0.0.2", driver="onetouch", vendor="Onetouch", model="OT-IP-LP-C9",
                   mac="0C:11:05:00:4D:04", tags=["entrances", "floor 2"],
                   fields={"sip_user": "2002"}),
        SiteDevice("10.0.0.3", driver="fanvil", vendor="Fanvil", model="X6"),
    ])


def test_selectors() -> None:
    s = site()
    assert [d.address for d in select(s, None)] == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    assert [d.address for d in select(s, "tag:entrances")] == ["10.0.0.1", "10.0.0.2"]
    assert [d.address for d in select(s, "model:verso,vendor:fanvil")] == ["10.0.0.1",
                                                                          "10.0.0.3"]
    assert [d.address for d in select(s, "gate, 0c1105004d04")] == ["10.0.0.1", "10.0.0.2"]
    assert [d.address for d in select(s, "54-1")] == ["10.0.0.1"]
    with pytest.raises(InvalidValue, match="'tag:floor 3'"):
        select(s, "tag:floor 3")


def test_tags_and_fields_round_trip_and_are_checked(tmp_path) -> None:
    s = site()
    s.save(tmp_path / "s.json")
    again = Site.load(tmp_path / "s.json")
    assert again.devices[1].tags == ["entrances", "floor 2"]
    assert again.devices[1].fields == {"sip_user": "2002"}
    data = json.loads((tmp_path / "s.json").read_text())
    data["devices"][0]["tags"] = "entrances"
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(SiteFileError, match="tags must be a list"):
        Site.load(tmp_path / "bad.json")


def test_credentials_precedence_and_private_file(tmp_path) -> None:
    path = tmp_path / "c.json"
    write_private(path, json.dumps({
        "default": {"user": "admin", "password": "default-pw"},
        "drivers": {"onetouch": {"user": "admin", "password": "ot-pw"}},
        "devices": {"10.0.0.3:80": {"user": "phone", "password": "phone-pw"}}}))
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    s = site()
    creds = SiteCredentials(file=path)
    assert creds.for_device(s.devices[0]) == Credentials("admin", "default-pw")
    assert creds.for_device(s.devices[1]) == Credentials("admin", "ot-pw")
    assert creds.for_device(s.devices[2]) == Credentials("phone", "phone-pw")
    given = SiteCredentials(file=path, password="typed")
    assert given.for_device(s.devices[1]) == Credentials("admin", "typed")  # before drivers
    assert given.for_device(s.devices[2]) == Credentials("phone", "phone-pw")  # device entry

    class Keyring:
        def get(self, key: str) -> Credentials | None:
            return Credentials("kr", "kr-pw") if key == "10.0.0.1:80" else None

    kr = SiteCredentials(store=Keyring(), file=path)  # type: ignore[arg-type]
    assert kr.for_device(s.devices[0]) == Credentials("kr", "kr-pw")

    path.chmod(0o644)
    with pytest.raises(InvalidValue, match="chmod 600"):
        SiteCredentials(file=path)
    s.path = tmp_path / "site.json"
    nofile = SiteCredentials.for_site(s, keyring=False)
    nofile.remember(s.devices[0], Credentials("admin", "kept"))
    kept = tmp_path / "site.credentials.json"
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    assert SiteCredentials(file=kept).for_device(s.devices[0]) == Credentials("admin", "kept")


def test_template_and_csv_shapes() -> None:
    s = site()
    source = parse_template(json.dumps({"drivers": {
        "onetouch": {"sip": {"UserName": "{sip_user}", "Label": "{{lit}} {name} #{index}"}},
        "*": {"relay/HoldDelayA": 4}}}))
    changes = source.for_device(s, s.devices[1])
    got = {(w.page, w.key): w.value for w in changes.settings}
    assert got == {("sip", "UserName"): "2002", ("sip", "Label"): "{lit} Onetouch OT-IP-LP-C9 #2",
                   ("relay", "HoldDelayA"): 4}
    phone = source.for_device(s, s.devices[2])
    assert [(w.page, w.key) for w in phone.settings] == [("relay", "HoldDelayA")]
    for bad in ('{"drivers": []}', "[1]", '{"drivers": {"2n": {"relay": 5}}}', "nope"):
        with pytest.raises(InvalidValue):
            parse_template(bad).for_device(s, s.devices[0])
    with pytest.raises(InvalidValue, match="device column"):
        parse_csv("key,value\n1,2\n")
    with pytest.raises(InvalidValue, match="line 3"):
        parse_csv("serial,relay/HoldDelayA\n54-1,3\n,4\n")


def test_append_options_are_not_doubled_by_the_intermixed_parse() -> None:
    from configurator.cli.parser import build_parser, parse_args

    parser = build_parser()
    assert parse_args(parser, ["simulate", "--vendor", "2n", "--count", "3"]).vendors == ["2n"]
    args = parse_args(parser, ["--debug", "site", "add", "s.json", "h", "--tag", "a", "--tag",
                               "b"])
    assert (args.tags, args.debug, args.operands) == (["a", "b"], True, ["s.json", "h"])


def test_every_outcome_of_the_write_contract_has_a_site_word() -> None:
    from configurator.core.device import WriteOutcome
    from configurator.services.site_ops.apply import _OUTCOMES
    from configurator.services.site_ops.results import KeyChange, KeyOutcome, status_from_keys

    assert set(_OUTCOMES) == set(WriteOutcome)
    stopped = [KeyChange("p", "a", outcome=KeyOutcome.APPLIED),
               KeyChange("p", "b", outcome=_OUTCOMES[WriteOutcome.SKIPPED])]
    assert str(status_from_keys(stopped)) == "failed"  # not sent is not success
    lacking = [KeyChange("p", "a", outcome=KeyOutcome.APPLIED),
               KeyChange("p", "b", outcome=_OUTCOMES[WriteOutcome.READ_ONLY])]
    assert str(status_from_keys(lacking)) == "succeeded"
