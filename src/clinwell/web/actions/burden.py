"""The administrative-burden report for advocacy (prior authorization, measurement, inbox).

Means of the ``admin_burden`` module's columns per unit of the tree, read from the wave's
released results (:func:`clinwell.web.results.services.cache.results_for`): the same single
gate release the results pages, exports and API show, so no page publishes a cell another
page suppressed. Then filtered to the units the reader may see. National context comes
from the knowledge base's evidence records, shown with their confirmation status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clinwell.knowledge import Evidence, Suggestion, evidence_library, suggest_interventions
from clinwell.privacy import ALL, DisclosurePolicy
from clinwell.web.actions.drivers import BURDEN_COLUMNS, measure_info
from clinwell.web.actions.impact import ArmEstimate
from clinwell.web.orgs.models import Membership
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.catalog import MeasureInfo
from clinwell.web.surveys.models import Wave

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


def _cell_value(est: dict[str, Any] | None) -> ArmEstimate:
    if est is None:
        return ArmEstimate.withheld()
    return ArmEstimate(est["estimate"], est["lower"], est["upper"], est["n"], est["sd"], False)


def burden_report(membership: Membership, wave: Wave) -> BurdenReport:
    """The report for one wave, limited to the units ``membership`` may see."""
    columns = tuple(measure_info(c) for c in BURDEN_COLUMNS)
    results = results_for(wave)
    policy = DisclosurePolicy(
        results.meta.policy["min_n_scores"], results.meta.policy["min_n_comments"]
    )
    scope = None if membership.is_org_wide else membership.unit
    rows: list[BurdenRow] = []
    for cell in results.cells(None):
        unit = cell.unit
        if unit is None:
            if scope is not None:
                continue
            path, label, depth = ALL, "Whole organization", 0
        else:
            if scope is not None and not unit.tree_path.startswith(scope.tree_path):
                continue
            path, label, depth = unit.full_name, unit.name, unit.depth + 1
        rows.append(
            BurdenRow(
                path=path,
                label=label,
                depth=depth,
                n=cell.n,
                suppressed=cell.suppressed,
                values=tuple(
                    ArmEstimate.withheld()
                    if cell.suppressed
                    else _cell_value(cell.estimates.get(c.column))
                    for c in columns
                ),
            )
        )
    if len([r for r in rows if r.depth == 1]) == 1:  # one root unit: "*" repeats it
        rows = [r for r in rows if r.path != ALL]
    library = evidence_library()
    national = tuple(library[k] for k in NATIONAL_CONTEXT if k in library)
    suggestions = tuple(suggest_interventions(["prior_authorization", "quality_measures"], limit=5))
    return BurdenReport(wave, columns, tuple(rows), policy, national, suggestions)
