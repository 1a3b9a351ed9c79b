"""Set up a consortium: create it, add member systems (with an API token), grant roles."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from clinwell.consortium import PUBLIC_REPORT_MEASURES
from clinwell.web.accounts.models import User
from clinwell.web.consortium.models import Consortium, ConsortiumMembership, Member, PeriodKind
from clinwell.web.consortium.tokens import create_member_token
from clinwell.web.orgs.models import Organization


class ConsortiumInputError(ValueError):
    """Bad input to a consortium set-up step; the message names the field."""


def create_consortium(
    name: str,
    slug: str | None = None,
    *,
    period_kind: str = PeriodKind.HALF_YEAR,
    min_members: int = 5,
    epsilon_total: float = 3.0,
    epsilon_per_release: float = 1.0,
) -> Consortium:
    """A new consortium; the budget is fixed here and cannot be raised afterwards."""
    name = name.strip()
    slug = slugify(slug or name)[:60]
    if not name or not slug:
        raise ConsortiumInputError("name: a consortium needs a name")
    if period_kind not in PeriodKind.values:
        raise ConsortiumInputError(f"period_kind: one of {', '.join(PeriodKind.values)}")
    if min_members < 2:
        raise ConsortiumInputError(f"min_members: at least 2, got {min_members}")
    if not (0 < epsilon_per_release <= epsilon_total):
        raise ConsortiumInputError(
            "epsilon_per_release: must be positive and at most epsilon_total "
            f"({epsilon_per_release} vs {epsilon_total})"
        )
    if Consortium.objects.filter(slug=slug).exists():
        raise ConsortiumInputError(f"slug: a consortium {slug!r} already exists")
    return Consortium.objects.create(
        name=name,
        slug=slug,
        period_kind=period_kind,
        min_members=min_members,
        epsilon_total=epsilon_total,
        epsilon_per_release=epsilon_per_release,
        report_measures=list(PUBLIC_REPORT_MEASURES),
    )


def add_member(
    consortium: Consortium,
    name: str,
    slug: str | None = None,
    organization: Organization | None = None,
) -> tuple[Member, str]:
    """Add a member system; returns it and its first API token (shown once)."""
    name = name.strip()
    slug = slugify(slug or name)[:60]
    if not name or not slug:
        raise ConsortiumInputError("name: a member needs a name")
    if len(name) > 200:
        raise ConsortiumInputError(f"name: at most 200 characters, got {len(name)}")
    try:
        with transaction.atomic():
            member = Member.objects.create(
                consortium=consortium, name=name, slug=slug, organization=organization
            )
            _, token = create_member_token(member)
    except IntegrityError:
        raise ConsortiumInputError(f"id: a member {slug!r} already exists") from None
    return member, token


def grant_consortium_role(
    user: User, consortium: Consortium, role: str, member: Member | None = None
) -> ConsortiumMembership:
    """Give ``user`` a role: staff (no member) or a member's representative."""
    if role == ConsortiumMembership.Role.MEMBER and (
        member is None or member.consortium_id != consortium.pk
    ):
        raise ConsortiumInputError("member: a representative needs a member of this consortium")
    if role == ConsortiumMembership.Role.STAFF:
        member = None
    found, _ = ConsortiumMembership.objects.update_or_create(
        user=user, consortium=consortium, defaults={"role": role, "member": member}
    )
    return found
