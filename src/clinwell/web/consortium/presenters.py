"""Template-ready rows of the consortium pages: formatted values, intervals and positions."""

from __future__ import annotations

from dataclasses import dataclass, field

from clinwell.consortium import (
    PERCENTILES,
    ROLE_GROUPS,
    BenchmarkCell,
    PooledEffect,
    PooledMeasure,
    pooled_measures,
)
from clinwell.knowledge import UnknownKeyError, intervention

GROUPS = (
    ("headline", "Headline measures", "Burnout, the national KPIs and the four domain scores."),
    ("burden", "Administrative burden", "Prior authorization, quality measures and the inbox."),
    ("ehr", "EHR use", "From the members' EHR audit-log metrics, per 8 scheduled hours."),
    ("other", "Other measures", "Driver scales and the other scored measures."),
)


def fmt(measure: PooledMeasure, value: float | None) -> str:
    """A value as people read it: a share in percent, a mean with 2 significant decimals."""
    if value is None:
        return "—"
    if measure.is_proportion:
        return f"{100 * value:.1f}%"
    if measure.high > 100:
        return f"{value:,.1f}"
    return f"{value:.2f}"


def fmt_interval(measure: PooledMeasure, lower: float | None, upper: float | None) -> str:
    if lower is None or upper is None:
        return "not defined"
    return f"{fmt(measure, lower)} to {fmt(measure, upper)}"


def rank_words(rank: float, higher_is_worse: bool | None) -> str:
    """Plain words for a percentile rank among the other members."""
    above = 100 - rank
    if higher_is_worse is None:
        return f"higher than {rank:.0f}% of the other systems"
    if higher_is_worse:
        return (
            f"better than {above:.0f}% of the other systems"
            if rank < 50
            else (f"worse than {rank:.0f}% of the other systems")
        )
    return (
        f"better than {rank:.0f}% of the other systems"
        if rank >= 50
        else (f"worse than {above:.0f}% of the other systems")
    )


@dataclass(frozen=True)
class Marker:
    """One mark on a row's distribution strip: its position (0–100 %) and label."""

    left: float
    label: str


@dataclass(frozen=True)
class BenchmarkRow:
    measure: PooledMeasure
    role: str
    role_label: str
    members: int
    withheld: bool
    pooled: str = ""
    interval: str = ""
    percentiles: tuple[str, ...] = ()
    you: str = ""
    you_rank: str = ""
    strip: dict[str, float] = field(default_factory=dict)
    you_left: float | None = None


def _strip(cell: BenchmarkCell, you: float | None) -> tuple[dict[str, float], float | None]:
    p = cell.percentiles
    lo = min(p[10], you if you is not None else p[10])
    hi = max(p[90], you if you is not None else p[90])
    pad = (hi - lo) * 0.08 or 1e-9
    lo, hi = lo - pad, hi + pad

    def at(x: float) -> float:
        return round(100 * (x - lo) / (hi - lo), 1)

    box = {"p10": at(p[10]), "p25": at(p[25]), "p50": at(p[50]), "p75": at(p[75]), "p90": at(p[90])}
    box["whisker"] = round(box["p90"] - box["p10"], 1)
    box["box"] = round(box["p75"] - box["p25"], 1)
    return box, None if you is None else at(you)


def benchmark_rows(
    cells: list[BenchmarkCell], role: str, member: str | None
) -> dict[str, list[BenchmarkRow]]:
    """Rows of the benchmark tables by group, for one role group (specialty ``all``)."""
    known = pooled_measures()
    out: dict[str, list[BenchmarkRow]] = {key: [] for key, _, _ in GROUPS}
    for cell in cells:
        measure = known.get(cell.measure)
        if measure is None or cell.role != role or cell.specialty != "all":
            continue
        label = ROLE_GROUPS.get(cell.role, cell.role)
        if cell.withheld or cell.pooled is None:
            out[measure.group].append(BenchmarkRow(measure, cell.role, label, cell.members, True))
            continue
        mine = cell.values.get(member) if member else None
        rank = cell.position(member) if member else None
        strip, you_left = _strip(cell, mine)
        out[measure.group].append(
            BenchmarkRow(
                measure,
                cell.role,
                label,
                cell.members,
                False,
                fmt(measure, cell.pooled.estimate),
                fmt_interval(measure, cell.pooled.lower, cell.pooled.upper),
                tuple(fmt(measure, cell.percentiles[q]) for q in PERCENTILES),
                fmt(measure, mine) if mine is not None else "",
                rank_words(rank, measure.higher_is_worse) if rank is not None else "",
                strip,
                you_left,
            )
        )
    return out


@dataclass(frozen=True)
class EvidenceRow:
    effect: PooledEffect
    name: str
    measure_label: str
    estimate: str
    interval: str
    prediction: str
    heterogeneity: str
    verdict: str
    # forest-plot positions (0–100 %) on a symmetric axis around 0
    left: float
    width: float
    point: float


def _signed(value: float, measure: PooledMeasure) -> str:
    digits = 1 if measure.high > 100 else 2
    return f"{value:+.{digits}f}"


def evidence_rows(effects: list[PooledEffect]) -> list[EvidenceRow]:
    known = pooled_measures()
    rows = []
    for e in effects:
        measure = known[e.measure]
        try:
            name = intervention(e.intervention).name
        except UnknownKeyError:
            name = e.intervention
        span = max(abs(e.lower), abs(e.upper), 1e-9) * 1.15

        def at(x: float, span: float = span) -> float:
            return round(50 + 50 * x / span, 1)

        better = "higher is better" if measure.higher_is_worse is False else "lower is better"
        if e.improves is True:
            verdict = f"Improved ({better})"
        elif e.improves is False:
            verdict = f"Got worse ({better})"
        else:
            verdict = "No clear change: the interval includes zero"
        prediction = (
            "not defined (fewer than 3 systems)"
            if e.prediction_lower is None or e.prediction_upper is None
            else f"{_signed(e.prediction_lower, measure)} to {_signed(e.prediction_upper, measure)}"
        )
        rows.append(
            EvidenceRow(
                e,
                name,
                measure.label,
                _signed(e.estimate, measure),
                f"{_signed(e.lower, measure)} to {_signed(e.upper, measure)}",
                prediction,
                f"I² = {100 * e.i2:.0f}%, τ² = {e.tau2:.3g}, p = {e.p_heterogeneity:.2f}",
                verdict,
                at(e.lower),
                round(at(e.upper) - at(e.lower), 1),
                at(e.estimate),
            )
        )
    return rows
