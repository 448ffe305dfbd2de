"""The pane's event index: filters by device, type, text and time range."""

from __future__ import annotations

from configurator.live.eventstore import EventFilter, EventStore

from .fakes import event


def make_store() -> EventStore:
    store = EventStore()
    store.append_many([event("door", 1), event("door", 2, "CardEntered", uid="AB12"),
                       event("phone", 3, "CallStateChanged", peer="sip:100@pbx"),
                       event("door", 4)])
    return store


def test_filters_combine() -> None:
    store = make_store()
    assert store.visible == [0, 1, 2, 3]
    assert store.set_filter(EventFilter(devices=frozenset({"door"}))) == [0, 1, 3]
    assert store.set_filter(EventFilter(types=frozenset({"CardEntered", "CallStateChanged"}))
                            ) == [1, 2]
    assert store.set_filter(EventFilter(text="ab12")) == [1]  # details, case-insensitive
    assert store.set_filter(EventFilter(text="SIP:100")) == [2]
    t2, t3 = event("x", 2).utc.timestamp(), event("x", 3).utc.timestamp()
    assert store.set_filter(EventFilter(since=t2, until=t3)) == [1, 2]
    assert store.set_filter(EventFilter(devices=frozenset({"door"}), since=t2)) == [1, 3]


def test_new_events_are_checked_against_the_current_filter() -> None:
    store = make_store()
    store.set_filter(EventFilter(devices=frozenset({"phone"})))
    added = store.append_many([event("door", 5), event("phone", 6)])
    assert added == 1 and store.visible == [2, 5]
    assert [e.event_id for e in store.visible_events()] == [3, 6]
    assert store.device_names == {"door", "phone"}


def test_drop_oldest_keeps_filter() -> None:
    store = make_store()
    store.set_filter(EventFilter(devices=frozenset({"door"})))
    store.drop_oldest(2)
    assert [e.event_id for e in store.visible_events()] == [4]
