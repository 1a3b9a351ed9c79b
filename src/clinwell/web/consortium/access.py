"""The only way views reach a consortium's data (as ``clinwell.web.orgs.access`` for tenants).

- Not in the consortium (no :class:`ConsortiumMembership`): 404, its existence not revealed.
- Staff-only pages for a member's representative: 403.
- A representative asking for another member (its contributions or its position): 404, as if
  that member did not exist. The representative's own member is the only one they can name.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from clinwell.web.accounts.models import User
from clinwell.web.consortium.models import Consortium, ConsortiumMembership, Member

Role = ConsortiumMembership.Role


def access_consortium(user: User, consortium_slug: str) -> ConsortiumMembership:
    """The user's role in the consortium, or 404."""
    if not user.is_authenticated:
        raise Http404("No such consortium")
    found = (
        ConsortiumMembership.objects.select_related("consortium", "member")
        .filter(user=user, consortium__slug=consortium_slug)
        .first()
    )
    if found is None:
        raise Http404("No such consortium")
    return found


def require_staff(membership: ConsortiumMembership) -> None:
    """403 unless the user runs the consortium."""
    if not membership.is_staff:
        raise PermissionDenied("Only the consortium's staff may do this.")


def visible_members(membership: ConsortiumMembership) -> QuerySet[Member]:
    """Staff: every member. A representative: their own member only."""
    members = Member.objects.filter(consortium=membership.consortium)
    if membership.is_staff:
        return members
    if membership.member_id is None:  # excluded by representative_has_member; fail closed
        return members.none()
    return members.filter(pk=membership.member_id)


def access_member(membership: ConsortiumMembership, member_slug: str) -> Member:
    """One member the user may see, or 404 (another member's slug is a 404 for a rep)."""
    member = visible_members(membership).filter(slug=member_slug).first()
    if member is None:
        raise Http404("No such member")
    return member


def user_consortia(user: User) -> list[ConsortiumMembership]:
    """Every consortium the user belongs to, by name."""
    if not user.is_authenticated:
        return []
    return list(
        ConsortiumMembership.objects.filter(user=user)
        .select_related("consortium", "member")
        .order_by("consortium__name")
    )


def consortium_by_slug(slug: str) -> Consortium:
    """A consortium for its public pages (its public report), or 404."""
    found = Consortium.objects.filter(slug=slug).first()
    if found is None:
        raise Http404("No such consortium")
    return found
