"""GUI test fixtures: an isolated config dir and a qasync loop on the pytest-qt QApplication."""

from __future__ import annotations

import asyncio

import pytest
from qasync import QEventLoop

from configurator.services.paths import ENV_CONFIG_DIR


@pytest.fixture(autouse=True)
def config_home(tmp_path, monkeypatch):
    """Every GUI test gets its own config dir (pins, drafts, recent sites, window layout)."""
    path = tmp_path / "config"
    monkeypatch.setenv(ENV_CONFIG_DIR, str(path))
    return path


@pytest.fixture
def qloop(qapp):
    """A qasync loop on the test QApplication; run scenarios with ``qloop.run_until_complete``."""
    qapp.setQuitOnLastWindowClosed(False)
    loop = QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()
    asyncio.set_event_loop(None)
    assert not pending, f"tasks left running after the test: {pending}"
