"""Which interventions to suggest for a plan started from a result.

- from a **driver** column (e.g. ``org_wellbeing.documentation_time``): rank by the driver
  keys that column measures (:data:`clinwell.web.actions.drivers.OUTPUT_DRIVERS`);
- from a **domain**: rank by every driver the vocabulary classifies under it, and keep only
  interventions tagged with that domain;
- from a **unit's cell** of an outcome such as ``single_item_burnout.burnout``: keep the
  interventions that target that measure (the vocabulary KPI) and rank them by evidence; a
  cell of a driver column ranks by its drivers as above.

The ranking itself is :func:`clinwell.knowledge.suggest_interventions` (documented there).
"""

from __future__ import annotations

from dataclasses import dataclass

from clinwell.knowledge import KnowledgeError, Suggestion, suggest_interventions, vocabulary
from clinwell.web.actions.drivers import MeasureInfo, domain_drivers


@dataclass(frozen=True)
class SuggestionRequest:
    drivers: tuple[str, ...]
    domain: str | None
    measure: str | None
    level: str | None

    @property
    def is_empty(self) -> bool:
        return not self.drivers and self.domain is None and self.measure is None


def suggestion_request(
    source: str, measure: MeasureInfo | None, domain: str | None, level: str | None = None
) -> SuggestionRequest:
    """Turn a plan's starting point into the arguments of ``suggest_interventions``."""
    if domain is not None and domain not in vocabulary().domain_ids:
        domain = None
    drivers: tuple[str, ...] = measure.drivers if measure is not None else ()
    if source == "domain" and domain is not None:
        return SuggestionRequest(domain_drivers(domain), domain, None, level)
    kpi = None
    if not drivers and measure is not None and measure.kpi in vocabulary().measure_ids:
        kpi = measure.kpi
    if not drivers and kpi is None and domain is None and measure is not None:
        domain = measure.domain if measure.domain in vocabulary().domain_ids else None
    return SuggestionRequest(drivers, domain, kpi, level)


def suggestions_for(request: SuggestionRequest, limit: int = 8) -> list[Suggestion]:
    """Ranked suggestions, best first (empty when there is nothing to rank by)."""
    if request.is_empty:
        return []
    try:
        return suggest_interventions(
            list(request.drivers),
            level=request.level,
            domain=request.domain,
            measure=request.measure,
            limit=limit,
        )
    except KnowledgeError:
        return []
