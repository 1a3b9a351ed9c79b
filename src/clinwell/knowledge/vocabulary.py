"""The shared vocabulary of domains, measures, driver keys and EHR metrics.

These keys are how survey results, EHR metrics, interventions and action plans refer to the same
thing. Domains are the four AMA Organizational Biopsy domains; measures are the six KPIs of the AMA
national comparison report; EHR metrics are the Sinsky et al. (2020) per-8-hour metrics. Driver
keys are clinwell's own names; where their grouping under a domain is clinwell's classification the
term is marked ``confirmed=False``. Data file: ``data/vocabulary.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from clinwell.knowledge._data import Fields, Source, check_unique, read_data_file

FILE = "vocabulary.yaml"


@dataclass(frozen=True, slots=True)
class Term:
    """One vocabulary key with its label, description and sources."""

    id: str
    label: str
    description: str
    sources: tuple[Source, ...]
    domain: str | None = None
    confirmed: bool = True
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """All four vocabularies, each as a tuple of :class:`Term` in file order."""

    domains: tuple[Term, ...]
    measures: tuple[Term, ...]
    drivers: tuple[Term, ...]
    ehr_metrics: tuple[Term, ...]

    @property
    def domain_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.domains)

    @property
    def measure_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.measures)

    @property
    def driver_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.drivers)

    @property
    def ehr_metric_ids(self) -> frozenset[str]:
        return frozenset(t.id for t in self.ehr_metrics)

    def term(self, key: str) -> Term:
        """Look a key up in any of the four vocabularies (drivers first)."""
        for group in (self.drivers, self.ehr_metrics, self.measures, self.domains):
            for t in group:
                if t.id == key:
                    return t
        raise KeyError(key)


def _terms(root: Fields, field: str, domains: frozenset[str] | None) -> tuple[Term, ...]:
    out: list[Term] = []
    for e in root.entries(field):
        confirmed, note = e.confirmation()
        domain = e.one_of("domain", domains) if domains is not None else None
        out.append(
            Term(
                id=e.str_("id"),
                label=e.str_("label"),
                description=e.str_("description"),
                sources=e.sources(),
                domain=domain,
                confirmed=confirmed,
                note=note,
            )
        )
    check_unique([t.id for t in out], file=root.file, what=f"{field} id")
    return tuple(out)


def parse_vocabulary(root: Fields) -> Vocabulary:
    """Build the vocabulary from the parsed ``vocabulary.yaml``."""
    domains = _terms(root, "domains", None)
    domain_ids = frozenset(t.id for t in domains)
    return Vocabulary(
        domains=domains,
        measures=_terms(root, "measures", None),
        drivers=_terms(root, "drivers", domain_ids),
        ehr_metrics=_terms(root, "ehr_metrics", None),
    )


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary (parsed once, then cached)."""
    return parse_vocabulary(read_data_file(FILE))
