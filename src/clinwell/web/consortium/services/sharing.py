"""Member side: what an organization agreed to share, and the pooled evidence it imports.

An organization's administrator records the consortium, the member id the consortium gave it
and what it shares (survey results, EHR metrics, measured impact of action plans):
:class:`~clinwell.web.consortium.models.SharingChoice`. The contribution itself is built by
:mod:`.export`. :func:`import_evidence` stores the consortium's pooled-evidence file, shown in
the organization's intervention catalog.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from clinwell.consortium import (
    parse_evidence,
)
from clinwell.web.accounts.models import User
from clinwell.web.consortium.models import PeriodKind, SharingChoice
from clinwell.web.knowledgebase.models import MeasuredEffect
from clinwell.web.orgs.access import Role, require_role
from clinwell.web.orgs.models import Membership, Organization


class SharingInputError(ValueError):
    """Bad input on the sharing page; the message names the field."""


@dataclass(frozen=True)
class SharingInput:
    consortium_name: str
    member_id: str
    period_kind: str
    share_survey: bool
    share_ehr: bool
    share_impact: bool


def sharing_choice(organization: Organization) -> SharingChoice | None:
    return SharingChoice.objects.filter(organization=organization).first()


def save_sharing_choice(membership: Membership, data: SharingInput, user: User) -> SharingChoice:
    """Record what the organization shares (administrators only)."""
    require_role(membership, Role.ADMIN)
    from clinwell.consortium.contribution import MEMBER_ID_PATTERN

    name = data.consortium_name.strip()
    if not name or len(name) > 200:
        raise SharingInputError("consortium_name: give the consortium's name (≤ 200 characters)")
    if not MEMBER_ID_PATTERN.match(data.member_id):
        raise SharingInputError(
            "member_id: the id the consortium gave you (lower-case letters, digits, hyphens)"
        )
    if data.period_kind not in PeriodKind.values:
        raise SharingInputError(f"period_kind: one of {', '.join(PeriodKind.values)}")
    choice, _ = SharingChoice.objects.update_or_create(
        organization=membership.organization,
        defaults={
            "consortium_name": name,
            "member_id": data.member_id,
            "period_kind": data.period_kind,
            "share_survey": data.share_survey,
            "share_ehr": data.share_ehr,
            "share_impact": data.share_impact,
            "updated_by": user,
        },
    )
    return choice


def import_evidence(membership: Membership, document: bytes, source: str) -> int:
    """Replace the organization's imported pooled evidence with ``document``'s (admins).

    Raises :class:`clinwell.consortium.EvidenceError` (nothing changed) for a bad file.
    """
    require_role(membership, Role.ADMIN)
    parsed = parse_evidence(document, source)
    now = timezone.now()
    organization = membership.organization
    with transaction.atomic():
        MeasuredEffect.objects.filter(organization=organization).delete()
        MeasuredEffect.objects.bulk_create(
            [
                MeasuredEffect(
                    organization=organization,
                    consortium_name=parsed.consortium_name,
                    imported_at=now,
                    evidence_date=parsed.created_at[:40],
                    **e.to_json(),
                )
                for e in parsed.effects
            ]
        )
    return len(parsed.effects)
