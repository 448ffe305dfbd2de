"""Helpers shared by the GUI tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from configurator.core.transport import MemoryPinStore
from configurator.services.sessions import DeviceSession, SessionManager
from configurator.services.site import SiteDevice
from configurator.services.tasks import TaskRegistry
from configurator.ui.dialogs.prompter import AutoPrompter
from configurator.ui.editors.context import EditorContext


async def wait_until(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    loop = asyncio.get_event_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


def context_for(device, prompter: AutoPrompter | None = None, drafts=None) -> EditorContext:
    async def no_connect(*args, **kwargs):
        raise AssertionError("not used")

    manager = SessionManager(pins=MemoryPinStore(), connector=no_connect)
    session = DeviceSession(SiteDevice(device.host, vendor="Test", model="Memory"))
    session.device = device
    manager.sessions[session.key] = session
    return EditorContext(session, manager, TaskRegistry(), prompter or AutoPrompter(), drafts)


def run_without_warnings(qloop, caplog, coro) -> None:
    """Run a scenario in the qasync loop; fail on any Python warning or WARNING+ log record."""
    import gc
    import logging
    import warnings

    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        qloop.run_until_complete(coro)
        gc.collect()
    assert [str(w.message) for w in caught] == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
