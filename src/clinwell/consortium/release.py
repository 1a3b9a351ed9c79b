"""The consortium's public report: pooled benchmarks released with differential privacy.

Privacy unit: **one clinician's response** (add/remove one respondent anywhere in the
consortium). One release covers a period and a list of measures (by default
:data:`~clinwell.consortium.vocabulary.PUBLIC_REPORT_MEASURES`) and spends ``ε`` in total:

- each measure gets ``ε / #measures`` (every respondent may answer every measure, so measures
  compose sequentially);
- within a measure, the all-roles row gets half and the per-role rows the other half; the
  role rows hold disjoint respondents (a clinician has one role), so together they cost their
  half once (parallel composition; McSherry 2009);
- within a row, the queries split the row's ε: a proportion releases the respondent count
  ``N = Σ n_i`` and the flagged count ``K = Σ k_i`` (half each, sensitivity 1 each); a mean
  releases ``N`` (20%), the sum ``S = Σ n_i m_i`` (60%, sensitivity ``max|x|`` over the
  measure's range) and the sum of squares ``Q = Σ ((n_i − 1) s_i² + n_i m_i²)`` (20%,
  sensitivity ``max x²``).

The charged ε is the sum over measures of OpenDP's privacy maps (all roles + one role row),
fixed before any data is looked at, and charged in full even when a cell is withheld.

Estimates are post-processing of the noisy sums (free of privacy cost):
``p̂ = clip(K̃/Ñ, 0, 1)``; ``m̂ = clip(S̃/Ñ, low, high)``;
``ŝ² = clip((Q̃ − Ñ m̂²)/(Ñ − 1), 0, ((high − low)/2)² · Ñ/(Ñ − 1))``. The interval covers both
sampling error and the privacy noise (delta method)::

    Var(p̂) ≈ p̂(1 − p̂)/Ñ + 2(b_K² + p̂² b_N²)/Ñ²,
    Var(m̂) ≈ ŝ²/Ñ + 2(b_S² + m̂² b_N²)/Ñ²,

``estimate ± z · √Var``, clipped to the range. ``noise_sd`` is the privacy part alone,
``√(2(b_K² + p̂² b_N²))/Ñ`` (resp. with ``b_S``), published so that readers see the error the
privacy protection adds.

A cell whose privacy noise would swamp it is published as *too imprecise* instead of a value:
a share whose noise SD exceeds :data:`MAX_NOISE_PROPORTION` (3 percentage points), a mean whose
noise SD exceeds :data:`MAX_NOISE_MEAN` (a quarter) of its own size. The rule reads only the
noisy outputs and the public noise scales, so it is post-processing and costs no privacy
(Dwork & Roth 2014, Prop. 2.1); the ε of such a cell is spent all the same.

A cell with fewer than ``min_members`` contributing member systems is withheld (no noise is
drawn for it). Which cells are withheld depends on how many members share a role, which is
not protected (the member list is not secret).

References
----------
McSherry F. Privacy integrated queries. SIGMOD 2009 (sequential and parallel composition).
Dwork C, Roth A. The algorithmic foundations of differential privacy. Found Trends Theor
Comput Sci 2014;9:211-407, §3.3 (Laplace mechanism), §3.5 (composition).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Final

from scipy import stats

from clinwell.consortium.dp import count_measurement, noisy_count, noisy_sum, sum_measurement
from clinwell.consortium.pooling import DEFAULT_MIN_MEMBERS, MemberValue
from clinwell.consortium.vocabulary import (
    ALL,
    PUBLIC_REPORT_MEASURES,
    ROLE_GROUPS,
    PooledMeasure,
    pooled_measure,
)

PROPORTION_SHARES: Final = {"n": 0.5, "count": 0.5}
MEAN_SHARES: Final = {"n": 0.2, "sum": 0.6, "squares": 0.2}
ALL_ROLES_SHARE: Final = 0.5
MAX_NOISE_PROPORTION: Final = 0.03
MAX_NOISE_MEAN: Final = 0.25


class BudgetExhaustedError(ValueError):
    """A release would spend more privacy budget than the consortium has left."""


def check_budget(total: float, spent: float, needed: float) -> None:
    """Raise :class:`BudgetExhaustedError` unless ``spent + needed ≤ total`` (1e-9 slack)."""
    if needed <= 0:
        raise ValueError(f"a release must spend a positive epsilon, got {needed}")
    left = total - spent
    if needed > left + 1e-9:
        raise BudgetExhaustedError(
            f"this release needs ε = {needed:g}, but only ε = {max(left, 0.0):g} of the "
            f"consortium's budget of ε = {total:g} is left; no release was made"
        )


@dataclass(frozen=True, slots=True)
class RowBudget:
    """ε of each query of one row (one measure and one role group)."""

    queries: dict[str, float]

    @property
    def epsilon(self) -> float:
        return sum(self.queries.values())


def _row_budget(measure: PooledMeasure, epsilon: float) -> RowBudget:
    shares = PROPORTION_SHARES if measure.is_proportion else MEAN_SHARES
    return RowBudget({name: share * epsilon for name, share in shares.items()})


def _charged(measure: PooledMeasure, row: RowBudget) -> float:
    """OpenDP's privacy map of the row's measurements at their sensitivities."""
    total = float(count_measurement(row.queries["n"]).map(1))
    if measure.is_proportion:
        return total + float(count_measurement(row.queries["count"]).map(1))
    high = measure.sensitivity
    total += float(sum_measurement(high, row.queries["sum"]).map(high))
    return total + float(sum_measurement(high * high, row.queries["squares"]).map(high * high))


@dataclass(frozen=True)
class ReleasePlan:
    """How a release of ``epsilon`` over ``measures`` spends its budget (module docstring)."""

    epsilon: float
    measures: tuple[str, ...]

    def rows(self, key: str) -> tuple[RowBudget, RowBudget]:
        """(all-roles row, each role row) budgets of one measure."""
        measure = pooled_measure(key)
        share = self.epsilon / len(self.measures)
        return (
            _row_budget(measure, share * ALL_ROLES_SHARE),
            _row_budget(measure, share * (1.0 - ALL_ROLES_SHARE)),
        )

    def charged(self) -> float:
        """The ε this release is charged: Σ over measures of OpenDP's maps (all + one role)."""
        total = 0.0
        for key in self.measures:
            measure = pooled_measure(key)
            everyone, per_role = self.rows(key)
            total += _charged(measure, everyone) + _charged(measure, per_role)
        return total


