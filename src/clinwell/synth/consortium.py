"""A synthetic consortium with known truth: member systems' contributions, generated end to end.

Each member system is a synthetic organization (:func:`clinwell.synth.survey.generate_wave`)
with its own burnout level (a log-odds shift ``δ_j ~ N(0, member_sd²)``) and documentation
factor shift, and a synthetic EHR-metrics output (one row per clinician: EHR-Time8 and WOW8
drawn log-normal around the member's own means). Its contribution is built the way a real
member's is: the responses are scored with the instrument library and released through the
member's own privacy gate (:func:`clinwell.privacy.release`, minimum group size 5, over the
role dimension), so the file holds only released numbers — an all-roles row and one row per
role the gate published. Every item is answered (``missing_rate=0``): one missingness pattern
means one suppression pass per release, which halves the time of a 12-member demo; a real
member's ``n`` differs a little from measure to measure.

Known truth (:class:`MemberTruth`): the member's population burnout (the generator's
``expected_org_burnout``) and its true mean EHR-Time8 and WOW8. For the measured impacts
(:data:`TRUE_EFFECTS`), each member reports a difference-in-differences estimate
``y = θ + u_j + e``, ``u_j ~ N(0, τ²)`` (the system's own deviation), ``e ~ N(0, SE²)`` with
``SE`` from its group sizes — so the pooled effect's truth is ``θ``.

Synthetic data for tests, the demo and benchmarks; not fitted to a published data set.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Final

import numpy as np
import pandas as pd

from clinwell.consortium import (
    ALL,
    CellValue,
    Contribution,
    ImpactRecord,
    pooled_measures,
)
from clinwell.instruments import get_instrument, score_frame
from clinwell.privacy import ALL as ALL_CELLS
from clinwell.privacy import Dimension, DisclosurePolicy, Measure, TableRequest, release
from clinwell.synth.survey import SurveySpec, UnitSpec, generate_wave

INSTRUMENTS: Final = ("single_item_burnout", "org_wellbeing", "admin_burden")
MEMBER_NAMES: Final = (
    "Northern Lakes Health",
    "Prairie View Medical",
    "Iron Range Clinics",
    "Twin Rivers Health",
    "Red River Valley Health",
    "Bluff Country Medical",
    "Mesabi Care Partners",
    "Driftless Family Health",
    "Lake Country Hospital",
    "Cannon Valley Clinics",
    "Riverbend Medical Group",
    "St. Croix Health",
    "Boundary Waters Health",
    "Minnehaha Physicians",
    "Cedar Falls Health",
)
TRUE_EFFECTS: Final[dict[tuple[str, str], float]] = {
    ("team_documentation", "org_wellbeing.documentation_time"): 0.30,
    ("inbox_team_triage", "admin_burden.inbox_per_day"): -6.0,
    ("protected_time", "org_wellbeing.work_life_balance"): 0.15,
    ("medical_scribes", "org_wellbeing.documentation_time"): 0.45,
}
"""True mean effect of each intervention on a measure (difference in differences)."""
IMPACT_SD: Final[dict[str, float]] = {
    "org_wellbeing.documentation_time": 0.8,
    "admin_burden.inbox_per_day": 25.0,
    "org_wellbeing.work_life_balance": 0.8,
}
"""Respondent-level SD of each impact measure (sets the standard error from group sizes)."""
LEVELS: Final = {
    "team_documentation": "organization",
    "inbox_team_triage": "organization",
    "protected_time": "organization",
    "medical_scribes": "organization",
}


@dataclass(frozen=True)
class MemberTruth:
    member_id: str
    name: str
    respondents: int
    burnout: float  # population share burned out (single item ≥ 3)
    ehr_time8: float
    wow8: float


@dataclass(frozen=True)
class SyntheticConsortium:
    contributions: tuple[Contribution, ...]
    truth: tuple[MemberTruth, ...]
    true_effects: dict[tuple[str, str], float] = field(default_factory=dict)

    @property
    def pooled_burnout(self) -> float:
        """The true burnout share of all members' clinicians (respondent-weighted)."""
        total = sum(t.respondents for t in self.truth)
        return sum(t.burnout * t.respondents for t in self.truth) / total


def _member_id(name: str) -> str:
    return "-".join(name.lower().replace(".", "").split())


def _survey_cells(frame: pd.DataFrame, policy: DisclosurePolicy) -> tuple[list[CellValue], int]:
    known = pooled_measures()
    measures: list[Measure] = []
    for iid in INSTRUMENTS:
        scored = score_frame(get_instrument(iid), frame)
        for column in scored.columns:
            spec = known.get(str(column))
            if spec is None:
                continue
            values = scored[column].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
            make = Measure.proportion if spec.is_proportion else Measure.mean
            measures.append(make(spec.key, values))
    request = TableRequest(
        dimensions=(Dimension("role", [str(r) for r in frame["role"]]),),
        measures=tuple(measures),
    )
    return _released_cells(release(request, policy), measures), len(frame)


