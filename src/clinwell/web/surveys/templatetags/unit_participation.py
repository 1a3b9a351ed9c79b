"""``{% unit_participation unit membership %}``: a unit's live response rate, for its page.

The unit page belongs to the orgs app, which sits below surveys and cannot import it; this
tag lets the page show, for each open wave, the unit's row of
:func:`~clinwell.web.surveys.services.participation.live_counts` — the same counts,
through the same privacy gate, as the wave's monitoring panel.
"""

from __future__ import annotations

from typing import Any

from django import template

from clinwell.web.orgs.models import Membership, Unit
from clinwell.web.surveys.models import Wave
from clinwell.web.surveys.services.participation import live_counts

register = template.Library()


@register.inclusion_tag("surveys/_unit_participation.html")
def unit_participation(unit: Unit, membership: Membership) -> dict[str, Any]:
    rows = []
    open_waves = Wave.objects.filter(
        organization=membership.organization, status=Wave.Status.OPEN
    ).order_by("-opens_at")
    for wave in open_waves:
        live = live_counts(wave, {unit.pk})
        row = next((r for r in live.by_unit if r.unit is not None and r.unit.pk == unit.pk), None)
        if row is not None:
            rows.append({"wave": wave, "row": row, "threshold": live.threshold})
    return {"rows": rows, "unit": unit, "is_admin": membership.is_admin}
