"""How long everything that reconnects waits after a failure: one policy for the whole program.

A :class:`BackoffPolicy` says how delays grow (``initial``, multiplied by ``factor`` after each
failure in a row, never above ``maximum``, optionally spread by ``jitter`` so that many devices
that failed together do not all retry in the same instant). A :class:`Backoff` is one
reconnecting thing's place in that policy: ``next_delay()`` after a failure, ``reset()`` after a
success.

Users: the 2N event source, the polled event streams (Onetouch, Fanvil, FCM5600), the event
hub (for sources that do not retry themselves), the camera pipeline and the device sessions.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["Backoff", "BackoffPolicy", "as_policy"]


@dataclass(frozen=True)
class BackoffPolicy:
    """Delays that grow geometrically from ``initial`` by ``factor`` up to ``maximum`` seconds.

    ``jitter`` is a fraction: each delay is drawn from ``[d * (1 - jitter), d]`` (never above
    the undisturbed delay, so ``maximum`` stays a true bound). 0 gives exact delays.
    """

    initial: float = 1.0
    maximum: float = 30.0
    factor: float = 2.0
    jitter: float = 0.0

    def __post_init__(self) -> None:
        if not 0 <= self.initial <= self.maximum:
            raise ValueError(f"backoff needs 0 <= initial <= maximum, got {self.initial}, "
                             f"{self.maximum}")
        if self.factor < 1:
            raise ValueError(f"backoff factor must be at least 1, got {self.factor}")
        if not 0 <= self.jitter < 1:
            raise ValueError(f"backoff jitter is a fraction in [0, 1), got {self.jitter}")

    @classmethod
    def from_delays(cls, delays: Sequence[float]) -> BackoffPolicy:
        """The policy whose first delays are ``delays`` (geometric: ``(1, 2, 4, 8, 16, 30)``
        starts at 1, doubles and stops at 30; a single value is a constant delay)."""
        if not delays:
            raise ValueError("backoff needs at least one delay")
        first, last = float(delays[0]), float(delays[-1])
        factor = float(delays[1]) / first if len(delays) > 1 and first > 0 else 1.0
        return cls(initial=first, maximum=max(first, last), factor=max(1.0, factor))

    def delay(self, failures: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait after ``failures + 1`` failures in a row (0: after the first)."""
        base = self.initial
        for _ in range(max(0, failures)):
            base *= self.factor
            if base >= self.maximum:
                break
        base = min(base, self.maximum)
        if self.jitter:
            base *= 1.0 - self.jitter * rand()
        return base

    def start(self, rand: Callable[[], float] = random.random) -> Backoff:
        """A fresh :class:`Backoff` (no failures yet) following this policy."""
        return Backoff(self, rand=rand)


@dataclass
class Backoff:
    """One reconnecting thing's failures in a row under a :class:`BackoffPolicy`."""

    policy: BackoffPolicy = field(default_factory=BackoffPolicy)
    failures: int = 0
    rand: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def next_delay(self) -> float:
        """After a failure: count it and return how long to wait before the next attempt."""
        delay = self.policy.delay(self.failures, self.rand)
        self.failures += 1
        return delay

    def peek(self) -> float:
        """The delay the next failure would get (without jitter; nothing is counted)."""
        return self.policy.delay(self.failures, lambda: 0.0)

    def reset(self) -> None:
        """After a success: the next failure waits ``initial`` again."""
        self.failures = 0


def as_policy(value: BackoffPolicy | Sequence[float]) -> BackoffPolicy:
    """``value`` itself, or the policy a sequence of delays describes (:meth:`from_delays`)."""
    return value if isinstance(value, BackoffPolicy) else BackoffPolicy.from_delays(value)
