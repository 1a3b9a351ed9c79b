"""Context builders of the results pages (views stay thin). Reads the cache only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from clinwell.instruments import DOMAINS, KPIS
from clinwell.web.orgs.access import visible_units
from clinwell.web.orgs.models import Membership, Unit
from clinwell.web.results import charts
from clinwell.web.results.models import PublishedCell
from clinwell.web.results.services.cache import WaveResults, results_for
from clinwell.web.results.services.catalog import (
    DOMAIN_LABELS,
    KPI_LABELS,
    MeasureInfo,
    domain_measures,
    heatmap_measures,
    kpi_measures,
)
from clinwell.web.results.services.present import (
    change,
    fmt_interval,
    fmt_value,
    heat_class,
    national_comparison,
    reference_class,
)
from clinwell.web.results.services.scope import Scope
from clinwell.web.surveys.models import Wave


def action_url(
    membership: Membership,
    source: str,
    wave: Wave,
    *,
    measure: str = "",
    domain: str = "",
    unit: int | None = None,
    level: str = "organization",
) -> str:
    """Link to start an action plan from a driver, a domain or a heatmap cell.

    ``level`` is the level the suggestions should prefer: a plan started from a result is scoped
    to a unit, so it defaults to "organization" (the new-plan page lets the leader change it).
    """
    query = {
        "source": source,
        "measure": measure,
        "domain": domain or "",
        "unit": "" if unit is None else str(unit),
        "wave": str(wave.pk),
        "level": level,
    }
    base = f"/o/{membership.organization.slug}/actions/new/"
    return f"{base}?{urlencode(query)}"


def estimate_view(m: MeasureInfo, est: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "value": fmt_value(m, None if not est else est.get("estimate")),
        "interval": fmt_interval(m, est),
        "n": None if not est else est.get("n"),
        "raw": est,
        "withheld": est is None,
    }


def scope_cell(res: WaveResults, scope: Scope) -> PublishedCell | None:
    return res.cell(scope.unit_id, scope.group)


Series = list[tuple[Wave, WaveResults, PublishedCell | None]]


def scope_series(waves: list[Wave], upto: Wave, scope: Scope) -> Series:
    """Each closed wave up to ``upto`` with its results and the scope's released cell."""
    out: Series = []
    for w in waves:
        res = results_for(w)
        out.append((w, res, res.cell(scope.unit_id, scope.group)))
        if w.pk == upto.pk:
            break
    return out


def trend_points(series: Series, pick: Any) -> list[dict[str, Any]]:
    """``pick(WaveResults) -> MeasureInfo | None``; one point per wave of ``series``."""
    points: list[dict[str, Any]] = []
    for w, res, cell in series:
        m = pick(res)
        est = None
        if m is not None and cell is not None and not cell.suppressed:
            est = cell.estimates.get(m.column)
        points.append(
            {
                "wave": w.name,
                "wave_id": w.pk,
                "instrument": None if m is None else m.instrument_title,
                "suppressed": cell is not None and cell.suppressed,
                "estimate": None if not est else est["estimate"],
                "lower": None if not est else est["lower"],
                "upper": None if not est else est["upper"],
                "n": None if not est else est["n"],
                "display": "–" if m is None else fmt_value(m, None if not est else est["estimate"]),
                "interval": "" if m is None else fmt_interval(m, est),
                "_est": est,
            }
        )
    return points


def kpi_cards(
    membership: Membership,
    waves: list[Wave],
    wave: Wave,
    res: WaveResults,
    scope: Scope,
    cell: PublishedCell | None,
) -> list[dict[str, Any]]:
    kpis = kpi_measures(res.measures)
    series = scope_series(waves, wave, scope)
    cards = []
    for key in KPIS:
        m = kpis.get(key)
        if m is None:
            continue
        est = None if cell is None or cell.suppressed else cell.estimates.get(m.column)
        points = trend_points(series, lambda r, k=key: kpi_measures(r.measures).get(k))
        before = points[-2]["_est"] if len(points) > 1 else None
        # National figures are for physicians: never compared with a mixed population.
        national = national_comparison(m, est) if scope.is_physicians else None
        chart_points = [
            {k: p[k] for k in ("wave", "estimate", "lower", "upper")}
            for p in points
            if p["estimate"] is not None
        ]
        cards.append(
            {
                "key": key,
                "label": KPI_LABELS[key],
                "measure": m,
                "est": estimate_view(m, est),
                "national": national,
                "change": change(m, est, before),
                "previous": points[-2] if len(points) > 1 else None,
                "points": points,
                "chart": charts.trend_spec(
                    f"{KPI_LABELS[key]} by wave",
                    chart_points,
                    m.is_proportion,
                    None if national is None else national["value"],
                    reference_label="National (physicians)",
                )
                if len(chart_points) > 1
                else None,
            }
        )
    return cards


