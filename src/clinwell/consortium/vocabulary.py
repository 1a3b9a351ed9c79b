"""What a consortium pools: measures, role groups and specialty groups, as data.

A contribution names each number by a **measure** key, a **role** group and a **specialty**
group. Measure keys are either a survey output column of the instrument library
(``<instrument>.<scale>``, e.g. ``single_item_burnout.burnout``) or an EHR-use metric
(``ehr.<metric>``, e.g. ``ehr.wow8``, as computed by :mod:`clinwell.ehr`). Every measure has a
kind (``proportion``: a share in [0, 1]; ``mean``: an average) and a range ``[low, high]`` that
one clinician's value cannot leave: the instrument's scale range, or for the EHR metrics the
bounds below, to which the member's export clips each clinician's value. The range is what
bounds one clinician's influence on a pooled sum (the sensitivity of the differential-privacy
release, :mod:`clinwell.consortium.release`).

Role groups are clinwell's default roster roles plus ``all``; specialty groups are a small
fixed list plus ``all``. A member whose roster uses other role keys maps them to these groups
when it exports (docs/consortium.md, "Roles").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

from clinwell.instruments import load_library

ALL: Final = "all"
EHR_PREFIX: Final = "ehr."

ROLE_GROUPS: Final[dict[str, str]] = {
    ALL: "All roles",
    "physician": "Physicians",
    "app": "Advanced practice providers",
    "nurse": "Nurses",
    "resident": "Residents and fellows",
    "other": "Other roles",
}
"""Role group key -> label; the keys are clinwell's default roster role keys."""

SPECIALTY_GROUPS: Final[dict[str, str]] = {
    ALL: "All specialties",
    "primary_care": "Primary care",
    "medicine": "Medical specialties",
    "hospital_medicine": "Hospital medicine",
    "surgery": "Surgical specialties",
    "emergency": "Emergency medicine",
    "pediatrics": "Pediatrics",
    "anesthesiology": "Anesthesiology",
    "radiology": "Radiology",
    "psychiatry": "Psychiatry",
    "other": "Other specialties",
}
"""Specialty group key -> label (optional; a member shares them where it has them)."""

Kind = Literal["proportion", "mean"]


@dataclass(frozen=True, slots=True)
class PooledMeasure:
    """A measure the consortium pools: its key, label, kind, range and family.

    ``family`` is ``survey`` or ``ehr``; ``group`` says where the benchmark pages list it
    (``headline``: a national KPI or domain headline, ``burden``: the administrative-burden
    items, ``ehr``: EHR-use metrics, ``other``). ``higher_is_worse`` orients the pages.
    """

    key: str
    label: str
    kind: Kind
    low: float
    high: float
    family: str
    group: str
    higher_is_worse: bool | None
    unit: str = ""
    source: str = "EHR audit-log metrics"

    @property
    def is_proportion(self) -> bool:
        return self.kind == "proportion"

    @property
    def sensitivity(self) -> float:
        """Largest change of a pooled sum when one clinician is added or removed: max |x|."""
        return max(abs(self.low), abs(self.high))


EHR_BOUND_HOURS: Final = 24.0
"""Upper bound of a per-8-hour EHR metric (hours of EHR use per 8 scheduled hours).

One clinician's EHR-Time8 above 24 h per 8 scheduled hours means three times as many hours
in the EHR as scheduled with patients; the export clips to this bound, so that one clinician
can move a pooled sum by at most 24 (the published national mean is 5.8 h; Holmgren et al.,
J Gen Intern Med 2024, via ``clinwell.web.ehrburden.benchmarks``).
"""

