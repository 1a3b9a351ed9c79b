"""The only way views, the API and other apps reach survey waves (built on orgs.access).

Administrators see every wave of their organization, drafts and open waves included; every
other role sees closed waves only (their results are what they read). A wave of another
organization, or one the role may not see, is a 404 — its existence is not revealed.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from clinwell.web.orgs.models import Membership, Organization
from clinwell.web.surveys.models import Wave


def visible_waves(membership: Membership) -> QuerySet[Wave]:
    """Waves the member may see: all of them for administrators, else the closed ones."""
    waves = Wave.objects.filter(organization=membership.organization)
    if not membership.is_admin:
        waves = waves.filter(status=Wave.Status.CLOSED)
    return waves


def access_wave(membership: Membership, wave_id: int) -> Wave:
    """One wave the member may see, or 404."""
    wave = visible_waves(membership).select_related("organization").filter(pk=wave_id).first()
    if wave is None:
        raise Http404("No such wave")
    return wave


def closed_waves(organization: Organization) -> QuerySet[Wave]:
    """The organization's closed waves, oldest first (with their modules)."""
    return (
        Wave.objects.filter(organization=organization, status=Wave.Status.CLOSED)
        .prefetch_related("modules")
        .order_by("closes_at", "pk")
    )
