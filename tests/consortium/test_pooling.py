"""Pooled estimates equal a hand computation; percentiles and ranks; the member threshold."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from clinwell.consortium import (
    MemberValue,
    benchmark_cells,
    member_percentiles,
    percentile_rank,
    pool_mean,
    pool_proportion,
)

BURNOUT = "single_item_burnout.burnout"
DOC_TIME = "org_wellbeing.documentation_time"


def test_pooled_proportion_by_hand() -> None:
    # Three members: 40/100, 90/300, 25/50 → 155/450.
    pooled = pool_proportion([100, 300, 50], [0.4, 0.3, 0.5])
    assert pooled.n == 450
    assert pooled.estimate == pytest.approx(155 / 450)
    # Wilson interval by hand: centre (p + z²/2n)/(1 + z²/n), half z√(p(1−p)/n + z²/4n²)/(1+z²/n)
    z, n, p = stats.norm.ppf(0.975), 450, 155 / 450
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert pooled.lower == pytest.approx(centre - half)
    assert pooled.upper == pytest.approx(centre + half)


def test_pooled_mean_equals_the_mean_of_all_respondents() -> None:
    rng = np.random.default_rng(7)
    groups = [rng.normal(loc, 1.0, size) for loc, size in ((3.0, 40), (3.6, 120), (2.5, 15))]
    everyone = np.concatenate(groups)
    pooled = pool_mean(
        [g.size for g in groups], [g.mean() for g in groups], [g.std(ddof=1) for g in groups]
    )
    assert pooled.n == everyone.size
    assert pooled.estimate == pytest.approx(everyone.mean())
    reference = stats.t.interval(
        0.95, everyone.size - 1, loc=everyone.mean(), scale=stats.sem(everyone)
    )
    assert (pooled.lower, pooled.upper) == pytest.approx(reference)


def test_percentiles_and_ranks() -> None:
    values = [0.2, 0.3, 0.4, 0.5, 0.6]
    assert member_percentiles(values) == pytest.approx(
        {10: 0.24, 25: 0.3, 50: 0.4, 75: 0.5, 90: 0.56}
    )
    assert percentile_rank(0.45, values) == 60.0
    assert percentile_rank(0.4, values) == 50.0  # a tie counts half
    assert percentile_rank(0.1, values) == 0.0


def _rows(measure: str, estimates: list[float], sd: float | None = None) -> list[MemberValue]:
    return [
        MemberValue(f"m{i}", measure, "all", "all", 100 + 10 * i, e, sd)
        for i, e in enumerate(estimates)
    ]


def test_benchmark_cells_withhold_small_cells_and_rank_members() -> None:
    rows = [
        *_rows(BURNOUT, [0.3, 0.35, 0.4, 0.45, 0.5]),
        MemberValue("m0", BURNOUT, "nurse", "all", 30, 0.5),
        MemberValue("m1", BURNOUT, "nurse", "all", 40, 0.25),
    ]
    rows += _rows(DOC_TIME, [3.0, 3.2, 3.4, 3.6, 3.8], sd=0.9)
    cells = {(c.measure, c.role): c for c in benchmark_cells(rows, min_members=5)}
    nurse = cells[(BURNOUT, "nurse")]
    assert nurse.withheld
    assert nurse.pooled is None
    assert nurse.values == {}
    burnout = cells[(BURNOUT, "all")]
    assert not burnout.withheld
    assert burnout.members == 5
    by_hand = sum(round((100 + 10 * i) * e) for i, e in enumerate([0.3, 0.35, 0.4, 0.45, 0.5]))
    assert burnout.pooled is not None
    assert burnout.pooled.estimate == pytest.approx(by_hand / 600)
    assert burnout.percentiles[50] == pytest.approx(0.4)
    assert burnout.position("m4") == 100.0
    assert burnout.position("m0") == 0.0
    assert burnout.position("nobody") is None
    doc = cells[(DOC_TIME, "all")]
    assert doc.pooled is not None
    assert doc.pooled.method == "t"


def test_one_member_twice_in_a_cell_is_an_error() -> None:
    rows = _rows(BURNOUT, [0.3, 0.4]) + _rows(BURNOUT, [0.3])
    with pytest.raises(ValueError, match="a member appears more than once"):
        benchmark_cells(rows, min_members=2)
