"""The state holder every reconnecting source shares (core/sourcestate.py)."""

from __future__ import annotations

from configurator.core.abilities import ReportsState
from configurator.core.errors import (
    AuthError,
    InsecureConnectionRequired,
    NotSupported,
    ServiceDisabled,
    Unreachable,
)
from configurator.core.events import SourceState
from configurator.core.sourcestate import NO_RETRY_HELPS, StateHolder


def test_starts_stopped_and_reports_each_change_once() -> None:
    heard: list[tuple[SourceState, str]] = []
    holder = StateHolder("door", on_state=lambda s, m: heard.append((s, m)))
    assert (holder.state, holder.message) == (SourceState.STOPPED, "")
    holder.set_state(SourceState.CONNECTING)
    holder.set_state(SourceState.CONNECTING)  # a repeat: nobody hears of it
    holder.set_state(SourceState.RETRYING, "gone; retrying in 1 s")
    holder.set_state(SourceState.RETRYING, "gone; retrying in 2 s")  # the message changed
    holder.set_state(SourceState.RETRYING, "gone; retrying in 2 s")
    assert heard == [(SourceState.CONNECTING, ""),
                     (SourceState.RETRYING, "gone; retrying in 1 s"),
                     (SourceState.RETRYING, "gone; retrying in 2 s")]
    assert (holder.state, holder.message) == (SourceState.RETRYING, "gone; retrying in 2 s")


def test_on_state_first_then_listeners_until_removed() -> None:
    order: list[str] = []
    holder = StateHolder()
    holder.on_state = lambda s, m: order.append(f"on_state {s}")
    remove_a = holder.add_state_listener(lambda s, m: order.append(f"a {s}"))
    holder.add_state_listener(lambda s, m: order.append(f"b {s}"))
    holder.set_state(SourceState.LIVE, "MJPEG")
    remove_a()
    remove_a()  # removing twice is harmless
    holder.set_state(SourceState.STOPPED)
    assert order == ["on_state live", "a live", "b live", "on_state stopped", "b stopped"]


def test_a_listener_may_remove_itself_while_being_told() -> None:
    heard: list[SourceState] = []
    holder = StateHolder()

    def once(state: SourceState, message: str) -> None:
        heard.append(state)
        remove()

    remove = holder.add_state_listener(once)
    holder.add_state_listener(lambda s, m: heard.append(s))
    holder.set_state(SourceState.LIVE)
    holder.set_state(SourceState.STOPPED)
    assert heard == [SourceState.LIVE, SourceState.LIVE, SourceState.STOPPED]


def test_set_stopped_keeps_a_disabled_state_and_its_reason() -> None:
    holder = StateHolder()
    holder.set_state(SourceState.LIVE)
    holder.set_stopped("event stream ended")
    assert (holder.state, holder.message) == (SourceState.STOPPED, "event stream ended")
    holder.set_state(SourceState.DISABLED, "wrong password")
    holder.set_stopped()
    assert (holder.state, holder.message) == (SourceState.DISABLED, "wrong password")


def test_a_holder_is_a_source_that_reports_its_state() -> None:
    assert isinstance(StateHolder(), ReportsState)


def test_no_retry_helps_names_the_final_errors_only() -> None:
    for final in (AuthError("x"), NotSupported("x"), ServiceDisabled("x"),
                  InsecureConnectionRequired("x")):
        assert isinstance(final, NO_RETRY_HELPS)
    assert not isinstance(Unreachable("x"), NO_RETRY_HELPS)
