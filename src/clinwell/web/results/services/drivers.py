"""Key-driver analysis of burnout for the organization, units and groups large enough.

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

Groups. A published group cell (a unit's physicians, the women of a department, ...) gets
its own analysis by the same rule, on exactly that group's respondents: the unit's members
whose role and attribute values are the group's, with attribute values fewer than ``k``
respondents gave merged into "not stated" as the release merged them
(:func:`~clinwell.web.results.services.gate.coarsened`), so the rows are the very respondents
the released cell counts; cells of exactly the same respondents (the organization and a
single root unit, a group that is everyone) share one analysis. Groups are analysed at
units of depth at most :data:`GROUP_DEPTH` only — the organization, a system's root and its
sites — because each analysis costs time in proportion to its rows (measured at 100,000
responses in docs/performance.md); a group deeper down is labelled so (``capped``) and the
page shows its unit's importance with the group's own scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from clinwell.stats import StatsInputError, relative_weights
from clinwell.web.results.models import group_pairs
from clinwell.web.results.services.catalog import MeasureInfo
from clinwell.web.results.services.gate import ROLE, TENURE, CellData, coarsened
from clinwell.web.results.services.loading import WaveData

EVENTS_PER_DRIVER = 5
GROUP_DEPTH: int | None = 2
"""Group cells (unit x role / attribute) get an analysis at units of at most this depth
(the organization is 0, a root unit 1, its children 2; None = every unit)."""
CAPPED = (
    "groups get a driver analysis of their own at the organization and its top two levels "
    "of units only"
)
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


class _Rows:
    """Boolean row masks of units (members of the subtree) and of group values, memoized."""

    def __init__(self, data: WaveData, descendants: dict[int, set[int]], k: int) -> None:
        self.data = data
        self.descendants = descendants
        self.k = k
        self._units: dict[int | None, npt.NDArray[np.bool_]] = {}
        self._values: dict[tuple[str, str], npt.NDArray[np.bool_]] = {}
        self._columns: dict[str, npt.NDArray[np.str_]] = {}

    def unit(self, unit_id: int | None) -> npt.NDArray[np.bool_]:
        if unit_id not in self._units:
            if unit_id is None:
                mask = np.ones(self.data.size, dtype=bool)
            else:
                ids = self.descendants.get(unit_id, {unit_id})
                mask = np.isin(self.data.unit_ids, np.fromiter(ids, dtype=np.int64))
            self._units[unit_id] = mask
        return self._units[unit_id]

    def _column(self, name: str) -> npt.NDArray[np.str_]:
        """The dimension's values per response exactly as the release grouped them."""
        if name not in self._columns:
            if name == ROLE:
                values: list[str] = list(self.data.roles)
            elif name == TENURE:
                values = coarsened(self.data.tenure_bands, self.k)
            else:
                values = coarsened(self.data.attributes.get(name, ()), self.k)
            self._columns[name] = np.asarray(values, dtype=str)
        return self._columns[name]

    def value(self, name: str, value: str) -> npt.NDArray[np.bool_]:
        if (name, value) not in self._values:
            column = self._column(name)
            if column.size != self.data.size:  # an attribute this wave did not ask
                self._values[name, value] = np.zeros(self.data.size, dtype=bool)
            else:
                self._values[name, value] = column == value
        return self._values[name, value]

    def cell(self, cell: CellData) -> npt.NDArray[np.bool_]:
        """Exactly the respondents the cell counts: unit members AND the group's values."""
        rows = self.unit(cell.unit_id)
        for name, value in group_pairs(cell.group):
            rows = rows & self.value(name, value)
        return rows


def _depth(unit_id: int | None, depths: dict[int, int]) -> int:
    return 0 if unit_id is None else depths.get(unit_id, 0)


def attach_drivers(
    cells: Sequence[CellData],
    data: WaveData,
    descendants: dict[int, set[int]],
    measures: Sequence[MeasureInfo],
    k: int = 1,
    depths: dict[int, int] | None = None,
    group_depth: int | None = GROUP_DEPTH,
) -> None:
    """Set ``drivers`` on every published cell large enough: the organization, units, and
    groups (``cell.group``) at units of depth at most ``group_depth``.

    ``k``: the wave's score threshold (attribute values fewer respondents gave were merged
    into "not stated" by the release); ``depths``: unit id -> depth (the organization is 0).
    """
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
            if cell.unit_id is None and not cell.group:
                cell.drivers = _unavailable(reason)
        return
    needed = EVENTS_PER_DRIVER * len(drivers)
    x_all = np.column_stack([data.values[d.column] for d in drivers])
    y_all = data.values[outcome.column]
    masks = _Rows(data, descendants, k)
    done: dict[bytes, dict[str, Any]] = {}  # the same respondents are analysed once
    for cell in cells:
        if cell.suppressed:
            continue  # a hidden group never gets an analysis
        if (
            cell.group
            and group_depth is not None
            and _depth(cell.unit_id, depths or {}) > group_depth
        ):
            cell.drivers = {**_unavailable(CAPPED), "capped": True}
            continue
        problem = _events_ok(cell, outcome, needed)
        if problem is not None:
            cell.drivers = _unavailable(problem)
            continue
        rows = masks.cell(cell)
        key = np.packbits(rows).tobytes()
        if key not in done:
            done[key] = analyse(x_all[rows], y_all[rows], drivers)
        cell.drivers = dict(done[key])
        cell.drivers["outcome"] = outcome.column
