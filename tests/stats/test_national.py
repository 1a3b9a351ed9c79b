from __future__ import annotations

import pytest
from statsmodels.stats.proportion import proportions_ztest

from clinwell.stats import (
    MixedSeriesError,
    NationalFigure,
    NationalSeries,
    compare_with_national,
    national_trend,
)
from clinwell.stats.proportions import wilson_limits

AMA_2024 = NationalFigure(
    NationalSeries.AMA_ORGANIZATIONAL_BIOPSY, "burnout", 2024, 0.432, "https://ama-assn.org/x"
)
AMA_2023 = NationalFigure(
    NationalSeries.AMA_ORGANIZATIONAL_BIOPSY, "burnout", 2023, 0.482, "https://ama-assn.org/y"
)
MBI_2021 = NationalFigure(
    NationalSeries.SHANAFELT_NATIONAL_MBI, "burnout", 2021, 0.628, "https://example.org/z"
)


def test_comparison_carries_series_and_matches_score_test() -> None:
    got = compare_with_national(120, 240, AMA_2024)
    _, p = proportions_ztest(120, 240, value=0.432, prop_var=0.432)
    lower, upper = wilson_limits(120, 240)
    assert got.series is NationalSeries.AMA_ORGANIZATIONAL_BIOPSY
    assert "Organizational Biopsy" in got.series_label
    assert got.difference == pytest.approx(0.5 - 0.432)
    assert got.lower == pytest.approx(lower - 0.432)
    assert got.upper == pytest.approx(upper - 0.432)
    assert got.p_value == pytest.approx(p, rel=1e-9)


def test_trend_never_mixes_series() -> None:
    assert [f.year for f in national_trend([AMA_2024, AMA_2023])] == [2023, 2024]
    with pytest.raises(MixedSeriesError, match="mix national series"):
        national_trend([AMA_2024, MBI_2021])


def test_figure_must_be_a_proportion() -> None:
    with pytest.raises(ValueError, match="proportion"):
        NationalFigure(NationalSeries.SHANAFELT_NATIONAL_MBI, "burnout", 2023, 45.2, "u")
