"""Proportions with Wilson score intervals.

The Wilson (1927) interval for a binomial proportion :math:`\\hat p = x/n` at normal
quantile :math:`z = \\Phi^{-1}(1-\\alpha/2)` is

.. math::

    \\frac{\\hat p + z^2/(2n) \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/(4n^2)}}{1 + z^2/n}.

References
----------
Wilson EB. Probable inference, the law of succession, and statistical inference.
J Am Stat Assoc 1927;22:209-212.
Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
methods. Stat Med 1998;17:857-872 (method 3).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import special

from clinwell.stats._common import Interval, StatsInputError, check_confidence

FloatArray = npt.NDArray[np.float64]


def wilson_bounds(
    successes: npt.ArrayLike, n: npt.ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Vectorized Wilson score bounds; cells with ``n == 0`` get NaN.

    Parameters
    ----------
    successes, n
        Arrays of success counts and trials (broadcastable), ``0 <= successes <= n``.
    confidence
        Two-sided confidence level.
    """
    check_confidence(confidence)
    x = np.asarray(successes, dtype=np.float64)
    m = np.asarray(n, dtype=np.float64)
    if np.any(m < 0) or np.any(x < 0) or np.any(x > m):
        raise StatsInputError("successes must satisfy 0 <= successes <= n")
    z = float(special.ndtri(0.5 + confidence / 2.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / m
        denom = 1.0 + z * z / m
        centre = (p + z * z / (2.0 * m)) / denom
        half = z * np.sqrt(p * (1.0 - p) / m + z * z / (4.0 * m * m)) / denom
    lower = np.where(m > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    upper = np.where(m > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return lower, upper


def wilson_limits(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score limits ``(lower, upper)`` of ``successes / n``.

    Raises
    ------
    StatsInputError
        If ``n < 1`` or ``successes`` is outside ``[0, n]``.
    """
    if n < 1:
        raise StatsInputError(f"n must be at least 1, got {n}")
    if not 0 <= successes <= n:
        raise StatsInputError(f"successes must be between 0 and n={n}, got {successes}")
    lower, upper = wilson_bounds(successes, n, confidence)
    return float(lower), float(upper)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Proportion ``successes / n`` with its Wilson score interval (see :func:`wilson_limits`)."""
    lower, upper = wilson_limits(successes, n, confidence)
    return Interval(
        estimate=successes / n,
        lower=lower,
        upper=upper,
        n=n,
        confidence=confidence,
        method="wilson",
    )


def proportion(values: npt.ArrayLike, confidence: float = 0.95) -> Interval:
    """Proportion of true values (missing values, NaN, are ignored) with a Wilson interval."""
    arr = np.asarray(values, dtype=np.float64)
    arr = arr[~np.isnan(arr)]
    if np.any((arr != 0.0) & (arr != 1.0)):
        raise StatsInputError("values must be true/false (1/0) or missing")
    return wilson_interval(int(arr.sum()), int(arr.size), confidence)
