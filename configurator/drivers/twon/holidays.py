"""The 2N bank holidays (``/api/config/holidays``) as a table of dates one can add and delete.

The device takes the whole list at once (PUT ``blob-json``), so a change sends the new list
and reads it back; each date is then described like any table row (applied when the
read-back shows it, rejected with the device's words when the PUT was refused).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...core.device import Capability
from ...core.errors import InvalidValue
from ...core.params import ParamSpec, TableOp, TableSpec
from ...core.write import RowResult, RowWriter
from .client import TwoNClient

DATE = ParamSpec(
    "date", "Date", required=True,
    pattern=r"\d{2}/\d{2}(/\d{4})?",
    help="DD/MM for every year, or DD/MM/YYYY for that year only (e.g. 24/12, 01/04/2027).")

HOLIDAYS_TABLE = TableSpec(
    "holidays", "Bank holidays", (DATE,), row_key="date",
    operations=frozenset({TableOp.ADD, TableOp.DEL, TableOp.CLEAR}),
    capability=str(Capability.SYSTEM),
    help="Days the intercom treats as holidays in its time profiles.")


def normalized(dates: Sequence[Any]) -> list[str]:
    r"""Dates as the table shows them (the device may write ``\/`` for ``/``)."""
    return [str(d).replace("\\/", "/").strip() for d in dates if str(d).strip()]


async def read_holidays(client: TwoNClient) -> list[dict[str, Any]]:
    """The table rows."""
    return [{"date": d} for d in normalized(await client.holidays_get())]


async def apply_holidays(client: TwoNClient, add: Sequence[Any],
                         delete: Sequence[Any]) -> list[RowResult]:
    """Delete then add (two PUTs of the whole list), each read back."""
    writer = RowWriter()
    current = normalized(await client.holidays_get())
    gone = []
    for key in delete:
        date = str(key).strip()
        if date in current:
            gone.append(date)
        else:
            writer.refuse("del", date, f"{date} is not in the list")
    new_dates = []
    for row in add:
        date = str(row.get("date", "")).strip() if hasattr(row, "get") else str(row)
        try:
            DATE.validate(date)
        except InvalidValue as exc:
            writer.refuse("add", date, str(exc))
            continue
        if date in current or date in new_dates:
            writer.refuse("add", date, f"{date} is already in the list")
        else:
            new_dates.append(date)

    async def put(dates: list[str]) -> list[str]:
        await client.holidays_put(dates)
        return normalized(await client.holidays_get())

    kept = [d for d in current if d not in gone]
    await writer.rows("del", gone, lambda: put(kept), lambda back: [
        RowResult("del", d, d not in back, "" if d not in back else "the device kept it")
        for d in gone])
    if new_dates:
        latest = normalized(await client.holidays_get())
        await writer.rows("add", new_dates, lambda: put(latest + new_dates), lambda back: [
            RowResult("add", d, d in back, "" if d in back else "the device did not keep it")
            for d in new_dates])
    return writer.results


async def clear_holidays(client: TwoNClient) -> None:
    """An empty list."""
    await client.holidays_put([])
