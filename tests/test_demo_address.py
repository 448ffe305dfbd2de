"""$CONFIGURATOR_DEMO_ADDRESS moves the demo fleet; only loopback addresses are taken."""

from __future__ import annotations

import pytest

from configurator.app import start_demo


async def test_a_demo_address_off_loopback_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFIGURATOR_DEMO_ADDRESS", "192.0.2.1")
    with pytest.raises(ValueError, match="not a loopback address"):
        await start_demo(object())
