"""Random-effects meta-analysis of the impacts members measured for one intervention.

Each system ``i`` (of ``k``) reports a difference-in-differences estimate ``y_i`` with
standard error ``s_i`` (``v_i = s_i²``). With fixed-effect weights ``w_i = 1/v_i``::

    ȳ_FE = Σ w_i y_i / Σ w_i,    Q = Σ w_i (y_i − ȳ_FE)²,    df = k − 1.

The between-system variance ``τ²`` is estimated by

- DerSimonian–Laird (``method="dl"``, the default): ``τ² = max(0, (Q − df) / C)`` with
  ``C = Σ w_i − Σ w_i² / Σ w_i`` (DerSimonian & Laird 1986);
- Paule–Mandel (``method="pm"``): the ``τ² ≥ 0`` solving
  ``Σ (y_i − ȳ(τ²))² / (v_i + τ²) = k − 1`` (Paule & Mandel 1982), 0 when even ``τ² = 0``
  leaves the left side below ``k − 1``.

Then, with random-effects weights ``w*_i = 1 / (v_i + τ²)``::

    ȳ_RE = Σ w*_i y_i / Σ w*_i,    SE = √(1 / Σ w*_i),    ȳ_RE ± z_{1−α/2} · SE,

heterogeneity ``I² = max(0, (Q − df) / Q)`` (Higgins & Thompson 2002) with the Q-test
p-value ``P(χ²_df > Q)``, and for ``k ≥ 3`` the 95% prediction interval of the effect in a
new system ``ȳ_RE ± t_{k−2} √(τ² + SE²)`` (Higgins, Thompson & Spiegelhalter 2009).

These equal ``statsmodels.stats.meta_analysis.combine_effects`` with ``method_re="chi2"``
(DL) and ``"iterated"`` (PM); the tests check it.

References
----------
DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials 1986;7:177-188.
Paule RC, Mandel J. Consensus values and weighting factors. J Res Natl Bur Stand
1982;87:377-385.
Higgins JPT, Thompson SG. Quantifying heterogeneity in a meta-analysis. Stat Med
2002;21:1539-1558.
Higgins JPT, Thompson SG, Spiegelhalter DJ. A re-evaluation of random-effects meta-analysis.
J R Stat Soc A 2009;172:137-159.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import optimize, stats

METHODS: Final = ("dl", "pm")


class MetaAnalysisError(ValueError):
    """Input a meta-analysis cannot use; the message names the argument."""


@dataclass(frozen=True)
class MetaResult:
    """A random-effects summary (see the module docstring for each quantity)."""

    k: int
    estimate: float
    se: float
    lower: float
    upper: float
    tau2: float
    i2: float
    q: float
    df: int
    p_heterogeneity: float
    fixed_estimate: float
    fixed_se: float
    weights: tuple[float, ...]
    prediction_lower: float | None
    prediction_upper: float | None
    confidence: float
    method: str


def _tau2_dl(y: npt.NDArray[np.float64], v: npt.NDArray[np.float64]) -> float:
    w = 1.0 / v
    fixed = float(w @ y / w.sum())
    q = float(w @ (y - fixed) ** 2)
    c = float(w.sum() - (w * w).sum() / w.sum())
    return max(0.0, (q - (y.size - 1)) / c) if c > 0 else 0.0


def _pm_gap(tau2: float, y: npt.NDArray[np.float64], v: npt.NDArray[np.float64]) -> float:
    w = 1.0 / (v + tau2)
    mean = float(w @ y / w.sum())
    return float(w @ (y - mean) ** 2) - (y.size - 1)


def _tau2_pm(y: npt.NDArray[np.float64], v: npt.NDArray[np.float64]) -> float:
    if _pm_gap(0.0, y, v) <= 0:
        return 0.0
    upper = max(float(np.var(y, ddof=1)), 1e-12) * 10 + float(v.max())
    while _pm_gap(upper, y, v) > 0:  # the gap falls to −(k−1) as τ² grows: widen until it is < 0
        upper *= 10
    return float(optimize.brentq(_pm_gap, 0.0, upper, args=(y, v), xtol=1e-14, rtol=1e-12))


def random_effects(
    estimates: npt.ArrayLike,
    standard_errors: npt.ArrayLike,
    *,
    method: str = "dl",
    confidence: float = 0.95,
) -> MetaResult:
    """Pool ``k ≥ 2`` estimates with a random-effects model (see the module docstring).

    Raises :class:`MetaAnalysisError` for fewer than two estimates, mismatched lengths,
    non-finite values, a standard error ≤ 0, an unknown ``method`` or a bad ``confidence``.
    """
    y = np.asarray(estimates, dtype=np.float64).ravel()
    s = np.asarray(standard_errors, dtype=np.float64).ravel()
    if y.size != s.size:
        raise MetaAnalysisError(
            f"estimates and standard_errors differ in length ({y.size} vs {s.size})"
        )
    if y.size < 2:
        raise MetaAnalysisError(f"a meta-analysis needs at least 2 estimates, got {y.size}")
    if not (np.isfinite(y).all() and np.isfinite(s).all()):
        raise MetaAnalysisError("estimates and standard_errors must be finite numbers")
    if (s <= 0).any():
        raise MetaAnalysisError("standard_errors must all be greater than 0")
    if method not in METHODS:
        raise MetaAnalysisError(f"method must be one of {METHODS}, got {method!r}")
    if not 0.0 < confidence < 1.0:
        raise MetaAnalysisError(f"confidence must be between 0 and 1, got {confidence}")
    v = s * s
    w = 1.0 / v
    fixed = float(w @ y / w.sum())
    fixed_se = math.sqrt(1.0 / float(w.sum()))
    q = float(w @ (y - fixed) ** 2)
    df = y.size - 1
    tau2 = _tau2_dl(y, v) if method == "dl" else _tau2_pm(y, v)
    w_re = 1.0 / (v + tau2)
    estimate = float(w_re @ y / w_re.sum())
    se = math.sqrt(1.0 / float(w_re.sum()))
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    pred_lower = pred_upper = None
    if y.size >= 3:
        half = float(stats.t.ppf(0.5 + confidence / 2.0, y.size - 2)) * math.sqrt(tau2 + se * se)
        pred_lower, pred_upper = estimate - half, estimate + half
    return MetaResult(
        k=int(y.size),
        estimate=estimate,
        se=se,
        lower=estimate - z * se,
        upper=estimate + z * se,
        tau2=tau2,
        i2=i2,
        q=q,
        df=df,
        p_heterogeneity=float(stats.chi2.sf(q, df)),
        fixed_estimate=fixed,
        fixed_se=fixed_se,
        weights=tuple(float(x) for x in w_re / w_re.sum()),
        prediction_lower=pred_lower,
        prediction_upper=pred_upper,
        confidence=confidence,
        method=method,
    )
