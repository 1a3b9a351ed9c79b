"""Key-driver analysis of burnout for the organization and for units large enough.

Uses :func:`clinwell.stats.relative_weights` (relative-weight analysis on a logistic model,
Johnson 2000; Tonidandel & LeBreton 2010) with the driver-tagged scores as predictors and the
wave's burnout KPI flag as the outcome.

Privacy: the gate releases proportions and means, not model weights. A driver analysis is
therefore run only for a population whose cell the gate *published* (so the population is
at least the score threshold and not derivable as a small group), and only its shares, ranks
and directions are shown — never the complete-case count or the model's own outcome rate.
"Large enough" follows the events-per-variable rule: at least ``EVENTS_PER_DRIVER``
burned-out *and* not-burned-out respondents per driver item among complete answers, checked
first on the released burnout proportion. Five per variable is the lower bound Vittinghoff &
McCulloch found acceptable for logistic models (Am J Epidemiol 2007;165:710-718); Peduzzi et
al.'s stricter 10 (J Clin Epidemiol 1996;49:1373-9) would leave most real units without one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from clinwell.stats import StatsInputError, relative_weights
from clinwell.web.results.services.catalog import MeasureInfo
from clinwell.web.results.services.gate import CellData
from clinwell.web.results.services.loading import WaveData

EVENTS_PER_DRIVER = 5
MIN_N = 30
MIN_ANSWERED = 0.8
"""Driver items answered by fewer respondents than this (organization-wide) are left out, so
optional items do not shrink the complete cases to nothing."""


def _unavailable(reason: str) -> dict[str, Any]:
    return {"unavailable": reason}


def _events_ok(cell: CellData, outcome: MeasureInfo, needed: int) -> str | None:
    est = cell.estimates.get(outcome.column)
    if not est or est["estimate"] is None:
        return "burnout is not published for this group"
    events = float(est["estimate"]) * int(est["n"])
    if min(events, int(est["n"]) - events) < needed:
        return (
            f"needs at least {needed} respondents with and without burnout "
            f"({EVENTS_PER_DRIVER} per driver item)"
        )
    return None


def analyse(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], drivers: Sequence[MeasureInfo]
) -> dict[str, Any]:
    """Relative weights of ``drivers`` for outcome ``y`` as JSON-ready data."""
    needed = EVENTS_PER_DRIVER * len(drivers)
    try:
        result = relative_weights(x, y, [d.column for d in drivers], min_n=MIN_N, min_events=needed)
    except StatsInputError:
        # The message may quote complete-case counts, which the gate did not release.
        return _unavailable(
            "too few complete answers to the driver items (or items that do not vary) "
            "for a stable analysis"
        )
    info = {d.column: d for d in drivers}
    return {
        "method": result.method,
        "limits": result.limits,
        "r_squared": round(result.r_squared, 6),
        "drivers": [
            {
                "column": d.name,
                "label": info[d.name].label,
                "domain": info[d.name].domain,
                "share": round(d.share, 6),
                "rank": d.rank,
                "direction": d.direction,
                "higher_is_worse": info[d.name].higher_is_worse,
            }
            for d in result.drivers
        ],
    }


def attach_drivers(
    cells: Sequence[CellData],
    data: WaveData,
    descendants: dict[int, set[int]],
    measures: Sequence[MeasureInfo],
) -> None:
    """Set ``drivers`` on the organization cell and on every published cell large enough."""
    outcome = next((m for m in measures if m.kpi == "burnout" and m.headline == "kpi"), None)
    drivers = [
        m
        for m in measures
        if m.driver
        and data.size
        and float(np.mean(~np.isnan(data.values[m.column]))) >= MIN_ANSWERED
    ]
    if outcome is None or not drivers:
        reason = "the wave has no burnout measure" if outcome is None else "no driver items"
        for cell in cells:
            if cell.unit_id is None:
                cell.drivers = _unavailable(reason)
        return
    needed = EVENTS_PER_DRIVER * len(drivers)
    x_all = np.column_stack([data.values[d.column] for d in drivers])
    y_all = data.values[outcome.column]
    for cell in cells:
        if cell.suppressed:
            continue
        problem = _events_ok(cell, outcome, needed)
        if problem is not None:
            cell.drivers = _unavailable(problem)
            continue
        if cell.unit_id is None:
            rows = np.ones(data.size, dtype=bool)
        else:
            members = np.fromiter(descendants.get(cell.unit_id, {cell.unit_id}), dtype=np.int64)
            rows = np.isin(data.unit_ids, members)
        cell.drivers = analyse(x_all[rows], y_all[rows], drivers)
        cell.drivers["outcome"] = outcome.column
