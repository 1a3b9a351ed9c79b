from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from clinwell.stats import StatsInputError, cronbach_alpha


def test_hand_computed_two_item_example() -> None:
    # items [1,2,3] and [1,3,2]: item variances 1 and 1; totals 2,5,5 have variance 3;
    # alpha = 2/(2-1) * (1 - 2/3) = 2/3.
    got = cronbach_alpha([[1, 1], [2, 3], [3, 2]])
    assert got.alpha == pytest.approx(2 / 3)
    assert got.n == 3
    assert got.items == 2


def test_identical_items_give_alpha_one_and_missing_rows_are_dropped() -> None:
    got = cronbach_alpha(np.array([[1, 1, 1], [2, 2, 2], [5, 5, 5], [np.nan, 1, 2]]))
    assert got.alpha == pytest.approx(1.0)
    assert got.n == 3


def test_feldt_interval() -> None:
    rng = np.random.default_rng(0)
    trait = rng.normal(size=200)
    items = trait[:, None] + rng.normal(scale=0.8, size=(200, 4))
    got = cronbach_alpha(items, confidence=0.95)
    df1, df2 = 199, 199 * 3
    assert got.lower == pytest.approx(1 - (1 - got.alpha) * stats.f.ppf(0.975, df1, df2))
    assert got.upper == pytest.approx(1 - (1 - got.alpha) * stats.f.ppf(0.025, df1, df2))
    assert got.lower < got.alpha < got.upper


def test_rejects_single_item() -> None:
    with pytest.raises(StatsInputError, match="two item"):
        cronbach_alpha([[1], [2]])
