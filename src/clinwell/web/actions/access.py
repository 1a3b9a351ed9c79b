"""The only way views reach action plans (built on :mod:`clinwell.web.orgs.access`).

Administrators see and edit every plan of their organization. Leaders see and edit only
plans whose unit lies in their subtree; any other plan is a 404, exactly like a unit outside
their subtree. Analysts and executives see every plan and edit none. Other tenants: 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from clinwell.web.actions.models import ActionPlan
from clinwell.web.orgs.access import Role, visible_units
from clinwell.web.orgs.models import Membership

EDITOR_ROLES = (Role.ADMIN, Role.LEADER)


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


def can_edit(membership: Membership) -> bool:
    """Whether the member may change the plans they can see."""
    return membership.role in EDITOR_ROLES


def require_editor(membership: Membership) -> None:
    """403 for analysts and executives, who only view plans."""
    if not can_edit(membership):
        raise PermissionDenied("Your role can view action plans but not change them.")
