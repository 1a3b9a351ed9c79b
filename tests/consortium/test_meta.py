"""The random-effects meta-analysis equals statsmodels' combine_effects."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from statsmodels.stats.meta_analysis import combine_effects

from clinwell.consortium import MetaAnalysisError, random_effects

EFFECTS = np.array([-0.31, -0.12, -0.5, 0.05, -0.22])
ERRORS = np.array([0.10, 0.14, 0.2, 0.12, 0.08])


@pytest.mark.parametrize(
    ("method", "reference", "tolerance"), [("dl", "chi2", 1e-12), ("pm", "iterated", 1e-5)]
)
def test_equals_statsmodels(method: str, reference: str, tolerance: float) -> None:
    ours = random_effects(EFFECTS, ERRORS, method=method)
    ref = combine_effects(EFFECTS, ERRORS**2, method_re=reference)
    lower, upper = ref.conf_int()[1]  # the random-effects row
    assert ours.tau2 == pytest.approx(ref.tau2, rel=tolerance, abs=1e-12)
    assert ours.estimate == pytest.approx(ref.mean_effect_re, rel=tolerance)
    assert ours.se == pytest.approx(ref.sd_eff_w_re, rel=tolerance)
    assert (ours.lower, ours.upper) == pytest.approx((lower, upper), rel=tolerance)
    assert ours.q == pytest.approx(ref.q)
    assert ours.i2 == pytest.approx(ref.i2)
    assert ours.fixed_estimate == pytest.approx(ref.mean_effect_fe)
    assert ours.weights == pytest.approx(tuple(ref.weights_rel_re), rel=tolerance)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(-2, 2), st.floats(0.02, 1.0)), min_size=2, max_size=12))
def test_dl_equals_statsmodels_on_any_input(pairs: list[tuple[float, float]]) -> None:
    y = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs])
    # statsmodels divides by Q: with every estimate equal (Q = 0) it returns NaN, while the
    # formula gives τ² = 0 (checked in test_homogeneous_estimates_have_no_heterogeneity).
    assume(np.ptp(y) > 1e-6)
    ours = random_effects(y, s)
    ref = combine_effects(y, s**2, method_re="chi2")
    if ref.tau2 < 0:
        # statsmodels 0.14's one-step DL computes (Q − df)/C without DerSimonian & Laird's
        # max(0, ·): when Q < k − 1 its τ² is negative. With τ² = 0 the random-effects
        # model is the fixed-effect one, so compare with statsmodels' fixed-effect row.
        assert ours.tau2 == 0.0
        assert ours.estimate == pytest.approx(ref.mean_effect_fe, rel=1e-9, abs=1e-12)
        assert ours.se == pytest.approx(ref.sd_eff_w_fe, rel=1e-9)
        return
    assert ours.estimate == pytest.approx(ref.mean_effect_re, rel=1e-9, abs=1e-12)
    assert ours.se == pytest.approx(ref.sd_eff_w_re, rel=1e-9)
    assert ours.tau2 == pytest.approx(ref.tau2, rel=1e-9, abs=1e-12)


def test_homogeneous_estimates_have_no_heterogeneity() -> None:
    result = random_effects([0.2, 0.2, 0.2], [0.1, 0.2, 0.3])
    assert result.tau2 == 0.0
    assert result.i2 == 0.0
    assert result.estimate == pytest.approx(0.2)
    assert result.prediction_lower is not None  # k ≥ 3


@pytest.mark.parametrize(
    ("estimates", "errors", "message"),
    [
        ([0.1], [0.1], "at least 2 estimates"),
        ([0.1, 0.2], [0.1], "differ in length"),
        ([0.1, 0.2], [0.1, 0.0], "greater than 0"),
        ([0.1, float("inf")], [0.1, 0.1], "finite"),
    ],
)
def test_bad_input(estimates: list[float], errors: list[float], message: str) -> None:
    with pytest.raises(MetaAnalysisError, match=message):
        random_effects(estimates, errors)
