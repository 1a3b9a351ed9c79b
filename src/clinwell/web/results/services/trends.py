"""Trends of every measure over the closed waves, and the key-driver page data."""

from __future__ import annotations

from typing import Any

from clinwell.web.orgs.access import visible_units
from clinwell.web.orgs.models import Membership
from clinwell.web.results import charts
from clinwell.web.results.models import PublishedCell
from clinwell.web.results.services import pages
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.catalog import DOMAIN_LABELS, MeasureInfo
from clinwell.web.results.services.quadrant import quadrant_data
from clinwell.web.results.services.scope import Scope
from clinwell.web.surveys.models import Wave


def trends_data(waves: list[Wave], scope: Scope) -> dict[str, Any]:
    """Per measure (by column, in the latest wave's order): one point per closed wave."""
    columns: dict[str, MeasureInfo] = {}
    for w in reversed(waves):
        for m in results_for(w).measures:  # fingerprint checks: one pair of counts per wave
            columns.setdefault(m.column, m)
    prepared = pages.scope_series(waves, waves[-1], scope)
    series = []
    for column, m in columns.items():
        points = pages.trend_points(prepared, lambda r, c=column: r.measure(c))
        shown = [
            {k: p[k] for k in ("wave", "estimate", "lower", "upper")}
            for p in points
            if p["estimate"] is not None
        ]
        series.append(
            {
                "measure": m,
                "points": points,
                "chart": charts.trend_spec(m.label, shown, m.is_proportion)
                if m.headline and len(shown) > 1
                else None,
                "summary": _summary(m, points),
            }
        )
    return {"series": series}


def _summary(m: MeasureInfo, points: list[dict[str, Any]]) -> str:
    shown = [p for p in points if p["estimate"] is not None]
    if not shown:
        return f"{m.label}: no published values."
    first, last = shown[0], shown[-1]
    if len(shown) == 1:
        return f"{m.label}: {last['display']} in {last['wave']} (95% CI {last['interval']})."
    return (
        f"{m.label}: {first['display']} in {first['wave']}, {last['display']} in "
        f"{last['wave']} (95% CI {last['interval']})."
    )


def _own(cell: PublishedCell | None) -> dict[str, Any] | None:
    """The cell's own analysis, if it is published and has one."""
    if cell is None or cell.suppressed or not cell.drivers or "drivers" not in cell.drivers:
        return None
    found: dict[str, Any] = cell.drivers
    return found


def drivers_data(
    membership: Membership, wave: Wave, scope: Scope, physicians_only: bool = False
) -> dict[str, Any]:
    """The scope's driver analysis with importance next to performance.

    The scope's own analysis (a unit's, or inside a cut the group's own) when it has one;
    otherwise a published unit or group too small for its own analysis gets the importance
    of the nearest analysis of everyone — its unit's (for a group), else the organization's —
    with its own released scores (``importance_from``: ``own``, ``unit`` or
    ``organization``). ``physicians_only``: the group shown is physicians only (national
    figures apply); a cut of exactly physicians is one.
    """
    physicians_only = physicians_only or scope.is_physicians
    res = results_for(wave)
    cell = res.cell(scope.unit_id, scope.group)
    analysis = None if cell is None or cell.suppressed else cell.drivers
    own_reason = None
    importance_from = "own"
    narrower = scope.unit_id is not None or bool(scope.group)
    if cell is not None and not cell.suppressed and narrower and _own(cell) is None:
        own_reason = (analysis or {}).get("unavailable", "")
        unit = _own(res.cell(scope.unit_id)) if scope.group else None
        org = _own(res.cell(None))
        if unit is not None and scope.unit_id is not None:
            analysis, importance_from = unit, "unit"
        elif org is not None:
            analysis, importance_from = org, "organization"
    drivers = []
    if analysis and "drivers" in analysis:
        for d in analysis["drivers"]:
            worse_when_high = d["higher_is_worse"] is not False
            drivers.append(
                {
                    **d,
                    "share_display": f"{100 * d['share']:.0f}%",
                    "domain_label": DOMAIN_LABELS.get(d["domain"] or "", ""),
                    "reading": (
                        "Burned-out clinicians score higher"
                        if d["direction"] > 0
                        else "Burned-out clinicians score lower"
                    ),
                    "concern": (d["direction"] > 0) == worse_when_high,
                    "action_url": pages.action_url(
                        membership,
                        "driver",
                        wave,
                        measure=d["column"],
                        domain=d["domain"] or "",
                        unit=scope.unit_id,
                    ),
                }
            )
    # Units (within the member's view) with their own analysis of the group, for navigation.
    analysed = (
        PublishedCell.objects.filter(
            wave=wave,
            group=scope.group,
            unit__in=visible_units(membership),
            suppressed=False,
            drivers__has_key="drivers",
        )
        .select_related("unit")
        .defer("estimates", "marks", "comments", "drivers")
        .order_by("unit__full_name")
    )
    quadrant: dict[str, Any] = {"quadrant": None}
    if drivers and cell is not None:
        quadrant = quadrant_data(
            res,
            cell,
            drivers,
            relative=scope.unit_id is not None or bool(scope.group),
            physicians_only=physicians_only,
        )
        if quadrant["quadrant"]:
            by_column = {r["column"]: r for r in quadrant["quadrant"]["rows"]}
            for d in drivers:
                d["q"] = by_column.get(d["column"])
    return {
        **quadrant,
        "importance_from": importance_from,
        "importance_label": {
            "own": scope.group_label or scope.label,
            "unit": f"everyone in {scope.label}",
            "organization": f"everyone in {membership.organization.name}",
        }[importance_from],
        "group_label": (f"{scope.group_label} in {scope.label}" if scope.group else scope.label),
        "own_reason": own_reason,
        "capped": bool(cell is not None and cell.drivers and cell.drivers.get("capped")),
        "cell": cell,
        "analysis": analysis,
        "drivers": drivers,
        "chart": charts.drivers_spec("What distinguishes burned-out clinicians", drivers)
        if drivers
        else None,
        "analysed_units": [c.unit for c in analysed if c.unit is not None],
        "outcome": res.measure(analysis["outcome"]) if analysis and "outcome" in analysis else None,
    }