def _released_cells(table: object, measures: Iterable[Measure]) -> list[CellValue]:
    cells: list[CellValue] = []
    names = [m.name for m in measures]
    for cell in table.cells:  # type: ignore[attr-defined]
        if cell.suppressed:
            continue
        role = cell.value("role")
        group = ALL if role == ALL_CELLS else role
        for name in names:
            est = cell.estimates.get(name)
            if est is None or est.estimate is None or est.n < 5:
                continue
            cells.append(
                CellValue(name, group, ALL, est.n, est.estimate, est.sd, est.lower, est.upper)
            )
    return cells


def _ehr_cells(
    rng: np.random.Generator,
    roles: list[str],
    ehr_mean: float,
    wow_mean: float,
    policy: DisclosurePolicy,
) -> list[CellValue]:
    n = len(roles)
    sigma = 0.35
    ehr = rng.lognormal(math.log(ehr_mean) - sigma**2 / 2, sigma, n)
    wow = rng.lognormal(math.log(wow_mean) - 0.5**2 / 2, 0.5, n)
    measures = [
        Measure.mean("ehr.ehr_time8", np.clip(ehr, 0, 24)),
        Measure.mean("ehr.wow8", np.clip(wow, 0, 24)),
    ]
    request = TableRequest(dimensions=(Dimension("role", roles),), measures=tuple(measures))
    return _released_cells(release(request, policy), measures)


def _impacts(rng: np.random.Generator, member: int, tau_share: float) -> list[ImpactRecord]:
    records: list[ImpactRecord] = []
    for k, ((intervention, measure), theta) in enumerate(TRUE_EFFECTS.items()):
        if rng.random() > 0.6:  # about 60% of members ran each intervention
            continue
        sizes = [
            int(rng.integers(25, 80)),
            int(rng.integers(25, 80)),
            int(rng.integers(150, 500)),
            int(rng.integers(150, 500)),
        ]
        sd = IMPACT_SD[measure]
        se = sd * math.sqrt(sum(1.0 / s for s in sizes))
        tau = tau_share * abs(theta)
        estimate = theta + rng.normal(0.0, tau) + rng.normal(0.0, se)
        records.append(
            ImpactRecord(
                f"plan-{member}-{k}",
                (intervention,),
                measure,
                float(estimate),
                float(se),
                sizes[0],
                sizes[1],
                sizes[2],
                sizes[3],
                LEVELS[intervention],
                "department",
            )
        )
    return records


def generate_consortium(
    members: int = 12,
    *,
    respondents: tuple[int, int] = (250, 700),
    seed: int = 0,
    period: str = "2026-H1",
    member_sd: float = 0.35,
    with_ehr: bool = True,
    with_impacts: bool = True,
    tau_share: float = 0.3,
    names: Iterable[str] | None = None,
) -> SyntheticConsortium:
    """Contributions of ``members`` synthetic member systems and their truth (see above)."""
    if members < 1:
        raise ValueError(f"members must be at least 1, got {members}")
    low, high = respondents
    if not 10 <= low <= high:
        raise ValueError(f"respondents must be a range (low ≥ 10), got {respondents}")
    pool = list(names) if names is not None else list(MEMBER_NAMES)
    while len(pool) < members:
        pool.append(f"Member System {len(pool) + 1}")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 77]))
    policy = DisclosurePolicy(5, 10)
    contributions, truth = [], []
    for j in range(members):
        name = pool[j]
        member_id = _member_id(name)
        target = int(rng.integers(low, high + 1))
        headcount = max(round(target / 0.65), 10)
        shift = float(rng.normal(0.0, member_sd))
        doc = float(rng.normal(0.0, 0.3))
        units = tuple(
            UnitSpec(
                f"{name}/Site {u + 1}",
                headcount // 3 + (u < headcount % 3),
                shift={"documentation": doc},
                burnout_logit=shift,
            )
            for u in range(3)
        )
        spec = SurveySpec(units=units, instruments=INSTRUMENTS, comment_rate=0.0, missing_rate=0.0)
        wave = generate_wave(spec, wave=0, seed=seed * 1000 + j)
        cells, n = _survey_cells(wave.responses, policy)
        ehr_mean = float(np.clip(rng.normal(5.6, 0.6), 3.0, 9.0))
        wow_mean = float(np.clip(rng.normal(1.1, 0.3), 0.3, 3.0))
        if with_ehr:
            clinicians = wave.responses["role"].astype(str).tolist()
            cells += _ehr_cells(rng, clinicians, ehr_mean, wow_mean, policy)
        impacts = _impacts(rng, j, tau_share) if with_impacts else []
        contributions.append(
            Contribution(
                member_id,
                name,
                period,
                5,
                tuple(cells),
                tuple(impacts),
                software="clinwell synthetic consortium",
                source={"generator": f"clinwell.synth.consortium seed={seed}"},
            )
        )
        truth.append(
            MemberTruth(member_id, name, n, wave.truth.expected_org_burnout, ehr_mean, wow_mean)
        )
    return SyntheticConsortium(tuple(contributions), tuple(truth), dict(TRUE_EFFECTS))


def with_period(consortium: SyntheticConsortium, period: str) -> SyntheticConsortium:
    """The same contributions relabelled to another period (e.g. a second release)."""
    return replace(
        consortium,
        contributions=tuple(replace(c, period=period) for c in consortium.contributions),
    )
