"""Per-unit EHR metrics of a run, next to the unit's survey burnout, through the privacy gate.

Per clinician (over all periods of the run), for X in EHR, WOW, note, inbox and prescription
time: ``X8 = 8 · ΣX_hours / Σscheduled_hours`` (Sinsky et al., JAMIA 2020;27(4):639-643), left
missing when nothing was scheduled; teamwork for orders is ``100 · Σteam_orders /
Σsigned_orders`` from the pooled counts; inbox volume is ``8 · Σinbox_messages /
Σscheduled_hours``. A unit's value is the mean over its clinicians (the unit and everything
below it), with a t interval, as released by :func:`clinwell.privacy.release` — which also
decides which units are shown: at least ``min_n_scores`` clinicians, plus complementary
suppression across the unit tree. The threshold is that of the organization's latest launched
wave, or 5.

The gate always runs over the whole organization (so every reader sees the same suppression
pattern) and the released cells are then filtered to what the reader may see. The burnout
percentage comes from the latest closed wave that asked the single-item burnout question,
read from that wave's released results (the same release the results pages show).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Sum

from clinwell.ehr.params import PER_8H
from clinwell.privacy import (
    ALL,
    Dimension,
    DisclosurePolicy,
    Measure,
    ReleasedEstimate,
    ReleasedTable,
    TableRequest,
    release,
)
from clinwell.web.ehrburden.benchmarks import BENCHMARKS, Benchmark, comparability
from clinwell.web.ehrburden.models import EhrRun
from clinwell.web.orgs.models import Membership, Organization
from clinwell.web.results.services.cache import results_for
from clinwell.web.surveys.models import DEFAULT_MIN_N_SCORES, Wave

BURNOUT_INSTRUMENT = "single_item_burnout"
BURNOUT_SCORE = "single_item_burnout.burnout"


@dataclass(frozen=True)
class EhrMeasure:
    """One column of the unit table: ``scale · Σnumerator / Σdenominator`` per clinician."""

    key: str
    label: str
    unit: str
    numerator: str
    denominator: str
    scale: float


PER_8_SCHEDULED = "h per 8 h scheduled"
MEASURES: tuple[EhrMeasure, ...] = (
    *(
        EhrMeasure(key, label, PER_8_SCHEDULED, PER_8H[key], "scheduled_hours", 8.0)
        for key, label in (
            ("ehr_time8", "EHR-Time8"),
            ("wow8", "WOW8"),
            ("note_time8", "Note-Time8"),
            ("ib_time8", "IB-Time8"),
            ("rx_time8", "Rx-Time8"),
        )
    ),
    EhrMeasure(
        "inbox_msgs8",
        "Messages8",
        "In Basket messages received per 8 h scheduled",
        "inbox_messages",
        "scheduled_hours",
        8.0,
    ),
    EhrMeasure(
        "teamwork_orders_pct",
        "Teamwork %",
        "teamwork for orders: % of signed orders entered by someone else (pooled counts)",
        "team_orders",
        "signed_orders",
        100.0,
    ),
)


def _pct(value: float | None) -> float | None:
    return None if value is None else 100.0 * value


@dataclass(frozen=True)
class UnitResult:
    path: str  # "*" for the whole organization
    label: str
    depth: int
    n: int | None  # clinicians; None when suppressed
    suppressed: bool
    values: dict[str, ReleasedEstimate | None]
    burnout: ReleasedEstimate | None = None
    burnout_status: str = "none"  # shown | suppressed | none

    @property
    def burnout_pct(self) -> ReleasedEstimate | None:
        """The burnout share as a percentage (estimate and interval times 100)."""
        b = self.burnout
        if b is None or b.estimate is None:
            return None
        return ReleasedEstimate(_pct(b.estimate), _pct(b.lower), _pct(b.upper), b.n)

    @property
    def cells(self) -> tuple[ReleasedEstimate | None, ...]:
        """The released estimates in :data:`MEASURES` order (``None`` = withheld)."""
        return tuple(self.values.get(m.key) for m in MEASURES)


@dataclass(frozen=True)
class PublishedBenchmarkRow:
    """A published EHR-use benchmark (:mod:`clinwell.web.ehrburden.benchmarks`), how
    comparable the run's method is to it, and the released value of the report's top row
    (the whole organization, or a leader's unit) beside it."""

    benchmark: Benchmark
    comparability: str
    ours: ReleasedEstimate | None


@dataclass(frozen=True)
class EhrReport:
    run: EhrRun
    rows: tuple[UnitResult, ...]
    policy: DisclosurePolicy
    policy_source: str
    wave: Wave | None
    wave_policy: DisclosurePolicy | None
    benchmarks: tuple[PublishedBenchmarkRow, ...]

    @property
    def method(self) -> str:
        p = self.run.parameters
        rule = "dropped" if p.get("gap_rule") == "drop" else "capped at the timeout"
        return f"gap-based, idle timeout {p.get('idle_timeout')} s, longer gaps {rule}"


def ehr_policy(organization: Organization) -> tuple[DisclosurePolicy, str]:
    """The threshold of the latest launched wave, or the default of 5."""
    wave = (
        Wave.objects.filter(organization=organization)
        .exclude(status=Wave.Status.DRAFT)
        .order_by("-opens_at", "-pk")
        .first()
    )
    if wave is None:
        return DisclosurePolicy(DEFAULT_MIN_N_SCORES), "the default (no survey wave yet)"
    return DisclosurePolicy(wave.min_n_scores, wave.min_n_comments), f"wave “{wave.name}”"


def burnout_waves(organization: Organization) -> list[Wave]:
    """Closed waves that asked the single-item burnout question, latest first (the picker)."""
    return list(
        Wave.objects.filter(
            organization=organization,
            status=Wave.Status.CLOSED,
            modules__instrument_id=BURNOUT_INSTRUMENT,
        )
        .distinct()
        .order_by("-closes_at", "-pk")
    )


def latest_burnout_wave(organization: Organization) -> Wave | None:
    waves = burnout_waves(organization)
    return waves[0] if waves else None


def clinician_values(run: EhrRun) -> tuple[list[str], dict[str, np.ndarray]]:
    """Unit path and per-measure value of every mapped clinician of ``run``."""
    columns = sorted({c for m in MEASURES for c in (m.numerator, m.denominator)})
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in run.rows.filter(unit__isnull=False)
        .values("clinician_id", "unit__full_name")
        .annotate(**{f"s_{c}": Sum(c) for c in columns})
        .order_by("clinician_id")
    ]

    def column(name: str) -> np.ndarray:
        return np.array(
            [np.nan if r[f"s_{name}"] is None else r[f"s_{name}"] for r in rows], dtype=np.float64
        )

    values: dict[str, np.ndarray] = {}
    for m in MEASURES:
        top, bottom = column(m.numerator), column(m.denominator)
        with np.errstate(divide="ignore", invalid="ignore"):
            values[m.key] = np.where(bottom > 0, m.scale * top / bottom, np.nan)
    return [r["unit__full_name"] for r in rows], values


