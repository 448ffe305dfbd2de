"""Hostile files (Low findings): CSV with a field over the csv module's 128 KB limit."""

from __future__ import annotations

import pytest

from configurator.core.errors import InvalidValue
from configurator.services.site_ops.changes import parse_csv
from configurator.ui.editors.table_model import TableModel

from ..ui.test_table import DIALREPLACE, EXAMPLE

HUGE_FIELD = "x" * (200 * 1024)


def test_table_csv_with_a_huge_field_is_one_typed_error() -> None:
    model = TableModel(DIALREPLACE)
    model.load([EXAMPLE])
    with pytest.raises(InvalidValue, match="not a readable CSV file"):
        model.from_csv(f'ID,Prefix\n7,"{HUGE_FIELD}"\n')
    assert len(model.rows) == 1  # nothing imported


def test_site_change_csv_with_a_huge_field_is_one_typed_error() -> None:
    with pytest.raises(InvalidValue, match="not a readable CSV file"):
        parse_csv(f'address,sip.user\n10.0.0.5,"{HUGE_FIELD}"\n', "bulk.csv")
