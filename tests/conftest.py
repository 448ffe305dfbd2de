"""Shared test fixtures.

Network discipline: tests only use loopback addresses (127.0.0.0/8); every test that starts
simulators gets its own fresh addresses from ``loopback``.
"""

from __future__ import annotations

import itertools
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_counter = itertools.count(1)


# The second byte differs per process, so suites of several checkouts running on one machine at
# the same time do not bind each other's addresses (127.1-49.x.x is used by nothing else here).
_BAND = 1 + os.getpid() % 49


def next_loopback_address() -> str:
    """A loopback address not used by any other test in this run (127.N.100.1 upwards, N per
    process)."""
    n = next(_counter)
    return f"127.{_BAND}.{100 + (n // 250) % 100}.{1 + n % 250}"


@pytest.fixture
def loopback():
    """Call it to get a fresh loopback address: ``host = loopback()``."""
    return next_loopback_address
