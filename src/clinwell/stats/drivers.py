"""Key-driver analysis: relative weights of driver items for a binary outcome (burnout).

Method (Johnson 2000; logistic extension by Tonidandel & LeBreton 2010):

1. Standardize the driver items :math:`X` (complete cases) and take their correlation matrix
   :math:`R = P\\Lambda P^\\top`.
2. Build the orthogonal counterparts :math:`Z = X R^{-1/2}` (the uncorrelated variables
   closest to :math:`X` in least squares) and :math:`\\Lambda^* = R^{1/2}`, whose squared
   entries :math:`\\lambda^{*2}_{jk}` give how much :math:`X_j` loads on :math:`Z_k`.
3. Regress the outcome on :math:`Z`. Linear: :math:`\\beta_k = r(Z_k, y)`. Logistic: fit
   :math:`\\operatorname{logit} P(y=1) = a + Z b` and fully standardize,
   :math:`\\beta_k = b_k\\,s_{Z_k}\\,R_O / s_{\\hat\\eta}` with :math:`R_O = r(y, \\hat p)` and
   :math:`\\hat\\eta` the fitted linear predictor (Menard 2004).
4. Raw relative weight :math:`\\varepsilon_j = \\sum_k \\lambda^{*2}_{jk}\\beta_k^2`; the weights
   sum to :math:`R^2` (linear) or :math:`R_O^2` (logistic). ``share`` is
   :math:`\\varepsilon_j / \\sum \\varepsilon`.

Limits (see :data:`LIMITS`): the weights describe association in this sample, not cause;
they apportion explained variance among correlated items and do not say what would happen
if one item changed; they are unstable in small samples (``min_n``) and with few burned-out
or few not-burned-out respondents (``min_events``); they assume no interactions.

References
----------
Johnson JW. A heuristic method for estimating the relative weight of predictor variables in
multiple regression. Multivariate Behav Res 2000;35:1-19.
Tonidandel S, LeBreton JM. Determining the relative importance of predictors in logistic
regression: an extension of relative weight analysis. Organ Res Methods 2010;13:767-781.
Menard S. Six approaches to calculating standardized logistic regression coefficients.
Am Stat 2004;58:218-223.
McCullagh P, Nelder JA. Generalized Linear Models. 2nd ed. Chapman & Hall; 1989.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import expit

from clinwell.stats._common import StatsInputError

FloatArray = npt.NDArray[np.float64]

LIMITS = (
    "Relative weights show how much each driver item is associated with burnout in this "
    "sample, sharing out the explained variance among items that are correlated with each "
    "other. They are not causal effects and do not predict the result of changing one item. "
    "They are unstable in small groups or when few (or almost all) respondents are burned "
    "out, and they ignore interactions between items."
)


class DriverInputError(StatsInputError):
    """The data cannot support a key-driver analysis (too few cases, collinear items, ...)."""


@dataclass(frozen=True)
class DriverImportance:
    """One driver item: raw relative weight, its share of the total, rank (1 = most) and
    ``direction`` (+1 if higher item scores go with more of the outcome, else -1)."""

    name: str
    weight: float
    share: float
    rank: int
    direction: int


@dataclass(frozen=True)
class DriverAnalysis:
    """Ranked drivers (most important first) and the fit they share out."""

    method: str
    drivers: tuple[DriverImportance, ...]
    r_squared: float
    n: int
    outcome_rate: float
    limits: str = LIMITS


def _orthogonal(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    sd = x.std(axis=0, ddof=1)
    if np.any(sd == 0.0):
        raise DriverInputError("a driver item has no variation in these responses")
    xs = (x - x.mean(axis=0)) / sd
    corr = xs.T @ xs / (x.shape[0] - 1)
    eigvals, vecs = np.linalg.eigh(corr)
    if eigvals.min() <= 1e-10:
        raise DriverInputError("driver items are perfectly collinear")
    root = vecs @ np.diag(np.sqrt(eigvals)) @ vecs.T
    inv_root = vecs @ np.diag(1.0 / np.sqrt(eigvals)) @ vecs.T
    return xs @ inv_root, root


LOGISTIC_TOLERANCE = 1e-10
"""Newton's method stops when no coefficient moves by more than this."""
LOGISTIC_MAX_STEPS = 100


