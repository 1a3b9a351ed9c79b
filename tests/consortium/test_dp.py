"""OpenDP's Laplace noise has the documented scale, and releases spend the documented budget."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from clinwell.consortium import (
    BudgetExhaustedError,
    MemberValue,
    check_budget,
    release_plan,
    release_report,
)
from clinwell.consortium.dp import noisy_count, noisy_sum

DRAWS = 3000
BURNOUT = "single_item_burnout.burnout"
DOC_TIME = "org_wellbeing.documentation_time"


def test_sum_noise_is_laplace_with_the_documented_scale() -> None:
    """Kolmogorov–Smirnov test of 3,000 draws against Laplace(0, Δ/ε)."""
    sensitivity, epsilon = 5.0, 0.5
    draws = np.array([noisy_sum(1000.0, sensitivity, epsilon).value for _ in range(DRAWS)])
    noise = draws - 1000.0
    scale = sensitivity / epsilon
    assert stats.kstest(noise, stats.laplace(loc=0.0, scale=scale).cdf).pvalue > 1e-3
    assert noise.std() == pytest.approx(math.sqrt(2) * scale, rel=0.08)
    # and the scale is not something else: Laplace(0, 2b) is clearly rejected
    assert stats.kstest(noise, stats.laplace(loc=0.0, scale=2 * scale).cdf).pvalue < 1e-6


def test_count_noise_is_discrete_laplace_with_the_documented_scale() -> None:
    """Chi-square test of 3,000 integer draws against P(k) ∝ exp(−|k|/b), b = 1/ε."""
    epsilon = 0.5
    scale = 1.0 / epsilon
    noise = np.array([noisy_count(500, epsilon).value for _ in range(DRAWS)]) - 500
    assert np.all(noise == np.round(noise))
    support = np.arange(-12, 13)
    weights = np.exp(-np.abs(support) / scale)
    q = math.exp(-1.0 / scale)
    total = (1 + q) / (1 - q)  # Σ over all integers of q^|k|
    expected = DRAWS * weights / total
    observed = np.array([np.count_nonzero(noise == k) for k in support], dtype=float)
    tail_expected = DRAWS - expected.sum()
    tail_observed = DRAWS - observed.sum()
    chi2 = float(((observed - expected) ** 2 / expected).sum()) + (
        (tail_observed - tail_expected) ** 2 / tail_expected
    )
    assert stats.chi2.sf(chi2, df=support.size) > 1e-3


def test_opendp_charges_the_requested_epsilon() -> None:
    assert noisy_sum(0.0, 168.0, 0.25).epsilon == pytest.approx(0.25)
    assert noisy_count(10, 0.1).epsilon == pytest.approx(0.1)
    plan = release_plan(1.0, [BURNOUT, DOC_TIME])
    assert plan.charged() == pytest.approx(1.0)


def _members(
    measure: str, estimates: list[float], n: int = 400, sd: float | None = None
) -> list[MemberValue]:
    return [MemberValue(f"m{i}", measure, "all", "all", n, e, sd) for i, e in enumerate(estimates)]


def test_released_proportions_scatter_as_documented() -> None:
    """Over many releases, the SD of the released share equals the published noise_sd."""
    rows = _members(BURNOUT, [0.3, 0.35, 0.4, 0.45, 0.5], n=400)
    plan = release_plan(0.2, [BURNOUT])
    released = [release_report(rows, plan)[0] for _ in range(800)]
    values = np.array([c.estimate for c in released])
    assert values.mean() == pytest.approx(800 / 2000, abs=0.003)
    documented = float(np.mean([c.noise_sd for c in released]))
    assert values.std() == pytest.approx(documented, rel=0.12)


def test_released_mean_and_its_interval() -> None:
    rows = _members(DOC_TIME, [3.0, 3.2, 3.4, 3.6, 3.8], n=300, sd=0.9)
    plan = release_plan(1.0, [DOC_TIME])
    cells = release_report(rows, plan)
    everyone = cells[0]
    assert everyone.role == "all"
    assert not everyone.withheld
    assert everyone.estimate is not None
    assert everyone.lower is not None
    assert everyone.lower <= everyone.estimate <= (everyone.upper or 0)
    assert abs(everyone.estimate - 3.4) < 0.2
    assert all(c.withheld for c in cells[1:])  # no member shared role rows


def test_a_cell_swamped_by_noise_is_marked_imprecise_not_shown() -> None:
    """Prior authorizations per week range over 0–1000: at ε = 0.05 over 250 respondents
    the noise SD is thousands of times the value, so the cell carries no number."""
    rows = _members("admin_burden.prior_auth_per_week", [8, 10, 12, 9, 11], n=50, sd=6.0)
    cell = release_report(rows, release_plan(0.05, ["admin_burden.prior_auth_per_week"]))[0]
    assert cell.imprecise
    assert cell.estimate is None
    assert cell.noise_sd is None
    assert cell.epsilon > 0  # spent all the same


def test_cells_with_too_few_members_are_withheld_without_noise() -> None:
    rows = _members(BURNOUT, [0.3, 0.35, 0.4, 0.45])
    cell = release_report(rows, release_plan(1.0, [BURNOUT]), min_members=5)[0]
    assert cell.withheld
    assert cell.estimate is None
    assert cell.members == 4


def test_the_budget_stops_releases() -> None:
    check_budget(total=3.0, spent=2.0, needed=1.0)  # exactly the rest: allowed
    with pytest.raises(BudgetExhaustedError, match=r"only ε = 0.5 of the consortium's budget"):
        check_budget(total=3.0, spent=2.5, needed=1.0)
    with pytest.raises(ValueError, match="positive"):
        check_budget(total=3.0, spent=0.0, needed=0.0)