EHR_MEASURES: Final[tuple[PooledMeasure, ...]] = (
    PooledMeasure(
        "ehr.ehr_time8",
        "EHR-Time8",
        "mean",
        0.0,
        EHR_BOUND_HOURS,
        "ehr",
        "ehr",
        True,
        "h per 8 h scheduled",
    ),
    PooledMeasure(
        "ehr.wow8",
        "Work outside work (WOW8)",
        "mean",
        0.0,
        EHR_BOUND_HOURS,
        "ehr",
        "ehr",
        True,
        "h per 8 h scheduled",
    ),
    PooledMeasure(
        "ehr.note_time8",
        "Note-Time8",
        "mean",
        0.0,
        EHR_BOUND_HOURS,
        "ehr",
        "ehr",
        True,
        "h per 8 h scheduled",
    ),
    PooledMeasure(
        "ehr.ib_time8",
        "Inbox-Time8",
        "mean",
        0.0,
        EHR_BOUND_HOURS,
        "ehr",
        "ehr",
        True,
        "h per 8 h scheduled",
    ),
    PooledMeasure(
        "ehr.rx_time8",
        "Prescription-Time8",
        "mean",
        0.0,
        EHR_BOUND_HOURS,
        "ehr",
        "ehr",
        True,
        "h per 8 h scheduled",
    ),
    PooledMeasure(
        "ehr.teamwork_orders_pct",
        "Teamwork for orders",
        "mean",
        0.0,
        100.0,
        "ehr",
        "ehr",
        False,
        "% of orders",
    ),
)

BURDEN_INSTRUMENT: Final = "admin_burden"
HEADLINE_KPIS: Final = frozenset(
    {"burnout", "intent_to_leave", "job_satisfaction", "job_stress", "feeling_valued"}
)


def _survey_measures() -> list[PooledMeasure]:
    found: list[PooledMeasure] = []
    for instrument in load_library().values():
        for out in instrument.outputs():
            if out.kind not in ("score", "flag"):
                continue
            kind: Kind
            if out.kind == "flag":
                low, high, kind = 0.0, 1.0, "proportion"
            elif out.range is None:
                continue  # an unbounded score has no sensitivity: it cannot be pooled privately
            else:
                low, high, kind = float(out.range[0]), float(out.range[1]), "mean"
            if instrument.id == BURDEN_INSTRUMENT:
                group = "burden"
            elif out.tags.kpi in HEADLINE_KPIS and out.kind == "flag":
                group = "headline"
            elif out.tags.domain and out.name.endswith("." + out.tags.domain):
                group = "headline"  # a domain composite (e.g. org_wellbeing.retention)
            else:
                group = "other"
            worse = out.higher_is_worse
            if out.kind == "flag" and out.tags.kpi in ("burnout", "intent_to_leave", "job_stress"):
                worse = True
            elif out.kind == "flag" and out.tags.kpi in ("job_satisfaction", "feeling_valued"):
                worse = False
            found.append(
                PooledMeasure(
                    out.name,
                    out.label,
                    kind,
                    low,
                    high,
                    "survey",
                    group,
                    worse,
                    "",
                    instrument.title,
                )
            )
    return found


@cache
def pooled_measures() -> dict[str, PooledMeasure]:
    """Every measure a contribution may hold, by key (survey outputs, then EHR metrics)."""
    return {m.key: m for m in (*_survey_measures(), *EHR_MEASURES)}


def pooled_measure(key: str) -> PooledMeasure:
    """The measure with this key; ``KeyError`` for an unknown key."""
    return pooled_measures()[key]


PUBLIC_REPORT_MEASURES: Final[tuple[str, ...]] = (
    "single_item_burnout.burnout",
    "org_wellbeing.likely_to_leave",
    "admin_burden.prior_auth_per_week",
    "admin_burden.prior_auth_hours",
    "admin_burden.quality_measures",
    "admin_burden.after_hours_ehr",
    "ehr.wow8",
)
"""The default measures of the public report (advocacy: statewide burnout and intent to
leave, prior-authorization and measurement burden, after-hours EHR time, self-reported and
from audit logs). Each one spends an equal share of a release's privacy budget."""
