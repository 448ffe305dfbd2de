"""SIGTERM/SIGINT close the window even when they arrive in the middle of a log line."""

from __future__ import annotations

import io
import logging
import signal
import sys

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from configurator import app


class FakeWindow(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


class SignalMidWrite(io.RawIOBase):
    """A stream whose first write is interrupted by SIGTERM's handler, as a signal arriving
    while the main thread writes a log line to stderr would."""

    def __init__(self) -> None:
        self.fired = False
        self.data = b""

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        if not self.fired:
            self.fired = True
            signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)
        self.data += bytes(chunk)
        return len(chunk)


def test_a_signal_during_a_log_line_still_closes_the_window(qapp, monkeypatch) -> None:
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    raw = SignalMidWrite()
    stream = io.TextIOWrapper(io.BufferedWriter(raw), write_through=True)
    handler = logging.StreamHandler(stream)
    monkeypatch.setattr(logging, "raiseExceptions", True)
    monkeypatch.setattr(sys, "stderr", stream)  # logging reports its own errors there too
    logger = logging.getLogger("configurator.app")
    logger.addHandler(handler)
    monkeypatch.setattr(logger, "level", logging.INFO)
    window = FakeWindow()
    try:
        app.close_on_terminal_signals(window)
        try:
            logger.info("a line being written when the signal comes")
        except RuntimeError:  # a reentrant write escaping the signal handler: the bug
            pass
        for _ in range(5):
            QApplication.processEvents()
        assert raw.fired
        assert window.closed == 1
        assert b"a line being written" in raw.data
    finally:
        logger.removeHandler(handler)
        for signum, old in previous.items():
            signal.signal(signum, old)
