"""Which units differ from the rest of the organization, after Benjamini–Hochberg control.

For every published unit cell and heatmap measure, the unit is compared with the *rest of
the organization* (organization minus the unit — independent groups), using only released
numbers: counts ``x = round(p n)`` for proportions, and for means the rest's mean and SD from
the released sums, :math:`\\bar x_r = (n_o\\bar x_o - n_u\\bar x_u)/n_r` and
:math:`s_r^2 = (SS_o - SS_u - n_r\\bar x_r^2)/(n_r-1)` with :math:`SS = (n-1)s^2 + n\\bar x^2`.
Tests: pooled two-proportion z test, Welch t test (:mod:`clinwell.stats.change`). The p-values of
all tests in the wave's heatmap (every unit x measure) form one family, adjusted with
Benjamini–Hochberg (:func:`clinwell.stats.benjamini_hochberg`); a mark is set where the
adjusted value is at most ``q``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from clinwell.stats import (
    benjamini_hochberg,
    mean_difference_p_values,
    proportion_difference_p_values,
)
from clinwell.web.results.services.catalog import MeasureInfo
from clinwell.web.results.services.gate import CellData

Q_LEVEL = 0.05
FloatArray = npt.NDArray[np.float64]


def rest_p_values(
    units: Sequence[dict[str, Any]], org: dict[str, Any], proportion: bool
) -> FloatArray:
    """p-values of each unit estimate against the rest of the organization (NaN = no test).

    No test when either group has fewer than 2 respondents, or (means) an SD is missing.
    """
    n_u = np.array([int(u["n"]) for u in units], dtype=np.float64)
    m_u = np.array([float(u["estimate"]) for u in units], dtype=np.float64)
    n_o, m_o = float(org["n"]), float(org["estimate"])
    n_r = n_o - n_u
    out = np.full(n_u.size, np.nan)
    if proportion:
        x_u = np.rint(m_u * n_u)
        x_r = np.rint(m_o * n_o) - x_u
        ok = (n_u >= 2) & (n_r >= 2) & (x_r >= 0) & (x_r <= n_r)
        out[ok] = proportion_difference_p_values(x_u[ok], n_u[ok], x_r[ok], n_r[ok])
        return out
    if org.get("sd") is None:
        return out
    sd_u = np.array([np.nan if u.get("sd") is None else float(u["sd"]) for u in units])
    sd_o = float(org["sd"])
    ok = (n_u >= 2) & (n_r >= 2) & ~np.isnan(sd_u)
    with np.errstate(divide="ignore", invalid="ignore"):
        ss_u = (n_u - 1) * sd_u**2 + n_u * m_u**2
        ss_o = (n_o - 1) * sd_o**2 + n_o * m_o**2
        m_r = (n_o * m_o - n_u * m_u) / n_r
        sd_r = np.sqrt(np.maximum((ss_o - ss_u - n_r * m_r**2) / (n_r - 1), 0.0))
    out[ok] = mean_difference_p_values(m_u[ok], sd_u[ok], n_u[ok], m_r[ok], sd_r[ok], n_r[ok])
    return out


def _rest_p_value(unit: dict[str, Any], org: dict[str, Any], proportion: bool) -> float | None:
    """:func:`rest_p_values` for one unit (``None`` = no test)."""
    p = float(rest_p_values([unit], org, proportion)[0])
    return None if np.isnan(p) else p


def mark_cells(
    cells: Sequence[CellData], measures: Sequence[MeasureInfo], q: float = Q_LEVEL
) -> int:
    """Set ``marks`` on unit cells; return the number of tests in the BH family.

    The family is ordered cell by cell, measure by measure (the order does not change BH).
    """
    org = next((c for c in cells if c.unit_id is None), None)
    if org is None or org.suppressed:
        return 0
    units = [c for c in cells if c.unit_id is not None and not c.suppressed]
    found: dict[tuple[int, int], tuple[float, float]] = {}
    for j, m in enumerate(measures):
        org_est = org.estimates.get(m.column)
        if not org_est or org_est["estimate"] is None:
            continue
        rows = [
            (i, est)
            for i, cell in enumerate(units)
            if (est := cell.estimates.get(m.column)) and est["estimate"] is not None
        ]
        if not rows:
            continue
        p_values = rest_p_values([est for _, est in rows], org_est, m.is_proportion)
        for (i, est), p in zip(rows, p_values.tolist(), strict=True):
            if not np.isnan(p):
                found[(i, j)] = (p, float(est["estimate"]) - float(org_est["estimate"]))
    if not found:
        return 0
    keys = sorted(found)
    result = benjamini_hochberg([found[key][0] for key in keys], q=q)
    for (i, j), adjusted, rejected in zip(keys, result.adjusted, result.rejected, strict=True):
        p, diff = found[(i, j)]
        if rejected and diff != 0:
            units[i].marks[measures[j].column] = {
                "direction": "above" if diff > 0 else "below",
                "p": round(p, 6),
                "q": round(adjusted, 6),
            }
    return len(keys)
