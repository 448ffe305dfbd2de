"""The one backoff policy every reconnecting thing uses (core/backoff.py)."""

from __future__ import annotations

import pytest

from configurator.core.backoff import Backoff, BackoffPolicy, as_policy


def test_delays_grow_by_the_factor_up_to_the_cap() -> None:
    retry = BackoffPolicy(initial=1.0, maximum=30.0, factor=2.0).start()
    assert [retry.next_delay() for _ in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]
    assert retry.failures == 8


def test_reset_after_success_starts_over() -> None:
    retry = BackoffPolicy(initial=0.5, maximum=15.0).start()
    for _ in range(4):
        retry.next_delay()
    assert retry.peek() == 8.0
    retry.reset()
    assert retry.failures == 0 and retry.peek() == 0.5 and retry.next_delay() == 0.5


def test_jitter_spreads_delays_but_never_above_the_undisturbed_delay() -> None:
    draws = iter([0.0, 1.0, 0.5])
    policy = BackoffPolicy(initial=10.0, maximum=10.0, jitter=0.2)
    retry = Backoff(policy, rand=lambda: next(draws))
    assert [retry.next_delay() for _ in range(3)] == [10.0, 8.0, 9.0]
    assert retry.peek() == 10.0  # peek shows the undisturbed delay


def test_a_huge_failure_count_stays_at_the_cap() -> None:
    assert BackoffPolicy(initial=1.0, maximum=30.0).delay(10**6) == 30.0


def test_delay_sequences_describe_the_same_policy() -> None:
    assert as_policy((1.0, 2.0, 4.0, 8.0, 16.0, 30.0)) == BackoffPolicy(1.0, 30.0, 2.0)
    constant = as_policy((0.05,)).start()
    assert [constant.next_delay() for _ in range(3)] == [0.05, 0.05, 0.05]
    policy = BackoffPolicy(2.0, 4.0)
    assert as_policy(policy) is policy


@pytest.mark.parametrize("kwargs", [
    {"initial": -1.0}, {"initial": 5.0, "maximum": 1.0}, {"factor": 0.5}, {"jitter": 1.0}])
def test_nonsense_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        BackoffPolicy(**kwargs)
    with pytest.raises(ValueError):
        as_policy(())
