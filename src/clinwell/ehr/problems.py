"""Input problems found while validating audit-log inputs.

Every problem has a kind, the input and column it concerns, how many rows it affects and a
few example rows, so an analyst can find and fix them. In lenient mode the affected rows are
excluded and the problems returned with the result; in strict mode the first problem raises
:class:`EhrValidationError`.

The errors of the package live here too: :class:`EhrInputError` (input that cannot be used)
and :class:`ParameterError` (an invalid run parameter, raised by :mod:`clinwell.ehr.params`
and :mod:`clinwell.ehr.zones`; also importable from ``clinwell.ehr.params``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PROBLEM_KINDS: dict[str, str] = {
    "missing_columns": "required columns are missing",
    "unparseable_timestamp": "timestamps that cannot be parsed (or are empty)",
    "missing_value": "rows with an empty clinician id or action",
    "unscheduled_clinician": "events of clinicians who have no scheduled session at all",
    "negative_session": "sessions whose end is not after their start",
    "overlapping_session": (
        "sessions that start before an earlier session of the same clinician ends"
    ),
    "invalid_activity": "action-map rows whose activity is not one of the allowed activities",
    "duplicate_action": "actions mapped more than once in the action map",
    "unmapped_action": "events whose action is not in the action map (counted as 'other')",
    "ambiguous_local_time": (
        "wall-clock times in the hour repeated when clocks fall back (the earlier instant taken)"
    ),
    "nonexistent_local_time": (
        "wall-clock times in the hour skipped when clocks spring forward (read with the "
        "earlier offset)"
    ),
    "invalid_number": "values that are not numbers",
    "unsorted_events": "events out of order for the sorted scan (read by the general engine)",
}
"""Kinds of problem and what they mean. ``unmapped_action`` is informational only."""

INFO_KINDS = frozenset(
    {"unmapped_action", "ambiguous_local_time", "nonexistent_local_time", "unsorted_events"}
)


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one input.

    ``examples`` holds up to five offending rows as ``{column: value}`` dictionaries
    (values as text), ``excluded`` says whether the rows were left out of the metrics.
    """

    kind: str
    source: str
    column: str
    count: int
    examples: tuple[dict[str, str], ...] = field(default_factory=tuple)
    excluded: bool = True

    @property
    def severity(self) -> str:
        """``"error"`` for bad input, ``"info"`` for facts worth knowing (unmapped actions)."""
        return "info" if self.kind in INFO_KINDS else "error"

    def message(self) -> str:
        """One human-readable line naming the input, column, count and first example."""
        what = PROBLEM_KINDS.get(self.kind, self.kind)
        text = f"{self.source}: column {self.column!r}: {self.count:,} {what}"
        if self.examples:
            text += f"; e.g. {_fmt(self.examples[0])}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored in the result's parameters)."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "source": self.source,
            "column": self.column,
            "count": self.count,
            "examples": [dict(e) for e in self.examples],
            "excluded": self.excluded,
            "message": self.message(),
        }


def _fmt(example: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in example.items())


class EhrInputError(ValueError):
    """Input that cannot be used at all (unreadable file, missing columns, unknown format)."""


class EhrValidationError(EhrInputError):
    """Raised in strict mode at the first problem; ``problem`` holds the details."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message())
        self.problem = problem


class ParameterError(ValueError):
    """A parameter of the metrics run is invalid; the message names the parameter.

    Messages read ``"<parameter>: <what is wrong>"``; :attr:`parameter` and :attr:`reason`
    are the two halves, so a front end can name its own option (``--idle-timeout``) instead.
    """

    @property
    def parameter(self) -> str:
        """The parameter's keyword name (``idle_timeout``, ``clock_days``, ...)."""
        return str(self).split(":", 1)[0].strip()

    @property
    def reason(self) -> str:
        """What is wrong with it, without the parameter name."""
        head, sep, tail = str(self).partition(":")
        return tail.strip() if sep else head