def release_plan(epsilon: float, measures: Sequence[str] = PUBLIC_REPORT_MEASURES) -> ReleasePlan:
    """A plan spending ``epsilon`` over ``measures`` (unknown keys raise ``KeyError``)."""
    if not (math.isfinite(epsilon) and epsilon > 0):
        raise ValueError(f"epsilon must be a positive number, got {epsilon}")
    if not measures:
        raise ValueError("a release needs at least one measure")
    if len(set(measures)) != len(measures):
        raise ValueError("a release lists a measure twice")
    for key in measures:
        pooled_measure(key)
    return ReleasePlan(float(epsilon), tuple(measures))


@dataclass(frozen=True, slots=True)
class NoisyCell:
    """One released cell of the public report.

    ``withheld``: too few member systems (no noise drawn). ``imprecise``: released but too
    noisy to show (values left out). Otherwise the estimate, interval and noise SD.
    """

    measure: str
    role: str
    members: int
    withheld: bool
    estimate: float | None = None
    lower: float | None = None
    upper: float | None = None
    noise_sd: float | None = None
    respondents: int | None = None  # the noisy respondent count, rounded
    epsilon: float = 0.0
    imprecise: bool = False


def _shown_or_imprecise(cell: NoisyCell, is_proportion: bool, blank: bool = True) -> NoisyCell:
    """Blank a cell whose noise SD is too large to read (post-processing; module docstring).

    ``blank=False`` keeps the values and only sets ``imprecise`` (to measure the raw error).
    """
    if cell.estimate is None or cell.noise_sd is None:
        return cell
    limit = MAX_NOISE_PROPORTION if is_proportion else MAX_NOISE_MEAN * abs(cell.estimate)
    if cell.noise_sd <= limit:
        return cell
    if not blank:
        return replace(cell, imprecise=True)
    return NoisyCell(
        cell.measure, cell.role, cell.members, False, epsilon=cell.epsilon, imprecise=True
    )


