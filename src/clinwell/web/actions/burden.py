"""The administrative-burden report for advocacy (prior authorization, measurement, inbox).

Means of the ``admin_burden`` module's columns per unit of the tree, through the privacy gate
(one :func:`clinwell.privacy.release` over the whole wave, so complementary suppression sees
every unit, then filtered to the units the reader may see). National context comes from the
knowledge base's evidence records, shown with their confirmation status.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clinwell.knowledge import Evidence, Suggestion, evidence_library, suggest_interventions
from clinwell.privacy import (
    ALL,
    Dimension,
    DisclosurePolicy,
    Measure,
    ReleasedEstimate,
    TableRequest,
    release,
)
from clinwell.web.actions.drivers import BURDEN_COLUMNS, MeasureInfo, measure_info
from clinwell.web.actions.impact import ArmEstimate, score_value
from clinwell.web.orgs.models import Membership
from clinwell.web.surveys.models import Response, Wave

BURDEN_INSTRUMENT = "admin_burden"
NATIONAL_CONTEXT = ("ama_pa_survey_2024", "ama_pa_survey_2023", "cms_0057_f")


@dataclass(frozen=True)
class BurdenRow:
    path: str  # "*" for the whole organization
    label: str
    depth: int
    n: int | None
    suppressed: bool
    values: tuple[ArmEstimate, ...]  # one per column, in ``columns`` order


@dataclass(frozen=True)
class BurdenReport:
    wave: Wave
    columns: tuple[MeasureInfo, ...]
    rows: tuple[BurdenRow, ...]
    policy: DisclosurePolicy
    national: tuple[Evidence, ...]
    interventions: tuple[Suggestion, ...]


def burden_waves(membership: Membership) -> list[Wave]:
    """Closed waves of the organization that asked the administrative-burden questions."""
    return list(
        Wave.objects.filter(
            organization=membership.organization,
            status=Wave.Status.CLOSED,
            modules__instrument_id=BURDEN_INSTRUMENT,
        )
        .distinct()
        .order_by("-closes_at", "-pk")
    )


def _cell_value(est: ReleasedEstimate | None) -> ArmEstimate:
    if est is None:
        return ArmEstimate.withheld()
    return ArmEstimate(est.estimate, est.lower, est.upper, est.n, est.sd, False)


def burden_report(membership: Membership, wave: Wave) -> BurdenReport:
    """The report for one wave, limited to the units ``membership`` may see."""
    columns = tuple(measure_info(c) for c in BURDEN_COLUMNS)
    rows_db = list(Response.objects.filter(wave=wave).values_list("unit__full_name", "scores"))
    policy = DisclosurePolicy(wave.min_n_scores, wave.min_n_comments)
    rows: list[BurdenRow] = []
    if rows_db:
        request = TableRequest(
            dimensions=(Dimension("unit", [r[0] for r in rows_db], hierarchical=True),),
            measures=tuple(
                Measure.mean(
                    c.name,
                    np.array([score_value(r[1].get(c.name)) for r in rows_db], dtype=np.float64),
                )
                for c in columns
            ),
        )
        table = release(request, policy)
        scope = None if membership.is_org_wide else membership.unit
        for cell in table.cells:
            path = cell.value("unit")
            if scope is not None and not (
                path == scope.full_name or path.startswith(scope.full_name + "/")
            ):
                continue
            rows.append(
                BurdenRow(
                    path=path,
                    label="Whole organization" if path == ALL else path.rsplit("/", 1)[-1],
                    depth=0 if path == ALL else path.count("/") + 1,
                    n=cell.n,
                    suppressed=cell.suppressed,
                    values=tuple(
                        ArmEstimate.withheld()
                        if cell.suppressed
                        else _cell_value(cell.estimates.get(c.name))
                        for c in columns
                    ),
                )
            )
        rows.sort(key=lambda r: "" if r.path == ALL else r.path)
        if len([r for r in rows if r.depth == 1]) == 1:  # one root unit: "*" repeats it
            rows = [r for r in rows if r.path != ALL]
    library = evidence_library()
    national = tuple(library[k] for k in NATIONAL_CONTEXT if k in library)
    suggestions = tuple(suggest_interventions(["prior_authorization", "quality_measures"], limit=5))
    return BurdenReport(wave, columns, tuple(rows), policy, national, suggestions)
