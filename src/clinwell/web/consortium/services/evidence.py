"""Pooled evidence of what worked: the consortium's meta-analyses per intervention.

Every impact record of active members is used once per (member, plan): a plan re-sent in a
later period's contribution replaces the earlier copy. :func:`clinwell.consortium.pool_impacts`
pools them (one estimate per system, random effects) where at least ``min_members`` systems
measured an intervention on the same measure.
"""

from __future__ import annotations

from django.utils import timezone

from clinwell.consortium import (
    ImpactRecord,
    PooledEffect,
    SystemImpact,
    evidence_document,
    pool_impacts,
)
from clinwell.web.consortium.models import Consortium, ContributionImpact


def system_impacts(consortium: Consortium) -> list[SystemImpact]:
    """The latest copy of every member's shared plan impacts."""
    latest: dict[tuple[str, str], SystemImpact] = {}
    rows = (
        ContributionImpact.objects.filter(
            contribution__member__consortium=consortium, contribution__member__active=True
        )
        .select_related("contribution__member")
        .order_by("contribution__period", "pk")
    )
    for row in rows:
        record = ImpactRecord(
            row.plan_ref,
            tuple(row.interventions),
            row.measure,
            row.estimate,
            row.se,
            row.n_treated_before,
            row.n_treated_after,
            row.n_comparison_before,
            row.n_comparison_after,
            row.level,
            row.unit_kind,
            row.finished_on,
        )
        member = row.contribution.member.slug
        latest[(member, row.plan_ref)] = SystemImpact(member, record)
    return list(latest.values())


def pooled_evidence(consortium: Consortium) -> list[PooledEffect]:
    return pool_impacts(system_impacts(consortium), consortium.min_members)


def evidence_file(consortium: Consortium) -> dict[str, object]:
    """The versioned pooled-evidence document members import."""
    return evidence_document(
        consortium.slug,
        consortium.name,
        timezone.now().isoformat(timespec="seconds"),
        pooled_evidence(consortium),
    )