def _proportion_cell(
    measure: PooledMeasure, role: str, rows: list[MemberValue], budget: RowBudget, z: float
) -> NoisyCell:
    true_n = sum(r.n for r in rows)
    true_k = sum(round(r.n * r.estimate) for r in rows)
    n = noisy_count(true_n, budget.queries["n"])
    k = noisy_count(true_k, budget.queries["count"])
    size = max(n.value, 1.0)
    p = min(max(k.value / size, 0.0), 1.0)
    noise_var = 2.0 * (k.scale**2 + p * p * n.scale**2) / size**2
    half = z * math.sqrt(p * (1.0 - p) / size + noise_var)
    return NoisyCell(
        measure.key,
        role,
        len(rows),
        False,
        p,
        max(p - half, 0.0),
        min(p + half, 1.0),
        math.sqrt(noise_var),
        max(round(n.value), 0),
        n.epsilon + k.epsilon,
    )


def _mean_cell(
    measure: PooledMeasure, role: str, rows: list[MemberValue], budget: RowBudget, z: float
) -> NoisyCell:
    high = measure.sensitivity
    true_n = sum(r.n for r in rows)
    true_sum = math.fsum(r.n * r.estimate for r in rows)
    true_squares = math.fsum((r.n - 1) * (r.sd or 0.0) ** 2 + r.n * r.estimate**2 for r in rows)
    n = noisy_count(true_n, budget.queries["n"])
    total = noisy_sum(true_sum, high, budget.queries["sum"])
    squares = noisy_sum(true_squares, high * high, budget.queries["squares"])
    size = max(n.value, 2.0)
    mean = min(max(total.value / size, measure.low), measure.high)
    most = ((measure.high - measure.low) / 2.0) ** 2 * size / (size - 1.0)
    variance = min(max((squares.value - size * mean * mean) / (size - 1.0), 0.0), most)
    noise_var = 2.0 * (total.scale**2 + mean * mean * n.scale**2) / size**2
    half = z * math.sqrt(variance / size + noise_var)
    return NoisyCell(
        measure.key,
        role,
        len(rows),
        False,
        mean,
        max(mean - half, measure.low),
        min(mean + half, measure.high),
        math.sqrt(noise_var),
        max(round(n.value), 0),
        n.epsilon + total.epsilon + squares.epsilon,
    )


def release_report(
    values: Iterable[MemberValue],
    plan: ReleasePlan,
    *,
    min_members: int = DEFAULT_MIN_MEMBERS,
    confidence: float = 0.95,
    blank_imprecise: bool = True,
) -> list[NoisyCell]:
    """Noisy pooled cells of ``plan``'s measures, all roles first, then each role group.

    Only specialty ``all`` rows are released. Draws fresh noise on every call: call it once
    per release and charge :meth:`ReleasePlan.charged` to the consortium's budget.
    ``blank_imprecise=False`` (benchmarks only) keeps the values of too-imprecise cells.
    """
    if min_members < 2:
        raise ValueError(f"min_members must be at least 2, got {min_members}")
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    grouped: dict[tuple[str, str], list[MemberValue]] = {}
    for row in values:
        if row.specialty == ALL:
            grouped.setdefault((row.measure, row.role), []).append(row)
    cells: list[NoisyCell] = []
    for key in plan.measures:
        measure = pooled_measure(key)
        everyone, per_role = plan.rows(key)
        for role in ROLE_GROUPS:
            rows = grouped.get((key, role), [])
            if len(rows) < min_members:
                cells.append(NoisyCell(key, role, len(rows), True))
                continue
            budget = everyone if role == ALL else per_role
            make = _proportion_cell if measure.is_proportion else _mean_cell
            cells.append(
                _shown_or_imprecise(
                    make(measure, role, rows, budget, z), measure.is_proportion, blank_imprecise
                )
            )
    return cells
