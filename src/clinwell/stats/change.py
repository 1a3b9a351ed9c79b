"""Differences between two independent groups (e.g. the same unit in two waves).

Proportions: Newcombe's hybrid score interval (method 10) for :math:`p_1 - p_2`.
With Wilson limits :math:`(l_i, u_i)` for each proportion and :math:`d = \\hat p_1 - \\hat p_2`:

.. math::

    L = d - \\sqrt{(\\hat p_1 - l_1)^2 + (u_2 - \\hat p_2)^2},\\qquad
    U = d + \\sqrt{(u_1 - \\hat p_1)^2 + (\\hat p_2 - l_2)^2}.

The p-value is the pooled two-proportion z test,
:math:`z = d / \\sqrt{\\bar p(1-\\bar p)(1/n_1 + 1/n_2)}`.

Means: Welch's interval :math:`d \\pm t_{\\nu}\\sqrt{s_1^2/n_1 + s_2^2/n_2}` with
Welch–Satterthwaite degrees of freedom
:math:`\\nu = (v_1+v_2)^2 / (v_1^2/(n_1-1) + v_2^2/(n_2-1))`, :math:`v_i = s_i^2/n_i`.

Responses in two waves are treated as independent samples (responses are anonymous, so
they cannot be paired); this is conservative when the same clinicians answer both waves.

References
----------
Newcombe RG. Interval estimation for the difference between independent proportions:
comparison of eleven methods. Stat Med 1998;17:873-890 (method 10).
Welch BL. The generalization of "Student's" problem when several different population
variances are involved. Biometrika 1947;34:28-35.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from clinwell.stats._common import StatsInputError, check_confidence
from clinwell.stats.proportions import wilson_limits

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Difference:
    """``estimate = group1 - group2`` with its interval and a two-sided p-value."""

    estimate: float
    lower: float
    upper: float
    p_value: float
    confidence: float
    method: str


def proportion_difference(
    successes1: int, n1: int, successes2: int, n2: int, confidence: float = 0.95
) -> Difference:
    """Difference of two independent proportions with Newcombe's hybrid score interval."""
    check_confidence(confidence)
    l1, u1 = wilson_limits(successes1, n1, confidence)
    l2, u2 = wilson_limits(successes2, n2, confidence)
    p1, p2 = successes1 / n1, successes2 / n2
    d = p1 - p2
    lower = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    pooled = (successes1 + successes2) / (n1 + n2)
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    p_value = 1.0 if se == 0.0 else float(2.0 * special.ndtr(-abs(d) / se))
    return Difference(d, lower, upper, p_value, confidence, "newcombe-hybrid-score")


def mean_difference(
    mean1: float,
    sd1: float,
    n1: int,
    mean2: float,
    sd2: float,
    n2: int,
    confidence: float = 0.95,
) -> Difference:
    """Difference of two independent means with Welch's interval and t test."""
    check_confidence(confidence)
    if n1 < 2 or n2 < 2:
        raise StatsInputError(f"each group needs at least 2 values, got n1={n1}, n2={n2}")
    if sd1 < 0 or sd2 < 0:
        raise StatsInputError("standard deviations must be non-negative")
    v1, v2 = sd1 * sd1 / n1, sd2 * sd2 / n2
    d = mean1 - mean2
    se = math.sqrt(v1 + v2)
    if se == 0.0:
        return Difference(d, d, d, 1.0 if d == 0.0 else 0.0, confidence, "welch")
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    half = float(special.stdtrit(df, 0.5 + confidence / 2.0)) * se
    p_value = float(2.0 * special.stdtr(df, -abs(d) / se))
    return Difference(d, d - half, d + half, p_value, confidence, "welch")


def proportion_difference_p_values(
    successes1: npt.ArrayLike, n1: npt.ArrayLike, successes2: npt.ArrayLike, n2: npt.ArrayLike
) -> FloatArray:
    """Vectorized two-sided p-values of the pooled two-proportion z test.

    The same test as :func:`proportion_difference` (``z = d / sqrt(p̄(1-p̄)(1/n₁+1/n₂))``),
    for many pairs at once; a pair with ``se = 0`` gets 1. Every ``n`` must be positive.
    """
    x1, m1 = np.asarray(successes1, dtype=np.float64), np.asarray(n1, dtype=np.float64)
    x2, m2 = np.asarray(successes2, dtype=np.float64), np.asarray(n2, dtype=np.float64)
    if np.any(m1 < 1) or np.any(m2 < 1):
        raise StatsInputError("every group needs at least 1 respondent")
    if np.any((x1 < 0) | (x1 > m1) | (x2 < 0) | (x2 > m2)):
        raise StatsInputError("successes must be between 0 and n")
    d = x1 / m1 - x2 / m2
    pooled = (x1 + x2) / (m1 + m2)
    se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / m1 + 1.0 / m2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 2.0 * special.ndtr(-np.abs(d) / se)
    return np.asarray(np.where(se == 0.0, 1.0, p), dtype=np.float64)


def mean_difference_p_values(
    mean1: npt.ArrayLike,
    sd1: npt.ArrayLike,
    n1: npt.ArrayLike,
    mean2: npt.ArrayLike,
    sd2: npt.ArrayLike,
    n2: npt.ArrayLike,
) -> FloatArray:
    """Vectorized two-sided p-values of Welch's t test (as :func:`mean_difference`).

    A pair with zero standard error gets 1 when the means are equal, else 0. Every ``n``
    must be at least 2 and every SD non-negative.
    """
    m1, m2 = np.asarray(mean1, dtype=np.float64), np.asarray(mean2, dtype=np.float64)
    s1, s2 = np.asarray(sd1, dtype=np.float64), np.asarray(sd2, dtype=np.float64)
    k1, k2 = np.asarray(n1, dtype=np.float64), np.asarray(n2, dtype=np.float64)
    if np.any(k1 < 2) or np.any(k2 < 2):
        raise StatsInputError("each group needs at least 2 values")
    if np.any(s1 < 0) or np.any(s2 < 0):
        raise StatsInputError("standard deviations must be non-negative")
    v1, v2 = s1 * s1 / k1, s2 * s2 / k2
    d = m1 - m2
    se = np.sqrt(v1 + v2)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (v1 + v2) ** 2 / (v1 * v1 / (k1 - 1) + v2 * v2 / (k2 - 1))
        p = 2.0 * special.stdtr(df, -np.abs(d) / se)
    return np.asarray(np.where(se == 0.0, np.where(d == 0.0, 1.0, 0.0), p), dtype=np.float64)
