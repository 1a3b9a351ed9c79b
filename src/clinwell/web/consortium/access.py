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
from clinwell.web.consortium.models import (
    Consortium,
    ConsortiumMembership,
    Contribution,
    Member,
    Release,
)
from clinwell.web.consortium.queries import closed_waves
from clinwell.web.orgs.models import Membership
from clinwell.web.surveys.models import Wave

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


def access_contribution(membership: ConsortiumMembership, contribution_id: int) -> Contribution:
    """One contribution to the user's consortium that the user may see, or 404."""
    members = visible_members(membership)
    found = (
        Contribution.objects.filter(pk=contribution_id, member__in=members)
        .select_related("member")
        .first()
    )
    if found is None:
        raise Http404("No such contribution")
    return found


def access_release(consortium: Consortium, number: int) -> Release:
    """One published release of the consortium (public), or 404."""
    found = Release.objects.filter(consortium=consortium, number=number).first()
    if found is None:
        raise Http404("No such report")
    return found


def release_by_slug(consortium_slug: str, number: int) -> Release:
    """One published release by its consortium's slug (the public API), or 404."""
    found = (
        Release.objects.filter(consortium__slug=consortium_slug, number=number)
        .select_related("consortium")
        .first()
    )
    if found is None:
        raise Http404("No such report")
    return found


def latest_release(consortium: Consortium) -> Release:
    """The consortium's newest release, or 404 when none is published yet."""
    found = Release.objects.filter(consortium=consortium).first()
    if found is None:
        raise Http404("No report has been released yet")
    return found


def sendable_members(membership: Membership) -> list[Member]:
    """Active members on this instance linked to the user's organization that the user may
    send for: as the consortium's staff, or as that member's own representative."""
    linked = Member.objects.filter(organization=membership.organization, active=True)
    roles = {
        r.consortium_id: r
        for r in ConsortiumMembership.objects.filter(
            user=membership.user, consortium__in=linked.values("consortium")
        )
    }
    allowed = []
    for member in linked.select_related("consortium"):
        role = roles.get(member.consortium_id)
        if role is not None and (role.is_staff or role.member_id == member.pk):
            allowed.append(member)
    return allowed


def access_sendable_member(membership: Membership, member_id: str | None) -> Member:
    """A member the user may send for (see :func:`sendable_members`), or 404."""
    found = next((m for m in sendable_members(membership) if str(m.pk) == member_id), None)
    if found is None:
        raise Http404("No such member")
    return found


def access_closed_wave(membership: Membership, raw: str | None) -> Wave | None:
    """A closed wave of the user's organization named by ``raw`` (a wave id), or 404; with
    nothing named, the most recently closed wave (``None`` when there is none)."""
    waves = closed_waves(membership.organization)
    if not raw:
        return waves[0] if waves else None
    try:
        wanted = int(raw)
    except ValueError:
        raise Http404("No such wave") from None
    found = next((w for w in waves if w.pk == wanted), None)
    if found is None:
        raise Http404("No such wave")
    return found
