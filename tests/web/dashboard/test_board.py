"""The executive overview: one national comparison rule, clear changes, the cost range, the
units needing attention and the summary sentences, through the page and the presenters."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from clinwell.knowledge import cost_of_burnout_inputs
from clinwell.stats import burnout_turnover_cost
from clinwell.web.dashboard.presenters.board import board_summary, tone
from clinwell.web.dashboard.presenters.cost import turnover_cost_range
from clinwell.web.dashboard.presenters.national import (
    NOT_LIKE_FOR_LIKE,
    PHYSICIANS,
    national_comparison,
)
from clinwell.web.dashboard.presenters.sentences import headline_sentence
from clinwell.web.orgs.models import Membership
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.catalog import kpi_measures
from tests.web.conftest import Cast
from tests.web.results.conftest import Waves


def _burnout(waves: Waves):  # type: ignore[no-untyped-def]
    res = results_for(waves.second)
    m = kpi_measures(res.measures)["burnout"]
    return m, res.cell(None).estimates[m.column]


def test_a_mixed_group_is_never_compared_with_the_physician_figure(waves: Waves) -> None:
    m, est = _burnout(waves)
    mixed = national_comparison(m, est)
    assert mixed is not None
    assert mixed["state"] == "not_like_for_like"
    assert mixed["figure"] is None
    assert mixed["message"] == NOT_LIKE_FOR_LIKE
    physicians = national_comparison(m, est, population=PHYSICIANS)
    assert physicians is not None
    assert physicians["state"] == "shown"
    assert physicians["figure"]["display"].endswith("%")
    assert physicians["tone"] in {"better", "worse", "unclear"}


def test_the_overview_compares_only_physicians_with_the_national_figures(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    page = login(cast.executive).get("/o/alpha/").content.decode()
    # The national figures are compared through the physicians' own released cell.
    assert "physicians here" in page
    assert "This group&#x27;s physicians compared with physicians nationally" in page
    assert "In one minute" in page
    assert "Units that most need attention" in page
    assert "Cost of turnover attributable to burnout" in page
    assert "/o/alpha/results/report.pdf?wave=" in page


def test_colour_only_for_a_clear_change(waves: Waves) -> None:
    m, _ = _burnout(waves)
    assert m.higher_is_worse is True
    clear_up = {"estimate": 0.1, "lower": 0.02, "upper": 0.18, "clear": True}
    unclear = {"estimate": 0.1, "lower": -0.02, "upper": 0.22, "clear": False}
    clear_down = {"estimate": -0.1, "lower": -0.18, "upper": -0.02, "clear": True}
    assert tone(m, clear_up) == "worse"
    assert tone(m, clear_down) == "better"
    assert tone(m, unclear) == "unclear"
    assert tone(m, None) == "unclear"


def test_the_cost_range_spans_the_cited_inputs(waves: Waves) -> None:
    inputs = cost_of_burnout_inputs()
    est = {"estimate": 0.4, "lower": 0.35, "upper": 0.45, "n": 100}
    cost = turnover_cost_range(est, 300)
    assert cost is not None
    low = burnout_turnover_cost(300, inputs.national_turnover_rate, 0.35, 500_000, 2.0)
    high = burnout_turnover_cost(300, inputs.national_turnover_rate, 0.45, 1_000_000, 2.68)
    assert cost["low"] == pytest.approx(low.annual_cost)
    assert cost["high"] == pytest.approx(high.annual_cost)
    assert cost["low"] < cost["high"]
    assert cost["rr_low"] == 2.0
    assert cost["rr_high"] == 2.68
    assert turnover_cost_range(None, 300) is None
    assert turnover_cost_range(est, 0) is None


def test_summary_sentences_state_the_released_numbers(cast: Cast, waves: Waves) -> None:
    membership = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    board = board_summary(membership)
    assert board["state"] == "published"
    assert board["previous"] == waves.first
    burnout = next(r for r in board["rows"] if r["key"] == "burnout")
    sentence = headline_sentence(burnout)
    assert sentence.startswith(f"Burnout was {burnout['value']} (95% CI {burnout['interval']})")
    if burnout["change"] is not None:
        assert burnout["change"]["interval"] in sentence
        verdict = "within the margin of error" if not burnout["change"]["clear"] else "a clear"
        assert verdict in sentence


def test_units_needing_attention_are_published_units_of_the_scope(cast: Cast, waves: Waves) -> None:
    leader = Membership.objects.get(user=cast.leader, organization=cast.alpha)
    board = board_summary(leader)
    names = {a["unit"].full_name for a in board["attention"]}
    assert all(n.startswith("Alpha Health/Site A/Medicine/") for n in names)
    owner = Membership.objects.get(user=cast.owner, organization=cast.alpha)
    attention = board_summary(owner)["attention"]
    assert 1 <= len(attention) <= 3
    paths = [a["unit"].tree_path for a in attention]
    assert not any(p != q and p.startswith(q) for p in paths for q in paths)  # no nesting
    res = results_for(waves.second)
    assert all(not res.cell(a["unit"].pk).suppressed for a in attention)


def test_plan_and_unchanged_sentences_read_naturally() -> None:
    from clinwell.web.dashboard.presenters.sentences import plans_sentence

    def plans(n_open: int, overdue: int, done: int) -> dict:  # type: ignore[type-arg]
        by_status = [{"status": "done", "count": done}]
        return {"total": n_open + done, "open": n_open, "overdue": overdue, "by_status": by_status}

    assert plans_sentence(plans(0, 0, 1)) == "No action plan is open; 1 is done."
    assert plans_sentence(plans(3, 1, 2)) == "3 action plans are open, 1 overdue; 2 are done."
    assert plans_sentence(plans(1, 0, 0)) == "1 action plan is open; 0 are done."
