"""Means with Student t intervals.

For values :math:`x_1..x_n` with mean :math:`\\bar x` and sample standard deviation
:math:`s`, the interval is :math:`\\bar x \\pm t_{1-\\alpha/2,\\,n-1}\\, s/\\sqrt n`.

References
----------
Student. The probable error of a mean. Biometrika 1908;6:1-25.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy import special

from clinwell.stats._common import Interval, StatsInputError, check_confidence

FloatArray = npt.NDArray[np.float64]


def t_bounds(
    mean: npt.ArrayLike, sd: npt.ArrayLike, n: npt.ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Vectorized t-interval bounds from summary statistics; NaN where ``n < 2``."""
    check_confidence(confidence)
    m = np.asarray(mean, dtype=np.float64)
    s = np.asarray(sd, dtype=np.float64)
    k = np.asarray(n, dtype=np.float64)
    ok = k >= 2
    df = np.where(ok, k - 1.0, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = special.stdtrit(df, 0.5 + confidence / 2.0) * s / np.sqrt(k)
    return np.where(ok, m - half, np.nan), np.where(ok, m + half, np.nan)


def t_interval_from_summary(mean: float, sd: float, n: int, confidence: float = 0.95) -> Interval:
    """Mean with a t interval from its mean, sample SD (ddof=1) and ``n``."""
    if n < 1:
        raise StatsInputError(f"n must be at least 1, got {n}")
    if sd < 0 or math.isnan(sd):
        raise StatsInputError(f"sd must be a non-negative number, got {sd}")
    lower, upper = t_bounds(mean, sd, n, confidence)
    return Interval(
        estimate=mean,
        lower=None if n < 2 else float(lower),
        upper=None if n < 2 else float(upper),
        n=n,
        confidence=confidence,
        method="t",
    )


def mean_interval(values: npt.ArrayLike, confidence: float = 0.95) -> Interval:
    """Mean of the non-missing values with a Student t interval."""
    arr = np.asarray(values, dtype=np.float64)
    arr = arr[~np.isnan(arr)]
    if arr.size == 0:
        raise StatsInputError("values contain no non-missing observation")
    sd = float(arr.std(ddof=1)) if arr.size > 1 else 0.0
    return t_interval_from_summary(float(arr.mean()), sd, int(arr.size), confidence)
