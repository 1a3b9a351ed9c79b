"""Pooled benchmarks of a period, computed in the database (PostgreSQL in production).

The sufficient statistics of every cell — member count, ``Σ n``, ``Σ round(n·m)``,
``Σ n·m`` and ``Σ ((n − 1) s² + n m²)`` — are one ``GROUP BY`` query over the period's
contribution cells; a second query reads each member's estimate for the percentiles and the
members' own positions. The statistics themselves are :mod:`clinwell.consortium.pooling`'s
(:func:`~clinwell.consortium.benchmark_cell` from :class:`~clinwell.consortium.CellSums`), the
same functions the CLI feeds from DuckDB.
"""

from __future__ import annotations

from django.db.models import Count, F, FloatField, Sum, Value
from django.db.models.functions import Coalesce, Round

from clinwell.consortium import BenchmarkCell, CellSums, MemberValue, benchmark_cell
from clinwell.web.consortium.models import Consortium, ContributionCell


def _cells(consortium: Consortium, period: str):  # type: ignore[no-untyped-def]
    return ContributionCell.objects.filter(
        contribution__member__consortium=consortium,
        contribution__member__active=True,
        contribution__period=period,
    )


def contributed_periods(consortium: Consortium) -> list[str]:
    """Periods with at least one contribution, newest first."""
    from clinwell.web.consortium.models import Contribution

    periods = (
        Contribution.objects.filter(member__consortium=consortium, member__active=True)
        .values_list("period", flat=True)
        .distinct()
    )
    return sorted(set(periods), reverse=True)


def period_sums(consortium: Consortium, period: str) -> dict[tuple[str, str, str], CellSums]:
    """Every cell's sufficient statistics, summed by the database."""
    sd = Coalesce(F("sd"), Value(0.0), output_field=FloatField())
    rows = (
        _cells(consortium, period)
        .values("measure", "role", "specialty")
        .annotate(
            members=Count("contribution__member", distinct=True),
            total_n=Sum("n"),
            count=Sum(Round(F("n") * F("estimate")), output_field=FloatField()),
            total=Sum(F("n") * F("estimate"), output_field=FloatField()),
            squares=Sum(
                (F("n") - 1) * sd * sd + F("n") * F("estimate") * F("estimate"),
                output_field=FloatField(),
            ),
        )
        .order_by()
    )
    return {
        (r["measure"], r["role"], r["specialty"]): CellSums(
            int(r["members"]),
            int(r["total_n"]),
            round(r["count"]),
            float(r["total"]),
            float(r["squares"]),
        )
        for r in rows
    }


def member_values(
    consortium: Consortium, period: str, measures: list[str] | None = None
) -> list[MemberValue]:
    """Each member's released number in each cell of the period."""
    cells = _cells(consortium, period)
    if measures is not None:
        cells = cells.filter(measure__in=measures)
    return [
        MemberValue(member, measure, role, specialty, n, estimate, sd)
        for member, measure, role, specialty, n, estimate, sd in cells.values_list(
            "contribution__member__slug", "measure", "role", "specialty", "n", "estimate", "sd"
        )
    ]


def period_benchmarks(consortium: Consortium, period: str) -> list[BenchmarkCell]:
    """The period's pooled cells (exact; withheld below the consortium's member minimum)."""
    sums = period_sums(consortium, period)
    values: dict[tuple[str, str, str], dict[str, float]] = {}
    for row in member_values(consortium, period):
        values.setdefault((row.measure, row.role, row.specialty), {})[row.member] = row.estimate
    return [
        benchmark_cell(key, sums[key], values.get(key, {}), consortium.min_members)
        for key in sorted(sums)
    ]
