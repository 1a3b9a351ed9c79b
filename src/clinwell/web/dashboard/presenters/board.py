"""What an executive reads in a minute: the page ``dashboard:overview`` and the board report.

Every number comes from a wave's release (the results cache, after the privacy gate). One
builder, :func:`board_summary`, feeds both the overview page and the PDF, so they agree.
"""

from __future__ import annotations

from typing import Any

from clinwell.web.dashboard.presenters.cost import turnover_cost_range
from clinwell.web.dashboard.presenters.national import (
    ALL_ROLES,
    NOT_LIKE_FOR_LIKE,
    PHYSICIANS,
    national_comparison,
)
from clinwell.web.orgs.access import visible_units
from clinwell.web.orgs.models import Membership
from clinwell.web.results.models import PublishedCell
from clinwell.web.results.services.cache import WaveResults, closed_waves, results_for
from clinwell.web.results.services.catalog import (
    KPI_LABELS,
    MeasureInfo,
    heatmap_measures,
    kpi_measures,
)
from clinwell.web.results.services.overview import physicians_in_scope
from clinwell.web.results.services.present import change, fmt_interval, fmt_value
from clinwell.web.results.services.scope import Scope, scope_for
from clinwell.web.results.services.trends import drivers_data
from clinwell.web.surveys.models import Wave

ATTENTION_LIMIT = 3
DRIVER_LIMIT = 3


def tone(m: MeasureInfo, delta: dict[str, Any] | None) -> str:
    """``better`` / ``worse`` for a clear change (its interval excludes 0), else ``unclear``;
    ``changed`` for a clear change of a measure without a better direction."""
    if delta is None or not delta["clear"]:
        return "unclear"
    if m.higher_is_worse is None:
        return "changed"
    went_up = delta["estimate"] > 0
    return "worse" if went_up == m.higher_is_worse else "better"


def _direction(m: MeasureInfo, delta: dict[str, Any] | None) -> str:
    """``up`` / ``down``, or ``unchanged`` when the change rounds to 0 as it is shown."""
    if delta is None:
        return ""
    shown = round(100 * delta["estimate"]) if m.is_proportion else round(delta["estimate"], 1)
    if shown > 0:
        return "up"
    if shown < 0:
        return "down"
    return "unchanged"


def headline_rows(
    res: WaveResults,
    cell: PublishedCell | None,
    before_res: WaveResults | None,
    before_cell: PublishedCell | None,
    *,
    population: str = ALL_ROLES,
    physicians: PublishedCell | None = None,
    compare: bool = True,
) -> list[dict[str, Any]]:
    """Each KPI: value and interval, change since the previous wave, national comparison.

    The national figures describe physicians: with ``physicians`` (the released cell of the
    same unit's physicians) each KPI is compared through that cell, never through a mixed
    population. ``compare=False``: no national comparison at all (a cut of another group)."""
    rows = []
    before_kpis = {} if before_res is None else kpi_measures(before_res.measures)
    for key, m in kpi_measures(res.measures).items():
        est = None if cell is None or cell.suppressed else cell.estimates.get(m.column)
        before = None
        m_before = before_kpis.get(key)
        # Only a like-for-like measure (the same scored column) is compared.
        comparable = m_before is not None and m_before.column == m.column
        if comparable and before_cell is not None and not before_cell.suppressed:
            before = before_cell.estimates.get(m.column)
        delta = change(m, est, before)
        rows.append(
            {
                "key": key,
                "label": KPI_LABELS[key],
                "measure": m,
                "withheld": est is None,
                "value": fmt_value(m, None if not est else est.get("estimate")),
                "interval": fmt_interval(m, est),
                "raw": est,
                "change": delta,
                "direction": _direction(m, delta),
                "tone": tone(m, delta),
                "national": _national(m, est, population, physicians) if compare else None,
            }
        )
    return rows


def _national(
    m: MeasureInfo, est: dict[str, Any] | None, population: str, physicians: PublishedCell | None
) -> dict[str, Any] | None:
    if physicians is None or physicians.suppressed:
        return national_comparison(m, est, population=population)
    own = physicians.estimates.get(m.column)
    found = national_comparison(m, own, population=PHYSICIANS)
    if found is not None and found.get("state") == "shown":
        found["physicians_value"] = fmt_value(m, None if not own else own.get("estimate"))
        found["physicians_n"] = physicians.n
    return found


def _adverse(m: MeasureInfo, mark: dict[str, Any]) -> bool:
    if m.higher_is_worse is None:
        return False
    return (mark.get("direction") == "above") == m.higher_is_worse


