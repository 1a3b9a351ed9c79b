"""Benjamini–Hochberg false-discovery-rate control.

For ordered p-values :math:`p_{(1)} \\le \\dots \\le p_{(m)}` the adjusted values are
:math:`\\tilde p_{(i)} = \\min_{j \\ge i} \\min(1, m\\,p_{(j)}/j)`; hypothesis :math:`i` is
rejected at level :math:`q` when :math:`\\tilde p_i \\le q`. Used when a heatmap marks units
as significantly above or below the organization.

References
----------
Benjamini Y, Hochberg Y. Controlling the false discovery rate: a practical and powerful
approach to multiple testing. J R Stat Soc B 1995;57:289-300.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clinwell.stats._common import StatsInputError


@dataclass(frozen=True)
class BHResult:
    """Adjusted p-values (input order) and which hypotheses are rejected at ``q``."""

    adjusted: tuple[float, ...]
    rejected: tuple[bool, ...]
    q: float


def benjamini_hochberg(p_values: npt.ArrayLike, q: float = 0.05) -> BHResult:
    """Benjamini–Hochberg step-up adjustment of ``p_values`` at FDR level ``q``."""
    p = np.asarray(p_values, dtype=np.float64).ravel()
    if not 0.0 < q < 1.0:
        raise StatsInputError(f"q must be between 0 and 1, got {q!r}")
    if np.any(np.isnan(p)) or np.any((p < 0.0) | (p > 1.0)):
        raise StatsInputError("p-values must be numbers between 0 and 1")
    m = p.size
    if m == 0:
        return BHResult((), (), q)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    monotone = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(monotone, 1.0)
    return BHResult(tuple(float(a) for a in adjusted), tuple(bool(a <= q) for a in adjusted), q)
