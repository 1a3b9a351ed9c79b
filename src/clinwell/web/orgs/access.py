"""The only way views reach tenant data.

Each function checks one condition per line (zulip's ``access_*`` pattern): a user who is
not a member of the organization gets 404 (its existence is not revealed), a member whose
role does not allow an action gets 403, and a leader asking for a unit outside their
subtree gets 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from clinwell.web.accounts.models import User
from clinwell.web.orgs.models import AccessInvitation, Membership, Person, Unit

Role = Membership.Role


def access_membership(user: User, org_slug: str) -> Membership:
    """The user's membership in the organization, or 404."""
    if not user.is_authenticated:
        raise Http404("No such organization")
    membership = (
        Membership.objects.select_related("organization", "unit")
        .filter(user=user, organization__slug=org_slug)
        .first()
    )
    if membership is None:
        raise Http404("No such organization")
    return membership


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's memberships (their organizations and roles), by organization name."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("organization", "unit")
        .order_by("organization__name", "organization__slug")
    )


def require_role(membership: Membership, *roles: str) -> None:
    """403 unless the membership has one of ``roles``."""
    if membership.role not in roles:
        raise PermissionDenied("Your role does not allow this.")


def visible_units(membership: Membership) -> QuerySet[Unit]:
    """Units the member may see: the whole tree, or a leader's subtrees (main and extra)."""
    units = Unit.objects.filter(organization=membership.organization)
    if membership.is_org_wide:
        return units
    if membership.unit is None:  # excluded by the leader_has_unit constraint; fail closed
        return units.none()
    roots = Q(tree_path__startswith=membership.unit.tree_path)
    for path in _extra_paths(membership):
        roots |= Q(tree_path__startswith=path)
    return units.filter(roots)


def _extra_paths(membership: Membership) -> list[str]:
    """A leader's extra subtrees, looked up once per membership object (one request)."""
    cached: list[str] | None = getattr(membership, "_extra_paths", None)
    if cached is None:
        cached = list(
            membership.extra_units.filter(organization=membership.organization).values_list(
                "tree_path", flat=True
            )
        )
        membership._extra_paths = cached  # type: ignore[attr-defined]
    return cached


def top_unit(membership: Membership) -> Unit | None:
    """The tree's single top unit (every unit path starts with it), if it has exactly one."""
    tops = list(Unit.objects.filter(organization=membership.organization, parent__isnull=True)[:2])
    return tops[0] if len(tops) == 1 else None


def access_unit(membership: Membership, unit_id: int) -> Unit:
    """One unit the member may see, or 404 (other tenants and other subtrees alike)."""
    unit = visible_units(membership).filter(pk=unit_id).first()
    if unit is None:
        raise Http404("No such unit")
    return unit


def visible_people(membership: Membership) -> QuerySet[Person]:
    """Roster entries the member may see: admins all, leaders their subtree, others none."""
    require_role(membership, Role.ADMIN, Role.LEADER)
    people = Person.objects.filter(organization=membership.organization)
    if membership.is_admin:
        return people
    return people.filter(unit__in=visible_units(membership))


def access_person(membership: Membership, person_id: int) -> Person:
    person = visible_people(membership).select_related("unit").filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person")
    return person


PLAN_EDITOR_ROLES = (Role.ADMIN, Role.LEADER)
"""Roles that start and change action plans (in the units they can see)."""


def can_edit_plans(membership: Membership) -> bool:
    """Whether the member may start and change the action plans they can see."""
    return membership.role in PLAN_EDITOR_ROLES


def require_plan_editor(membership: Membership) -> None:
    """403 for analysts and executives, who only view plans."""
    if not can_edit_plans(membership):
        raise PermissionDenied("Your role can view action plans but not change them.")


def organization_members(membership: Membership) -> QuerySet[Membership]:
    """Everyone with access to the organization (administrators only)."""
    require_role(membership, Role.ADMIN)
    return (
        Membership.objects.filter(organization=membership.organization)
        .select_related("user", "unit", "organization")
        .prefetch_related("extra_units")
        .order_by("role", "user__email")
    )


def access_member(membership: Membership, member_id: int) -> Membership:
    """Another membership of the same organization, or 404 (administrators only)."""
    member = organization_members(membership).filter(pk=member_id).first()
    if member is None:
        raise Http404("No such member")
    return member


def pending_invitations(membership: Membership) -> QuerySet[AccessInvitation]:
    require_role(membership, Role.ADMIN)
    return AccessInvitation.objects.filter(
        organization=membership.organization, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).order_by("email")


def access_invitation(membership: Membership, invitation_id: int) -> AccessInvitation:
    invitation = (
        pending_invitations(membership)
        .select_related("organization")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation")
    return invitation
