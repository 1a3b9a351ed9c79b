"""Live response counts of an open wave, through the privacy gate (counts only, no scores).

While a wave is open, who has responded is recorded on the invitations (reminders need it)
and each anonymous-link submission leaves a receipt naming its link. The monitoring panel
shows how many responded per unit and per role; those counts go through
:func:`clinwell.privacy.release` with the wave's score threshold, so a unit or role with
1 to k−1 responses so far shows "fewer than k" — and no hidden count can be worked out by
subtracting shown ones (complementary suppression over the unit tree and the roles).

This is a release of its own, apart from the wave's results release: it holds counts of
people who responded so far and nothing of what they answered (docs/privacy.md lists it
among the deliberate exceptions). After the wave closes, the invitations and receipts are
gone and response counts come from the results release only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from clinwell.privacy import ALL, Dimension, DisclosurePolicy, TableRequest, release
from clinwell.web.orgs.models import Organization, Unit
from clinwell.web.surveys.models import (
    Invitation,
    InvitationCount,
    SubmissionReceipt,
    Wave,
)

UNIT = "unit"
ROLE = "role"


@dataclass(frozen=True)
class CountRow:
    """Invited and responded (``None`` = hidden: fewer than k, or would reveal such a group)."""

    label: str
    invited: int
    responded: int | None  # invited people who answered (never anonymous-link answers)
    unit: Unit | None = None
    link_responses: int | None = 0  # answers through this unit's anonymous links

    @property
    def rate(self) -> int | None:
        if self.responded is None or not self.invited:
            return None
        return round(100 * self.responded / self.invited)


@dataclass(frozen=True)
class Participation:
    threshold: int
    by_unit: list[CountRow]
    by_role: list[CountRow]
    total_invited: int
    total_responded: int | None  # invited people who answered: the rate's numerator
    link_responses: int | None  # answers through anonymous links, counted apart
    open: bool
    not_sent: int = 0
    sent: int = 0  # sent, whether answered or not
    undeliverable: int = 0

    @property
    def total_rate(self) -> int | None:
        """Invited responses against invitations (anonymous-link answers are not in it)."""
        if self.total_responded is None or not self.total_invited:
            return None
        return round(100 * self.total_responded / self.total_invited)

    @property
    def all_responses(self) -> int | None:
        """Invited plus anonymous-link responses, when both are shown."""
        if self.total_responded is None or self.link_responses is None:
            return None
        return self.total_responded + self.link_responses


def _path(unit: Unit) -> str:
    return unit.tree_path.strip("/")


def _invited(wave: Wave) -> list[tuple[int, str, int]]:
    """(unit id, role, invited) per class: from the invitations while open, the counts after."""
    if wave.status == Wave.Status.OPEN:
        rows = (
            Invitation.objects.filter(wave=wave)
            .values_list("unit_id", "role")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return [(u, r, n) for u, r, n in rows]
    counts = InvitationCount.objects.filter(wave=wave).values_list("unit_id", "role", "invited")
    return [(u, r, n) for u, r, n in counts]


def live_counts(wave: Wave, visible: set[int] | None = None) -> Participation:
    """Invited and (while open) responded counts by unit and by role, through the gate.

    ``visible`` limits the unit rows to those unit ids (a leader's subtree); the release is
    computed over the whole organization either way, so every viewer sees the same cells.
    """
    org: Organization = wave.organization
    units = {u.pk: u for u in Unit.objects.filter(organization=org)}
    invited = _invited(wave)
    invited_unit: dict[int, int] = {}
    invited_role: dict[str, int] = {}
    for unit_id, role, n in invited:
        for ancestor in units[unit_id].tree_path.strip("/").split("/"):
            invited_unit[int(ancestor)] = invited_unit.get(int(ancestor), 0) + n
        invited_role[role] = invited_role.get(role, 0) + n
    total_invited = sum(n for _, _, n in invited)
    k = wave.min_n_scores
    if wave.status != Wave.Status.OPEN:
        return Participation(
            threshold=k,
            by_unit=_unit_rows(units, invited_unit, {}, visible, known=False),
            by_role=[
                CountRow(org.role_label(role), n, None) for role, n in sorted(invited_role.items())
            ],
            total_invited=total_invited,
            total_responded=None,
            link_responses=None,
            open=False,
        )
    responded = list(
        Invitation.objects.filter(wave=wave, status=Invitation.Status.RESPONDED).values_list(
            "unit_id", "role"
        )
    )
    receipts = list(
        SubmissionReceipt.objects.filter(wave=wave, link__isnull=False).values_list("link__unit_id")
    )
    policy = DisclosurePolicy(k, max(k, wave.min_n_comments))
    # Two releases over disjoint groups of people — invited responses by unit and role,
    # anonymous-link responses by unit — so a response rate counts invited responses
    # against invitations, and link responses are counted apart. The only number that adds
    # the two is the sum of both released totals, so neither release's hidden cells can be
    # worked out from the other.
    unit_counts: dict[int, int | None] = {}
    role_counts: dict[str, int | None] = {}
    total: int | None = 0
    if responded:
        table = release(
            TableRequest(
                dimensions=(
                    Dimension(UNIT, [_path(units[u]) for u, _ in responded], hierarchical=True),
                    Dimension(ROLE, [r for _, r in responded]),
                ),
                cuts=((UNIT,), (ROLE,)),
            ),
            policy,
        )
        for cell in table.cells:
            unit_value, role_value = cell.value(UNIT), cell.value(ROLE)
            if unit_value == ALL and role_value == ALL:
                total = cell.n
            elif role_value == ALL:
                unit_counts[int(unit_value.rsplit("/", 1)[-1])] = cell.n
            elif unit_value == ALL:
                role_counts[role_value] = cell.n
    link_counts: dict[int, int | None] = {}
    links: int | None = 0
    if receipts:
        table = release(
            TableRequest(
                dimensions=(
                    Dimension(UNIT, [_path(units[u]) for (u,) in receipts], hierarchical=True),
                ),
                cuts=((UNIT,),),
            ),
            policy,
        )
        for cell in table.cells:
            unit_value = cell.value(UNIT)
            if unit_value == ALL:
                links = cell.n
            else:
                link_counts[int(unit_value.rsplit("/", 1)[-1])] = cell.n
    by_role = [
        CountRow(org.role_label(role), n, role_counts.get(role, 0))
        for role, n in sorted(invited_role.items())
    ]
    statuses = dict(
        Invitation.objects.filter(wave=wave)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Participation(
        not_sent=statuses.get(Invitation.Status.PENDING, 0),
        sent=statuses.get(Invitation.Status.SENT, 0) + statuses.get(Invitation.Status.RESPONDED, 0),
        undeliverable=statuses.get(Invitation.Status.FAILED, 0),
        threshold=k,
        by_unit=_unit_rows(
            units, invited_unit, unit_counts, visible, known=True, links=link_counts
        ),
        by_role=by_role,
        total_invited=total_invited,
        total_responded=total,
        link_responses=links,
        open=True,
    )


def _unit_rows(
    units: dict[int, Unit],
    invited: dict[int, int],
    responded: dict[int, int | None],
    visible: set[int] | None,
    *,
    known: bool,
    links: dict[int, int | None] | None = None,
) -> list[CountRow]:
    links = links or {}
    shown = [
        u
        for pk, u in units.items()
        if (pk in invited or pk in responded or pk in links) and (visible is None or pk in visible)
    ]
    return [
        CountRow(
            unit.full_name,
            invited.get(unit.pk, 0),
            responded.get(unit.pk, 0) if known else None,
            unit,
            links.get(unit.pk, 0) if known else None,
        )
        for unit in sorted(shown, key=lambda u: u.full_name)
    ]
