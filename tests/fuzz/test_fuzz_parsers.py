"""A short fuzz run of every input parser (the long one: tests/bench/fuzz_long.py).

Rule: only the program's own typed errors, and an answer within the time limit per input.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .runner import HOSTILE, mutate, run_one
from .targets import TARGETS

EXAMPLES = 60  # per target: a few seconds for the whole suite


def _inputs(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    mutated = st.tuples(st.sampled_from(seeds), st.integers(0, 2**32)).map(
        lambda pair: mutate(random.Random(pair[1]), pair[0]))
    spliced = st.tuples(st.sampled_from(seeds), st.sampled_from(HOSTILE),
                        st.integers(0, 4096)).map(
        lambda t: t[0][:t[2] % (len(t[0]) + 1)] + t[1] + t[0][t[2] % (len(t[0]) + 1):])
    return st.one_of(st.binary(max_size=600), mutated, spliced)


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_only_typed_errors_and_bounded_time(target) -> None:
    for seed in target.seeds:
        run_one(target, seed)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(data=_inputs(target.seeds))
    def check(data: bytes) -> None:
        run_one(target, data)

    check()
