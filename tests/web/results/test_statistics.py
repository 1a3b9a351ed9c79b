"""What the pages show equals the statistics functions on the same responses."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from django.test import Client
from scipy import stats as sps

from clinwell.stats import (
    benjamini_hochberg,
    burnout_turnover_cost,
    mean_interval,
    proportion_difference,
    relative_weights,
    wilson_interval,
)
from clinwell.web.accounts.models import User
from clinwell.web.results.models import PublishedCell
from clinwell.web.results.services.cache import results_for
from clinwell.web.results.services.catalog import driver_measures
from clinwell.web.results.services.drivers import EVENTS_PER_DRIVER
from clinwell.web.results.services.significance import _rest_p_value
from clinwell.web.surveys.models import Wave
from tests.web.conftest import Cast
from tests.web.results.conftest import Waves, add_responses, closed_wave
from tests.web.sealed import opened


def _values(wave, column, unit_ids=None, exclude_unit_ids=()):
    rows = [
        p.scores
        for p in opened(wave)
        if (unit_ids is None or p.unit_id in unit_ids) and p.unit_id not in exclude_unit_ids
    ]
    return np.array([np.nan if r.get(column) is None else float(r[column]) for r in rows])


def test_organization_estimates_equal_wilson_and_t(cast: Cast, waves: Waves) -> None:
    res = results_for(waves.second)
    org = res.cell(None)
    burnout = _values(waves.second, "single_item_burnout.burnout")
    expected = wilson_interval(int(burnout.sum()), burnout.size)
    got = org.estimates["single_item_burnout.burnout"]
    assert got["n"] == burnout.size == org.n
    assert np.isclose(got["estimate"], expected.estimate)
    assert np.isclose(got["lower"], expected.lower)
    assert np.isclose(got["upper"], expected.upper)
    hours = _values(waves.second, "org_wellbeing.weekly_hours")
    t = mean_interval(hours)
    got = org.estimates["org_wellbeing.weekly_hours"]
    assert np.isclose(got["estimate"], t.estimate)
    assert np.isclose(got["lower"], t.lower)
    assert np.isclose(got["upper"], t.upper)
    # and against scipy directly
    lo, hi = sps.t.interval(0.95, hours.size - 1, loc=hours.mean(), scale=sps.sem(hours))
    assert np.isclose(got["lower"], lo)
    assert np.isclose(got["upper"], hi)


def test_overview_page_shows_the_released_numbers(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    body = login(cast.executive).get("/o/alpha/results/").content.decode()
    burnout = _values(waves.second, "single_item_burnout.burnout")
    w = wilson_interval(int(burnout.sum()), burnout.size)
    assert f"{100 * w.estimate:.0f}%" in body
    assert f"95% CI {100 * w.lower:.0f}%–{100 * w.upper:.0f}%" in body
    assert "AMA Organizational Biopsy national comparison" in body
    assert "2024" in body
    # change since the first wave: Newcombe interval on the released counts
    before = _values(waves.first, "single_item_burnout.burnout")
    d = proportion_difference(int(burnout.sum()), burnout.size, int(before.sum()), before.size)
    assert f"{100 * d.estimate:+.0f} points" in body


def test_cost_uses_the_stats_formula_with_the_edited_inputs(
    cast: Cast, waves: Waves, login: Callable[[User], Client]
) -> None:
    client = login(cast.owner)
    body = client.get(
        "/o/alpha/results/?physicians=300&turnover=7&cost_per_departure=500000"
    ).content.decode()
    rate = results_for(waves.second).cell(None).estimates["single_item_burnout.burnout"]["estimate"]
    expected = burnout_turnover_cost(300, 0.07, rate, 500000)
    assert f"${expected.annual_cost:,.0f}" in body
    assert "Shanafelt" in body
    bad = client.get("/o/alpha/results/?physicians=-4").content.decode()
    assert "Enter a number between" in bad


def test_driver_analysis_equals_relative_weights_and_finds_the_planted_driver(
    cast: Cast, waves: Waves
) -> None:
    res = results_for(waves.second)
    drivers = driver_measures(res.measures)
    x = np.column_stack([_values(waves.second, d.column) for d in drivers])
    y = _values(waves.second, "single_item_burnout.burnout")
    expected = relative_weights(
        x, y, [d.column for d in drivers], min_events=EVENTS_PER_DRIVER * len(drivers)
    )
    got = res.cell(None).drivers
    assert [d["column"] for d in got["drivers"]] == [d.name for d in expected.drivers]
    assert np.allclose(
        [d["share"] for d in got["drivers"]], [d.share for d in expected.drivers], atol=1e-6
    )
    assert got["drivers"][0]["column"] == "org_wellbeing.documentation_time"


def test_only_units_large_enough_get_a_driver_analysis(cast: Cast) -> None:
    wave = closed_wave(cast.alpha, "No small units", 5)
    sizes = {"Site A/Medicine/Cardiology": 30, "Site A/Surgery": 12, "Site B/Pediatrics": 520}
    for i, (path, n) in enumerate(sizes.items()):
        add_responses(wave, cast.unit(cast.alpha, f"Alpha Health/{path}"), n, 500 + i)
    res = results_for(wave)
    cardio = cast.unit(cast.alpha, "Alpha Health/Site A/Medicine/Cardiology")
    peds = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    assert not res.cell(peds.pk).suppressed
    assert "unavailable" in res.cell(cardio.pk).drivers
    assert "drivers" in res.cell(peds.pk).drivers
    for cell in PublishedCell.objects.filter(wave=wave):
        assert cell.drivers is None or not cell.suppressed


def test_significance_marks_follow_benjamini_hochberg(cast: Cast, clean_wave: Wave) -> None:
    res = results_for(clean_wave)
    org = res.cell(None)
    heat = [m for m in res.measures if m.headline]
    tests = []
    for cell in PublishedCell.objects.filter(
        wave=clean_wave, group="", unit__isnull=False, suppressed=False
    ):
        for m in heat:
            est, o = cell.estimates.get(m.column), org.estimates.get(m.column)
            if est and o and est["estimate"] is not None:
                p = _rest_p_value(est, o, m.is_proportion)
                if p is not None:
                    tests.append((cell.pk, m.column, p))
    assert len(tests) == res.meta.tests > 0
    bh = benjamini_hochberg([t[2] for t in tests])
    expected = {(c, col) for (c, col, _), r in zip(tests, bh.rejected, strict=True) if r}
    shown = {
        (cell.pk, col)
        for cell in PublishedCell.objects.filter(wave=clean_wave)
        for col in cell.marks
    }
    assert shown == expected
    # a raw p < 0.05 that BH does not keep is not marked
    raw_only = {(c, col) for c, col, p in tests if p < 0.05} - expected
    assert not (raw_only & shown)


def test_rest_of_organization_test_matches_raw_data(cast: Cast, clean_wave: Wave) -> None:
    res = results_for(clean_wave)
    peds = cast.unit(cast.alpha, "Alpha Health/Site B/Pediatrics")
    p = _rest_p_value(
        res.cell(peds.pk).estimates["org_wellbeing.weekly_hours"],
        res.cell(None).estimates["org_wellbeing.weekly_hours"],
        proportion=False,
    )
    inside = _values(clean_wave, "org_wellbeing.weekly_hours", [peds.pk])
    rest = _values(clean_wave, "org_wellbeing.weekly_hours", exclude_unit_ids=[peds.pk])
    assert np.isclose(p, sps.ttest_ind(inside, rest, equal_var=False).pvalue)
