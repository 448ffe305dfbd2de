"""The discovery panel, offscreen, fed with results (and once driven through qasync)."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QSettings, Qt

from configurator.discovery import (
    DeviceFound,
    DiscoveredDevice,
    DiscoveryOptions,
    FoundBy,
    InterfaceInfo,
    Progress,
    Summary,
)
from configurator.ui.discovery.discovery_panel import DiscoveryPanel

IFACES = [InterfaceInfo("eth0", "192.168.10.23", "24"), InterfaceInfo("lo", "127.0.0.1", "8",
                                                                      loopback=True)]
VERSO = DiscoveredDevice("127.0.96.2", vendor="2N", model="IP Verso", serial="54-1",
                         mac="7C:1E:B3:00:00:01", firmware="2.38.0", driver="2n",
                         found_by=(FoundBy.SWEEP,))
LOCKED = DiscoveredDevice("127.0.96.3", vendor="Fanvil", model="X3SG", driver="fanvil",
                          auth_required=True, found_by=(FoundBy.SWEEP, FoundBy.SSDP))


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def cell(panel: DiscoveryPanel, row: int, column: int) -> str:
    return panel.model.data(panel.model.index(row, column))


def test_results_table_shows_and_updates_devices(qtbot, settings) -> None:
    panel = DiscoveryPanel(interfaces=IFACES, settings=settings)
    qtbot.addWidget(panel)
    panel.handle_event(DeviceFound(VERSO))
    panel.handle_event(DeviceFound(LOCKED))
    panel.handle_event(Progress("scan", 10, 254))
    assert panel.model.rowCount() == 2
    assert [cell(panel, 0, c) for c in range(8)] == [
        "2N", "IP Verso", "127.0.96.2", "7C:1E:B3:00:00:01", "54-1", "2.38.0", "", "sweep"]
    assert cell(panel, 1, 6) == "yes" and cell(panel, 1, 7) == "sweep, ssdp"
    assert (panel.progress.value(), panel.progress.maximum()) == (10, 254)
    newer = DiscoveredDevice(**{**VERSO.__dict__, "firmware": "2.39.0"})
    panel.handle_event(DeviceFound(newer, updated=True))
    assert panel.model.rowCount() == 2 and cell(panel, 0, 5) == "2.39.0"
    panel.handle_event(Summary((newer, LOCKED), 254, 1.25))
    assert panel.status.text() == "2 device(s) found, 254 address(es) probed in 1.2 s"


def test_selection_emits_add_to_site(qtbot, settings) -> None:
    panel = DiscoveryPanel(interfaces=IFACES, settings=settings)
    qtbot.addWidget(panel)
    for device in (VERSO, LOCKED):
        panel.handle_event(DeviceFound(device))
    assert not panel.add_button.isEnabled()
    panel.table.selectRow(1)
    assert panel.add_button.isEnabled()
    with qtbot.waitSignal(panel.addRequested) as blocker:
        qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [[LOCKED]]


def test_interfaces_fill_ranges_and_ranges_are_remembered(qtbot, settings) -> None:
    panel = DiscoveryPanel(interfaces=IFACES, settings=settings)
    qtbot.addWidget(panel)
    assert panel.interface_list.count() == 1  # loopback is not offered
    panel.interface_list.item(0).setCheckState(Qt.CheckState.Checked)
    assert panel.ranges_edit.text() == "192.168.10.0/24"
    panel.ranges_edit.setText("127.0.96.0/28")
    panel.ports_edit.setText("8080")
    assert panel.options() == DiscoveryOptions(ranges=["127.0.96.0/28"], extra_ports=[8080])
    panel._remember()
    again = DiscoveryPanel(interfaces=IFACES, settings=settings)
    qtbot.addWidget(again)
    assert again.ranges_edit.text() == "127.0.96.0/28" and again.ports_edit.text() == "8080"


def test_bad_range_shows_one_line_error_and_does_not_start(qtbot, settings) -> None:
    calls = []
    panel = DiscoveryPanel(interfaces=IFACES, settings=settings,
                           discover_fn=lambda options: calls.append(options))
    qtbot.addWidget(panel)
    panel.ranges_edit.setText("10.0.0.0/33")
    assert panel.start() is None
    assert "is not an IPv4 range" in panel.status.text() and calls == []


def test_start_and_stop_through_qasync(qtbot, qapp, settings) -> None:
    import qasync

    gate = asyncio.Event()
    seen: list[DiscoveryOptions] = []

    async def fake_discover(options: DiscoveryOptions):
        seen.append(options)
        yield DeviceFound(VERSO)
        await gate.wait()  # hangs until stopped
        yield DeviceFound(LOCKED)

    panel = DiscoveryPanel(interfaces=IFACES, settings=settings, discover_fn=fake_discover)
    qtbot.addWidget(panel)
    panel.ranges_edit.setText("127.0.96.0/28")
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)

    async def scenario() -> None:
        task = panel.start()
        assert task is not None and panel.running and not panel.start_button.isEnabled()
        while panel.model.rowCount() < 1:
            await asyncio.sleep(0.01)
        panel.stop()
        with pytest.raises(asyncio.CancelledError):
            await task

    try:
        loop.run_until_complete(scenario())
    finally:
        asyncio.set_event_loop(None)
        loop.close()  # else qasync's __del__ runs after Qt objects are gone and crashes
    assert seen[0].ranges == ["127.0.96.0/28"]
    assert panel.model.rowCount() == 1 and not panel.running
    assert panel.start_button.isEnabled() and panel.status.text().startswith("Stopped")
