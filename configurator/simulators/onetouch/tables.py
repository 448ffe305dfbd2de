"""The item-table functions of the simulator: get/add/set/del/clear/export/import of rfkey,
privatekey, dialreplace, group (``{"item": [...]}`` batches) and contact (flat, one at a time)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import files
from .files import ExportFile, FileFormatError
from .stores import SimError

TABLE_TARGETS = ("rfkey", "privatekey", "dialreplace", "group", "contact")
# export file name and XML root per table (the document names ICKey.xml and DialReplace.xml).
EXPORTS = {"rfkey": ("ICKey.xml", "ICKey"), "privatekey": ("PrivateKey.xml", "PrivateKey"),
           "dialreplace": ("DialReplace.xml", "DialReplace")}
CONTACT_COLUMNS = ("name", "phone")

Handler = Callable[[dict, Any], Any]


def _items(data: dict) -> list[dict]:
    items = data.get("item")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise SimError("invalid param item")
    return items


def _reply(results: list[dict]) -> dict:
    return {"num": len(results), "item": results}


def table_function(state: Any, target: str, action: str) -> Handler | None:
    if target == "contact":
        return _contact_function(state, action)
    store = state.tables[target]
    export = EXPORTS.get(target)

    def get(data: dict, upload: Any) -> dict:
        return {"num": len(store.rows), "item": [dict(r) for r in store.rows]}

    def clear(data: dict, upload: Any) -> None:
        store.rows = []

    def export_file(data: dict, upload: Any) -> Any:
        assert export is not None
        return ExportFile(files.items_xml(export[1], store.rows), export[0], "application/xml")

    def import_file(data: dict, upload: Any) -> None:
        assert export is not None
        if upload is None:
            raise SimError("no file")
        try:
            store.replace_all(files.read_items_xml(upload.content, export[1]))
        except FileFormatError as exc:
            raise SimError(f"invalid file: {exc}") from None

    handlers: dict[str, Handler] = {
        "get": get,
        "add": lambda data, upload: _reply(store.add(_items(data))),
        "set": lambda data, upload: _reply(store.set(_items(data))),
        "del": lambda data, upload: _reply(store.delete(_items(data))),
        "clear": clear,
    }
    if export is not None:
        handlers |= {"export": export_file, "import": import_file}
    return handlers.get(action)


def _contact_function(state: Any, action: str) -> Handler | None:
    store = state.contacts

    def export_file(data: dict, upload: Any) -> Any:
        return ExportFile(files.items_csv(("id", *CONTACT_COLUMNS), store.rows), "Contact.csv",
                          "text/csv")

    def import_file(data: dict, upload: Any) -> None:
        if upload is None:
            raise SimError("no file")
        try:
            rows = files.read_items_csv(upload.content, CONTACT_COLUMNS)
        except FileFormatError as exc:
            raise SimError(f"invalid file: {exc}") from None
        store.replace_all([{k: r[k] for k in CONTACT_COLUMNS} for r in rows])

    def clear(data: dict, upload: Any) -> None:
        store.rows = []

    handlers: dict[str, Handler] = {
        "get": lambda data, upload: {"num": len(store.rows),
                                     "item": [dict(r) for r in store.rows]},
        "add": lambda data, upload: store.add(data),
        "set": lambda data, upload: store.set(data),
        "del": lambda data, upload: store.delete(data.get("id")),
        "clear": clear,
        "export": export_file,
        "import": import_file,
    }
    return handlers.get(action)
