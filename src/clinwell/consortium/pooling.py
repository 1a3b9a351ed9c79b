"""Pooled benchmarks across member systems: pooled estimates and the members' distribution.

Each member ``i`` contributes, for one cell (measure × role group × specialty group), its
released respondent count ``n_i``, estimate ``m_i`` and (means) sample SD ``s_i``.

Pooled proportion (respondents of all members taken together)::

    k_i = round(n_i · m_i),   p = Σ k_i / Σ n_i,

with a Wilson score interval on ``(Σ k_i, Σ n_i)`` (Wilson 1927;
:func:`clinwell.stats.wilson_interval`).

Pooled mean, the exact moments of the union of the members' respondents::

    N = Σ n_i,   M = Σ n_i m_i / N,
    S² = (Σ (n_i − 1) s_i² + Σ n_i (m_i − M)²) / (N − 1),

with a t interval ``M ± t_{N−1} S/√N``. The same formula pools the arms of an action plan's
impact (``clinwell.web.actions.impact.pooled``).

Both intervals treat the pooled respondents as one sample of these members' clinicians. Each
member is a stratum, and stratification only narrows an interval, so they are conservative for
that population; they do not describe systems outside the consortium. How systems differ from
one another is shown by the distribution of member estimates instead: percentiles
``P10, P25, P50, P75, P90`` of the ``m_i`` (linear interpolation between order statistics,
Hyndman & Fan 1996 definition 7, numpy's default) and, for one member ``i``, its percentile
rank among the ``M − 1`` other members, ``100 · (#{j: m_j < m_i} + ½ #{j ≠ i: m_j = m_i}) /
(M − 1)`` (:func:`percentile_rank`).

A cell with fewer than ``min_members`` contributing members is withheld entirely: no pooled
value and no percentile (docs/consortium.md, "Minimum number of members").

References
----------
Wilson EB. Probable inference, the law of succession, and statistical inference. JASA
1927;22:209-212.
Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50(4):361-365.
Cochran WG. Sampling Techniques, 3rd ed. Wiley; 1977, ch. 5 (stratified sampling).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from clinwell.consortium.vocabulary import pooled_measure
from clinwell.stats import Interval, t_interval_from_summary, wilson_interval

PERCENTILES: Final = (10, 25, 50, 75, 90)
DEFAULT_MIN_MEMBERS: Final = 5

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class CellSums:
    """Sufficient statistics of one pooled cell, as sums over its members.

    ``n = Σ n_i``; ``count = Σ round(n_i m_i)`` (proportions); ``total = Σ n_i m_i``;
    ``squares = Σ ((n_i − 1) s_i² + n_i m_i²)``, the sum of the respondents' squared values
    (means). The web app computes them in SQL (``clinwell.web.consortium.services.pooling``),
    the CLI in DuckDB, :func:`cell_sums` in numpy; every pooled estimate comes from them.
    """

    members: int
    n: int
    count: int
    total: float
    squares: float


def cell_sums(
    n: npt.ArrayLike, estimate: npt.ArrayLike, sd: npt.ArrayLike | None = None
) -> CellSums:
    """The :class:`CellSums` of members' released ``n``, estimates and SDs (NaN SD = 0)."""
    sizes = np.asarray(n, dtype=np.float64)
    means = np.asarray(estimate, dtype=np.float64)
    sds = np.zeros_like(means) if sd is None else np.nan_to_num(np.asarray(sd, np.float64))
    return CellSums(
        members=int(sizes.size),
        n=int(sizes.sum()),
        count=int(np.rint(sizes * means).sum()),
        total=float(sizes @ means),
        squares=float(((sizes - 1.0) * sds * sds + sizes * means * means).sum()),
    )


def pooled_interval(sums: CellSums, is_proportion: bool, confidence: float = 0.95) -> Interval:
    """Pooled estimate and interval from a cell's sums (see the module docstring).

    Proportion: ``K/N`` with a Wilson interval. Mean: ``M = S/N``,
    ``s² = (Q − N M²)/(N − 1)`` (the pooled-moments formula rewritten in sums), t interval.
    """
    if sums.n < 1:
        raise ValueError("pooling needs at least one respondent")
    if is_proportion:
        return wilson_interval(sums.count, sums.n, confidence)
    mean = sums.total / sums.n
    variance = (sums.squares - sums.n * mean * mean) / (sums.n - 1) if sums.n > 1 else 0.0
    return t_interval_from_summary(mean, math.sqrt(max(variance, 0.0)), sums.n, confidence)


