"""The 2N call log (``/api/phone/calllog``, API v2.36+) as a table: read, delete, clear.

The document: GET lists the records newest first (``id``, ``callType``, ``devType``, ``name``,
``date``, ``duration``; a doorbell record has only ``id``, ``callType`` and ``date``); DELETE
with ``id`` deletes one record ("deletion of selected / all records"). Assumption: DELETE
without ``id`` deletes every record (the document names "all" but shows no request for it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...core.device import Capability
from ...core.params import Choice, Kind, ParamSpec, TableOp, TableSpec
from ...core.write import RowResult, RowWriter
from .client import TwoNClient

CALL_TYPES = (
    Choice("incoming", "Incoming (connected or declined)"),
    Choice("outgoing", "Outgoing"),
    Choice("missed", "Missed (not answered)"),
    Choice("voicemail", "Voicemail"),
    Choice("completedElsewhere", "Answered on another device"),
    Choice("doorbell", "Doorbell button"),
)

CALLLOG_TABLE = TableSpec(
    "calllog", "Call log",
    (
        ParamSpec("id", "Record", Kind.INT, read_only=True, help="Unique record identification."),
        ParamSpec("date", "Date and time", read_only=True, help="Call record date (UTC)."),
        ParamSpec("callType", "Call", Kind.ENUM, choices=CALL_TYPES, read_only=True,
                  help="Call type."),
        ParamSpec("name", "Name", read_only=True, help="Phone book user name."),
        ParamSpec("duration", "Duration", Kind.INT, unit="s", read_only=True,
                  help="Call duration in seconds."),
        ParamSpec("devType", "Device type", read_only=True,
                  help="Internal device identifier."),
    ),
    row_key="id", operations=frozenset({TableOp.DEL, TableOp.CLEAR}),
    capability=str(Capability.CALLLOG),
    help="Newest first. Records can be deleted one by one or all at once.")

_KNOWN = {choice.value for choice in CALL_TYPES}


async def read_calllog(client: TwoNClient) -> list[dict[str, Any]]:
    """The call log as table rows (an unknown call type is shown as the device names it)."""
    rows = []
    for record in await client.calllog_get():
        if not isinstance(record, dict):
            continue
        row = {c.key: record.get(c.key) for c in CALLLOG_TABLE.columns if c.key in record}
        date = row.get("date")
        if isinstance(date, str):  # "2027-11-06T12:23:52Z" as a person reads it
            row["date"] = date.replace("T", " ").replace("Z", " UTC")
        if row.get("callType") not in _KNOWN:
            row["callType"] = str(row.get("callType", ""))
        rows.append(row)
    return rows


async def delete_records(client: TwoNClient, keys: Sequence[Any]) -> list[RowResult]:
    """Delete records one by one (the function takes one ``id``)."""
    writer = RowWriter()
    await writer.delete_each(keys, client.calllog_delete)
    return writer.results


async def clear_calllog(client: TwoNClient) -> None:
    """DELETE without ``id``: every record (see the module docstring)."""
    await client.calllog_delete(None)
