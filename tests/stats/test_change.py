from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from clinwell.stats import (
    StatsInputError,
    mean_difference,
    mean_difference_p_values,
    proportion_difference,
    proportion_difference_p_values,
)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "lower", "upper"),
    [
        # Newcombe RG. Stat Med 1998;17:873-890, Table II, method 10 (examples a, b, c)
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (5, 56, 0, 29, -0.0381, 0.1926),
    ],
)
def test_newcombe_published_examples(
    x1: int, n1: int, x2: int, n2: int, lower: float, upper: float
) -> None:
    got = proportion_difference(x1, n1, x2, n2)
    assert got.estimate == pytest.approx(x1 / n1 - x2 / n2)
    assert got.lower == pytest.approx(lower, abs=5e-5)
    assert got.upper == pytest.approx(upper, abs=5e-5)


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(12, 40, 30, 45), (0, 8, 8, 8), (7, 9, 2, 30)])
def test_newcombe_and_z_test_match_statsmodels(x1: int, n1: int, x2: int, n2: int) -> None:
    got = proportion_difference(x1, n1, x2, n2)
    lo, up = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    _, p = proportions_ztest([x1, x2], [n1, n2])
    assert got.lower == pytest.approx(lo, abs=1e-10)
    assert got.upper == pytest.approx(up, abs=1e-10)
    assert got.p_value == pytest.approx(p, rel=1e-9)


def test_welch_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(3.2, 1.0, 25), rng.normal(2.8, 1.7, 40)
    got = mean_difference(a.mean(), a.std(ddof=1), a.size, b.mean(), b.std(ddof=1), b.size)
    ref = stats.ttest_ind(a, b, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert got.estimate == pytest.approx(a.mean() - b.mean())
    assert got.lower == pytest.approx(ci.low, rel=1e-9)
    assert got.upper == pytest.approx(ci.high, rel=1e-9)
    assert got.p_value == pytest.approx(ref.pvalue, rel=1e-9)


def test_welch_needs_two_values_per_group() -> None:
    with pytest.raises(StatsInputError, match="at least 2"):
        mean_difference(1.0, 0.0, 1, 2.0, 1.0, 5)


def test_vectorized_proportion_p_values_equal_the_scalar_test_and_statsmodels() -> None:
    pairs = [(12, 40, 30, 45), (0, 8, 8, 8), (7, 9, 2, 30), (0, 5, 0, 9), (3, 3, 4, 4)]
    x1, n1, x2, n2 = (np.array(c) for c in zip(*pairs, strict=True))
    got = proportion_difference_p_values(x1, n1, x2, n2)
    for p, (a, b, c, d) in zip(got, pairs, strict=True):
        assert p == pytest.approx(proportion_difference(a, b, c, d).p_value, rel=1e-12)
    _, ref = proportions_ztest([12, 30], [40, 45])
    assert got[0] == pytest.approx(ref, rel=1e-9)
    assert got[3] == 1.0  # no successes anywhere: se = 0


def test_vectorized_welch_p_values_equal_scipy() -> None:
    rng = np.random.default_rng(5)
    groups = [(rng.normal(3, 1, n1), rng.normal(3.3, 1.5, n2)) for n1, n2 in [(5, 9), (30, 200)]]
    got = mean_difference_p_values(
        [a.mean() for a, _ in groups],
        [a.std(ddof=1) for a, _ in groups],
        [a.size for a, _ in groups],
        [b.mean() for _, b in groups],
        [b.std(ddof=1) for _, b in groups],
        [b.size for _, b in groups],
    )
    for p, (a, b) in zip(got, groups, strict=True):
        assert p == pytest.approx(stats.ttest_ind(a, b, equal_var=False).pvalue, rel=1e-9)
    same = mean_difference_p_values([2.0, 2.0], [0.0, 0.0], [3, 3], [2.0, 2.5], [0.0, 0.0], [4, 4])
    assert same.tolist() == [1.0, 0.0]


def test_vectorized_p_values_reject_impossible_inputs() -> None:
    with pytest.raises(StatsInputError):
        proportion_difference_p_values([5], [4], [1], [3])
    with pytest.raises(StatsInputError):
        mean_difference_p_values([1.0], [1.0], [1], [1.0], [1.0], [5])
