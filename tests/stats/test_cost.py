from __future__ import annotations

import pytest

from clinwell.stats import StatsInputError, burnout_turnover_cost


def test_reference_worked_example() -> None:
    # instruments.md §8: 300 x 0.07 x 0.54/1.54 x $500k = $3,681,818 (VITAL WorkLife)
    got = burnout_turnover_cost(300, 0.07, 0.54, 500_000)
    assert round(got.annual_cost) == 3_681_818
    assert got.attributable_turnover_rate == pytest.approx(0.0245, abs=5e-5)  # "2.5%"
    assert "Shanafelt" in got.source
    assert got.physicians == 300
    assert got.relative_risk == 2.0


def test_general_relative_risk_form() -> None:
    got = burnout_turnover_cost(100, 0.1, 0.4, 1_000_000, relative_risk=3.0)
    fraction = 0.4 * 2 / (1 + 0.4 * 2)
    assert got.attributable_fraction == pytest.approx(fraction)
    assert got.annual_cost == pytest.approx(100 * 0.1 * fraction * 1_000_000)
    assert burnout_turnover_cost(100, 0.1, 0.4, 1, relative_risk=1.0).annual_cost == 0.0


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((-1, 0.1, 0.5, 1), "physicians"),
        ((10, 1.5, 0.5, 1), "turnover_rate"),
        ((10, 0.1, -0.5, 1), "burnout_rate"),
        ((10, 0.1, 0.5, -1), "cost_per_departure"),
    ],
)
def test_invalid_inputs_name_the_field(args: tuple[float, ...], field: str) -> None:
    with pytest.raises(StatsInputError, match=field):
        burnout_turnover_cost(*args)
