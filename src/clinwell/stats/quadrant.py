"""Importance-performance quadrants of driver items (what to act on first).

Each driver item has an *importance* (its share of the explained variance of burnout, from
:func:`clinwell.stats.relative_weights`) and a *performance* (how the group scores on it,
oriented so that higher is better). Importance-performance analysis (Martilla & James 1977)
splits the plane at the mean importance and a performance reference into four quadrants:

=====================  ====================  ==========================================
quadrant               importance            performance
=====================  ====================  ==========================================
``concentrate``        at or above the cut   below the cut ("concentrate here")
``keep_up``            at or above the cut   at or above the cut ("keep up the good work")
``low_priority``       below the cut         below the cut ("low priority")
``possible_overkill``  below the cut         at or above the cut ("possible overkill")
=====================  ====================  ==========================================

The importance cut is the mean share :math:`1/k` of the :math:`k` items (the shares sum to 1).

Performance is put on one axis for items measured on different scales in one of two ways:

- *relative to a reference group* (a unit against its organization): Glass's
  :math:`\\Delta_j = s_j(\\bar x_{g,j} - \\bar x_{r,j}) / s_{r,j}`, the difference of the group's
  mean from the reference mean in reference standard deviations (Glass 1976; Hedges & Olkin
  1985), with :math:`s_j = -1` for items where a higher score is worse. The cut is 0 (the
  reference itself).
- *absolute* (the organization on its own): the percent of maximum possible score,
  :math:`\\mathrm{POMP}_j = 100(\\bar x_j - \\min_j)/(\\max_j - \\min_j)`, reversed
  (:math:`100 - \\mathrm{POMP}`) where higher is worse (Cohen, Cohen, Aiken & West 1999). It is
  meaningful only for items answered on a bounded rating scale. The cut is the mean
  performance of the items (Martilla & James's data-centred cross-hairs).

Items whose performance is unknown (a value withheld by the privacy gate, or no comparable
scale) keep their importance and get no quadrant.

References
----------
Martilla JA, James JC. Importance-performance analysis. J Marketing 1977;41(1):77-79.
Glass GV. Primary, secondary, and meta-analysis of research. Educ Res 1976;5(10):3-8.
Hedges LV, Olkin I. Statistical Methods for Meta-Analysis. Academic Press; 1985 (ch. 5).
Cohen P, Cohen J, Aiken LS, West SG. The problem of units and the circumstance for POMP.
Multivariate Behav Res 1999;34(3):315-346.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clinwell.stats._common import StatsInputError

FloatArray = npt.NDArray[np.float64]

QUADRANTS = ("concentrate", "keep_up", "low_priority", "possible_overkill")


class QuadrantInputError(StatsInputError):
    """Importance or performance values that cannot be placed (wrong shapes, bad ranges)."""


@dataclass(frozen=True)
class QuadrantItem:
    """One driver item: its importance share, performance (None if unknown) and quadrant."""

    name: str
    importance: float
    performance: float | None
    quadrant: str | None


@dataclass(frozen=True)
class ImportancePerformance:
    """Items in the given order, and the cuts that split the plane."""

    items: tuple[QuadrantItem, ...]
    importance_cut: float
    performance_cut: float | None


def _array(values: npt.ArrayLike, name: str, k: int | None = None) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or (k is not None and arr.shape[0] != k):
        raise QuadrantInputError(f"{name} must be a 1-d array of {k or 'the items'} values")
    return arr


def relative_performance(
    scores: npt.ArrayLike,
    reference: npt.ArrayLike,
    reference_sd: npt.ArrayLike,
    higher_is_worse: Sequence[bool],
) -> FloatArray:
    """Glass's :math:`\\Delta_j = s_j(\\bar x_{g,j} - \\bar x_{r,j})/s_{r,j}`, favourable-positive.

    ``scores`` and ``reference`` are the group's and the reference group's means,
    ``reference_sd`` the reference group's standard deviations; ``s_j = -1`` where
    ``higher_is_worse``. NaN in, NaN out; a zero or missing SD gives NaN.
    """
    x = _array(scores, "scores")
    k = x.shape[0]
    ref = _array(reference, "reference", k)
    sd = _array(reference_sd, "reference_sd", k)
    if len(higher_is_worse) != k:
        raise QuadrantInputError(f"higher_is_worse must have {k} values")
    sign = np.where(np.asarray(higher_is_worse, dtype=bool), -1.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = sign * (x - ref) / np.where(sd > 0, sd, np.nan)
    return np.asarray(delta, dtype=np.float64)


def pomp(
    scores: npt.ArrayLike,
    low: npt.ArrayLike,
    high: npt.ArrayLike,
    higher_is_worse: Sequence[bool],
) -> FloatArray:
    """Percent of maximum possible, :math:`100(\\bar x - \\min)/(\\max - \\min)`, favourable-up.

    Items where ``higher_is_worse`` score :math:`100 - \\mathrm{POMP}`. NaN in, NaN out.
    """
    x = _array(scores, "scores")
    k = x.shape[0]
    lo = _array(low, "low", k)
    hi = _array(high, "high", k)
    if np.any(hi <= lo):
        raise QuadrantInputError("each item's high end must be above its low end")
    if len(higher_is_worse) != k:
        raise QuadrantInputError(f"higher_is_worse must have {k} values")
    share = 100.0 * (x - lo) / (hi - lo)
    return np.where(np.asarray(higher_is_worse, dtype=bool), 100.0 - share, share)


def importance_performance(
    names: Sequence[str],
    importance: npt.ArrayLike,
    performance: npt.ArrayLike,
    performance_cut: float | None = None,
) -> ImportancePerformance:
    """Place each item in its importance-performance quadrant.

    ``importance``: shares of explained variance (non-negative, summing to 1); the importance
    cut is their mean, :math:`1/k`. ``performance``: favourable-up values (NaN = unknown).
    ``performance_cut``: the reference (0 for Glass's :math:`\\Delta`); None uses the mean of
    the known performances (Martilla & James 1977). An item is *important* when its share is
    at least the cut and *performing* when its performance is at least the cut.
    """
    k = len(names)
    if k == 0:
        raise QuadrantInputError("no driver items to place")
    share = _array(importance, "importance", k)
    perf = _array(performance, "performance", k)
    if np.any(~np.isfinite(share)) or np.any(share < 0):
        raise QuadrantInputError("importance shares must be finite and non-negative")
    if not np.isclose(share.sum(), 1.0, atol=1e-6):
        raise QuadrantInputError(f"importance shares must sum to 1, got {share.sum():.6f}")
    known = np.isfinite(perf)
    cut_y = performance_cut
    if cut_y is None and known.any():
        cut_y = float(perf[known].mean())
    cut_x = 1.0 / k
    items = []
    for j, name in enumerate(names):
        value = float(perf[j]) if known[j] else None
        quadrant = None
        if value is not None and cut_y is not None:
            important = share[j] >= cut_x
            performing = value >= cut_y
            quadrant = (
                ("keep_up" if performing else "concentrate")
                if important
                else ("possible_overkill" if performing else "low_priority")
            )
        items.append(QuadrantItem(name, float(share[j]), value, quadrant))
    return ImportancePerformance(tuple(items), cut_x, cut_y)