def domain_cards(
    membership: Membership, wave: Wave, res: WaveResults, scope: Scope, cell: PublishedCell | None
) -> list[dict[str, Any]]:
    doms = domain_measures(res.measures)
    out = []
    for key in DOMAINS:
        m = doms.get(key)
        est = None
        if m is not None and cell is not None and not cell.suppressed:
            est = cell.estimates.get(m.column)
        out.append(
            {
                "key": key,
                "label": DOMAIN_LABELS[key],
                "measure": m,
                "est": None if m is None else estimate_view(m, est),
                "heat": "heat-none" if m is None else heat_class(m, est),
                "action_url": action_url(
                    membership,
                    "domain",
                    wave,
                    measure="" if m is None else m.column,
                    domain=key,
                    unit=scope.unit_id,
                ),
            }
        )
    return out


def measure_values(res: WaveResults, cell: PublishedCell | None) -> list[dict[str, Any]]:
    """Every measure of the wave (headlines first) with the scope's released estimate."""
    published = cell is not None and not cell.suppressed
    return [
        {
            "measure": m,
            "est": estimate_view(m, cell.estimates.get(m.column) if published and cell else None),
        }
        for m in res.measures
    ]


def heat_rows(
    membership: Membership,
    wave: Wave,
    res: WaveResults,
    root: Scope,
    columns: list[MeasureInfo] | None = None,
) -> tuple[list[MeasureInfo], list[dict[str, Any]]]:
    """The heatmap: the root group first, then each child unit (published, suppressed or
    without responses); drill-down links only to units the member may see. ``columns``: the
    measure picker's choice (default: the headline measures)."""
    measures = heatmap_measures(res.measures) if columns is None else columns
    root_cell = res.cell(root.unit_id, root.group)
    parent_id = root.unit_id
    units = visible_units(membership)
    child_units = list(units.filter(parent_id=parent_id).order_by("name"))
    if root.unit is None and len(child_units) == 1:  # a single system unit: show its children
        parent_id = child_units[0].pk
        child_units = list(units.filter(parent_id=parent_id).order_by("name"))
    cells = {c.unit_id: c for c in res.children(parent_id, root.group)}
    rows = [_heat_row(membership, wave, measures, root.label, root.unit, root_cell, True)]
    for unit in child_units:
        rows.append(
            _heat_row(membership, wave, measures, unit.name, unit, cells.get(unit.pk), False)
        )
    if root.group:
        # Inside a cut, a group with no cell is shown like a hidden one: whether a unit has
        # no respondents of the group at all is itself not published.
        for row in rows:
            if row["state"] == "none":
                row["state"] = "suppressed"
    return measures, rows


def _heat_row(
    membership: Membership,
    wave: Wave,
    measures: list[MeasureInfo],
    label: str,
    unit: Unit | None,
    cell: PublishedCell | None,
    is_root: bool,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "label": label,
        "unit": unit,
        "is_root": is_root,
        "state": "none" if cell is None else ("suppressed" if cell.suppressed else "published"),
        "protects_other": cell is not None and cell.protects_other,
        "n": None if cell is None else cell.n,
        "cells": [],
    }
    for m in measures:
        est = None if cell is None or cell.suppressed else cell.estimates.get(m.column)
        mark = {} if cell is None else cell.marks.get(m.column, {})
        withheld = cell is not None and not cell.suppressed and est is None
        row["cells"].append(
            {
                "measure": m,
                "value": fmt_value(m, None if not est else est.get("estimate")),
                "interval": fmt_interval(m, est),
                "heat": "heat-reference" if is_root else reference_class(m, est, mark),
                "mark": mark,
                "withheld": withheld,
                "action_url": action_url(
                    membership,
                    "cell",
                    wave,
                    measure=m.column,
                    domain=m.domain or "",
                    unit=None if unit is None else unit.pk,
                ),
            }
        )
    return row


def results_url(membership: Membership, name: str, **query: Any) -> str:
    url = reverse(f"results:{name}", kwargs={"org_slug": membership.organization.slug})
    clean = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(clean)}" if clean else url
