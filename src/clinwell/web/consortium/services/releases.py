"""Publish the consortium's public report with differential privacy, within its budget.

:func:`publish_release` locks the consortium row, adds up what earlier releases spent and
refuses (changing nothing) when this release's ε — OpenDP's privacy maps of its plan,
:meth:`clinwell.consortium.ReleasePlan.charged` — does not fit in what is left. Two staff
publishing at once are serialized by the lock, so the budget can never be overspent.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, Sum

from clinwell.consortium import check_budget, release_plan, release_report
from clinwell.web.accounts.models import User
from clinwell.web.consortium.access import require_staff
from clinwell.web.consortium.models import Consortium, ConsortiumMembership, Release, ReleaseCell
from clinwell.web.consortium.services.pooling import member_values


class ReleaseRefused(ValueError):
    """A release that cannot be made (nothing to release, or too few members)."""


def budget_spent(consortium: Consortium) -> float:
    spent = Release.objects.filter(consortium=consortium).aggregate(total=Sum("epsilon"))
    return float(spent["total"] or 0.0)


def publish_release(
    membership: ConsortiumMembership, period: str, user: User | None = None
) -> Release:
    """Release ``period``'s public report (staff only); raises when the budget is spent."""
    require_staff(membership)
    return release_period(membership.consortium, period, user)


def release_period(consortium: Consortium, period: str, user: User | None = None) -> Release:
    """Release ``period``'s public report (staff pages, and the server's CLI operator).

    Raises :class:`~clinwell.consortium.BudgetExhaustedError` or :class:`ReleaseRefused`;
    then nothing is released and nothing spent.
    """
    with transaction.atomic():
        consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
        plan = release_plan(consortium.epsilon_per_release, consortium.report_measures)
        needed = plan.charged()
        check_budget(consortium.epsilon_total, budget_spent(consortium), needed)
        values = member_values(consortium, period, list(plan.measures))
        members = len({v.member for v in values})
        if members < consortium.min_members:
            raise ReleaseRefused(
                f"period {period}: {members} member system(s) shared these measures; a release "
                f"needs at least {consortium.min_members}. Nothing was released or spent."
            )
        cells = release_report(values, plan, min_members=consortium.min_members)
        number = (
            Release.objects.filter(consortium=consortium).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        release = Release.objects.create(
            consortium=consortium,
            number=number,
            period=period,
            created_by=user,
            epsilon=needed,
            measures=list(plan.measures),
            members=members,
            min_members=consortium.min_members,
        )
        ReleaseCell.objects.bulk_create(
            [
                ReleaseCell(
                    release=release,
                    measure=c.measure,
                    role=c.role,
                    members=c.members,
                    withheld=c.withheld,
                    estimate=c.estimate,
                    lower=c.lower,
                    upper=c.upper,
                    noise_sd=c.noise_sd,
                    respondents=c.respondents,
                    epsilon=c.epsilon,
                    imprecise=c.imprecise,
                )
                for c in cells
            ]
        )
    return release
