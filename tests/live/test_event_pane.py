"""The event pane: batched inserts, filters, follow/pause, copy, export, activation."""

from __future__ import annotations

import csv
import json

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from configurator.core.events import DeviceEvent, Severity
from configurator.ui.live.event_table import EVENT_ROLE, EventPane
from configurator.ui.live.type_filter import type_label

from .fakes import event


def filled_pane(qtbot) -> EventPane:
    pane = EventPane(flush_interval_ms=10_000)  # flushed by hand in these tests
    qtbot.addWidget(pane)
    pane.add_events([event("door", 1), event("door", 2, "CardEntered", uid="AB12"),
                     event("phone", 3, "CallStateChanged", peer="sip:100@pbx")])
    pane.add_event(DeviceEvent(device="door", type="TamperSwitchActivated",
                               utc=event("x", 4).utc, severity=Severity.WARNING, event_id=4,
                               summary="Tamper switch", tz_shift_min=60))
    return pane


def visible_ids(pane: EventPane) -> list[object]:
    model = pane.model
    return [model.data(model.index(r, 0), EVENT_ROLE).event_id for r in range(model.rowCount())]


def test_batches_insert_with_one_signal(qtbot) -> None:
    pane = filled_pane(qtbot)
    inserts: list[tuple[int, int]] = []
    pane.model.rowsInserted.connect(lambda _p, first, last: inserts.append((first, last)))
    assert pane.model.rowCount() == 0  # nothing before the timer's flush
    assert pane.flush() == 4
    assert inserts == [(0, 3)]
    model = pane.model
    assert model.data(model.index(0, 0)) == "2024-05-01 10:00:01"  # device time, tz +120 min
    assert "UTC 2024-05-01 08:00:01" in model.data(model.index(0, 0), 3)  # ToolTipRole
    assert model.data(model.index(1, 4)) == "uid=AB12"
    assert model.data(model.index(3, 0)) == "2024-05-01 09:00:04"
    assert model.data(model.index(3, 1), 8) is not None  # BackgroundRole: warning colour
    assert model.data(model.index(0, 1), 8) is None
    assert pane.device_box.count() == 3 and len(pane.type_filter.codes()) == 4


def test_filters_by_device_type_text_and_time(qtbot) -> None:
    pane = filled_pane(qtbot)
    pane.flush()
    pane.device_box.setCurrentIndex(pane.device_box.findData("door"))
    assert visible_ids(pane) == [1, 2, 4]
    pane.type_filter.set_selected({"CardEntered"})
    assert visible_ids(pane) == [2]
    pane.device_box.setCurrentIndex(0)
    pane.type_filter.set_selected(None)
    pane.text_edit.setText("SIP:100")
    pane.apply_filter()  # (the text box itself applies after a short pause)
    assert visible_ids(pane) == [3]
    pane.text_edit.setText("")
    pane.set_time_range(event("x", 2).utc, event("x", 3).utc)
    assert visible_ids(pane) == [2, 3]
    pane.set_time_range(None, None)
    assert visible_ids(pane) == [1, 2, 3, 4]
    # new events obey the current filter
    pane.device_box.setCurrentIndex(pane.device_box.findData("phone"))
    pane.add_events([event("door", 5), event("phone", 6)])
    pane.flush()
    assert visible_ids(pane) == [3, 6]
    assert pane.count_label.text() == "2 of 6"


def test_pause_holds_events_and_resume_delivers_them(qtbot) -> None:
    pane = filled_pane(qtbot)
    pane.pause_button.setChecked(True)
    assert pane.flush() == 0 and pane.model.rowCount() == 0
    pane.pause_button.setChecked(False)
    assert pane.model.rowCount() == 4


