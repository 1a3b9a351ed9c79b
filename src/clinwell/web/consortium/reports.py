"""Read the public DP report and the budget ledger (no writes; nothing but released numbers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clinwell.consortium import ROLE_GROUPS, PooledMeasure, pooled_measures
from clinwell.web.consortium.models import Consortium, Release
from clinwell.web.consortium.presenters import fmt, fmt_interval
from clinwell.web.consortium.services.releases import budget_spent


def budget_context(consortium: Consortium) -> dict[str, Any]:
    spent = budget_spent(consortium)
    total = consortium.epsilon_total
    left = max(total - spent, 0.0)
    return {
        "budget_total": total,
        "budget_spent": spent,
        "budget_left": left,
        "budget_percent": round(100 * min(spent / total, 1.0)) if total else 100,
        "releases_left": int(left / consortium.epsilon_per_release + 1e-9),
        "epsilon_per_release": consortium.epsilon_per_release,
    }


@dataclass(frozen=True)
class ReportRow:
    role_label: str
    members: int
    withheld: bool
    value: str = ""
    interval: str = ""
    noise: str = ""
    respondents: int | None = None
    imprecise: bool = False


@dataclass(frozen=True)
class ReportSection:
    measure: PooledMeasure
    everyone: ReportRow
    roles: tuple[ReportRow, ...]


def _noise(measure: PooledMeasure, sd: float | None) -> str:
    if sd is None:
        return ""
    if measure.is_proportion:
        return f"± {100 * sd:.2f} percentage points"
    return f"± {fmt(measure, sd)}"


def report_rows(release: Release) -> list[ReportSection]:
    known = pooled_measures()
    by_measure: dict[str, list[ReportRow]] = {}
    for cell in release.cells.all():
        measure = known.get(cell.measure)
        if measure is None:
            continue
        row = ReportRow(
            ROLE_GROUPS.get(cell.role, cell.role),
            cell.members,
            cell.withheld,
            fmt(measure, cell.estimate) if not cell.withheld else "",
            fmt_interval(measure, cell.lower, cell.upper) if not cell.withheld else "",
            _noise(measure, cell.noise_sd),
            cell.respondents,
            cell.imprecise,
        )
        by_measure.setdefault(cell.measure, []).append(row)
    sections = []
    for key in release.measures:
        rows = by_measure.get(key)
        if not rows or key not in known:
            continue
        sections.append(ReportSection(known[key], rows[0], tuple(rows[1:])))
    return sections
