"""An in-memory Device for widget unit tests, with specs built by the test.

Integration tests use the real drivers against the simulators; this fake only lets the form
and table widgets be tested with exactly the specs a test needs (including failures).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from configurator.core.device import (
    Device,
    DeviceInfo,
    KeyResult,
    RowResult,
    WriteOutcome,
    WriteReport,
)
from configurator.core.errors import Rejected, Unreachable
from configurator.core.params import SettingsPage, TableSpec
from configurator.core.transport import Endpoint, Transport


class MemoryDevice(Device):
    vendor = "Test"
    driver_id = "memory"

    def __init__(self, pages: Sequence[SettingsPage] = (), tables: Sequence[TableSpec] = (),
                 values: Mapping[str, Any] | None = None, host: str = "127.0.0.1") -> None:
        super().__init__(Transport(Endpoint(host)))
        self._pages = list(pages)
        self._tables = list(tables)
        self.values: dict[str, Any] = dict(values or {})
        self.rows: dict[str, list[dict[str, Any]]] = {t.id: [] for t in tables}
        self.writes: list[dict[str, Any]] = []
        self.reject: dict[str, str] = {}  # key -> device message
        self.unverified: set[str] = set()
        self.skipped: dict[str, str] = {}  # key -> why the write did not reach it
        self.fail_with: Exception | None = None
        self.delay = 0.0

    async def read_info(self) -> DeviceInfo:
        self.info = DeviceInfo(vendor="Test", model="Memory", serial="SN1")
        return self.info

    async def capabilities(self) -> frozenset[str]:
        return frozenset(p.capability for p in self._pages) | frozenset(
            t.capability for t in self._tables)

    def pages(self):
        return self._pages

    def tables(self):
        return self._tables

    async def read_page(self, page_id: str) -> dict[str, Any]:
        page = self.page(page_id)
        return {p.key: self.values.get(p.key) for p in page.params}

    async def write_page(self, page_id: str, changes: Mapping[str, Any]) -> WriteReport:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_with is not None:
            raise self.fail_with
        self.writes.append(dict(changes))
        results = []
        for key, value in changes.items():
            if key in self.reject:
                results.append(KeyResult(key, WriteOutcome.REJECTED, message=self.reject[key]))
            elif key in self.skipped:
                results.append(KeyResult(key, WriteOutcome.SKIPPED, self.values.get(key),
                                         self.skipped[key]))
            elif key in self.unverified:
                results.append(KeyResult(key, WriteOutcome.NOT_VERIFIED, message="no read-back"))
            else:
                self.values[key] = value
                results.append(KeyResult(key, WriteOutcome.APPLIED, value))
        return WriteReport(results)

    async def read_table(self, table_id: str) -> list[dict[str, Any]]:
        if self.fail_with is not None:
            raise self.fail_with
        return [dict(r) for r in self.rows[table_id]]

    async def apply_table(self, table_id, *, add=(), update=(), delete=()) -> list[RowResult]:
        spec = self.table(table_id)
        rows = self.rows[table_id]
        results = []
        for row in add:
            if str(row.get(spec.row_key)) in self.reject:
                results.append(RowResult("add", row.get(spec.row_key), False,
                                         self.reject[str(row.get(spec.row_key))]))
                continue
            rows.append(dict(row))
            results.append(RowResult("add", row.get(spec.row_key), True))
        for row in update:
            for existing in rows:
                if existing[spec.row_key] == row[spec.row_key]:
                    existing.update(row)
            results.append(RowResult("set", row[spec.row_key], True))
        for key in delete:
            rows[:] = [r for r in rows if r[spec.row_key] != key]
            results.append(RowResult("del", key, True))
        return results


def unreachable(host: str = "127.0.0.1") -> Unreachable:
    return Unreachable("cannot connect: connection refused", host=host)


def rejected(message: str) -> Rejected:
    return Rejected(message)
