"""The evidence-tagged intervention catalog.

Each intervention names its level (one of the four levels), the driver keys it targets (primary
and secondary), the domains, measures and EHR metrics it is meant to move, an effort and a cost
band, the related NAM actions (or, in ``nam_note``, why no published action fits), and the evidence
behind it - every entry cites at least one evidence record. Evidence records are shared across
interventions (``data/evidence.yaml``); an evidence record whose effect could not be read
from its source is ``confirmed=False``. Effort and cost bands are clinwell's editorial estimates.
Data files: ``data/interventions.yaml``, ``data/evidence.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from clinwell.knowledge._data import (
    Fields,
    KnowledgeDataError,
    Source,
    check_unique,
    read_data_file,
    unknown,
)
from clinwell.knowledge.levels import burnout_levels
from clinwell.knowledge.nam import nam_plan
from clinwell.knowledge.vocabulary import vocabulary

FILE = "interventions.yaml"
EVIDENCE_FILE = "evidence.yaml"
BANDS: Final = ("low", "medium", "high")

#: Weight of each study design when ranking (see :mod:`clinwell.knowledge.suggest`): controlled
#: trials and meta-analyses count fully, uncontrolled before-after and cohort studies half,
#: associations and case reports less, descriptions and policies least.
DESIGN_STRENGTH: Final[dict[str, float]] = {
    "meta_analysis": 1.0,
    "rct": 1.0,
    "cluster_rct": 1.0,
    "cohort": 0.5,
    "pre_post": 0.5,
    "cross_sectional": 0.35,
    "case_report": 0.25,
    "program_description": 0.15,
    "policy": 0.15,
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """A study or report: citation, design, year, effect (paraphrased) and where it was read."""

    id: str
    citation: str
    design: str
    year: int | None
    effect: str
    source: Source
    confirmed: bool = True
    note: str | None = None

    @property
    def strength(self) -> float:
        """Design weight in [0, 1]; zero when the record is not confirmed."""
        return DESIGN_STRENGTH[self.design] if self.confirmed else 0.0


@dataclass(frozen=True, slots=True)
class Intervention:
    id: str
    name: str
    description: str
    level: str
    primary_drivers: tuple[str, ...]
    secondary_drivers: tuple[str, ...]
    domains: tuple[str, ...]
    measures: tuple[str, ...]
    ehr_metrics: tuple[str, ...]
    effort: str
    cost: str
    nam_actions: tuple[str, ...]
    nam_priority_areas: tuple[int, ...]
    evidence: tuple[Evidence, ...]
    sources: tuple[Source, ...]
    note: str | None = None
    nam_note: str | None = None

    @property
    def drivers(self) -> tuple[str, ...]:
        """All targeted driver keys, primary first."""
        return self.primary_drivers + self.secondary_drivers

    @property
    def evidence_strength(self) -> float:
        """The strongest confirmed evidence design, in [0, 1] (0 without confirmed evidence)."""
        return max((e.strength for e in self.evidence), default=0.0)

    @property
    def best_evidence(self) -> Evidence | None:
        """The evidence record with the highest strength (ties: most recent, then file order)."""
        if not self.evidence:
            return None
        return max(self.evidence, key=lambda e: (e.strength, e.year or 0))


def parse_evidence(root: Fields) -> dict[str, Evidence]:
    """Build the evidence library from the parsed ``evidence.yaml``."""
    out: dict[str, Evidence] = {}
    for e in root.entries("evidence"):
        confirmed, note = e.confirmation()
        url, seed = e.opt_str("url"), e.opt_str("seed")
        if (url is None) == (seed is None):
            raise e.error("url", "give exactly one of 'url' or 'seed'")
        citation = e.str_("citation")
        record = Evidence(
            id=e.str_("id"),
            citation=citation,
            design=e.one_of("design", DESIGN_STRENGTH),
            year=e.opt_int("year"),
            effect=e.str_("effect"),
            source=Source(title=citation, url=url, seed=seed),
            confirmed=confirmed,
            note=note,
        )
        if record.year is None and note is None:
            raise e.error("note", "is required when 'year' is missing (say why)")
        if record.id in out:
            raise KnowledgeDataError(f"{root.file}: duplicate evidence id {record.id!r}")
        out[record.id] = record
    return out


def _keys(e: Fields, field: str, allowed: frozenset[str], what: str) -> tuple[str, ...]:
    keys = e.str_list(field)
    for key in keys:
        if key not in allowed:
            raise e.error(field, f"{key!r} is not a known {what}")
    return keys


def _nam_note(e: Fields) -> str | None:
    note = e.opt_str("nam_note")
    if note is None and not e.str_list("nam_actions"):
        raise e.error("nam_note", "is required when 'nam_actions' is empty (say why none fits)")
    return note


def parse_interventions(root: Fields, evidence: dict[str, Evidence]) -> tuple[Intervention, ...]:
    """Build the catalog from the parsed ``interventions.yaml``, checking every cross-reference.

    Levels must be among the four levels; drivers, domains, measures and EHR metrics among the
    vocabulary keys; NAM action keys and priority areas among those of the NAM plan; evidence ids
    among the evidence library. Every intervention needs at least one source, one driver and one
    evidence record, and either a NAM action or a ``nam_note`` saying why none fits.
    """
    vocab = vocabulary()
    levels = frozenset(burnout_levels().ids)
    plan = nam_plan()
    actions = frozenset(plan.actions)
    areas = frozenset(a.number for a in plan.priority_areas)
    out: list[Intervention] = []
    for e in root.entries("interventions"):
        drivers = e.map_("drivers")
        primary = _keys(drivers, "primary", vocab.driver_ids, "driver key")
        secondary = _keys(drivers, "secondary", vocab.driver_ids, "driver key")
        if not primary and not secondary:
            raise e.error("drivers", "name at least one driver")
        if set(primary) & set(secondary):
            raise e.error("drivers", "a driver cannot be both primary and secondary")
        nam_areas = e.int_list("nam_priority_areas")
        for area in nam_areas:
            if area not in areas:
                raise e.error("nam_priority_areas", f"{area} is not a NAM priority area")
        refs = e.str_list("evidence")
        if not refs:
            raise e.error("evidence", "cite at least one record of " + EVIDENCE_FILE)
        for ref in refs:
            if ref not in evidence:
                raise e.error("evidence", f"{ref!r} is not an id of {EVIDENCE_FILE}")
        out.append(
            Intervention(
                id=e.str_("id"),
                name=e.str_("name"),
                description=e.str_("description"),
                level=e.one_of("level", levels),
                primary_drivers=primary,
                secondary_drivers=secondary,
                domains=_keys(e, "domains", vocab.domain_ids, "domain"),
                measures=_keys(e, "measures", vocab.measure_ids, "measure"),
                ehr_metrics=_keys(e, "ehr_metrics", vocab.ehr_metric_ids, "EHR metric"),
                effort=e.one_of("effort", frozenset(BANDS)),
                cost=e.one_of("cost", frozenset(BANDS)),
                nam_actions=_keys(e, "nam_actions", actions, "NAM action key"),
                nam_priority_areas=nam_areas,
                evidence=tuple(evidence[ref] for ref in refs),
                sources=e.sources(),
                note=e.opt_str("note"),
                nam_note=_nam_note(e),
            )
        )
    check_unique([i.id for i in out], file=root.file, what="intervention id")
    return tuple(out)


@cache
def evidence_library() -> dict[str, Evidence]:
    """The shipped evidence records by id (cached; do not mutate)."""
    return parse_evidence(read_data_file(EVIDENCE_FILE))


@cache
def interventions() -> tuple[Intervention, ...]:
    """The shipped intervention catalog, in file order (cached)."""
    return parse_interventions(read_data_file(FILE), evidence_library())


def intervention(intervention_id: str) -> Intervention:
    """One catalog entry by id."""
    for item in interventions():
        if item.id == intervention_id:
            return item
    raise unknown("intervention", intervention_id, [i.id for i in interventions()])


def find_interventions(
    *,
    level: str | None = None,
    driver: str | None = None,
    domain: str | None = None,
    measure: str | None = None,
) -> tuple[Intervention, ...]:
    """Catalog entries matching every given filter (exact key match), in file order."""
    vocab = vocabulary()
    checks: tuple[tuple[str, str | None, frozenset[str]], ...] = (
        ("level", level, frozenset(burnout_levels().ids)),
        ("driver", driver, vocab.driver_ids | vocab.ehr_metric_ids),
        ("domain", domain, vocab.domain_ids),
        ("measure", measure, vocab.measure_ids),
    )
    for what, value, allowed in checks:
        if value is not None and value not in allowed:
            raise unknown(what, value, sorted(allowed))
    return tuple(
        i
        for i in interventions()
        if (level is None or i.level == level)
        and (driver is None or driver in i.drivers or driver in i.ehr_metrics)
        and (domain is None or domain in i.domains)
        and (measure is None or measure in i.measures)
    )
