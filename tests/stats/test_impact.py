"""Difference in differences: a hand-computed example and statsmodels OLS with an interaction."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from clinwell.stats._common import StatsInputError
from clinwell.stats.impact import GroupSummary, difference_in_differences

# Hand example: means 4, 2 (treated) and 6, 7 (comparison); variances 4, 1, 20/3, 20/3.
TREATED_BEFORE = [2.0, 4.0, 6.0]
TREATED_AFTER = [1.0, 2.0, 3.0]
COMPARISON_BEFORE = [3.0, 5.0, 7.0, 9.0]
COMPARISON_AFTER = [4.0, 6.0, 8.0, 10.0]


def _summaries(*groups: list[float]) -> list[GroupSummary]:
    return [GroupSummary.from_values(g) for g in groups]


def test_hand_computed_example() -> None:
    result = difference_in_differences(
        *_summaries(TREATED_BEFORE, TREATED_AFTER, COMPARISON_BEFORE, COMPARISON_AFTER)
    )
    # (2 - 4) - (7 - 6) = -3
    assert result.treated_change == -2.0
    assert result.comparison_change == 1.0
    assert result.estimate == -3.0
    # v = 4/3, 1/3, 5/3, 5/3 -> sum 5
    assert result.se == pytest.approx(math.sqrt(5.0))
    # df = 25 / ((16/9)/2 + (1/9)/2 + (25/9)/3 + (25/9)/3) = 1350/151
    assert result.df == pytest.approx(1350 / 151)
    half = stats.t.ppf(0.975, 1350 / 151) * math.sqrt(5.0)
    assert result.lower == pytest.approx(-3.0 - half)
    assert result.upper == pytest.approx(-3.0 + half)
    assert result.p_value == pytest.approx(2 * stats.t.sf(3.0 / math.sqrt(5.0), 1350 / 151))


def _frame(groups: dict[tuple[int, int], list[float]]) -> pd.DataFrame:
    rows = [
        {"y": y, "treated": treated, "post": post}
        for (treated, post), values in groups.items()
        for y in values
    ]
    return pd.DataFrame(rows)


def test_matches_statsmodels_ols_with_an_interaction_term() -> None:
    rng = np.random.default_rng(7)
    groups = {
        (1, 0): list(rng.normal(3.1, 0.8, 23)),
        (1, 1): list(rng.normal(3.6, 1.1, 19)),
        (0, 0): list(rng.normal(3.0, 0.9, 61)),
        (0, 1): list(rng.normal(3.1, 0.7, 57)),
    }
    fit = smf.ols("y ~ treated * post", data=_frame(groups)).fit(cov_type="HC2")
    result = difference_in_differences(
        *_summaries(groups[(1, 0)], groups[(1, 1)], groups[(0, 0)], groups[(0, 1)])
    )
    assert result.estimate == pytest.approx(fit.params["treated:post"], abs=1e-12)
    assert result.se == pytest.approx(fit.bse["treated:post"], rel=1e-10)


def test_proportions_are_means_of_zero_one_values() -> None:
    values = [1.0] * 7 + [0.0] * 13
    direct = GroupSummary.from_values(values)
    from_share = GroupSummary.from_proportion(7 / 20, 20)
    assert from_share.mean == pytest.approx(direct.mean)
    assert from_share.sd == pytest.approx(direct.sd)


@settings(max_examples=50, deadline=None)
@given(
    shift=st.floats(min_value=-50, max_value=50, allow_nan=False),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_a_common_shift_of_the_comparison_group_leaves_the_estimate(
    shift: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    tb, ta, cb, ca = (rng.normal(0, 1, 8) for _ in range(4))
    base = difference_in_differences(*_summaries(list(tb), list(ta), list(cb), list(ca)))
    moved = difference_in_differences(
        *_summaries(list(tb), list(ta), list(cb + shift), list(ca + shift))
    )
    assert moved.estimate == pytest.approx(base.estimate, abs=1e-9)
    assert moved.se == pytest.approx(base.se, rel=1e-9)


def test_groups_need_two_values() -> None:
    with pytest.raises(StatsInputError, match="at least 2"):
        GroupSummary.from_values([1.0, float("nan")])
    with pytest.raises(StatsInputError, match="proportion"):
        GroupSummary.from_proportion(1.5, 10)
