"""Impact of a plan: before/after waves, arms, and the gate, checked by hand."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from clinwell.web.accounts.models import User
from clinwell.web.actions.impact import plan_impact
from clinwell.web.results.services.cache import results_for
from tests.web.actions.conftest import (
    CARDIOLOGY,
    PEDIATRICS,
    SURGERY,
    closed_wave,
    make_plan,
    respond,
)
from tests.web.conftest import Cast

Login = Callable[[User], Client]
COLUMN = "org_wellbeing.documentation_time"


@pytest.fixture
def waves(cast: Cast) -> tuple:
    first = closed_wave(
        cast.alpha, "Winter", date(2025, 1, 6), date(2025, 1, 27), ["org_wellbeing"]
    )
    second = closed_wave(
        cast.alpha, "Summer", date(2025, 6, 2), date(2025, 6, 23), ["org_wellbeing"]
    )
    cardiology, surgery, peds = (
        cast.unit(cast.alpha, p) for p in (CARDIOLOGY, SURGERY, PEDIATRICS)
    )
    respond(first, cardiology, COLUMN, [2, 3, 3, 4, 3])
    respond(second, cardiology, COLUMN, [4, 4, 5, 3, 4])
    respond(first, surgery, COLUMN, [3, 2, 4, 3, 3])
    respond(first, peds, COLUMN, [3, 3, 3, 3, 3])
    respond(second, surgery, COLUMN, [3, 4, 3, 3, 2])
    respond(second, peds, COLUMN, [4, 3, 3, 3, 3, None])  # one did not answer
    return first, second


def test_impact_matches_the_hand_computed_example(cast: Cast, waves: tuple) -> None:
    first, second = waves
    plan = make_plan(cast, CARDIOLOGY, started_on=date(2025, 2, 15))
    impact = plan_impact(plan)
    assert impact.status == "measured"
    assert impact.before.wave == first
    assert impact.after.wave == second
    # treated: mean 3 -> 4 (variances 0.5 and 0.5, n = 5 each)
    assert impact.before.treated.estimate == pytest.approx(3.0)
    assert impact.after.treated.estimate == pytest.approx(4.0)
    # comparison (surgery + pediatrics): mean 3.0 -> 3.1 (variances 2/9 and 2.9/9, n = 10)
    assert impact.before.comparison.estimate == pytest.approx(3.0)
    assert impact.after.comparison.estimate == pytest.approx(3.1)
    assert impact.after.comparison.n == 10
    did = impact.did
    assert did.estimate == pytest.approx((4.0 - 3.0) - (3.1 - 3.0))
    assert did.se == pytest.approx(math.sqrt(0.5 / 5 + 0.5 / 5 + (2 / 9) / 10 + (2.9 / 9) / 10))
    assert did.lower < did.estimate < did.upper
    # higher documentation-time scores are better: the unit improved relative to the others
    assert impact.improved is True


def test_the_arms_are_the_cells_the_results_pages_publish(cast: Cast, waves: tuple) -> None:
    """One read path: a plan's treated arm is the wave's released cell, number for number,
    and the comparison is pooled from released leaf cells only."""
    plan = make_plan(cast, CARDIOLOGY, started_on=date(2025, 2, 15))
    impact = plan_impact(plan)
    for side in (impact.before, impact.after):
        released = results_for(side.wave)
        cell = released.cell(cast.unit(cast.alpha, CARDIOLOGY).pk)
        estimate = cell.estimates[COLUMN]
        arm = side.treated
        assert (arm.estimate, arm.lower, arm.upper, arm.n, arm.sd) == (
            estimate["estimate"],
            estimate["lower"],
            estimate["upper"],
            estimate["n"],
            estimate["sd"],
        )
        leaves = [released.cell(cast.unit(cast.alpha, p).pk) for p in (SURGERY, PEDIATRICS)]
        assert side.comparison.n == sum(c.estimates[COLUMN]["n"] for c in leaves)


def test_units_with_another_plan_are_not_comparison_units(cast: Cast, waves: tuple) -> None:
    plan = make_plan(cast, CARDIOLOGY, started_on=date(2025, 2, 15))
    make_plan(cast, PEDIATRICS, title="Other plan", started_on=date(2025, 2, 15))
    impact = plan_impact(plan)
    # only surgery remains: mean 3.0 -> 3.0
    assert impact.before.comparison.n == 5
    assert impact.did.comparison_change == pytest.approx(0.0)


def test_abandoned_plans_do_not_remove_comparison_units(cast: Cast, waves: tuple) -> None:
    plan = make_plan(cast, CARDIOLOGY, started_on=date(2025, 2, 15))
    make_plan(cast, PEDIATRICS, title="Dropped", started_on=date(2025, 2, 15), status="abandoned")
    assert plan_impact(plan).before.comparison.n == 10


def test_plans_on_an_ancestor_or_started_later_do_not_count(cast: Cast, waves: tuple) -> None:
    plan = make_plan(cast, CARDIOLOGY, started_on=date(2025, 2, 15))
    make_plan(cast, "Alpha Health", title="Everyone", started_on=date(2025, 2, 15))
    make_plan(cast, PEDIATRICS, title="Later", started_on=date(2025, 7, 1))
    assert plan_impact(plan).before.comparison.n == 10


def test_too_small_a_unit_is_suppressed_not_shown(cast: Cast) -> None:
    first = closed_wave(cast.alpha, "W1", date(2025, 1, 6), date(2025, 1, 27), ["org_wellbeing"])
    second = closed_wave(cast.alpha, "W2", date(2025, 6, 2), date(2025, 6, 23), ["org_wellbeing"])
    for wave in (first, second):
        respond(wave, cast.unit(cast.alpha, CARDIOLOGY), COLUMN, [3, 4, 2])  # 3 < 5
        respond(wave, cast.unit(cast.alpha, SURGERY), COLUMN, [3, 3, 4, 4, 2, 3])
        respond(wave, cast.unit(cast.alpha, PEDIATRICS), COLUMN, [3, 3, 4, 4, 2, 3])
    impact = plan_impact(make_plan(cast, CARDIOLOGY, started_on=date(2025, 2, 15)))
    assert impact.status == "suppressed"
    assert impact.did is None
    assert impact.before.treated.suppressed
    assert impact.before.treated.estimate is None


def test_waiting_and_no_baseline(cast: Cast, waves: tuple) -> None:
    late = make_plan(cast, CARDIOLOGY, started_on=date(2025, 7, 1))
    assert plan_impact(late).status == "waiting"
    early = make_plan(cast, CARDIOLOGY, started_on=date(2024, 12, 1))
    assert plan_impact(early).status == "no_baseline"


def test_proportions_use_the_released_share(cast: Cast) -> None:
    column = "single_item_burnout.burnout"
    first = closed_wave(
        cast.alpha, "W1", date(2025, 1, 6), date(2025, 1, 27), ["single_item_burnout"]
    )
    second = closed_wave(
        cast.alpha, "W2", date(2025, 6, 2), date(2025, 6, 23), ["single_item_burnout"]
    )
    treated, other = cast.unit(cast.alpha, CARDIOLOGY), cast.unit(cast.alpha, SURGERY)
    respond(first, treated, column, [True] * 4 + [False] * 2)
    respond(second, treated, column, [True] * 2 + [False] * 4)
    respond(first, other, column, [True] * 3 + [False] * 3)
    respond(second, other, column, [True] * 3 + [False] * 3)
    peds = cast.unit(cast.alpha, PEDIATRICS)
    respond(first, peds, column, [False] * 5)
    respond(second, peds, column, [False] * 5)
    impact = plan_impact(
        make_plan(cast, CARDIOLOGY, target_measure=column, started_on=date(2025, 2, 15))
    )
    assert impact.status == "measured"
    # treated 4/6 -> 2/6; comparison 3/11 -> 3/11; lower burnout is better
    assert impact.did.estimate == pytest.approx(-2 / 6)
    assert impact.before.treated.lower < 4 / 6 < impact.before.treated.upper
    assert impact.improved is True


def test_the_plan_page_shows_the_impact_labelled_observational(
    cast: Cast, waves: tuple, login: Login
) -> None:
    plan = make_plan(cast, CARDIOLOGY, started_on=date(2025, 2, 15))
    page = login(cast.leader).get(f"/o/alpha/actions/{plan.pk}/").content.decode()
    assert "Observational" in page
    assert "Difference in differences" in page
    assert "+0.90" in page
