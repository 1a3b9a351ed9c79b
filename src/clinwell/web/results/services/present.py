"""Turn released cells into display values: formatted numbers, heat classes, comparisons.

Nothing here reads responses; every input is a released estimate from the cache.
"""

from __future__ import annotations

from typing import Any

from clinwell.knowledge import national_benchmarks
from clinwell.stats import (
    NationalFigure,
    NationalSeries,
    StatsInputError,
    compare_with_national,
    mean_difference,
    proportion_difference,
)
from clinwell.web.results.services.catalog import MeasureInfo

AMA_SERIES = "ama_org_biopsy"


def fmt_value(m: MeasureInfo, value: float | None) -> str:
    """``43%`` for proportions, ``3.4`` for means (``57`` for hours-like ranges)."""
    if value is None:
        return "–"
    if m.is_proportion:
        return f"{100 * value:.0f}%"
    span = (m.high or 0) - (m.low or 0)
    return f"{value:.0f}" if span > 20 else f"{value:.1f}"


def fmt_interval(m: MeasureInfo, est: dict[str, Any] | None) -> str:
    if not est or est.get("lower") is None or est.get("upper") is None:
        return ""
    return f"{fmt_value(m, est['lower'])}–{fmt_value(m, est['upper'])}"


def badness(m: MeasureInfo, value: float) -> float:
    """0 (best) .. 1 (worst) position of ``value`` on the measure's range."""
    low, high = (0.0, 1.0) if m.is_proportion else (m.low or 0.0, m.high or 1.0)
    if m.kpi == "weekly_hours":
        low, high = 30.0, 80.0  # a readable scale for hours instead of 0-140
    share = min(max((value - low) / (high - low), 0.0), 1.0) if high > low else 0.5
    return share if m.higher_is_worse is not False else 1.0 - share


def heat_class(m: MeasureInfo, est: dict[str, Any] | None) -> str:
    if not est or est.get("estimate") is None:
        return "heat-none"
    return f"heat-{min(int(badness(m, float(est['estimate'])) * 5), 4) + 1}"


# The heatmap's colours compare each unit with a stated reference: the rest of the
# organization. Colour only where the release's Benjamini-Hochberg mark says the difference is
# clear; every other published cell is "not clearly different" (a neutral fill).
REFERENCE_CLASSES = {
    "better": "heat-better",
    "worse": "heat-worse",
    "same": "heat-same",
}


def reference_class(m: MeasureInfo, est: dict[str, Any] | None, mark: dict[str, Any]) -> str:
    """``heat-better`` / ``heat-worse`` for a unit clearly better / worse than the rest of the
    organization on ``m``, ``heat-same`` otherwise (``heat-none`` without an estimate)."""
    if not est or est.get("estimate") is None:
        return "heat-none"
    direction = mark.get("direction")
    if direction not in ("above", "below") or m.higher_is_worse is None:
        return REFERENCE_CLASSES["same"]
    worse = (direction == "above") == m.higher_is_worse
    return REFERENCE_CLASSES["worse" if worse else "better"]


def national_comparison(m: MeasureInfo, est: dict[str, Any] | None) -> dict[str, Any] | None:
    """This group versus the latest AMA Organizational Biopsy national figure for the KPI.

    Proportions: :func:`clinwell.stats.compare_with_national` (Wilson interval, score test).
    Weekly hours (a mean): the difference from the national mean with the t interval
    shifted by it. Only the AMA series is used here; the Shanafelt series is never mixed in.
    """
    if not m.kpi or not est or est.get("estimate") is None:
        return None
    series = national_benchmarks()[AMA_SERIES]
    if m.kpi not in series.measure_definitions:
        return None
    point = series.latest(m.kpi)
    if point is None:
        return None
    primary = series.sources[0]
    out: dict[str, Any] = {
        "series": NationalSeries.AMA_ORGANIZATIONAL_BIOPSY.value,
        "year": point.year,
        "value": point.value,
        "display": f"{100 * point.value:.1f}%" if m.is_proportion else f"{point.value:.1f}",
        "source_title": primary.title,
        "source_url": primary.url,
        "point_sources": [{"title": s.title, "url": s.url} for s in point.sources],
        "note": point.note or point.sample_note or "",
        "definition": series.measure_definitions[m.kpi],
    }
    n = int(est["n"])
    if m.is_proportion:
        figure = NationalFigure(
            NationalSeries.AMA_ORGANIZATIONAL_BIOPSY,
            m.kpi,
            point.year,
            point.value,
            primary.url or "",
        )
        comp = compare_with_national(round(float(est["estimate"]) * n), n, figure)
        out.update(difference=comp.difference, lower=comp.lower, upper=comp.upper, p=comp.p_value)
        out["difference_display"] = f"{100 * comp.difference:+.0f} points"
    else:
        diff = float(est["estimate"]) - point.value
        lo, up = (est.get("lower"), est.get("upper"))
        out.update(
            difference=diff,
            lower=None if lo is None else lo - point.value,
            upper=None if up is None else up - point.value,
            p=None,
        )
        out["difference_display"] = f"{diff:+.1f} hours"
    lo, up = out.get("lower"), out.get("upper")
    out["clear"] = lo is not None and up is not None and (lo > 0 or up < 0)
    return out


def change(
    m: MeasureInfo, now: dict[str, Any] | None, before: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Change from the previous wave: Newcombe interval (proportions) or Welch (means)."""
    if not now or not before or now.get("estimate") is None or before.get("estimate") is None:
        return None
    try:
        if m.is_proportion:
            n1, n2 = int(now["n"]), int(before["n"])
            d = proportion_difference(
                round(float(now["estimate"]) * n1), n1, round(float(before["estimate"]) * n2), n2
            )
        else:
            if now.get("sd") is None or before.get("sd") is None:
                return None
            d = mean_difference(
                float(now["estimate"]),
                float(now["sd"]),
                int(now["n"]),
                float(before["estimate"]),
                float(before["sd"]),
                int(before["n"]),
            )
    except StatsInputError:
        return None
    scale = 100.0 if m.is_proportion else 1.0
    digits = 0 if m.is_proportion else 1
    shown = _signed(scale * d.estimate, digits)
    unit = (" point" if shown.lstrip("+-") == "1" else " points") if m.is_proportion else ""
    return {
        "estimate": d.estimate,
        "lower": d.lower,
        "upper": d.upper,
        "p": d.p_value,
        "method": d.method,
        "display": shown + unit,
        "interval": f"{_signed(scale * d.lower, digits)} to {_signed(scale * d.upper, digits)}",
        "clear": d.lower > 0 or d.upper < 0,
    }


def _signed(value: float, digits: int) -> str:
    """``+4``, ``-0.7``; a value that rounds to zero reads ``0`` (never ``-0``)."""
    text = f"{value:+.{digits}f}"
    return text[1:] if float(text) == 0 else text
