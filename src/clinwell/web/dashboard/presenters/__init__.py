"""Read-only builders of the overview page: each returns plain data for one panel."""

from __future__ import annotations

from typing import Any

from clinwell.web.dashboard.presenters.board import board_summary
from clinwell.web.dashboard.presenters.national import national_comparison
from clinwell.web.dashboard.presenters.plan_progress import plan_progress
from clinwell.web.dashboard.presenters.sentences import summary_sentences
from clinwell.web.orgs.access import visible_units
from clinwell.web.orgs.models import Membership


def overview_context(membership: Membership) -> dict[str, Any]:
    """Everything the organization's overview page shows, for the member's scope."""
    org = membership.organization
    units = visible_units(membership)
    progress = plan_progress(membership)
    board = board_summary(membership)
    return {
        "unit_count": units.count(),
        "people_count": org.people.filter(active=True, unit__in=units).count(),
        "member_count": org.memberships.count(),
        "wave_count": org.waves.count(),
        "plan_progress": progress,
        "board": board,
        "sentences": summary_sentences(board, progress),
    }


__all__ = [
    "board_summary",
    "national_comparison",
    "overview_context",
    "plan_progress",
    "summary_sentences",
]
