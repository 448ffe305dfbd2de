"""Garbage collection runs on the GUI thread only while the window runs."""

from __future__ import annotations

import gc
import threading

from configurator.ui.gc_guard import BROKEN_PYSIDE, GuiThreadCollector, broken_qt_binding


class Cycle:
    def __init__(self) -> None:
        self.me = self
        self.thread = threading.get_ident()

    def __del__(self) -> None:
        freed_in.append(threading.get_ident())


freed_in: list[int] = []


def test_cycles_are_collected_by_the_timer_on_the_gui_thread(qapp, qtbot) -> None:
    collector = GuiThreadCollector(interval_ms=10)
    was_enabled = gc.isenabled()
    collector.start()
    try:
        assert not gc.isenabled()
        freed_in.clear()

        def make_garbage() -> None:  # a worker thread crossing the allocation threshold
            for _ in range(5 * gc.get_threshold()[0]):
                Cycle()

        worker = threading.Thread(target=make_garbage)
        worker.start()
        worker.join()
        assert freed_in == []  # nothing collected in the worker
        qtbot.waitUntil(lambda: len(freed_in) > 0, timeout=2000)
        assert set(freed_in) == {threading.get_ident()}
        assert sum(collector.collections) >= 1
    finally:
        collector.stop()
    assert gc.isenabled() == was_enabled


def test_collect_if_due_respects_thresholds(qapp) -> None:
    collector = GuiThreadCollector()
    gc.collect()
    assert collector.collect_if_due() is None  # counts were just reset


def test_known_broken_binding_is_named() -> None:
    assert ("6.12.0", (3, 11)) in BROKEN_PYSIDE
    assert broken_qt_binding() is None  # the installed one is fine (pyproject excludes 6.12.0)
