"""Non-response weighting by raking to roster margins, and Kish's effective sample size.

Raking (iterative proportional fitting) starts from base weights :math:`w_i` and, for each
margin variable in turn, multiplies the weights of respondents in category :math:`c` by
:math:`T_c / \\sum_{i \\in c} w_i`, where :math:`T_c` is the roster count. It cycles until
every weighted margin matches its target within ``tolerance``. Margins can be one-way
(``unit``, ``role``) or joint (pass a combined label such as ``"unit|role"`` as a variable,
which is post-stratification).

Kish's effective sample size is :math:`n_{\\mathrm{eff}} = (\\sum w_i)^2 / \\sum w_i^2`.

References
----------
Deming WE, Stephan FF. On a least squares adjustment of a sampled frequency table when the
expected marginal totals are known. Ann Math Stat 1940;11:427-444.
Kish L. Survey Sampling. New York: Wiley; 1965 (design effect of weighting).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clinwell.stats._common import StatsInputError

FloatArray = npt.NDArray[np.float64]


class RakingError(StatsInputError):
    """Raking cannot reach the roster margins (e.g. a roster category has no respondent)."""


@dataclass(frozen=True)
class RakingResult:
    """Weights (one per respondent, summing to the roster total) and diagnostics."""

    weights: FloatArray
    iterations: int
    converged: bool
    effective_sample_size: float
    max_margin_error: float


def kish_effective_sample_size(weights: npt.ArrayLike) -> float:
    """Kish's :math:`(\\sum w)^2 / \\sum w^2`."""
    w = np.asarray(weights, dtype=np.float64)
    if w.size == 0 or np.any(w < 0) or float(w.sum()) == 0.0:
        raise StatsInputError("weights must be non-negative and not all zero")
    return float(w.sum() ** 2 / np.square(w).sum())


def rake(
    respondents: Mapping[str, Sequence[str]],
    targets: Mapping[str, Mapping[str, float]],
    base_weights: npt.ArrayLike | None = None,
    tolerance: float = 1e-8,
    max_iterations: int = 1000,
) -> RakingResult:
    """Rake respondent weights so each variable's weighted counts equal the roster targets.

    Parameters
    ----------
    respondents
        For each margin variable, one category label per respondent.
    targets
        For each margin variable, the roster count of every category. All variables must
        have the same total.
    """
    if not targets:
        raise StatsInputError("targets: at least one margin is needed")
    lengths = {len(respondents[v]) for v in targets if v in respondents}
    missing = [v for v in targets if v not in respondents]
    if missing:
        raise StatsInputError(f"respondents: no column for margin {missing[0]!r}")
    if len(lengths) != 1:
        raise StatsInputError("respondents: every margin column must have one label per respondent")
    n = lengths.pop()
    totals = {v: float(sum(t.values())) for v, t in targets.items()}
    first = next(iter(totals.values()))
    if any(abs(t - first) > 1e-9 * max(1.0, first) for t in totals.values()):
        raise StatsInputError(f"targets: margins have different totals {totals}")
    w = np.ones(n) if base_weights is None else np.asarray(base_weights, dtype=np.float64).copy()
    if w.shape != (n,) or np.any(w <= 0):
        raise StatsInputError("base_weights must be positive, one per respondent")
    coded: list[tuple[npt.NDArray[np.intp], FloatArray]] = []
    for var, target in targets.items():
        labels = np.asarray(respondents[var], dtype=object)
        cats = list(target)
        index = {c: i for i, c in enumerate(cats)}
        unknown = [lab for lab in set(labels.tolist()) if lab not in index]
        if unknown:
            raise RakingError(f"respondents[{var!r}]: category {unknown[0]!r} is not in the roster")
        codes = np.fromiter((index[lab] for lab in labels), dtype=np.intp, count=n)
        goal = np.array([float(target[c]) for c in cats])
        empty = [
            c
            for c, k in zip(cats, np.bincount(codes, minlength=len(cats)), strict=True)
            if k == 0 and target[c] > 0
        ]
        if empty:
            raise RakingError(f"targets[{var!r}]: roster category {empty[0]!r} has no respondent")
        coded.append((codes, goal))
    error = np.inf
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007 - used after the loop
        for codes, goal in coded:
            current = np.bincount(codes, weights=w, minlength=goal.size)
            factor = np.divide(goal, current, out=np.zeros_like(goal), where=current > 0)
            w = w * factor[codes]
        error = max(
            float(np.max(np.abs(np.bincount(c, weights=w, minlength=g.size) - g))) for c, g in coded
        )
        if error <= tolerance * max(1.0, first):
            break
    converged = error <= tolerance * max(1.0, first)
    return RakingResult(w, iterations, converged, kish_effective_sample_size(w), error)
