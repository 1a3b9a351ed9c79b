"""Reads for the consortium pages and API (no writes): contributions, releases, waves, effects.

Access decisions (which consortium, member, contribution or release a user may reach, 404 or
403) live in :mod:`clinwell.web.consortium.access`; these functions only read what a view
that already passed those checks shows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from clinwell.web.consortium.models import Consortium, Contribution, Member, Release
from clinwell.web.knowledgebase.models import MeasuredEffect
from clinwell.web.orgs.models import Organization
from clinwell.web.surveys.models import Wave


def recent_contributions(members: Iterable[Member], limit: int = 200) -> list[Contribution]:
    """The latest contributions of ``members`` (newest period first, then by member name)."""
    found = (
        Contribution.objects.filter(member__in=list(members))
        .select_related("member")
        .order_by("-period", "member__name")
    )
    return list(found[:limit])


def member_contributions(member: Member) -> QuerySet[Contribution]:
    """Every contribution the consortium holds from one member, newest period first."""
    return Contribution.objects.filter(member=member).order_by("-period")


def contributions_for_period(members: Iterable[Member], period: str) -> dict[int, Contribution]:
    """The contribution each of ``members`` holds for ``period``, by member id."""
    found = Contribution.objects.filter(member__in=list(members), period=period)
    return {c.member_id: c for c in found}


def releases_of(consortium: Consortium) -> QuerySet[Release]:
    """The consortium's releases, newest first."""
    return Release.objects.filter(consortium=consortium)


def other_releases(release: Release, limit: int = 10) -> list[Release]:
    """Up to ``limit`` other releases of the same consortium, newest first."""
    return list(releases_of(release.consortium).exclude(pk=release.pk)[:limit])


def closed_waves(organization: Organization) -> list[Wave]:
    """The organization's closed waves, most recently closed first."""
    return list(
        Wave.objects.filter(organization=organization, status=Wave.Status.CLOSED).order_by(
            "-closes_at", "-pk"
        )
    )


def measured_effects(organization: Organization) -> QuerySet[MeasuredEffect]:
    """The organization's measured effects (its own plans' and imported pooled evidence)."""
    return MeasuredEffect.objects.filter(organization=organization)
