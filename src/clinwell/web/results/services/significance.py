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

import math
from collections.abc import Sequence
from typing import Any

from clinwell.stats import (
    StatsInputError,
    benjamini_hochberg,
    mean_difference,
    proportion_difference,
)
from clinwell.web.results.services.catalog import MeasureInfo
from clinwell.web.results.services.gate import CellData

Q_LEVEL = 0.05


def _rest_p_value(unit: dict[str, Any], org: dict[str, Any], proportion: bool) -> float | None:
    n_u, n_o = int(unit["n"]), int(org["n"])
    n_r = n_o - n_u
    if n_u < 2 or n_r < 2:
        return None
    m_u, m_o = float(unit["estimate"]), float(org["estimate"])
    try:
        if proportion:
            x_u, x_o = round(m_u * n_u), round(m_o * n_o)
            return proportion_difference(x_u, n_u, x_o - x_u, n_r).p_value
        if unit.get("sd") is None or org.get("sd") is None:
            return None
        ss_u = (n_u - 1) * float(unit["sd"]) ** 2 + n_u * m_u**2
        ss_o = (n_o - 1) * float(org["sd"]) ** 2 + n_o * m_o**2
        m_r = (n_o * m_o - n_u * m_u) / n_r
        var_r = max((ss_o - ss_u - n_r * m_r**2) / (n_r - 1), 0.0)
        return mean_difference(m_u, float(unit["sd"]), n_u, m_r, math.sqrt(var_r), n_r).p_value
    except StatsInputError:
        return None


def mark_cells(
    cells: Sequence[CellData], measures: Sequence[MeasureInfo], q: float = Q_LEVEL
) -> int:
    """Set ``marks`` on unit cells; return the number of tests in the BH family."""
    org = next((c for c in cells if c.unit_id is None), None)
    if org is None or org.suppressed:
        return 0
    tests: list[tuple[CellData, MeasureInfo, float, float]] = []
    for cell in cells:
        if cell.unit_id is None or cell.suppressed:
            continue
        for m in measures:
            unit_est, org_est = cell.estimates.get(m.column), org.estimates.get(m.column)
            if not unit_est or not org_est or unit_est["estimate"] is None:
                continue
            if org_est["estimate"] is None:
                continue
            p = _rest_p_value(unit_est, org_est, m.is_proportion)
            if p is not None:
                tests.append((cell, m, p, float(unit_est["estimate"]) - float(org_est["estimate"])))
    if not tests:
        return 0
    result = benjamini_hochberg([t[2] for t in tests], q=q)
    for (cell, m, p, diff), adjusted, rejected in zip(
        tests, result.adjusted, result.rejected, strict=True
    ):
        if rejected and diff != 0:
            cell.marks[m.column] = {
                "direction": "above" if diff > 0 else "below",
                "p": round(p, 6),
                "q": round(adjusted, 6),
            }
    return len(tests)
