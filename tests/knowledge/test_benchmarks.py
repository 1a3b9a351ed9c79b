"""National benchmark series and cost inputs against instruments.md sections 7 and 8."""

from __future__ import annotations

import pytest

from clinwell import knowledge as kb


def test_two_separate_series() -> None:
    series = kb.national_benchmarks()
    assert set(series) == {"ama_org_biopsy", "shanafelt_national_mbi"}
    assert series["ama_org_biopsy"].years == (2022, 2023, 2024)
    assert series["shanafelt_national_mbi"].years == (2011, 2014, 2017, 2020, 2021, 2023)
    assert series["shanafelt_national_mbi"].measures == ("burnout",)


@pytest.mark.parametrize(
    ("year", "measure", "value"),
    [
        (2022, "burnout", 0.53),
        (2023, "job_satisfaction", 0.721),
        (2024, "burnout", 0.432),
        (2024, "job_stress", 0.451),
        (2024, "feeling_valued", 0.545),
        (2023, "intent_to_leave", 0.357),
        (2024, "weekly_hours", 57.8),
    ],
)
def test_ama_values(year: int, measure: str, value: float) -> None:
    assert kb.national_benchmarks()["ama_org_biopsy"].value(year, measure) == pytest.approx(value)


def test_shanafelt_values_and_samples() -> None:
    s = kb.national_benchmarks()["shanafelt_national_mbi"]
    assert [s.value(y, "burnout") for y in s.years] == pytest.approx(
        [0.455, 0.544, 0.439, 0.382, 0.628, 0.452]
    )
    peak = next(p for p in s.points if p.year == 2021)
    assert peak.sample_size == 2440
    latest = s.latest("burnout")
    assert latest is not None
    assert latest.year == 2023


def test_missing_values_and_unknown_measures() -> None:
    ama = kb.national_benchmarks()["ama_org_biopsy"]
    assert ama.value(2022, "weekly_hours") is None
    with pytest.raises(kb.UnknownKeyError):
        kb.national_benchmarks()["shanafelt_national_mbi"].value(2021, "job_stress")


def test_cost_inputs_reproduce_the_worksheet() -> None:
    c = kb.cost_of_burnout_inputs()
    assert (c.turnover_cost_low, c.turnover_cost_high) == (500_000, 1_000_000)
    # attributable turnover T*BO(RR-1)/(1+BO(RR-1)) ~ 2.5% with national means (instruments.md s.8)
    rr = c.burnout_turnover_relative_risk
    bo, t = c.national_burnout_rate, c.national_turnover_rate
    attributable = t * bo * (rr - 1) / (1 + bo * (rr - 1))
    assert attributable == pytest.approx(0.0245, abs=5e-4)
    # VITAL WorkLife figure: 300 physicians at $500k -> $3,681,818
    assert 300 * attributable * c.turnover_cost_low == pytest.approx(3_681_818, abs=1)
    assert c.national_annual_cost_range_usd == (2.6e9, 6.3e9)
