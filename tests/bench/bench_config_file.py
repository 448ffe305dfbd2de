"""Configuration-file editor benchmark (offscreen): how long a large generic configuration takes
to parse, to flatten into paths, to diff, and to become the page's tree model.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_config_file.py [blocks]``;
the document is ``blocks`` repeated sections of 10 values and 2 attributes each (default 5000,
~50,000 values, a few MB: far larger than a real 2N configuration of a few hundred kB).
Prints one JSON line of wall-clock milliseconds (time.perf_counter) per step, and the longest
step of the page's stepwise tree build (what the window waits at most between two turns of
its event loop).
"""

from __future__ import annotations

import json
import sys
import time


def document(blocks: int) -> bytes:
    parts = [b'<?xml version="1.0" encoding="UTF-8"?>\n<DeviceDatabase Version="4">\n']
    for n in range(blocks):
        values = b"".join(b"<Value%d>%d-%d</Value%d>" % (i, n, i, i) for i in range(10))
        parts.append(b'  <Block Id="%d" Kind="k"><Inner>%s</Inner></Block>\n' % (n, values))
    parts.append(b"</DeviceDatabase>\n")
    return b"".join(parts)


def main() -> None:
    blocks = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    from PySide6.QtWidgets import QApplication

    from configurator.services.config_file import ConfigDocument, document_changes, unified_diff
    from configurator.ui.configfile.tree_model import ConfigFilterProxy, ConfigTreeModel

    app = QApplication.instance() or QApplication([])
    data = document(blocks)
    out: dict[str, object] = {"blocks": blocks, "bytes": len(data)}

    def timed(name: str, call):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = call()
        out[f"{name}_ms"] = round((time.perf_counter() - start) * 1000, 1)
        return result

    original = timed("parse", lambda: ConfigDocument.parse(data))
    values = timed("values", original.values)
    out["values"] = len(values)
    edited = timed("copy", original.copy)
    edited.set_value(f"DeviceDatabase/Block[{blocks // 2}]/Inner/Value3", "changed")
    changes = timed("diff", lambda: document_changes(original, edited))
    out["changes"] = len(changes)
    timed("unified_diff", lambda: unified_diff(original, edited))
    model = ConfigTreeModel()
    timed("tree_model", lambda: model.load(edited, values))
    # The page builds the tree in steps, letting the event loop run between them: the longest
    # step is the longest the window can be unresponsive while a file is shown.
    gaps, last = [], time.perf_counter()
    for _ in model.build(edited, values):
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    gaps.append(time.perf_counter() - last)
    out["tree_steps"] = len(gaps)
    out["tree_longest_step_ms"] = round(max(gaps) * 1000, 1)
    proxy = ConfigFilterProxy()
    proxy.setSourceModel(model)
    timed("filter", lambda: (proxy.set_text("changed"), proxy.rowCount()))
    print(json.dumps(out))
    del app


if __name__ == "__main__":
    main()