def _logistic_fit(design: FloatArray, y: FloatArray) -> FloatArray:
    """Maximum-likelihood coefficients of the logistic regression of ``y`` on ``design``, by
    Newton's method (iteratively reweighted least squares; McCullagh & Nelder 1989, §4.4),
    from zero: ``β ← β + (XᵀWX)⁻¹Xᵀ(y − p)`` with ``p = expit(Xβ)``, ``W = diag(p(1 − p))``.

    The log-likelihood is concave, so the steps converge (quadratically) whenever the MLE
    exists; when the items separate the outcome perfectly it does not, and that is an
    input error. (statsmodels' ``Logit`` gives the same coefficients; this avoids its
    per-fit set-up, most of the cost of a driver analysis of a small group.)
    """
    beta = np.zeros(design.shape[1])
    for _ in range(LOGISTIC_MAX_STEPS):
        prob = expit(design @ beta)
        weight = prob * (1.0 - prob)
        hessian = design.T @ (design * weight[:, None])
        try:
            step = np.linalg.solve(hessian, design.T @ (y - prob))
        except np.linalg.LinAlgError:
            break
        beta = beta + step
        if not np.all(np.isfinite(beta)):
            break
        if float(np.abs(step).max()) < LOGISTIC_TOLERANCE:
            return beta
    raise DriverInputError(
        "the logistic model did not converge: the driver items separate burned-out from "
        "other respondents perfectly"
    )


def relative_weights(
    drivers: npt.ArrayLike,
    outcome: npt.ArrayLike,
    names: Sequence[str],
    model: Literal["logistic", "linear"] = "logistic",
    min_n: int = 30,
    min_events: int = 10,
) -> DriverAnalysis:
    """Relative-weight analysis of ``outcome`` on the ``drivers`` columns (``names``).

    Rows with any missing value are dropped. ``model="logistic"`` needs a 0/1 outcome with
    at least ``min_events`` respondents in each outcome group.
    """
    x = np.asarray(drivers, dtype=np.float64)
    y = np.asarray(outcome, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != len(names) or y.shape != (x.shape[0],):
        raise DriverInputError("drivers must be (n, len(names)) and outcome must have n values")
    keep = ~(np.isnan(x).any(axis=1) | np.isnan(y))
    x, y = x[keep], y[keep]
    n = x.shape[0]
    if n < max(min_n, x.shape[1] + 2):
        raise DriverInputError(
            f"need at least {max(min_n, x.shape[1] + 2)} complete cases, got {n}"
        )
    if model == "logistic":  # the outcome's checks first: they are cheap
        if np.any((y != 0.0) & (y != 1.0)):
            raise DriverInputError("outcome must be 0/1 for the logistic model")
        events = int(y.sum())
        if min(events, n - events) < min_events:
            raise DriverInputError(
                f"need at least {min_events} respondents with and without the outcome, "
                f"got {events} and {n - events}"
            )
    elif float(y.std()) == 0.0:
        raise DriverInputError("outcome has no variation")
    z, root = _orthogonal(x)
    if model == "logistic":
        design = np.column_stack([np.ones(n), z])
        params = _logistic_fit(design, y)
        eta = design @ params
        prob = expit(eta)
        r_o = float(np.corrcoef(y, prob)[0, 1])
        b = params[1:]
        beta = b * z.std(axis=0, ddof=1) * r_o / float(eta.std(ddof=1))
        method = "relative weights, logistic (Johnson 2000; Tonidandel & LeBreton 2010)"
    else:
        # z's columns are uncorrelated with unit variance: corr(z_k, y) = cov(z_k, y) / sd(y)
        centred = y - y.mean()
        beta = (z - z.mean(axis=0)).T @ centred / (n - 1) / float(y.std(ddof=1))
        method = "relative weights, linear (Johnson 2000)"
    eps = np.square(root) @ np.square(beta)
    total = float(eps.sum())
    order = np.argsort(-eps, kind="stable")
    ranks = np.empty(len(names), dtype=int)
    ranks[order] = np.arange(1, len(names) + 1)
    # the sign of each item's correlation with the outcome is the sign of their covariance
    covariance = (x - x.mean(axis=0)).T @ (y - y.mean())
    direction = [1 if c >= 0 else -1 for c in covariance.tolist()]
    items = [
        DriverImportance(
            name=names[j],
            weight=float(eps[j]),
            share=float(eps[j] / total) if total > 0 else 0.0,
            rank=int(ranks[j]),
            direction=direction[j],
        )
        for j in order
    ]
    return DriverAnalysis(method, tuple(items), total, n, float(y.mean()))
