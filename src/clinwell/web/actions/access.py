"""The only way views reach action plans (built on :mod:`clinwell.web.orgs.access`).

Administrators see and edit every plan of their organization. Leaders see and edit only
plans whose unit lies in their subtree; any other plan is a 404, exactly like a unit outside
their subtree. Analysts and executives see every plan and edit none (who may edit is
:func:`clinwell.web.orgs.access.can_edit_plans`, one definition for every app). Other
tenants: 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from clinwell.web.actions.models import ActionPlan
from clinwell.web.orgs.access import visible_units
from clinwell.web.orgs.models import Membership


def visible_plans(membership: Membership) -> QuerySet[ActionPlan]:
    """Plans the member may see: the whole organization, or a leader's subtree."""
    plans = ActionPlan.objects.filter(organization=membership.organization)
    if membership.is_org_wide:
        return plans
    return plans.filter(unit__in=visible_units(membership))


def access_plan(membership: Membership, plan_id: int) -> ActionPlan:
    """One visible plan, or 404 (other tenants and other subtrees alike)."""
    plan = (
        visible_plans(membership)
        .select_related("unit", "owner", "source_wave", "organization")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404("No such action plan")
    return plan
