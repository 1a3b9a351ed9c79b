"""Importance-performance quadrants against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from clinwell.stats import importance_performance, pomp, relative_performance
from clinwell.stats.quadrant import QuadrantInputError


def test_glass_delta_is_the_difference_in_reference_sds_favourable_up() -> None:
    # (3.5 - 3.0) / 0.5 = +1.0; a higher-is-worse item: -(14 - 12) / 4 = -0.5.
    got = relative_performance([3.5, 14.0], [3.0, 12.0], [0.5, 4.0], [False, True])
    assert np.allclose(got, [1.0, -0.5])


def test_glass_delta_is_nan_for_a_withheld_score_or_a_zero_sd() -> None:
    got = relative_performance([math.nan, 3.0], [3.0, 2.0], [1.0, 0.0], [False, False])
    assert np.isnan(got).all()


def test_pomp_on_a_one_to_five_scale_and_reversed_when_higher_is_worse() -> None:
    # 100 * (4 - 1) / (5 - 1) = 75; reversed: 100 - 100 * (2 - 1) / 4 = 75.
    got = pomp([4.0, 2.0, 1.0], [1, 1, 1], [5, 5, 5], [False, True, False])
    assert np.allclose(got, [75.0, 75.0, 0.0])


def test_pomp_refuses_an_empty_range() -> None:
    with pytest.raises(QuadrantInputError, match="high end"):
        pomp([3.0], [5], [5], [False])


def test_quadrants_against_a_reference_cut_at_zero() -> None:
    # Five items: the importance cut is 1/5. Relative performance cut at 0.
    placed = importance_performance(
        ["a", "b", "c", "d", "e"],
        [0.40, 0.20, 0.20, 0.15, 0.05],
        [-0.5, 0.2, 0.0, -0.3, math.nan],
        performance_cut=0.0,
    )
    assert placed.importance_cut == pytest.approx(0.2)
    assert placed.performance_cut == 0.0
    got = {i.name: i.quadrant for i in placed.items}
    # b and c sit exactly on the importance cut (0.2): counted as important; c exactly on the
    # performance cut counts as performing.
    assert got == {
        "a": "concentrate",
        "b": "keep_up",
        "c": "keep_up",
        "d": "low_priority",
        "e": None,
    }
    assert placed.items[4].importance == 0.05
    assert placed.items[4].performance is None


def test_quadrants_cut_at_the_mean_performance_when_no_reference() -> None:
    # POMP 80, 40, 60 -> cut at their mean 60; importance cut 1/3.
    placed = importance_performance(["x", "y", "z"], [0.5, 0.3, 0.2], [80.0, 40.0, 60.0])
    assert placed.performance_cut == pytest.approx(60.0)
    assert [i.quadrant for i in placed.items] == [
        "keep_up",
        "low_priority",
        "possible_overkill",
    ]


def test_shares_must_sum_to_one() -> None:
    with pytest.raises(QuadrantInputError, match="sum to 1"):
        importance_performance(["a", "b"], [0.5, 0.4], [1.0, 2.0], 0.0)