def pool_proportion(
    n: npt.ArrayLike, estimate: npt.ArrayLike, confidence: float = 0.95
) -> Interval:
    """Pooled share of several members' released proportions (see the module docstring)."""
    return pooled_interval(cell_sums(n, estimate), True, confidence)


def pool_mean(
    n: npt.ArrayLike, mean: npt.ArrayLike, sd: npt.ArrayLike, confidence: float = 0.95
) -> Interval:
    """Pooled mean of several members' released means with a t interval."""
    return pooled_interval(cell_sums(n, mean, sd), False, confidence)


def member_percentiles(
    values: npt.ArrayLike, percentiles: Sequence[int] = PERCENTILES
) -> dict[int, float]:
    """Percentiles of the member estimates (linear interpolation, Hyndman–Fan 7)."""
    data = np.asarray(values, dtype=np.float64)
    if data.size == 0:
        raise ValueError("percentiles need at least one member")
    found = np.percentile(data, list(percentiles))
    return {int(p): float(v) for p, v in zip(percentiles, found, strict=True)}


def percentile_rank(value: float, others: npt.ArrayLike) -> float:
    """Mid-rank share (0–100) of the other members' estimates below ``value``.

    ``100 · (#{others < value} + ½ · #{others = value}) / #others``: 0 when every other
    member is higher, 100 when every other member is lower, 50 in the middle.
    """
    data = np.asarray(others, dtype=np.float64)
    if data.size == 0:
        raise ValueError("a percentile rank needs at least one other member")
    below = float(np.count_nonzero(data < value))
    ties = float(np.count_nonzero(data == value))
    return 100.0 * (below + 0.5 * ties) / data.size


@dataclass(frozen=True, slots=True)
class MemberValue:
    """One member's released number in one cell (the input of :func:`benchmark_cells`)."""

    member: str
    measure: str
    role: str
    specialty: str
    n: int
    estimate: float
    sd: float | None = None


@dataclass(frozen=True)
class BenchmarkCell:
    """A pooled cell: pooled estimate and interval and the members' percentiles.

    ``withheld`` cells (fewer than ``min_members`` members) carry only their key and
    ``members``; ``values`` maps member -> estimate (kept for the members' private positions,
    never shown to other members).
    """

    measure: str
    role: str
    specialty: str
    members: int
    withheld: bool
    pooled: Interval | None = None
    percentiles: dict[int, float] = field(default_factory=dict)
    values: dict[str, float] = field(default_factory=dict, repr=False)

    def position(self, member: str) -> float | None:
        """The member's percentile rank among the others (None if not in the cell)."""
        if self.withheld or member not in self.values:
            return None
        others = [v for m, v in self.values.items() if m != member]
        return percentile_rank(self.values[member], others) if others else None


def benchmark_cell(
    key: tuple[str, str, str],
    sums: CellSums,
    values: dict[str, float],
    min_members: int = DEFAULT_MIN_MEMBERS,
    confidence: float = 0.95,
) -> BenchmarkCell:
    """One pooled cell from its sums and its members' estimates (member -> estimate)."""
    measure, role, specialty = key
    if sums.members < min_members:
        return BenchmarkCell(measure, role, specialty, sums.members, True)
    pooled = pooled_interval(sums, pooled_measure(measure).is_proportion, confidence)
    return BenchmarkCell(
        measure,
        role,
        specialty,
        sums.members,
        False,
        pooled,
        member_percentiles(list(values.values())),
        dict(values),
    )


def benchmark_cells(
    rows: Iterable[MemberValue], min_members: int = DEFAULT_MIN_MEMBERS, confidence: float = 0.95
) -> list[BenchmarkCell]:
    """Pool member values cell by cell (measure, role, specialty), sorted by that key.

    A member appearing twice in a cell is an error (one contribution per member and period).
    """
    if min_members < 2:
        raise ValueError(f"min_members must be at least 2, got {min_members}")
    grouped: dict[tuple[str, str, str], list[MemberValue]] = {}
    for row in rows:
        grouped.setdefault((row.measure, row.role, row.specialty), []).append(row)
    out: list[BenchmarkCell] = []
    for key in sorted(grouped):
        items = grouped[key]
        names = [r.member for r in items]
        if len(set(names)) != len(names):
            raise ValueError(f"cell {key}: a member appears more than once")
        sd = [np.nan if r.sd is None else r.sd for r in items]
        sums = cell_sums([r.n for r in items], [r.estimate for r in items], sd)
        values = {r.member: r.estimate for r in items}
        out.append(benchmark_cell(key, sums, values, min_members, confidence))
    return out
