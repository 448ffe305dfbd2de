"""A hard time limit for pure-Python code under test (a parser that loops for ever must fail
its test, not hang the suite). Main thread only: it uses SIGALRM."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class TimeLimitExceeded(AssertionError):
    """The code under test did not return within its limit (raised inside it)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block with :class:`TimeLimitExceeded` after ``seconds``."""
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("time_limit needs the main thread (SIGALRM)")

    def expired(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(f"did not return within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