def test_export_and_copy_what_is_shown(qtbot, tmp_path) -> None:
    pane = filled_pane(qtbot)
    pane.flush()
    pane.device_box.setCurrentIndex(pane.device_box.findData("door"))
    assert pane.export_csv(str(tmp_path / "e.csv")) == 3
    assert pane.export_json(str(tmp_path / "e.json")) == 3
    with open(tmp_path / "e.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == ["1", "2", "4"]
    assert rows[2]["severity"] == "warning" and rows[2]["summary"] == "Tamper switch"
    data = json.loads((tmp_path / "e.json").read_text())
    assert [d["type"] for d in data] == ["KeyPressed", "CardEntered", "TamperSwitchActivated"]
    pane.table.selectRow(1)
    assert pane.copy_selection() == (
        "2024-05-01 10:00:02\tdoor\tCardEntered\tCardEntered 2\tuid=AB12")


def test_double_click_emits_the_event(qtbot) -> None:
    pane = filled_pane(qtbot)
    pane.flush()
    got: list[DeviceEvent] = []
    pane.eventActivated.connect(got.append)
    pane.table.doubleClicked.emit(pane.model.index(2, 3))
    assert [(e.device, e.event_id) for e in got] == [("phone", 3)]


def test_timer_flushes_and_limit_drops_oldest(qtbot) -> None:
    pane = EventPane(flush_interval_ms=5, max_events=100)
    qtbot.addWidget(pane)
    pane.add_events([event("d", i) for i in range(1, 131)])
    qtbot.waitUntil(lambda: pane.model.rowCount() > 0, timeout=2000)
    assert pane.model.rowCount() <= 100
    assert visible_ids(pane)[-1] == 130
    assert visible_ids(pane) == list(range(131 - pane.model.rowCount(), 131))


def test_type_filter_takes_several_types_and_shows_their_names(qtbot) -> None:
    pane = filled_pane(qtbot)
    pane.flush()
    names = {a.data(): (a.text(), a.toolTip()) for a in pane.type_filter.actions_.values()}
    assert names["TamperSwitchActivated"] == ("Tamper switch activated", "TamperSwitchActivated")
    assert names["CallStateChanged"] == ("Call state changed", "CallStateChanged")
    assert type_label("sip.registration") == "SIP registration"
    assert type_label("DeviceOnline") == "Device online"
    # ticking entries in the menu: several types at once
    pane.type_filter.actions_["CardEntered"].trigger()
    assert visible_ids(pane) == [2]
    assert pane.type_filter.text() == "Card entered"
    pane.type_filter.actions_["CallStateChanged"].trigger()
    assert visible_ids(pane) == [2, 3]
    assert pane.type_filter.text() == "2 types"
    assert "CallStateChanged" in pane.type_filter.toolTip()
    assert not pane.type_filter.all_action.isChecked()
    pane.type_filter.all_action.trigger()
    assert visible_ids(pane) == [1, 2, 3, 4] and pane.type_filter.text() == "All types"


def test_type_button_and_search_box_are_not_clipped_in_a_narrow_dock(qtbot) -> None:
    pane = filled_pane(qtbot)
    pane.flush()
    pane.type_filter.set_selected({"TamperSwitchActivated"})
    pane.resize(470, 300)  # the log dock beside the camera in a 1024 px window
    pane.show()
    qtbot.waitExposed(pane)
    text = pane.type_filter.text()
    assert text == "Tamper switch activated"
    assert pane.type_filter.width() >= pane.type_filter.fontMetrics().horizontalAdvance(text)
    assert pane.text_edit.width() >= 180
    assert pane.text_edit.geometry().right() <= pane.width()  # inside the pane, not cut
    # the time range's fields take room only while the range is on
    assert not pane.since_edit.isVisible() and not pane.until_edit.isVisible()
    pane.range_check.setChecked(True)
    assert pane.since_edit.isVisible() and pane.until_edit.isVisible()


def test_follow_holds_while_a_row_is_selected_and_says_how_many_came(qtbot) -> None:
    pane = EventPane(flush_interval_ms=10_000)
    qtbot.addWidget(pane)
    pane.resize(600, 200)
    pane.show()
    pane.add_events([event("door", i) for i in range(1, 41)])
    pane.flush()
    bar = pane.table.verticalScrollBar()
    assert bar.value() == bar.maximum() > 0  # following: the newest row in view
    pane.table.selectRow(30)
    top = pane.table.rowAt(0)
    pane.add_events([event("door", i) for i in range(41, 46)])
    pane.flush()
    assert pane.table.rowAt(0) == top  # the rows did not move under the user
    assert pane.new_events_button.isVisible()
    assert pane.new_events_button.text() == "5 new events — click to follow"
    pane.add_event(event("door", 46))
    pane.flush()
    assert pane.new_events_button.text() == "6 new events — click to follow"
    qtbot.mouseClick(pane.new_events_button, Qt.MouseButton.LeftButton)
    assert not pane.new_events_button.isVisible()
    assert not pane.table.selectionModel().hasSelection()
    assert bar.value() == bar.maximum()
    assert visible_ids(pane)[-1] == 46


def test_follow_holds_while_the_pointer_is_over_the_rows(qtbot) -> None:
    pane = EventPane(flush_interval_ms=10_000)
    qtbot.addWidget(pane)
    pane.resize(600, 200)
    pane.show()
    pane.add_events([event("door", i) for i in range(1, 41)])
    pane.flush()
    viewport = pane.table.viewport()
    QApplication.sendEvent(viewport, QEvent(QEvent.Type.Enter))
    bar = pane.table.verticalScrollBar()
    before = bar.value()
    pane.add_events([event("door", i) for i in range(41, 44)])
    pane.flush()
    assert bar.value() == before and bar.maximum() > before
    assert pane.new_events_button.text() == "3 new events — click to follow"
    QApplication.sendEvent(viewport, QEvent(QEvent.Type.Leave))  # the pointer went away
    assert bar.value() == bar.maximum()
    assert not pane.new_events_button.isVisible()
    # Follow off: nothing is held or counted
    pane.follow_button.setChecked(False)
    QApplication.sendEvent(viewport, QEvent(QEvent.Type.Enter))
    pane.add_event(event("door", 44))
    pane.flush()
    assert not pane.new_events_button.isVisible()


def test_type_column_reads_in_words_and_keeps_the_code_for_tooltips_and_files(qtbot,
                                                                              tmp_path) -> None:
    pane = filled_pane(qtbot)
    pane.flush()
    model = pane.model
    assert model.data(model.index(1, 2)) == "Card entered"
    assert model.data(model.index(3, 2)) == "Tamper switch activated"
    assert model.data(model.index(1, 2), Qt.ItemDataRole.ToolTipRole) == "CardEntered"
    assert pane.export_csv(str(tmp_path / "e.csv")) == 4  # files keep the device's codes
    with open(tmp_path / "e.csv", encoding="utf-8") as fh:
        assert [r["type"] for r in csv.DictReader(fh)][1] == "CardEntered"
