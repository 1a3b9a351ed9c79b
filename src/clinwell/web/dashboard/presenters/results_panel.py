"""The results panel of the organization's overview page (``dashboard/_results_panel.html``):
headline KPIs of the latest closed wave, read from its release."""

from __future__ import annotations

from typing import Any

from clinwell.web.orgs.models import Membership
from clinwell.web.results.services.cache import closed_waves, results_for
from clinwell.web.results.services.catalog import KPI_LABELS, kpi_measures
from clinwell.web.results.services.pages import estimate_view
from clinwell.web.results.services.present import national_comparison
from clinwell.web.results.services.scope import scope_for


def results_panel(membership: Membership) -> dict[str, Any]:
    """Headline KPIs of the latest closed wave for the member's scope, all released.

    Returns ``{"results_summary": {...}}``; ``wave`` is None when no wave has closed, and
    ``state`` is ``published``, ``suppressed`` or ``none`` (no responses in the scope).
    """
    waves = closed_waves(membership.organization)
    scope = scope_for(membership, None)
    summary: dict[str, Any] = {
        "wave": None,
        "earlier": None,
        "scope": scope,
        "kpis": [],
        "state": "none",
        "slug": membership.organization.slug,
    }
    if not waves:
        return {"results_summary": summary}
    wave = waves[-1]
    res = results_for(wave)
    cell = res.cell(scope.unit_id)
    summary["wave"] = wave
    summary["earlier"] = waves[-2] if len(waves) > 1 else None  # offered when this one is hidden
    summary["state"] = (
        "none" if cell is None else ("suppressed" if cell.suppressed else "published")
    )
    if cell is not None and not cell.suppressed:
        summary["n"] = cell.n
        for key, m in kpi_measures(res.measures).items():
            est = cell.estimates.get(m.column)
            summary["kpis"].append(
                {
                    "key": key,
                    "label": KPI_LABELS[key],
                    "measure": m,
                    "est": estimate_view(m, est),
                    "national": national_comparison(m, est),
                }
            )
    return {"results_summary": summary}
