"""Turn waves and released cells into API bodies (plain dicts matching :mod:`.schemas`).

Result numbers are read from :class:`~clinwell.web.results.models.PublishedCell` rows only
(the privacy gate's output, through :func:`~clinwell.web.results.services.cache.results_for`
and the CSV export's :func:`~clinwell.web.results.services.exports.scoped_cells`); a
suppressed cell is given with ``n`` and ``estimates`` empty.
"""

from __future__ import annotations

from typing import Any

from clinwell.web.orgs.models import Membership
from clinwell.web.results.models import PublishedCell, group_pairs
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.exports import hidden_reason, scoped_cells
from clinwell.web.surveys.models import Wave

ESTIMATE_KEYS = ("estimate", "lower", "upper", "n")


def wave_body(wave: Wave, counts: dict[str, int | None] | None = None) -> dict[str, Any]:
    return {
        "id": wave.pk,
        "name": wave.name,
        "status": wave.status,
        "opens_at": wave.opens_at,
        "closes_at": wave.closes_at,
        "time_zone": wave.time_zone,
        "min_n_scores": wave.min_n_scores,
        "min_n_comments": wave.min_n_comments,
        "launched_on": wave.launched_on,
        "closed_on": wave.closed_on,
        "counts": counts,
    }


def _unit_label(membership: Membership, cell: PublishedCell) -> str:
    return membership.organization.name if cell.unit is None else cell.unit.full_name


def cell_body(membership: Membership, cell: PublishedCell) -> dict[str, Any]:
    if cell.suppressed:
        estimates: dict[str, Any] = {}
    else:
        estimates = {
            column: None if est is None else {key: est.get(key) for key in ESTIMATE_KEYS}
            for column, est in cell.estimates.items()
        }
    return {
        "unit_id": cell.unit_id,
        "unit": _unit_label(membership, cell),
        "group": dict(group_pairs(cell.group)),
        "suppressed": cell.suppressed,
        "hidden_reason": hidden_reason(cell),
        "n": None if cell.suppressed else cell.n,
        "estimates": estimates,
    }


def results_body(membership: Membership, wave: Wave, group: str = "") -> dict[str, Any]:
    """The wave, its measures and every released cell of one group (``""`` = everyone) the
    member may see."""
    res = results_for(wave)
    return {
        "wave": wave_body(wave),
        "measures": [m.to_json() for m in res.measures],
        "cells": [cell_body(membership, c) for c in scoped_cells(membership, res, group)],
    }


def comments_body(membership: Membership, wave: Wave) -> list[dict[str, Any]]:
    """Released comment lists per visible cell (``texts`` null = withheld by the gate)."""
    res = results_for(wave)
    out = []
    for cell in scoped_cells(membership, res):
        groups = []
        if not cell.suppressed and cell.comments:
            groups = [
                {"question": question, "texts": texts}
                for question, texts in sorted(cell.comments.items())
            ]
        out.append(
            {
                "unit_id": cell.unit_id,
                "unit": _unit_label(membership, cell),
                "suppressed": cell.suppressed,
                "groups": groups,
            }
        )
    return out


def themes_body(membership: Membership, wave: Wave) -> dict[str, Any]:
    """Comment theme and sentiment counts of every visible released cell (null = withheld:
    the group is below the comment threshold, suppressed, or nobody commented)."""
    from clinwell.comments import themes
    from clinwell.web.results.services.comment_page import released_summary

    res = results_for(wave)
    cells = []
    for cell in scoped_cells(membership, res):
        summary = released_summary(cell)
        cells.append(
            {
                "unit_id": cell.unit_id,
                "unit": _unit_label(membership, cell),
                "suppressed": cell.suppressed,
                "comments": None if summary is None else summary["count"],
                "themes": None if summary is None else summary["themes"],
                "negative": None if summary is None else summary["negative"],
                "sentiment": None if summary is None else summary["sentiment"],
            }
        )
    return {
        "wave": wave_body(wave),
        "min_n_comments": res.meta.policy.get("min_n_comments"),
        "themes": [
            {
                "key": t.key,
                "label": t.label,
                "description": t.description,
                "items": list(t.items),
                "nam_priority_areas": list(t.nam_priority_areas),
                "interventions": list(t.interventions),
            }
            for t in themes()
        ],
        "cells": cells,
    }
