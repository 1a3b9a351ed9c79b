"""Member side: what an organization shares, the contribution it builds, the evidence it imports.

An organization's administrator chooses what to share with its consortium
(:class:`~clinwell.web.consortium.models.SharingChoice`). :func:`build_contribution` then
assembles a contribution for one closed wave, **only from numbers this organization's privacy
gate already released**:

- survey measures: the organization row of the wave's released results
  (:func:`clinwell.web.results.services.cache.results_for`, ``cell(None)``), every measure
  the consortium pools, with its ``n``, estimate, SD and interval, role group ``all``;
- EHR metrics: the organization row of a release of the latest finished EHR run overlapping
  the period, through :func:`clinwell.privacy.release` over the unit tree (as the EHR page
  does), each clinician's value clipped to the consortium's bounds first (the bound is what
  limits one clinician's influence on the consortium's pooled sums);
- impacts: every finished action plan whose impact is measured (difference in differences on
  released cells, :func:`clinwell.web.actions.impact.plan_impact`).

Role rows: today the release holds the unit tree only, so a contribution carries the
all-roles row. Once the results release has role cuts (issue #15), the per-role rows are the
released cells of the role dimension at the organization level, mapped from the
organization's roster role keys to the consortium's role groups (keys equal to clinwell's
defaults map to themselves) — see docs/consortium.md, "Roles".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from django.utils import timezone

from clinwell import __version__
from clinwell.consortium import (
    ALL,
    MIN_MEMBER_GATE,
    CellValue,
    Contribution,
    ImpactRecord,
    pooled_measures,
)
from clinwell.knowledge import intervention
from clinwell.privacy import ALL as ALL_UNITS
from clinwell.privacy import Dimension, DisclosurePolicy, Measure, TableRequest, release
from clinwell.web.actions.impact import plan_impact
from clinwell.web.actions.models import ActionPlan
from clinwell.web.consortium.models import PeriodKind, SharingChoice
from clinwell.web.consortium.services.sharing import SharingInputError
from clinwell.web.ehrburden.models import EhrRun
from clinwell.web.ehrburden.services.report import clinician_values, ehr_policy
from clinwell.web.orgs.models import Organization
from clinwell.web.results.services.cache import results_for
from clinwell.web.surveys.models import Wave


def period_of(day: date, kind: str) -> str:
    """The reporting period holding ``day``: ``2026`` or ``2026-H1``."""
    if kind == PeriodKind.YEAR:
        return str(day.year)
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def period_range(period: str) -> tuple[date, date]:
    year = int(period[:4])
    if period.endswith("-H1"):
        return date(year, 1, 1), date(year, 6, 30)
    if period.endswith("-H2"):
        return date(year, 7, 1), date(year, 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


@dataclass(frozen=True)
class Export:
    """A built contribution and, in words, what was left out and why."""

    contribution: Contribution
    wave: Wave
    ehr_run: EhrRun | None
    notes: tuple[str, ...]


def _survey_cells(wave: Wave, notes: list[str]) -> tuple[list[CellValue], int]:
    results = results_for(wave)
    min_n = int(results.meta.policy["min_n_scores"])
    if min_n < MIN_MEMBER_GATE:
        notes.append(
            f"Survey results are not shared: this wave's minimum group size ({min_n}) is below "
            f"the consortium's {MIN_MEMBER_GATE}."
        )
        return [], min_n
    cell = results.cell(None)
    if cell is None or cell.suppressed:
        notes.append("Survey results are not shared: the organization row was withheld.")
        return [], min_n
    known = pooled_measures()
    cells: list[CellValue] = []
    withheld = 0
    for measure in results.measures:
        if measure.column not in known:
            continue
        est = cell.estimates.get(measure.column)
        if est is None or est.get("estimate") is None:
            withheld += 1
            continue
        cells.append(
            CellValue(
                measure.column,
                ALL,
                ALL,
                int(est["n"]),
                float(est["estimate"]),
                None if est.get("sd") is None else float(est["sd"]),
                est.get("lower"),
                est.get("upper"),
            )
        )
    if withheld:
        notes.append(f"{withheld} survey measure(s) were withheld by the privacy gate.")
    return cells, min_n


def _ehr_run(organization: Organization, period: str) -> EhrRun | None:
    start, end = period_range(period)
    return (
        EhrRun.objects.filter(
            organization=organization,
            status=EhrRun.Status.DONE,
            first_period__lte=end,
            last_period__gte=start,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _ehr_cells(run: EhrRun, policy: DisclosurePolicy, notes: list[str]) -> list[CellValue]:
    paths, values = clinician_values(run)
    if not paths:
        notes.append("EHR metrics are not shared: no clinician of the run matched the roster.")
        return []
    known = pooled_measures()
    measures = []
    for key, array in values.items():
        spec = known.get(f"ehr.{key}")
        if spec is None:
            continue
        clipped = np.clip(array, spec.low, spec.high)  # NaN (nothing scheduled) stays NaN
        measures.append(Measure.mean(spec.key, clipped))
    request = TableRequest(
        dimensions=(Dimension("unit", paths, hierarchical=True),), measures=tuple(measures)
    )
    table = release(request, policy)
    top = next(c for c in table.cells if c.value("unit") == ALL_UNITS)
    if top.suppressed:
        notes.append("EHR metrics are not shared: the organization row was withheld.")
        return []
    cells = []
    for measure in measures:
        est = top.estimates.get(measure.name)
        if est is None or est.estimate is None:
            continue
        cells.append(
            CellValue(measure.name, ALL, ALL, est.n, est.estimate, est.sd, est.lower, est.upper)
        )
    return cells


def _impacts(organization: Organization, min_n: int, notes: list[str]) -> list[ImpactRecord]:
    known = pooled_measures()
    records: list[ImpactRecord] = []
    skipped = 0
    plans = ActionPlan.objects.filter(organization=organization, status=ActionPlan.Status.DONE)
    for plan in plans.select_related("unit").order_by("pk"):
        if not plan.interventions or plan.target_measure not in known:
            skipped += 1
            continue
        impact = plan_impact(plan)
        if impact.did is None or impact.before is None or impact.after is None:
            skipped += 1
            continue
        sizes = [
            impact.before.treated.n,
            impact.after.treated.n,
            impact.before.comparison.n,
            impact.after.comparison.n,
        ]
        if any(s is None or s < min_n for s in sizes):
            skipped += 1
            continue
        n_tb, n_ta, n_cb, n_ca = (int(s or 0) for s in sizes)
        first = intervention(plan.interventions[0])
        records.append(
            ImpactRecord(
                f"plan-{plan.pk}",
                tuple(plan.interventions),
                plan.target_measure,
                impact.did.estimate,
                impact.did.se,
                n_tb,
                n_ta,
                n_cb,
                n_ca,
                first.level,
                plan.unit.kind,
                plan.updated_at.date(),
            )
        )
    if skipped:
        notes.append(
            f"{skipped} finished plan(s) are not shared: no measured impact yet, no "
            "intervention from the catalog, or a group below the minimum size."
        )
    return records


def build_contribution(organization: Organization, wave: Wave, choice: SharingChoice) -> Export:
    """The contribution of ``wave`` under ``choice`` (see the module docstring)."""
    if wave.organization_id != organization.pk or wave.status != Wave.Status.CLOSED:
        raise SharingInputError("wave: choose a closed wave of this organization")
    period = period_of(wave.closes_at.date(), choice.period_kind)
    notes: list[str] = []
    cells: list[CellValue] = []
    min_n = MIN_MEMBER_GATE
    if choice.share_survey:
        survey, min_n = _survey_cells(wave, notes)
        cells += survey
    run = None
    if choice.share_ehr:
        run = _ehr_run(organization, period)
        policy, _ = ehr_policy(organization)
        if run is None:
            notes.append(f"EHR metrics are not shared: no finished EHR run covers {period}.")
        elif policy.min_n_scores < MIN_MEMBER_GATE:
            notes.append("EHR metrics are not shared: the minimum group size is below 5.")
        else:
            cells += _ehr_cells(run, policy, notes)
            min_n = min(min_n, policy.min_n_scores) if cells else min_n
    impacts = (
        _impacts(organization, max(min_n, MIN_MEMBER_GATE), notes) if (choice.share_impact) else []
    )
    contribution = Contribution(
        member_id=choice.member_id,
        member_name=organization.name,
        period=period,
        min_n=max(min_n, MIN_MEMBER_GATE),
        cells=tuple(cells),
        impacts=tuple(impacts),
        created_at=timezone.now().isoformat(timespec="seconds"),
        software=f"clinwell {__version__}",
        source={"wave": wave.name[:200], "closed_on": wave.closes_at.date().isoformat()},
    )
    return Export(contribution, wave, run, tuple(notes))


def contribution_file_name(contribution: Contribution) -> str:
    return f"{contribution.member_id}-{contribution.period}-contribution.json"
