"""Shared result types and input checks for :mod:`clinwell.stats`."""

from __future__ import annotations

from dataclasses import dataclass


class StatsInputError(ValueError):
    """Invalid input to an estimator; the message names the offending argument."""


@dataclass(frozen=True)
class Interval:
    """A point estimate with a two-sided confidence interval.

    ``lower``/``upper`` are ``None`` when the interval is undefined (e.g. a mean of one value).
    """

    estimate: float
    lower: float | None
    upper: float | None
    n: int
    confidence: float
    method: str


def check_confidence(confidence: float) -> None:
    """Raise :class:`StatsInputError` unless ``0 < confidence < 1``."""
    if not 0.0 < confidence < 1.0:
        raise StatsInputError(f"confidence must be between 0 and 1, got {confidence!r}")
