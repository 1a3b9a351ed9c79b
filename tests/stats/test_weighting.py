from __future__ import annotations

import math

import numpy as np
import pytest

from clinwell.stats import kish_effective_sample_size, rake
from clinwell.stats.weighting import RakingError


def test_raking_hand_computed_two_by_two() -> None:
    # Sample: A-md 2, A-rn 1, B-md 1, B-rn 2. Roster: A 60, B 40; md 50, rn 50.
    # Raking keeps the sample odds ratio (2*2)/(1*1) = 4 (Deming & Stephan 1940), so the
    # fitted A-md total x solves x(x-10) = 4(60-x)(50-x): 3x^2 - 430x + 12000 = 0.
    x = (430 - math.sqrt(430**2 - 4 * 3 * 12000)) / 6
    units = ["A", "A", "A", "B", "B", "B"]
    roles = ["md", "md", "rn", "md", "rn", "rn"]
    got = rake(
        {"unit": units, "role": roles},
        {"unit": {"A": 60, "B": 40}, "role": {"md": 50, "rn": 50}},
    )
    assert got.converged
    w = got.weights
    assert w[0] == pytest.approx(x / 2)  # each A-md respondent
    assert w[2] == pytest.approx(60 - x)  # the A-rn respondent
    assert w[3] == pytest.approx(50 - x)  # the B-md respondent
    assert w[4] == pytest.approx((x - 10) / 2)
    assert w.sum() == pytest.approx(100)
    assert got.effective_sample_size == pytest.approx(w.sum() ** 2 / (w**2).sum())


def test_kish_hand_computed() -> None:
    assert kish_effective_sample_size([1, 1, 2, 2]) == pytest.approx(36 / 10)


def test_roster_category_without_respondent_is_an_error() -> None:
    with pytest.raises(RakingError, match="'C' has no respondent"):
        rake({"unit": ["A", "B"]}, {"unit": {"A": 5, "B": 5, "C": 3}})


def test_unknown_respondent_category_is_an_error() -> None:
    with pytest.raises(RakingError, match="'Z' is not in the roster"):
        rake({"unit": ["A", "Z"]}, {"unit": {"A": 5}})


def test_one_margin_is_post_stratification() -> None:
    got = rake({"unit": ["A", "A", "B"]}, {"unit": {"A": 10, "B": 30}})
    assert np.allclose(got.weights, [5, 5, 30])
