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


def next_loopback_address() -> str:
    """A loopback address not used by any other test in this run (127.0.100.1 upwards)."""
    n = next(_counter)
    return f"127.0.{100 + (n // 250) % 100}.{1 + n % 250}"


@pytest.fixture
def loopback():
    """Call it to get a fresh loopback address: ``host = loopback()``."""
    return next_loopback_address
