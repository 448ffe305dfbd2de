"""The one identity record: every identity field is copied, merged and saved alike."""

from dataclasses import fields

from configurator.core.device import DeviceInfo
from configurator.core.identity import IDENTITY_FIELDS, DeviceIdentity


def full(tag: str) -> DeviceIdentity:
    return DeviceIdentity(**{key: f"{key}-{tag}" for key in IDENTITY_FIELDS})


def test_identity_fields_are_the_record_fields_in_order() -> None:
    assert tuple(f.name for f in fields(DeviceIdentity)) == IDENTITY_FIELDS
    assert list(full("a").identity_json()) == list(IDENTITY_FIELDS)


def test_identity_is_a_plain_copy_of_a_richer_record() -> None:
    info = DeviceInfo(vendor="2N", model="IP Verso", mac="7C:1E:B3:00:00:01", extra={"x": 1})
    copy = info.identity
    assert type(copy) is DeviceIdentity
    assert copy == DeviceIdentity(vendor="2N", model="IP Verso", mac="7C:1E:B3:00:00:01")


def test_take_identity_takes_known_values_and_can_keep_the_name() -> None:
    record = full("old")
    newer = DeviceIdentity(model="model-new", name="name-new")
    record.take_identity(newer, name=False)
    assert record.model == "model-new" and record.name == "name-old"
    assert record.serial == "serial-old"  # empty in the newer reading: kept
    record.take_identity(newer)
    assert record.name == "name-new"


def test_fill_identity_fills_only_missing_fields() -> None:
    record = DeviceIdentity(vendor="Fanvil", name="lobby")
    record.fill_identity(full("other"))
    assert record.identity_json() == {**full("other").identity_json(),
                                      "vendor": "Fanvil", "name": "lobby"}
