"""The NASEM systems model of clinician burnout and its six goals (2019).

Three system levels (frontline care delivery, health care organization, external environment)
shape the clinician's job demands and job resources; high demands with low resources drive
burnout, which affects patients, clinicians, and organizations and society. The report's itemized
lists of demands and resources and the exact outcome boxes were not retrieved: those items are
clinwell's illustrative examples and carry ``confirmed=False``. Data file: ``data/nasem.yaml``.

References
----------
National Academies of Sciences, Engineering, and Medicine. Taking Action Against Clinician
Burnout: A Systems Approach to Professional Well-Being. Washington, DC: The National Academies
Press; 2019. doi:10.17226/25521.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clinwell.knowledge._data import Fields, Source, check_unique, read_data_file
from clinwell.knowledge.vocabulary import vocabulary

FILE = "nasem.yaml"


@dataclass(frozen=True, slots=True)
class SystemLevel:
    id: str
    name: str
    description: str
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class WorkFactor:
    """A job demand or job resource, linked to clinwell driver keys."""

    id: str
    kind: str  # "demand" or "resource"
    name: str
    drivers: tuple[str, ...]
    confirmed: bool
    note: str | None


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    name: str
    description: str
    sources: tuple[Source, ...]
    confirmed: bool
    note: str | None


@dataclass(frozen=True, slots=True)
class NasemGoal:
    number: int
    name: str
    summary: str
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class NasemModel:
    title: str
    publisher: str
    published: str
    doi: str
    burnout_definition: str
    theory_base: str
    sources: tuple[Source, ...]
    levels: tuple[SystemLevel, ...]
    demands_resources_summary: str
    demands_resources_sources: tuple[Source, ...]
    job_demands: tuple[WorkFactor, ...]
    job_resources: tuple[WorkFactor, ...]
    outcomes: tuple[Outcome, ...]
    goals: tuple[NasemGoal, ...]

    def level(self, level_id: str) -> SystemLevel:
        return next(lv for lv in self.levels if lv.id == level_id)


def _factors(jdr: Fields, field: str, kind: str, drivers: frozenset[str]) -> tuple[WorkFactor, ...]:
    out: list[WorkFactor] = []
    for e in jdr.entries(field):
        keys = e.str_list("drivers")
        for key in keys:
            if key not in drivers:
                raise e.error("drivers", f"{key!r} is not a driver key of vocabulary.yaml")
        confirmed, note = e.confirmation()
        out.append(WorkFactor(e.str_("id"), kind, e.str_("name"), keys, confirmed, note))
    return tuple(out)


def parse_nasem(root: Fields) -> NasemModel:
    """Build and validate the model from the parsed ``nasem.yaml``."""
    report = root.map_("report")
    levels = tuple(
        SystemLevel(e.str_("id"), e.str_("name"), e.str_("description"), e.sources())
        for e in root.entries("levels")
    )
    jdr = root.map_("job_demands_resources")
    drivers = vocabulary().driver_ids
    demands = _factors(jdr, "job_demands", "demand", drivers)
    resources_ = _factors(jdr, "job_resources", "resource", drivers)
    outcomes: list[Outcome] = []
    for e in root.entries("outcomes"):
        confirmed, note = e.confirmation()
        outcomes.append(
            Outcome(
                e.str_("id"), e.str_("name"), e.str_("description"), e.sources(), confirmed, note
            )
        )
    goals = tuple(
        NasemGoal(e.int_("number"), e.str_("name"), e.str_("summary"), e.sources())
        for e in root.entries("goals", key="number")
    )
    ids = [lv.id for lv in levels] + [f.id for f in (*demands, *resources_)]
    check_unique(ids + [o.id for o in outcomes], file=root.file, what="id")
    check_unique([str(g.number) for g in goals], file=root.file, what="goal number")
    return NasemModel(
        title=report.str_("title"),
        publisher=report.str_("publisher"),
        published=report.str_("published"),
        doi=report.str_("doi"),
        burnout_definition=report.str_("burnout_definition"),
        theory_base=report.str_("theory_base"),
        sources=report.sources(),
        levels=levels,
        demands_resources_summary=jdr.str_("summary"),
        demands_resources_sources=jdr.sources(),
        job_demands=demands,
        job_resources=resources_,
        outcomes=tuple(outcomes),
        goals=goals,
    )


@cache
def nasem_model() -> NasemModel:
    """The shipped NASEM model data (parsed once, then cached)."""
    return parse_nasem(read_data_file(FILE))
