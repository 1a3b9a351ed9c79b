from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from clinwell.stats import StatsInputError, mean_interval, t_interval_from_summary


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_t_interval_matches_scipy(confidence: float) -> None:
    values = np.array([3.0, 4.5, 2.0, 5.0, 4.0, 3.5, np.nan, 1.0])
    clean = values[~np.isnan(values)]
    got = mean_interval(values, confidence)
    lo, up = stats.t.interval(
        confidence, df=clean.size - 1, loc=clean.mean(), scale=stats.sem(clean)
    )
    assert got.n == clean.size
    assert got.estimate == pytest.approx(clean.mean())
    assert got.lower == pytest.approx(lo, rel=1e-12)
    assert got.upper == pytest.approx(up, rel=1e-12)


def test_single_value_has_no_interval() -> None:
    got = t_interval_from_summary(4.0, 0.0, 1)
    assert got.estimate == 4.0
    assert got.lower is None
    assert got.upper is None


def test_empty_input_is_rejected() -> None:
    with pytest.raises(StatsInputError, match="no non-missing"):
        mean_interval([np.nan])
