"""A qasync loop for the GUI tests: the widgets run on the same loop as the pipeline."""

from __future__ import annotations

import asyncio
import gc

import pytest


@pytest.fixture
def qloop(qapp):
    import qasync

    qapp.setQuitOnLastWindowClosed(False)  # closing a test window must not stop the loop
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        loop.close()
        asyncio.set_event_loop(None)
        # Free this test's Qt objects held in reference cycles (views, qasync's notifiers and
        # timers) here, on the GUI thread: left to the cyclic GC they may be destroyed in a
        # decoder thread of a later test, which crashes Qt (a segfault seen in this suite).
        gc.collect()
