"""A consortium of five synthetic member systems, its staff, two representatives, an outsider.

The contributions come from :func:`clinwell.synth.consortium.generate_consortium` (generated
once per session: pure and seeded); the web objects are made per test through the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pytest
from django.db.models import QuerySet

from clinwell.synth.consortium import SyntheticConsortium, generate_consortium
from clinwell.web.accounts.models import User
from clinwell.web.consortium.models import (
    Consortium,
    ConsortiumMembership,
    Contribution,
    ContributionCell,
    ContributionImpact,
    Member,
    Release,
    ReleaseCell,
)
from clinwell.web.consortium.services.contributions import receive_contribution
from clinwell.web.consortium.services.members import (
    add_member,
    create_consortium,
    grant_consortium_role,
)
from tests.web.conftest import make_user

PERIOD = "2026-H1"


@cache
def synthetic(members: int = 5, period: str = PERIOD) -> SyntheticConsortium:
    return generate_consortium(members, seed=11, period=period, respondents=(60, 140))


@dataclass
class Collaborative:
    consortium: Consortium
    members: list[Member]
    tokens: dict[str, str]
    staff: User
    rep_a: User  # represents members[0]
    rep_b: User  # represents members[1]
    outsider: User
    staff_role: ConsortiumMembership

    # Scoped to this consortium: other tests' module fixtures may leave the demo's behind.
    def contributions(self) -> QuerySet[Contribution]:
        return Contribution.objects.filter(member__consortium=self.consortium)

    def counts(self) -> tuple[int, int, int]:
        """Contributions, cells and impacts stored for this consortium."""
        mine = {"contribution__member__consortium": self.consortium}
        return (
            self.contributions().count(),
            ContributionCell.objects.filter(**mine).count(),
            ContributionImpact.objects.filter(**mine).count(),
        )

    def releases(self) -> QuerySet[Release]:
        return Release.objects.filter(consortium=self.consortium)

    def release_cells(self) -> QuerySet[ReleaseCell]:
        return ReleaseCell.objects.filter(release__consortium=self.consortium)


@pytest.fixture
def collaborative(db: None) -> Collaborative:
    consortium = create_consortium(
        "Test Collaborative",
        "test-collab",
        min_members=5,
        epsilon_total=2.0,
        epsilon_per_release=1.0,
    )
    members, tokens = [], {}
    for contribution in synthetic().contributions:
        member, token = add_member(consortium, contribution.member_name, contribution.member_id)
        members.append(member)
        tokens[member.slug] = token
    staff, rep_a, rep_b, outsider = (
        make_user(f"{name}@collab.example") for name in ("staff", "repa", "repb", "nobody")
    )
    staff_role = grant_consortium_role(staff, consortium, "staff")
    grant_consortium_role(rep_a, consortium, "member", members[0])
    grant_consortium_role(rep_b, consortium, "member", members[1])
    return Collaborative(consortium, members, tokens, staff, rep_a, rep_b, outsider, staff_role)


@pytest.fixture
def contributed(collaborative: Collaborative) -> Collaborative:
    """The collaborative with every synthetic member's contribution stored."""
    for contribution, member in zip(synthetic().contributions, collaborative.members, strict=True):
        receive_contribution(
            collaborative.consortium, contribution.dumps(), via="api", sender=member
        )
    return collaborative
