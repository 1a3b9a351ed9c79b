"""Plan progress on the organization's overview page (``dashboard/_plan_progress.html``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from clinwell.web.actions.access import visible_plans
from clinwell.web.actions.models import ActionPlan
from clinwell.web.orgs.models import Membership

OPEN_STATUSES = (ActionPlan.Status.PROPOSED, ActionPlan.Status.IN_PROGRESS)


def plan_progress(
    membership: Membership, *, limit: int = 5, today: date | None = None
) -> dict[str, Any]:
    """Counts by status, overdue plans and a few open plans with milestone progress.

    Returns ``{"total", "by_status": [{"status", "label", "count"}], "open", "overdue",
    "plans": [{"plan", "done", "milestones", "percent", "overdue"}], "organization"}``,
    limited to the plans ``membership`` may see. A plan is overdue when it is still open
    and its due date has passed; ``percent`` is the share of milestones done (100 for a
    done plan, 0 without milestones).
    """
    today = today or timezone.localdate()
    plans = visible_plans(membership)
    counts = dict(plans.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    open_plans = plans.filter(status__in=OPEN_STATUSES)
    overdue = open_plans.filter(due_on__lt=today).count()
    listed = (
        open_plans.select_related("unit", "owner")
        .annotate(
            n_milestones=Count("milestones"),
            n_done=Count("milestones", filter=Q(milestones__done=True)),
        )
        .order_by("due_on", "pk")[:limit]
    )
    rows = []
    for plan in listed:
        total, done = plan.n_milestones, plan.n_done
        rows.append(
            {
                "plan": plan,
                "milestones": total,
                "done": done,
                "percent": round(100 * done / total) if total else 0,
                "overdue": plan.due_on is not None and plan.due_on < today,
            }
        )
    return {
        "organization": membership.organization,
        "total": sum(counts.values()),
        "by_status": [
            {"status": value, "label": label, "count": counts.get(value, 0)}
            for value, label in ActionPlan.Status.choices
        ],
        "open": sum(counts.get(s, 0) for s in OPEN_STATUSES),
        "overdue": overdue,
        "plans": rows,
    }
