"""Internal consistency: Cronbach's alpha.

For :math:`k` items with item variances :math:`s_i^2` and total-score variance
:math:`s_T^2` (complete cases only),

.. math:: \\alpha = \\frac{k}{k-1}\\left(1 - \\frac{\\sum_i s_i^2}{s_T^2}\\right).

The confidence interval is Feldt's: with :math:`n` respondents,
:math:`1 - (1-\\alpha) F_{1-a/2}` to :math:`1 - (1-\\alpha) F_{a/2}` where :math:`F` has
:math:`(n-1, (n-1)(k-1))` degrees of freedom.

References
----------
Cronbach LJ. Coefficient alpha and the internal structure of tests.
Psychometrika 1951;16:297-334.
Feldt LS, Woodruff DJ, Salih FA. Statistical inference for coefficient alpha.
Appl Psychol Meas 1987;11:93-103.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from clinwell.stats._common import StatsInputError, check_confidence


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha with Feldt interval; ``n`` counts complete cases."""

    alpha: float
    lower: float
    upper: float
    n: int
    items: int
    confidence: float


def cronbach_alpha(items: npt.ArrayLike, confidence: float = 0.95) -> AlphaResult:
    """Cronbach's alpha of an ``(n_respondents, k_items)`` matrix (rows with NaN dropped)."""
    check_confidence(confidence)
    x = np.asarray(items, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] < 2:
        raise StatsInputError("items must be a 2-D array with at least two item columns")
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if n < 2:
        raise StatsInputError(f"need at least 2 complete responses, got {n}")
    total_var = float(x.sum(axis=1).var(ddof=1))
    if total_var == 0.0:
        raise StatsInputError("total score has zero variance; alpha is undefined")
    alpha = k / (k - 1) * (1.0 - float(x.var(axis=0, ddof=1).sum()) / total_var)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1.0 - confidence) / 2.0
    lower = 1.0 - (1.0 - alpha) * float(special.fdtri(df1, df2, 1.0 - tail))
    upper = 1.0 - (1.0 - alpha) * float(special.fdtri(df1, df2, tail))
    return AlphaResult(alpha, lower, upper, n, k, confidence)
