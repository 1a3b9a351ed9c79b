"""Which scored columns the dashboards show, found through the instruments' output tags.

A wave's instruments (its modules, in order) produce flat score columns
``<instrument>.<scale>``. Each output carries :class:`clinwell.instruments.Tags`:

- ``kpi``: one of the six AMA national-comparison KPIs (burnout, intent to leave, job
  satisfaction, job stress, feeling valued, weekly hours); the first instrument of the wave
  that provides a KPI supplies it;
- ``domain``: one of the four AMA Organizational Biopsy domains; its *headline* is the
  composite scale named after the domain, else the KPI flag in that domain, else the first
  score tagged with it;
- ``driver``: predictors for the key-driver analysis of burnout.

Every other scale and flag a wave collects (WHO-5, the 1–5 burnout level, ...) is released and
reported too: after the headlines, in the heatmap's measure picker (:func:`measure_groups`),
the trends table, the CSV export and the API.

Flags are released as proportions (Wilson intervals), scores as means (t intervals).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from clinwell.instruments import (
    DOMAINS,
    KPIS,
    Instrument,
    OutputColumn,
    UnknownInstrumentError,
    get_instrument,
)

KPI_LABELS = {
    "burnout": "Burnout",
    "intent_to_leave": "Intent to leave",
    "job_satisfaction": "Job satisfaction",
    "job_stress": "Job stress",
    "feeling_valued": "Feeling valued",
    "weekly_hours": "Weekly hours",
}
DOMAIN_LABELS = {
    "organizational_culture": "Organizational culture",
    "practice_efficiency": "Practice efficiency",
    "self_care": "Self-care",
    "retention": "Retention",
}


@dataclass(frozen=True)
class MeasureInfo:
    """One released measure (a scored column) and what it means on the dashboards."""

    column: str
    label: str
    kind: str  # "proportion" | "mean"
    instrument: str
    instrument_title: str
    validated: bool
    validity_label: str
    kpi: str | None = None
    domain: str | None = None
    driver: bool = False
    headline: str | None = None  # "kpi" | "domain" when it is the KPI's / domain's headline
    higher_is_worse: bool | None = None
    low: float | None = None
    high: float | None = None

    @property
    def is_proportion(self) -> bool:
        return self.kind == "proportion"

    @property
    def worse_when_high(self) -> bool:
        """Whether a higher value (score, or share of true flags) is worse; a score whose
        instrument gives no direction counts as higher-is-better."""
        return bool(self.higher_is_worse)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MeasureInfo:
        return cls(**data)


def describe(instrument: Instrument, out: OutputColumn) -> MeasureInfo:
    """The one description of a scored column, as every page and the plans use it."""
    flag = out.kind == "flag"
    return MeasureInfo(
        column=out.name,
        label=out.label,
        kind="proportion" if flag else "mean",
        instrument=instrument.id,
        instrument_title=instrument.title,
        validated=instrument.validated,
        validity_label=instrument.validity_label,
        kpi=out.tags.kpi,
        domain=out.tags.domain,
        driver=out.tags.driver and not flag,
        higher_is_worse=out.higher_is_worse,
        low=None if out.range is None else float(out.range[0]),
        high=None if out.range is None else float(out.range[1]),
    )


def _outputs(
    instrument_ids: Iterable[str], excluded: Mapping[str, Collection[str]]
) -> list[MeasureInfo]:
    found: list[MeasureInfo] = []
    for instrument_id in instrument_ids:
        try:
            instrument = get_instrument(instrument_id)
        except UnknownInstrumentError:
            continue  # an instrument removed since the wave ran: nothing to show for it
        skipped = excluded.get(instrument_id, ())
        for out in instrument.outputs():
            scale = instrument.scale(out.scale)
            if sum(1 for i in scale.items if i not in skipped) < scale.min_answered:
                continue  # the wave does not ask enough of its items: never scored
            found.append(describe(instrument, out))
    return found


def _with_headline(m: MeasureInfo, headline: str) -> MeasureInfo:
    return MeasureInfo(**{**asdict(m), "headline": headline})


def wave_measures(
    instrument_ids: Sequence[str], excluded: Mapping[str, Collection[str]] | None = None
) -> list[MeasureInfo]:
    """Every dashboard measure of a wave with the given instruments (in module order).

    KPI headlines come first (in :data:`KPIS` order), then domain headlines (in
    :data:`DOMAINS` order), then every other scale and flag of the instruments, in module
    order. ``excluded`` (instrument id -> linkIds the wave does not ask) drops the measures
    that cannot be scored without them, e.g. ``org_wellbeing.burned_out`` in a wave that asks
    the single-item burnout measure instead (``clinwell.web.surveys.services.waves.ASKED_BY``).
    """
    outputs = _outputs(instrument_ids, excluded or {})
    chosen: dict[str, MeasureInfo] = {}
    for kpi in KPIS:
        hit = next((m for m in outputs if m.kpi == kpi and m.column not in chosen), None)
        if hit is not None:
            chosen[hit.column] = _with_headline(hit, "kpi")
    for domain in DOMAINS:
        tagged = [m for m in outputs if m.domain == domain]
        composite = [m for m in tagged if m.column.endswith("." + domain) and not m.driver]
        kpi_flags = [m for m in tagged if m.kpi]
        candidates = composite or kpi_flags or tagged
        pick = candidates[0] if candidates else None
        if pick is not None and pick.column not in chosen:
            chosen[pick.column] = _with_headline(pick, "domain")
    rest = [m for m in outputs if m.column not in chosen]
    return [*chosen.values(), *rest]


def kpi_measures(measures: Sequence[MeasureInfo]) -> dict[str, MeasureInfo]:
    """KPI id -> its headline measure (only KPIs the wave measured)."""
    return {m.kpi: m for m in measures if m.headline == "kpi" and m.kpi}


def domain_measures(measures: Sequence[MeasureInfo]) -> dict[str, MeasureInfo]:
    """Domain id -> its headline measure (a KPI flag may be a domain's headline too)."""
    out: dict[str, MeasureInfo] = {}
    for domain in DOMAINS:
        heads = [m for m in measures if m.domain == domain and m.headline == "domain"]
        if not heads:
            heads = [m for m in measures if m.domain == domain and m.headline == "kpi"]
        if heads:
            out[domain] = heads[0]
    return out


def heatmap_measures(measures: Sequence[MeasureInfo]) -> list[MeasureInfo]:
    """Columns of the unit heatmap: the KPIs, then the domain headlines."""
    return [m for m in measures if m.headline is not None]


def driver_measures(measures: Sequence[MeasureInfo]) -> list[MeasureInfo]:
    """Predictors of the key-driver analysis (scores tagged ``driver``)."""
    return [m for m in measures if m.driver]


HEADLINE_GROUP = "headline"


@dataclass(frozen=True)
class MeasureGroup:
    """A choice of the heatmap's measure picker: the headlines, or one instrument's outputs."""

    key: str
    label: str
    measures: tuple[MeasureInfo, ...]


def measure_groups(measures: Sequence[MeasureInfo]) -> list[MeasureGroup]:
    """The headline measures, then every scale and flag of each instrument (module order)."""
    groups = [MeasureGroup(HEADLINE_GROUP, "Headline measures", tuple(heatmap_measures(measures)))]
    by_instrument: dict[str, list[MeasureInfo]] = {}
    titles: dict[str, str] = {}
    for m in measures:
        by_instrument.setdefault(m.instrument, []).append(m)
        titles.setdefault(m.instrument, m.instrument_title)
    for instrument, found in by_instrument.items():
        groups.append(MeasureGroup(instrument, f"All of {titles[instrument]}", tuple(found)))
    return groups


def pick_group(measures: Sequence[MeasureInfo], key: str | None) -> MeasureGroup:
    """The picker's group ``key`` (unknown or empty: the headline measures)."""
    groups = measure_groups(measures)
    return next((g for g in groups if g.key == key), groups[0])