def _release_ehr(run: EhrRun, policy: DisclosurePolicy) -> ReleasedTable | None:
    paths, values = clinician_values(run)
    if not paths:
        return None
    request = TableRequest(
        dimensions=(Dimension("unit", paths, hierarchical=True),),
        measures=tuple(Measure.mean(m.key, values[m.key]) for m in MEASURES),
    )
    return release(request, policy)


def _released_burnout(wave: Wave) -> dict[str, tuple[ReleasedEstimate | None, str]]:
    """Burnout per unit path from the wave's released results (the results pages' release).

    Reading the one cached release, rather than releasing again, keeps this page's survey
    numbers identical to what the results pages publish and suppress.
    """
    out: dict[str, tuple[ReleasedEstimate | None, str]] = {}
    for cell in results_for(wave).cells(None):
        path = ALL if cell.unit is None else cell.unit.full_name
        est = None if cell.suppressed else cell.estimates.get(BURNOUT_SCORE)
        if est is None or est["estimate"] is None:
            out[path] = (None, "suppressed")
            continue
        out[path] = (
            ReleasedEstimate(est["estimate"], est["lower"], est["upper"], est["n"], est.get("sd")),
            "shown",
        )
    return out


def _in_scope(path: str, scope: str | None) -> bool:
    if scope is None:
        return True
    return path == scope or path.startswith(scope + "/")


def _burnout_of(
    released: dict[str, tuple[ReleasedEstimate | None, str]] | None, path: str
) -> tuple[ReleasedEstimate | None, str]:
    if released is None:
        return None, "none"
    return released.get(path, (None, "none"))


def _without_duplicate_total(rows: list[UnitResult]) -> list[UnitResult]:
    """Drop the whole-organization row when one root unit holds the same clinicians."""
    roots = [r for r in rows if r.depth == 1]
    if rows and rows[0].path == ALL and len(roots) == 1 and roots[0].n == rows[0].n:
        return rows[1:]
    return rows


def unit_results(membership: Membership, run: EhrRun, wave: Wave | None = None) -> EhrReport:
    """The report on ``run`` that ``membership`` may see, next to the burnout of ``wave`` (by
    default the latest closed wave that asked it)."""
    policy, source = ehr_policy(run.organization)
    wave = wave or latest_burnout_wave(run.organization)
    ehr = _release_ehr(run, policy)
    burnout = _released_burnout(wave) if wave is not None else None
    scope = (
        None if membership.is_org_wide else (membership.unit.full_name if membership.unit else "\0")
    )
    rows: list[UnitResult] = []
    for cell in ehr.cells if ehr is not None else ():
        path = cell.value("unit")
        if (path == ALL and scope is not None) or (not _in_scope(path, scope) and path != ALL):
            continue
        est, status = _burnout_of(burnout, path)
        rows.append(
            UnitResult(
                path=path,
                label="Whole organization" if path == ALL else path.rsplit("/", 1)[-1],
                depth=0 if path == ALL else path.count("/") + 1,
                n=cell.n,
                suppressed=cell.suppressed,
                values={} if cell.suppressed else dict(cell.estimates),
                burnout=est,
                burnout_status=status,
            )
        )
    rows.sort(key=lambda r: "" if r.path == ALL else r.path)
    rows = _without_duplicate_total(rows)
    top = rows[0] if rows else None
    params = run.parameters
    marks = tuple(
        PublishedBenchmarkRow(
            b,
            comparability(b, params),
            top.values.get(b.compare_to) if top is not None and b.compare_to else None,
        )
        for b in BENCHMARKS
    )
    wave_policy = DisclosurePolicy(wave.min_n_scores, wave.min_n_comments) if wave else None
    return EhrReport(run, tuple(rows), policy, source, wave, wave_policy, marks)
