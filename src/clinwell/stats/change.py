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

from scipy import special

from clinwell.stats._common import StatsInputError, check_confidence
from clinwell.stats.proportions import wilson_limits


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
