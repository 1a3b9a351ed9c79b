"""The database's pooled sums equal the pure computation, which equals a hand computation."""

from __future__ import annotations

import math

import pytest

from clinwell.consortium import MemberValue, benchmark_cells
from tests.web.consortium.conftest import PERIOD, Collaborative, synthetic


def test_database_pooling_equals_the_pure_pooling(contributed: Collaborative) -> None:
    from clinwell.web.consortium.services.pooling import period_benchmarks

    rows = [
        MemberValue(c.member_id, x.measure, x.role, x.specialty, x.n, x.estimate, x.sd)
        for c in synthetic().contributions
        for x in c.cells
    ]
    pure = {(c.measure, c.role, c.specialty): c for c in benchmark_cells(rows, 5)}
    database = {
        (c.measure, c.role, c.specialty): c
        for c in period_benchmarks(contributed.consortium, PERIOD)
    }
    assert set(database) == set(pure)
    for key, cell in database.items():
        assert cell.withheld == pure[key].withheld
        if cell.pooled is None:
            continue
        assert cell.pooled.estimate == pytest.approx(pure[key].pooled.estimate, rel=1e-12)
        assert cell.pooled.lower == pytest.approx(pure[key].pooled.lower, rel=1e-9)
        assert cell.percentiles == pytest.approx(pure[key].percentiles)


def test_pooled_burnout_by_hand(contributed: Collaborative) -> None:
    from clinwell.web.consortium.services.pooling import period_benchmarks

    key = ("single_item_burnout.burnout", "all", "all")
    cell = next(
        c
        for c in period_benchmarks(contributed.consortium, PERIOD)
        if (c.measure, c.role, c.specialty) == key
    )
    flagged = total = 0
    for contribution in synthetic().contributions:
        row = next(x for x in contribution.cells if (x.measure, x.role, x.specialty) == key)
        flagged += round(row.n * row.estimate)
        total += row.n
    assert cell.pooled is not None
    assert cell.pooled.estimate == flagged / total
    assert cell.members == 5
    assert math.isclose(cell.percentiles[50], sorted(cell.values.values())[2])
