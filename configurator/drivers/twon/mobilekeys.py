"""2N Bluetooth encryption keys (``mobilekey/config`` ``keys``) as a table.

The document: at most four keys; the first is the primary one and the newest key should be
added at the beginning; a shorter array deletes the missing keys; an invalid key "will not be
written without any notification" - so every change is read back and a key the device did
not keep is reported as rejected. The key data is a secret (masked like a password).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...core.device import Capability
from ...core.errors import InvalidValue
from ...core.params import Kind, ParamSpec, TableOp, TableSpec
from ...core.write import RowResult, RowWriter
from .client import TwoNClient

MAX_KEYS = 4

KEYS_TABLE = TableSpec(
    "mobilekeys", "Bluetooth keys",
    (
        ParamSpec("position", "Position", Kind.INT, read_only=True,
                  help="1 is the primary key; a phone using another one is asked to switch."),
        ParamSpec("key", "Key", Kind.SECRET, required=True,
                  pattern=r"[A-Za-z0-9+/=\s]{16,}",
                  help="Encryption key data: DER encoded in Base64 (1024-bit RSA)."),
        ParamSpec("type", "Algorithm", default="rsa", help="rsa (the only one supported)."),
        ParamSpec("ctime", "Created", Kind.DATETIME, read_only=True,
                  help="Creation time, when the key was given one."),
    ),
    row_key="position", operations=frozenset({TableOp.ADD, TableOp.DEL, TableOp.CLEAR}),
    capability=str(Capability.ACCESS), max_rows=MAX_KEYS,
    help="Keys for Bluetooth authentication (2N Mobile Key); a new key becomes the primary.")


def _present(keys: Sequence[Any]) -> list[dict[str, Any]]:
    return [dict(k) for k in keys if isinstance(k, Mapping) and k.get("key")]


async def read_keys(client: TwoNClient) -> list[dict[str, Any]]:
    """The stored keys as rows, primary first."""
    keys = _present((await client.mobilekey_config_get()).get("keys") or [])
    return [{"position": n, "key": k.get("key"), "type": k.get("type", "rsa"),
             "ctime": k.get("ctime")} for n, k in enumerate(keys, start=1)]


async def apply_keys(client: TwoNClient, add: Sequence[Mapping[str, Any]],
                     delete: Sequence[Any]) -> list[RowResult]:
    """Delete by position, add new keys at the front; one PUT, read back per row."""
    writer = RowWriter()
    current = _present((await client.mobilekey_config_get()).get("keys") or [])
    drop = set()
    for position in delete:
        try:
            n = int(position)
        except (TypeError, ValueError):
            n = 0
        if 1 <= n <= len(current):
            drop.add(n)
        else:
            writer.refuse("del", position, f"there is no key at position {position}")
    fresh = []
    for row in add:
        data = str(row.get("key") or "").strip()
        try:
            KEYS_TABLE.column("key").validate(data)
        except InvalidValue as exc:
            writer.refuse("add", "new key", str(exc))
            continue
        fresh.append({"type": str(row.get("type") or "rsa"), "key": data})
    kept = [k for n, k in enumerate(current, start=1) if n not in drop]
    if len(fresh) + len(kept) > MAX_KEYS:
        for _ in fresh:
            writer.refuse("add", "new key", f"the device holds at most {MAX_KEYS} keys: "
                                            "delete one first")
        fresh = []
    if not drop and not fresh:
        return writer.results
    gone = sorted(drop)

    async def put() -> list[str]:
        await client.mobilekey_config_put(keys=[*fresh, *kept])
        return [k["key"] for k in _present((await client.mobilekey_config_get())
                                           .get("keys") or [])]

    def per_row(back: list[str]) -> list[RowResult]:
        out = [RowResult("del", n, current[n - 1]["key"] not in back,
                         "" if current[n - 1]["key"] not in back else "the device kept it")
               for n in gone]
        out += [RowResult("add", back.index(k["key"]) + 1 if k["key"] in back else "new key",
                          k["key"] in back,
                          "" if k["key"] in back else "the device did not keep this key "
                          "(it keeps invalid keys out without saying so)") for k in fresh]
        return out

    await writer.rows("set", [*gone, *("new key" for _ in fresh)], put, per_row)
    return writer.results


async def clear_keys(client: TwoNClient) -> None:
    """An empty array: every key deleted."""
    await client.mobilekey_config_put(keys=[])
