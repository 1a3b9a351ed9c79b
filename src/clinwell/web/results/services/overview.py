"""The executive overview: headline KPIs with intervals, trend, national comparison,
the four Organizational Biopsy domains."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from clinwell.web.orgs.access import visible_units
from clinwell.web.orgs.models import Membership, Person
from clinwell.web.results.services import pages
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.scope import Scope
from clinwell.web.surveys.models import Wave


def overview_data(
    membership: Membership, waves: list[Wave], wave: Wave, scope: Scope
) -> dict[str, Any]:
    res = results_for(wave)
    cell = res.cell(scope.unit_id, scope.group)
    physicians = None
    if not scope.group:
        # The national figures are for physicians: the overview leads with this unit's
        # physicians against them, and shows everyone's results without a national figure.
        only = replace(scope, group="role=physician", cut={"role": "physician"})
        only_cell = res.cell(scope.unit_id, only.group)
        if only_cell is not None:
            physicians = {
                "cell": only_cell,
                "kpis": pages.kpi_cards(membership, waves, wave, res, only, only_cell),
                "query": only.query(),
            }
    return {
        "meta": res.meta,
        "cell": cell,
        "state": "none" if cell is None else ("suppressed" if cell.suppressed else "published"),
        "protects_other": cell is not None and cell.protects_other,
        "kpis": pages.kpi_cards(membership, waves, wave, res, scope, cell),
        "domains": pages.domain_cards(membership, wave, res, scope, cell),
        "physicians": physicians,
        "all_measures": pages.measure_values(res, cell),
    }


def physicians_in_scope(membership: Membership, scope: Scope) -> int:
    """Active physicians on the roster in the scope (the cost form's default N).

    A single organization-level count, read within the member's visible units; it is an
    input default, not a survey result.
    """
    units = visible_units(membership)
    if scope.unit is not None:
        units = units.filter(tree_path__startswith=scope.unit.tree_path)
    return Person.objects.filter(
        organization=membership.organization, active=True, role="physician", unit__in=units
    ).count()
