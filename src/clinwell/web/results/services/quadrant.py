"""Importance next to performance on the drivers page: the quadrant chart and its table.

Importance is a driver analysis's share of explained variance (the group's own analysis, or
the organization's for a unit too small for its own, labelled so). Performance is read from
released cells only: the group's released mean of each driver item, against the
organization's released mean and standard deviation (Glass's delta) for a unit, or on the
item's own rating scale (percent of maximum possible) for the organization itself. Formulas:
:mod:`clinwell.stats.quadrant`.

A national figure is shown for a driver item only where one is cited in
:mod:`clinwell.knowledge` for a flag of the same scale (e.g. feeling valued), and only for a
population of physicians: the AMA figures describe physicians, and a mixed population is
never compared with them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from clinwell.instruments import UnknownInstrumentError, get_instrument
from clinwell.stats import importance_performance, pomp, relative_performance
from clinwell.web.results import charts
from clinwell.web.results.models import PublishedCell
from clinwell.web.results.services.cache import WaveResults
from clinwell.web.results.services.catalog import MeasureInfo
from clinwell.web.results.services.present import fmt_interval, fmt_value, national_comparison

QUADRANT_LABELS = {
    "concentrate": "Concentrate here",
    "keep_up": "Keep up the good work",
    "low_priority": "Low priority",
    "possible_overkill": "Possible overkill",
}
QUADRANT_HELP = {
    "concentrate": "more important than average, and scored below the reference",
    "keep_up": "more important than average, and scored at or above the reference",
    "low_priority": "less important than average, and scored below the reference",
    "possible_overkill": "less important than average, and scored at or above the reference",
}


def _scale_id(m: MeasureInfo) -> str:
    return m.column.split(".", 1)[1] if "." in m.column else m.column


def on_rating_scale(m: MeasureInfo) -> bool:
    """Whether every item of the measure's scale is answered on a bounded choice scale (so
    its percent of maximum possible means something; counts and hours are not)."""
    try:
        instrument = get_instrument(m.instrument)
        scale = instrument.scale(_scale_id(m))
        return m.low is not None and all(instrument.item(i).type == "choice" for i in scale.items)
    except (UnknownInstrumentError, KeyError):
        return False


def kpi_flag(res: WaveResults, m: MeasureInfo) -> MeasureInfo | None:
    """The KPI flag cut from the same scale as driver ``m`` (e.g. "feels valued"), if any."""
    try:
        outputs = get_instrument(m.instrument).outputs()
    except UnknownInstrumentError:
        return None
    scale = _scale_id(m)
    for out in outputs:
        if out.kind == "flag" and out.scale == scale and out.tags.kpi:
            return res.measure(out.name)
    return None


def _estimate(cell: PublishedCell | None, column: str) -> dict[str, Any] | None:
    if cell is None or cell.suppressed:
        return None
    est = cell.estimates.get(column)
    return est if est and est.get("estimate") is not None else None


def _value(est: dict[str, Any] | None, key: str = "estimate") -> float:
    if not est or est.get(key) is None:
        return float("nan")
    return float(est[key])


def quadrant_data(
    res: WaveResults,
    cell: PublishedCell,
    drivers: list[dict[str, Any]],
    *,
    relative: bool,
    physicians_only: bool = False,
) -> dict[str, Any]:
    """Rows of the importance-performance table and the quadrant chart's spec.

    ``drivers``: the analysis's driver entries (``column``, ``label``, ``share``, ``rank``).
    ``relative``: a unit against the organization (Glass's delta) instead of the
    organization on the items' own scales (POMP). ``physicians_only``: the group is
    physicians only, so a national physician figure is a like-for-like comparison.
    """
    org = res.cell(None)
    if org is None or org.suppressed or org.n == cell.n:
        relative = False  # no released reference, or the same population (a single root unit)
    measures = [res.measure(d["column"]) for d in drivers]
    known = [m for m in measures if m is not None]
    if len(known) != len(drivers) or not drivers:
        return {"quadrant": None}
    ests = [_estimate(cell, m.column) for m in known]
    org_ests = [_estimate(org, m.column) for m in known]
    worse = [bool(m.higher_is_worse) for m in known]
    scores = np.array([_value(e) for e in ests])
    if relative:
        perf = relative_performance(
            scores,
            [_value(e) for e in org_ests],
            [_value(e, "sd") for e in org_ests],
            worse,
        )
        cut: float | None = 0.0
    else:
        rating = np.array([on_rating_scale(m) for m in known])
        low = np.array([m.low if m.low is not None else 0.0 for m in known])
        high = np.array([m.high if m.high is not None else 1.0 for m in known])
        high = np.where(high > low, high, low + 1.0)
        perf = np.where(rating, pomp(scores, low, high, worse), np.nan)
        cut = None
    shares = np.array([float(d["share"]) for d in drivers])
    placed = importance_performance([m.column for m in known], shares / shares.sum(), perf, cut)
    rows = []
    for d, m, est, org_est, item in zip(drivers, known, ests, org_ests, placed.items, strict=True):
        rows.append(_row(res, cell, d, m, est, org_est, item, relative, physicians_only))
    points = [
        {
            "label": r["label"],
            "rank": r["rank"],
            "importance": r["importance"],
            "performance": r["performance"],
            "quadrant": QUADRANT_LABELS[r["quadrant"]],
        }
        for r in rows
        if r["quadrant"] is not None
    ]
    y_title = "Score vs organization (SD)" if relative else "Score, % of scale maximum"
    chart = (
        charts.quadrant_spec(
            "Importance and performance of each driver",
            points,
            placed.importance_cut,
            placed.performance_cut or 0.0,
            y_title,
            "+.2f" if relative else ".0f",
        )
        if points and placed.performance_cut is not None
        else None
    )
    return {
        "quadrant": {
            "rows": rows,
            "chart": chart,
            "relative": relative,
            "importance_cut": placed.importance_cut,
            "performance_cut": placed.performance_cut,
            "importance_cut_display": f"{100 * placed.importance_cut:.0f}%",
            "performance_cut_display": (
                ""
                if placed.performance_cut is None
                else f"{placed.performance_cut:.0f}% of the scale maximum"
            ),
            "plotted": len(points),
            "national_withheld": not physicians_only and any(r["has_national"] for r in rows),
        }
    }


def _relative(performance: float) -> str:
    """Glass's delta in words: ``0.27 SD better`` / ``0.27 SD worse`` (oriented, so that the
    word, not a sign, says which way; a raw difference beside it may be negative and better)."""
    size = f"{abs(performance):.2f}"
    if size == "0.00":
        return "0.00 SD, the same"
    return f"{size} SD {'better' if performance > 0 else 'worse'}"


def _signed(value: float) -> str:
    """``+0.12`` / ``-0.12``; never ``-0.00``."""
    text = f"{value:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text


def _row(
    res: WaveResults,
    cell: PublishedCell,
    d: dict[str, Any],
    m: MeasureInfo,
    est: dict[str, Any] | None,
    org_est: dict[str, Any] | None,
    item: Any,
    relative: bool,
    physicians_only: bool,
) -> dict[str, Any]:
    flag = kpi_flag(res, m)
    national = None
    if flag is not None and physicians_only:
        national = national_comparison(flag, _estimate(cell, flag.column))
    difference = None
    if relative and est and org_est:
        difference = float(est["estimate"]) - float(org_est["estimate"])
    perf = item.performance
    return {
        "column": m.column,
        "label": d.get("label") or m.label,
        "rank": d.get("rank"),
        "importance": item.importance,
        "importance_display": f"{100 * item.importance:.0f}%",
        "score": fmt_value(m, None if est is None else est["estimate"]),
        "score_interval": fmt_interval(m, est),
        "withheld": est is None,
        "organization": fmt_value(m, None if org_est is None else org_est["estimate"]),
        "difference": difference,
        "difference_display": "" if difference is None else _signed(difference),
        "direction_note": "higher is worse" if m.higher_is_worse else "higher is better",
        "performance": perf,
        "performance_display": (
            "" if perf is None else (_relative(perf) if relative else f"{perf:.0f}% of maximum")
        ),
        "quadrant": item.quadrant,
        "quadrant_label": "" if item.quadrant is None else QUADRANT_LABELS[item.quadrant],
        "has_national": flag is not None,
        "national": national,
        "national_flag": None if flag is None else flag.label,
    }
