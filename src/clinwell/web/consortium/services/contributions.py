"""Receive a member's contribution file: validate, check it against our records, store it.

Whatever the route (an upload on the web page, the REST API with a member token, the CLI,
or sent from an organization on this same instance), one function stores contributions:
:func:`receive_contribution`. It refuses, naming the field and changing nothing:

- anything :func:`clinwell.consortium.parse_contribution` refuses (schema, version,
  impossible values);
- a ``member.id`` that is not a member of this consortium, or not the member sending it
  (a token or a representative can only send their own member's file), or an inactive one;
- a period of the wrong kind (the consortium pools by year or by half-year);
- a duplicate period: each member contributes once per period (staff can withdraw one).

A stored contribution is written in one transaction (the contribution, its cells and its
impacts), and the database's uniqueness of (member, period) closes the race between two
simultaneous sends.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from clinwell.consortium import (
    SCHEMA_VERSION,
    ContributionError,
    Problem,
    parse_contribution,
    period_kind,
)
from clinwell.consortium import (
    Contribution as ParsedContribution,
)
from clinwell.web.accounts.models import User
from clinwell.web.consortium.access import require_staff
from clinwell.web.consortium.models import (
    Consortium,
    ConsortiumMembership,
    Contribution,
    ContributionCell,
    ContributionImpact,
    Member,
    PeriodKind,
)


@dataclass(frozen=True)
class Received:
    contribution: Contribution
    cells: int
    impacts: int


def _refuse(source: str, field: str, message: str) -> ContributionError:
    return ContributionError([Problem(field, message)], source)


def _member(
    consortium: Consortium, parsed: ParsedContribution, sender: Member | None, source: str
) -> Member:
    member = Member.objects.filter(consortium=consortium, slug=parsed.member_id).first()
    if sender is not None and parsed.member_id != sender.slug:
        raise _refuse(
            source,
            "member.id",
            f"this file is for member {parsed.member_id!r}, but it is sent as {sender.slug!r}; "
            "a member can only send its own contribution",
        )
    if member is None:
        raise _refuse(
            source, "member.id", f"{parsed.member_id!r} is not a member of {consortium.name}"
        )
    if not member.active:
        raise _refuse(source, "member.id", f"{member.name} is no longer an active member")
    return member


def receive_contribution(
    consortium: Consortium,
    document: bytes | str,
    *,
    via: str,
    source: str = "contribution",
    sender: Member | None = None,
    received_by: User | None = None,
) -> Received:
    """Validate and store one contribution file, or raise :class:`ContributionError`.

    ``sender`` is the member the request authenticated as (a member token or a member's
    representative); ``None`` for consortium staff, who may upload any member's file.
    """
    raw = document.encode() if isinstance(document, str) else document
    parsed = parse_contribution(raw, source)
    member = _member(consortium, parsed, sender, source)
    if period_kind(parsed.period) != consortium.period_kind:
        example = "2026" if consortium.period_kind == PeriodKind.YEAR else "2026-H1"
        raise _refuse(
            source,
            "period",
            f"{consortium.name} pools by {PeriodKind(consortium.period_kind).label.lower()}: "
            f"give a period like {example}, not {parsed.period}",
        )
    duplicate = Contribution.objects.filter(member=member, period=parsed.period).first()
    if duplicate is not None:
        raise _duplicate(source, member, parsed.period, duplicate)
    try:
        with transaction.atomic():
            stored = Contribution.objects.create(
                member=member,
                period=parsed.period,
                schema_version=SCHEMA_VERSION,
                received_via=via,
                received_by=received_by,
                sha256=hashlib.sha256(raw).hexdigest(),
                min_n=parsed.min_n,
                software=parsed.software[:100],
                source=dict(parsed.source),
            )
            ContributionCell.objects.bulk_create(
                [
                    ContributionCell(
                        contribution=stored,
                        measure=c.measure,
                        role=c.role,
                        specialty=c.specialty,
                        n=c.n,
                        estimate=c.estimate,
                        sd=c.sd,
                        lower=c.lower,
                        upper=c.upper,
                    )
                    for c in parsed.cells
                ],
                batch_size=1000,
            )
            ContributionImpact.objects.bulk_create(
                [
                    ContributionImpact(
                        contribution=stored,
                        plan_ref=i.id,
                        interventions=list(i.interventions),
                        measure=i.measure,
                        estimate=i.estimate,
                        se=i.se,
                        n_treated_before=i.n_treated_before,
                        n_treated_after=i.n_treated_after,
                        n_comparison_before=i.n_comparison_before,
                        n_comparison_after=i.n_comparison_after,
                        level=i.level,
                        unit_kind=i.unit_kind,
                        finished_on=i.finished_on,
                    )
                    for i in parsed.impacts
                ]
            )
    except IntegrityError:  # a simultaneous send of the same period won the race
        found = Contribution.objects.filter(member=member, period=parsed.period).first()
        if found is None:
            raise
        raise _duplicate(source, member, parsed.period, found) from None
    return Received(stored, len(parsed.cells), len(parsed.impacts))


def _duplicate(source: str, member: Member, period: str, found: Contribution) -> ContributionError:
    day = found.received_at.date().isoformat()
    return _refuse(
        source,
        "period",
        f"{member.name} already contributed for {period} (received {day}); each period is "
        "contributed once — ask the consortium staff to withdraw it before sending a new one",
    )


def withdraw_contribution(membership: ConsortiumMembership, contribution: Contribution) -> None:
    """Delete a contribution (staff only); releases already published stay as they are."""
    require_staff(membership)
    if contribution.member.consortium_id != membership.consortium_id:
        raise ValueError("the contribution belongs to another consortium")
    contribution.delete()
