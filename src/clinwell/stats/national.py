"""Comparison of an organization's proportion with a national benchmark figure.

Two national series exist and must never be mixed (clinwell reference, instruments.md §7):

* ``AMA_ORGANIZATIONAL_BIOPSY`` — the AMA Organizational Biopsy national comparison, pooled
  from organizations that chose to take part (2022–2024);
* ``SHANAFELT_NATIONAL_MBI`` — the AMA/Stanford/Mayo national MBI surveys of physicians
  (Shanafelt et al.; 2011–2023).

The figures themselves live in :mod:`clinwell.knowledge`; this module takes them as
arguments. The national value :math:`p_0` is treated as a fixed constant (its sampling error
is small and not published with every figure). The organization's proportion gets a Wilson
interval; the difference :math:`\\hat p - p_0` gets that interval shifted by :math:`p_0`, and
the p-value is the score test :math:`z = (\\hat p - p_0)/\\sqrt{p_0(1-p_0)/n}` (the test the
Wilson interval inverts).

References
----------
Wilson EB. J Am Stat Assoc 1927;22:209-212.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from scipy import special

from clinwell.stats._common import Interval, StatsInputError
from clinwell.stats.proportions import wilson_limits


class NationalSeries(Enum):
    """The national series a figure belongs to; the value is a human-readable label."""

    AMA_ORGANIZATIONAL_BIOPSY = "AMA Organizational Biopsy national comparison"
    SHANAFELT_NATIONAL_MBI = "AMA/Stanford/Mayo national MBI survey (Shanafelt et al.)"


class MixedSeriesError(StatsInputError):
    """Figures from different national series (or measures) were combined."""


@dataclass(frozen=True)
class NationalFigure:
    """One national value (a proportion in [0, 1]) with its series and provenance."""

    series: NationalSeries
    measure: str
    year: int
    value: float
    source_url: str
    confirmed: bool = True
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.series, NationalSeries):
            raise StatsInputError(f"series must be a NationalSeries, got {self.series!r}")
        if not 0.0 < self.value < 1.0:
            raise StatsInputError(f"value must be a proportion in (0, 1), got {self.value!r}")


@dataclass(frozen=True)
class NationalComparison:
    """Organization versus one national figure; ``series`` always says which series."""

    series: NationalSeries
    figure: NationalFigure
    organization: Interval
    difference: float
    lower: float
    upper: float
    p_value: float
    method: str = "wilson interval vs fixed national value; one-sample score test"

    @property
    def series_label(self) -> str:
        """Human-readable name of the national series, for display next to the comparison."""
        return self.series.value


def compare_with_national(
    successes: int, n: int, figure: NationalFigure, confidence: float = 0.95
) -> NationalComparison:
    """Compare ``successes/n`` with ``figure`` (see module docstring for the method)."""
    lower, upper = wilson_limits(successes, n, confidence)
    org = Interval(successes / n, lower, upper, n, confidence, "wilson")
    p0 = figure.value
    z = (org.estimate - p0) / math.sqrt(p0 * (1.0 - p0) / n)
    return NationalComparison(
        series=figure.series,
        figure=figure,
        organization=org,
        difference=org.estimate - p0,
        lower=lower - p0,
        upper=upper - p0,
        p_value=float(2.0 * special.ndtr(-abs(z))),
    )


def national_trend(figures: Sequence[NationalFigure]) -> tuple[NationalFigure, ...]:
    """Figures of one series and one measure, ordered by year.

    Raises
    ------
    MixedSeriesError
        If the figures come from more than one series or measure, or repeat a year.
    """
    if not figures:
        return ()
    series = {f.series for f in figures}
    if len(series) > 1:
        names = sorted(s.name for s in series)
        raise MixedSeriesError(f"figures mix national series {names}; use one series")
    measures = {f.measure for f in figures}
    if len(measures) > 1:
        raise MixedSeriesError(f"figures mix measures {sorted(measures)}; use one measure")
    years = [f.year for f in figures]
    if len(set(years)) != len(years):
        raise MixedSeriesError(f"figures repeat a year: {sorted(years)}")
    return tuple(sorted(figures, key=lambda f: f.year))
