from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from clinwell.stats import StatsInputError, proportion, wilson_interval
from clinwell.stats.proportions import wilson_bounds


@pytest.mark.parametrize(
    ("x", "n"), [(0, 1), (1, 1), (0, 10), (3, 10), (10, 10), (43, 100), (1, 5)]
)
@pytest.mark.parametrize("confidence", [0.90, 0.95, 0.99])
def test_wilson_matches_statsmodels(x: int, n: int, confidence: float) -> None:
    got = wilson_interval(x, n, confidence)
    lo, up = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    assert got.estimate == x / n
    assert got.lower == pytest.approx(lo, abs=1e-12)
    assert got.upper == pytest.approx(up, abs=1e-12)


def test_vectorized_bounds_match_scalar_and_nan_for_empty() -> None:
    lower, upper = wilson_bounds([0, 3, 7], [0, 10, 7])
    assert math.isnan(lower[0])
    assert math.isnan(upper[0])
    assert lower[1] == pytest.approx(wilson_interval(3, 10).lower)
    assert upper[2] == pytest.approx(1.0)


def test_proportion_ignores_missing_values() -> None:
    got = proportion([1, 0, np.nan, 1, 1])
    assert got.n == 4
    assert got.estimate == 0.75


@pytest.mark.parametrize(("x", "n"), [(1, 0), (-1, 5), (6, 5)])
def test_invalid_counts_are_rejected(x: int, n: int) -> None:
    with pytest.raises(StatsInputError):
        wilson_interval(x, n)


def test_non_binary_values_are_rejected() -> None:
    with pytest.raises(StatsInputError, match="true/false"):
        proportion([0, 1, 2])
