"""Difference in differences: did the units with an action plan improve more than the others?

With group means :math:`\\bar y_{g}` for the treated units (``T``, those with a plan) and the
comparison units (``C``) before (``0``) and after (``1``) the plan,

.. math::

    \\hat\\delta = (\\bar y_{T1} - \\bar y_{T0}) - (\\bar y_{C1} - \\bar y_{C0}).

The four groups are independent samples (responses are anonymous, so nobody can be paired
across waves), so the standard error is the unpooled

.. math::

    SE = \\sqrt{\\textstyle\\sum_g s_g^2 / n_g},

which equals the heteroskedasticity-consistent HC2 standard error of the interaction
coefficient in the saturated regression :math:`y = \\beta_0 + \\beta_1 T + \\beta_2 P +
\\delta\\, T P + \\varepsilon` (in a saturated group model every observation of group ``g`` has
leverage :math:`1/n_g`). The interval is :math:`\\hat\\delta \\pm t_{\\nu} SE` with
Welch–Satterthwaite degrees of freedom
:math:`\\nu = (\\sum_g v_g)^2 / \\sum_g v_g^2/(n_g - 1)`, :math:`v_g = s_g^2/n_g` — the
four-group extension of :func:`clinwell.stats.mean_difference`.

A proportion is the mean of a 0/1 variable; its sample standard deviation is
:math:`\\sqrt{n\\hat p(1-\\hat p)/(n-1)}` (:meth:`GroupSummary.from_proportion`).

The estimate is causal only under *parallel trends*: without the plan, the treated units
would have changed as the comparison units did. Plans are not randomized, so the result is
observational and must be labelled as such.

References
----------
Angrist JD, Pischke J-S. Mostly Harmless Econometrics. Princeton University Press; 2009,
ch. 5.2 (differences-in-differences).
Card D, Krueger AB. Minimum wages and employment. Am Econ Rev 1994;84:772-793.
MacKinnon JG, White H. Some heteroskedasticity-consistent covariance matrix estimators with
improved finite sample properties. J Econometrics 1985;29:305-325 (HC2).
Satterthwaite FE. An approximate distribution of estimates of variance components.
Biometrics Bulletin 1946;2:110-114.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from clinwell.stats._common import StatsInputError, check_confidence


@dataclass(frozen=True)
class GroupSummary:
    """Mean, sample standard deviation (ddof=1) and size of one group."""

    mean: float
    sd: float
    n: int

    def __post_init__(self) -> None:
        if self.n < 2:
            raise StatsInputError(f"each group needs at least 2 values, got n={self.n}")
        if not math.isfinite(self.mean):
            raise StatsInputError(f"mean must be a finite number, got {self.mean}")
        if not math.isfinite(self.sd) or self.sd < 0:
            raise StatsInputError(f"sd must be a non-negative number, got {self.sd}")

    @classmethod
    def from_values(cls, values: npt.ArrayLike) -> GroupSummary:
        """Summary of the non-missing values."""
        arr = np.asarray(values, dtype=np.float64).ravel()
        arr = arr[~np.isnan(arr)]
        if arr.size < 2:
            raise StatsInputError(f"each group needs at least 2 values, got n={arr.size}")
        return cls(float(arr.mean()), float(arr.std(ddof=1)), int(arr.size))

    @classmethod
    def from_proportion(cls, proportion: float, n: int) -> GroupSummary:
        """Summary of a 0/1 variable from its share ``p`` and size: ``sd² = n p(1-p)/(n-1)``."""
        if not 0.0 <= proportion <= 1.0:
            raise StatsInputError(f"proportion must be between 0 and 1, got {proportion}")
        if n < 2:
            raise StatsInputError(f"each group needs at least 2 values, got n={n}")
        sd = math.sqrt(n * proportion * (1.0 - proportion) / (n - 1))
        return cls(proportion, sd, n)

    @property
    def variance_of_mean(self) -> float:
        """:math:`s^2 / n`."""
        return self.sd * self.sd / self.n


@dataclass(frozen=True)
class DiffInDiff:
    """``estimate = treated_change - comparison_change`` with its interval and p-value."""

    estimate: float
    se: float
    lower: float
    upper: float
    df: float
    p_value: float
    confidence: float
    treated_change: float
    comparison_change: float
    method: str = "unpooled (HC2) SE, Welch-Satterthwaite t"


def difference_in_differences(
    treated_before: GroupSummary,
    treated_after: GroupSummary,
    comparison_before: GroupSummary,
    comparison_after: GroupSummary,
    confidence: float = 0.95,
) -> DiffInDiff:
    """Difference in differences of four independent groups (see the module docstring).

    Parameters
    ----------
    treated_before, treated_after
        The units with a plan, in the wave before the plan and the next wave after it.
    comparison_before, comparison_after
        Comparable units without a plan, in the same two waves.
    confidence
        Two-sided confidence level of the interval.

    Returns
    -------
    DiffInDiff
        The estimate, its standard error, Welch–Satterthwaite degrees of freedom, interval,
        two-sided t-test p-value, and the two changes it is the difference of.
    """
    check_confidence(confidence)
    groups = (treated_before, treated_after, comparison_before, comparison_after)
    treated_change = treated_after.mean - treated_before.mean
    comparison_change = comparison_after.mean - comparison_before.mean
    estimate = treated_change - comparison_change
    variances = [g.variance_of_mean for g in groups]
    se = math.sqrt(math.fsum(variances))
    if se == 0.0:
        p_value = 1.0 if estimate == 0.0 else 0.0
        return DiffInDiff(
            estimate,
            0.0,
            estimate,
            estimate,
            math.inf,
            p_value,
            confidence,
            treated_change,
            comparison_change,
        )
    df = math.fsum(variances) ** 2 / math.fsum(
        v * v / (g.n - 1) for v, g in zip(variances, groups, strict=True)
    )
    half = float(stats.t.ppf(0.5 + confidence / 2.0, df)) * se
    p_value = float(2.0 * stats.t.sf(abs(estimate) / se, df))
    return DiffInDiff(
        estimate=estimate,
        se=se,
        lower=estimate - half,
        upper=estimate + half,
        df=df,
        p_value=p_value,
        confidence=confidence,
        treated_change=treated_change,
        comparison_change=comparison_change,
    )
