"""Run Python's cycle collector on the GUI thread only.

The collector runs in whichever thread happens to cross the allocation threshold - often a
JPEG decoder thread. Qt objects caught in reference cycles (a widget held by its own lambda,
qasync's socket notifiers) would then be destroyed outside the GUI thread, and Qt crashes.
So automatic collection is switched off and a timer on the GUI thread does the same work,
with the interpreter's own thresholds, a few times a second.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, QTimer

# Python 3.11 + PySide6 6.12.0 drops a reference to None on every void Qt call and aborts
# after ~19,000 of them ("none_dealloc"); Python 3.12 made None immortal.
BROKEN_PYSIDE = {("6.12.0", (3, 11))}


class GuiThreadCollector(QObject):
    """Owns garbage collection while the window runs; ``stop()`` gives it back."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 250) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self.collections = [0, 0, 0]
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_if_due)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def collect_if_due(self) -> int | None:
        """Collect the oldest generation whose threshold is crossed (as the interpreter would)."""
        thresholds, counts = gc.get_threshold(), gc.get_count()
        if counts[0] < thresholds[0]:
            return None
        generation = 0
        if counts[1] >= thresholds[1]:
            generation = 2 if counts[2] >= thresholds[2] else 1
        gc.collect(generation)
        self.collections[generation] += 1
        return generation


def broken_qt_binding() -> str | None:
    """A one-line reason when this PySide6/Python pair is known to crash, else None."""
    import PySide6

    version = getattr(PySide6, "__version__", "")
    if (version, sys.version_info[:2]) in BROKEN_PYSIDE:
        return (f"PySide6 {version} crashes on Python {sys.version_info[0]}."
                f"{sys.version_info[1]} (it leaks references to None); install another "
                "version: pip install 'PySide6-Essentials!=6.12.0'")
    return None
