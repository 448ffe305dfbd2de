"""After an upload: which of the intended changes the device really made, path by path."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from .diff import ValueChange, value_changes


class Outcome(StrEnum):
    APPLIED = "applied"
    NOT_APPLIED = "not applied"


@dataclass(frozen=True)
class PathResult:
    """One intended change: what it was before, what was sent, what the device now has."""

    path: str
    before: str | None
    intended: str | None
    actual: str | None

    @property
    def outcome(self) -> Outcome:
        return Outcome.APPLIED if self.actual == self.intended else Outcome.NOT_APPLIED


@dataclass(frozen=True)
class VerifyReport:
    """The intended changes with their outcome, and what else changed on the device."""

    results: tuple[PathResult, ...]
    unexpected: tuple[ValueChange, ...] = field(default=())

    @property
    def applied(self) -> list[PathResult]:
        return [r for r in self.results if r.outcome is Outcome.APPLIED]

    @property
    def not_applied(self) -> list[PathResult]:
        return [r for r in self.results if r.outcome is Outcome.NOT_APPLIED]

    @property
    def complete(self) -> bool:
        """Every intended change is on the device."""
        return not self.not_applied

    def summary(self) -> str:
        """One line: ``3 of 3 changes applied`` (+ what else the device changed)."""
        text = f"{len(self.applied)} of {len(self.results)} change(s) applied"
        if self.unexpected:
            text += f"; the device also changed {len(self.unexpected)} other value(s)"
        return text


def verify(original: Mapping[str, str], intended: Sequence[ValueChange],
           reread: Mapping[str, str]) -> VerifyReport:
    """Classify each intended change by the values read back after the upload."""
    results = tuple(PathResult(c.path, c.old, c.new, reread.get(c.path)) for c in intended)
    wanted = {c.path for c in intended}
    unexpected = tuple(c for c in value_changes(original, reread) if c.path not in wanted)
    return VerifyReport(results, unexpected)