def units_needing_attention(
    membership: Membership, res: WaveResults, scope: Scope, limit: int = ATTENTION_LIMIT
) -> list[dict[str, Any]]:
    """Up to ``limit`` published units in the scope (the scope's group of respondents in
    each), most in need of attention first.

    A unit ranks by the number of headline measures on which it is clearly worse than the
    rest of the organization (Benjamini–Hochberg marks of the release), then by its burnout
    estimate. A unit inside or around one already listed is skipped, so three different
    places are named.
    """
    units = visible_units(membership)
    if scope.unit is not None:
        units = units.filter(tree_path__startswith=scope.unit.tree_path).exclude(pk=scope.unit.pk)
    cells = [
        c
        for c in res.cells(list(units.values_list("pk", flat=True)), scope.group)
        if c.unit is not None and not c.suppressed
    ]
    measures = heatmap_measures(res.measures)
    burnout = kpi_measures(res.measures).get("burnout")
    ranked = []
    for c in cells:
        worse = [m for m in measures if (mark := c.marks.get(m.column)) and _adverse(m, mark)]
        est = None if burnout is None else c.estimates.get(burnout.column)
        level = -1.0 if not est or est.get("estimate") is None else float(est["estimate"])
        ranked.append((len(worse), level, c, worse, est))
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2].unit.full_name if r[2].unit else ""))
    chosen: list[dict[str, Any]] = []
    paths: list[str] = []
    for n_worse, _level, c, worse, est in ranked:
        assert c.unit is not None
        path = c.unit.tree_path
        if any(path.startswith(p) or p.startswith(path) for p in paths):
            continue
        paths.append(path)
        chosen.append(
            {
                "unit": c.unit,
                "n": c.n,
                "worse": [m.label for m in worse],
                "clear": n_worse > 0,
                "burnout": None
                if burnout is None or not est
                else {
                    "value": fmt_value(burnout, est["estimate"]),
                    "interval": fmt_interval(burnout, est),
                },
            }
        )
        if len(chosen) == limit:
            break
    return chosen


def board_summary(
    membership: Membership,
    wave: Wave | None = None,
    scope: Scope | None = None,
    *,
    population: str = ALL_ROLES,
) -> dict[str, Any]:
    """Headline rows, units needing attention, top drivers and the cost range of a wave.

    ``wave`` defaults to the latest closed wave, ``scope`` to the member's own (with its cut:
    the scope's group of respondents, :attr:`Scope.group`). ``state``: ``no_wave``, ``none``
    (no responses in the scope), ``suppressed`` or ``published``.

    National figures (physicians) are compared with a cut of exactly physicians, with the
    unit's physicians when there is no cut, and never with another group. The turnover cost
    (of physicians) is estimated for everyone and for physicians only.
    """
    waves = closed_waves(membership.organization)
    scope = scope or scope_for(membership, None)
    summary: dict[str, Any] = {
        "wave": None,
        "earlier": None,
        "previous": None,
        "scope": scope,
        "state": "no_wave",
        "slug": membership.organization.slug,
        "organization": membership.organization,
        "rows": [],
        "attention": [],
        "drivers": [],
        "cost": None,
        "n": None,
    }
    if not waves:
        return summary
    wave = wave or waves[-1]
    index = next(i for i, w in enumerate(waves) if w.pk == wave.pk)
    previous = waves[index - 1] if index > 0 else None
    res = results_for(wave)
    cell = res.cell(scope.unit_id, scope.group)
    summary.update(wave=wave, previous=previous, earlier=previous)
    summary["state"] = (
        "none" if cell is None else ("suppressed" if cell.suppressed else "published")
    )
    if summary["state"] != "published":
        return summary
    assert cell is not None
    before_res = None if previous is None else results_for(previous)
    before_cell = None if before_res is None else before_res.cell(scope.unit_id, scope.group)
    if scope.is_physicians:
        population = PHYSICIANS
    rows = headline_rows(
        res,
        cell,
        before_res,
        before_cell,
        population=population,
        physicians=res.cell(scope.unit_id, "role=physician")
        if population != PHYSICIANS and not scope.group
        else None,
        compare=not scope.group or scope.is_physicians,
    )
    drivers = drivers_data(membership, wave, scope)
    burnout = next((r for r in rows if r["key"] == "burnout"), None)
    states = {r["national"]["state"] for r in rows if r["national"]}
    summary.update(
        n=cell.n,
        rows=rows,
        national_shown="shown" in states,
        national_note=NOT_LIKE_FOR_LIKE if "not_like_for_like" in states else "",
        attention=units_needing_attention(membership, res, scope),
        drivers=drivers["drivers"][:DRIVER_LIMIT],
        drivers_all=drivers,
        cost=turnover_cost_range(
            None if burnout is None else burnout["raw"], physicians_in_scope(membership, scope)
        )
        if not scope.group or scope.is_physicians
        else None,
    )
    return summary
