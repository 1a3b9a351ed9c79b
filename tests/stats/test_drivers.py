from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from clinwell.stats import relative_weights
from clinwell.stats.drivers import LIMITS, DriverInputError, _logistic_fit


def _data(n: int = 600, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    common = rng.normal(size=n)
    x = np.column_stack(
        [
            common + rng.normal(size=n),  # planted driver
            0.5 * common + rng.normal(size=n),  # correlated, weak own effect
            rng.normal(size=n),  # noise
        ]
    )
    eta = -0.3 + 1.4 * x[:, 0] + 0.2 * x[:, 1]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return x, y


def test_linear_weights_sum_to_r_squared_of_ols() -> None:
    x, _ = _data()
    rng = np.random.default_rng(1)
    y = x @ np.array([1.0, 0.5, 0.0]) + rng.normal(size=x.shape[0])
    got = relative_weights(x, y, ["a", "b", "c"], model="linear")
    r2 = sm.OLS(y, sm.add_constant(x)).fit().rsquared
    assert got.r_squared == pytest.approx(r2, rel=1e-9)
    assert sum(d.share for d in got.drivers) == pytest.approx(1.0)


def test_linear_weights_of_uncorrelated_predictors_are_squared_correlations() -> None:
    rng = np.random.default_rng(2)
    raw = rng.normal(size=(400, 2))
    x = np.linalg.qr(raw - raw.mean(axis=0))[0]  # exactly uncorrelated columns
    y = x @ np.array([3.0, 1.0]) + rng.normal(scale=0.1, size=400)
    got = relative_weights(x, y, ["a", "b"], model="linear")
    weights = {d.name: d.weight for d in got.drivers}
    assert weights["a"] == pytest.approx(np.corrcoef(x[:, 0], y)[0, 1] ** 2, rel=1e-9)
    assert weights["b"] == pytest.approx(np.corrcoef(x[:, 1], y)[0, 1] ** 2, rel=1e-9)


def test_logistic_finds_planted_driver() -> None:
    x, y = _data()
    got = relative_weights(x, y, ["planted", "correlated", "noise"])
    assert got.drivers[0].name == "planted"
    assert got.drivers[0].rank == 1
    assert got.drivers[0].direction == 1
    assert got.drivers[-1].name == "noise"
    assert sum(d.share for d in got.drivers) == pytest.approx(1.0)
    assert 0 < got.r_squared < 1
    assert got.limits == LIMITS
    assert "logistic" in got.method


def test_too_few_cases_or_events_are_rejected() -> None:
    x, y = _data(n=20)
    with pytest.raises(DriverInputError, match="complete cases"):
        relative_weights(x, y, ["a", "b", "c"])
    x, y = _data()
    y[:] = 0
    y[:3] = 1
    with pytest.raises(DriverInputError, match="with and without"):
        relative_weights(x, y, ["a", "b", "c"])


def test_the_logistic_fit_is_statsmodels_maximum_likelihood() -> None:
    x, y = _data()
    design = np.column_stack([np.ones(x.shape[0]), x])
    reference = sm.Logit(y, design).fit(disp=0).params
    assert _logistic_fit(design, y) == pytest.approx(reference, abs=1e-8)


def test_items_that_separate_the_outcome_perfectly_are_an_input_error() -> None:
    x, _ = _data()
    y = (x[:, 0] > 0).astype(float)  # the first item decides the outcome exactly
    with pytest.raises(DriverInputError, match="separate"):
        relative_weights(x, y, ["a", "b", "c"])
