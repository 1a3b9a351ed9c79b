"""Pool contribution files outside the web app: validate each, aggregate in DuckDB.

For an analyst (``clinwell consortium pool FILE...``) or a consortium that keeps its
contributions as files. Every file is validated by :func:`~clinwell.consortium.
parse_contribution` first (a bad file is reported and left out, never half-used); the cells
of the good ones go into an in-memory DuckDB table, and one ``GROUP BY`` computes every cell's
sufficient statistics (:class:`~clinwell.consortium.CellSums`) and the members' percentiles
(``quantile_cont``: linear interpolation, the same definition as numpy's default). The
estimates and intervals are then :func:`~clinwell.consortium.pooled_interval`, as in the web
app, where PostgreSQL (or SQLite) sums the same columns.

DuckDB is imported inside the function: the module stays importable where only the pure
statistics are needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from clinwell.consortium.contribution import Contribution, ContributionError
from clinwell.consortium.pooling import (
    DEFAULT_MIN_MEMBERS,
    PERCENTILES,
    BenchmarkCell,
    CellSums,
    pooled_interval,
)
from clinwell.consortium.validate import parse_contribution
from clinwell.consortium.vocabulary import pooled_measure

POOL_SQL = """
SELECT period, measure, role, specialty,
       count(DISTINCT member) AS members,
       sum(n) AS n,
       sum(round(n * estimate)) AS flagged,
       sum(n * estimate) AS total,
       sum((n - 1) * coalesce(sd, 0) * coalesce(sd, 0) + n * estimate * estimate) AS squares,
       quantile_cont(estimate, [0.10, 0.25, 0.50, 0.75, 0.90]) AS pct
FROM cells
GROUP BY period, measure, role, specialty
ORDER BY period, measure, role, specialty
"""


@dataclass(frozen=True)
class PooledFiles:
    """Benchmarks per period, and the files that were refused (file name -> error)."""

    periods: dict[str, list[BenchmarkCell]]
    refused: dict[str, str]
    contributions: int


def read_contributions(paths: Iterable[Path]) -> tuple[list[Contribution], dict[str, str]]:
    """Parse every file; a refused file is reported by name, with its error."""
    good: list[Contribution] = []
    refused: dict[str, str] = {}
    seen: dict[tuple[str, str], str] = {}
    for path in paths:
        try:
            parsed = parse_contribution(path.read_bytes(), str(path))
        except OSError as exc:
            refused[str(path)] = f"{path}: cannot read ({exc.strerror})"
            continue
        except ContributionError as exc:
            refused[str(path)] = str(exc)
            continue
        key = (parsed.member_id, parsed.period)
        if key in seen:
            refused[str(path)] = (
                f"{path}: period: {parsed.member_id} already contributed for {parsed.period} "
                f"in {seen[key]}"
            )
            continue
        seen[key] = str(path)
        good.append(parsed)
    return good, refused


def cells_frame(contributions: Iterable[Contribution]) -> pd.DataFrame:
    """One row per (member, period, measure, role, specialty) with n, estimate, sd."""
    rows = [
        (
            c.member_id,
            c.period,
            cell.measure,
            cell.role,
            cell.specialty,
            cell.n,
            cell.estimate,
            cell.sd,
        )
        for c in contributions
        for cell in c.cells
    ]
    return pd.DataFrame(
        rows,
        columns=["member", "period", "measure", "role", "specialty", "n", "estimate", "sd"],
    ).astype({"n": "int64", "estimate": "float64", "sd": "float64"})


def pool_frame(
    frame: pd.DataFrame, min_members: int = DEFAULT_MIN_MEMBERS
) -> dict[str, list[BenchmarkCell]]:
    """Pooled cells per period from a :func:`cells_frame` (aggregated by DuckDB)."""
    import duckdb

    connection = duckdb.connect()
    try:
        connection.register("cells", frame)
        result = connection.execute(POOL_SQL).fetchall()
    finally:
        connection.close()
    out: dict[str, list[BenchmarkCell]] = {}
    for period, measure, role, specialty, members, n, flagged, total, squares, pct in result:
        sums = CellSums(int(members), int(n), int(flagged), float(total), float(squares))
        if sums.members < min_members:
            cell = BenchmarkCell(measure, role, specialty, sums.members, True)
        else:
            pooled = pooled_interval(sums, pooled_measure(measure).is_proportion)
            percentiles = {p: float(v) for p, v in zip(PERCENTILES, pct, strict=True)}
            cell = BenchmarkCell(measure, role, specialty, sums.members, False, pooled, percentiles)
        out.setdefault(str(period), []).append(cell)
    return out


def pool_files(paths: Iterable[Path], min_members: int = DEFAULT_MIN_MEMBERS) -> PooledFiles:
    """Validate and pool contribution files (see the module docstring)."""
    good, refused = read_contributions(paths)
    periods = pool_frame(cells_frame(good), min_members) if good else {}
    return PooledFiles(periods, refused, len(good))
