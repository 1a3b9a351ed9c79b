"""Which interventions to suggest for a plan started from a result.

- from a **driver** column (e.g. ``org_wellbeing.documentation_time``): rank by the driver
  keys that column measures (:data:`clinwell.web.actions.drivers.OUTPUT_DRIVERS`);
- from a **domain**: rank by every driver the vocabulary classifies under it, and keep only
  interventions tagged with that domain;
- from a **unit's cell** of an outcome such as ``single_item_burnout.burnout``: keep the
  interventions that target that measure (the vocabulary KPI) and rank them by evidence; a
  cell of a driver column ranks by its drivers as above.

The **level** (one of the four levels, or any) is part of the fit: interventions at the chosen
level rank higher (``prefer_level`` of :func:`clinwell.knowledge.suggest_interventions`; an
intervention at another level loses a documented share of its score but is not hidden). The new-plan
page shows a level selector whose default is :func:`default_level` of where the plan starts.

The ranking itself is :func:`clinwell.knowledge.suggest_interventions` (documented there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from clinwell.knowledge import (
    KnowledgeError,
    Suggestion,
    burnout_levels,
    suggest_interventions,
    vocabulary,
)
from clinwell.web.actions.drivers import domain_drivers, measure_drivers
from clinwell.web.results.services.catalog import MeasureInfo

#: Value of the level selector meaning "do not prefer any level".
ANY_LEVEL: Final = "any"
#: Starting points that come from a result; the plan they start is scoped to a unit.
RESULT_SOURCES: Final = frozenset({"driver", "domain", "cell"})


def default_level(source: str) -> str | None:
    """The level that fits where a plan starts, or ``None`` (any level).

    A plan started from a result (a driver, a domain or a unit's heatmap cell) is scoped to a
    unit of the organization, whose leaders can change the unit's own work system: its natural
    level is "organization". A plan started from nothing in particular prefers no level.
    """
    return "organization" if source in RESULT_SOURCES else None


def parse_level(value: str | None, source: str) -> str | None:
    """The preferred level from the ``?level=`` selector: a level id, ``any`` or the default."""
    if value == ANY_LEVEL:
        return None
    if value in burnout_levels().ids:
        return value
    return default_level(source)


def level_choices() -> list[tuple[str, str]]:
    """The selector's options: any level, then the four levels in order."""
    return [(ANY_LEVEL, "Any level"), *((lv.id, lv.name) for lv in burnout_levels().levels)]


@dataclass(frozen=True)
class SuggestionRequest:
    drivers: tuple[str, ...]
    domain: str | None
    measure: str | None
    level: str | None  # the preferred level (ranks, does not filter); None = any level

    @property
    def is_empty(self) -> bool:
        return not self.drivers and self.domain is None and self.measure is None


def suggestion_request(
    source: str, measure: MeasureInfo | None, domain: str | None, level: str | None = None
) -> SuggestionRequest:
    """Turn a plan's starting point into the arguments of ``suggest_interventions``."""
    if domain is not None and domain not in vocabulary().domain_ids:
        domain = None
    drivers: tuple[str, ...] = measure_drivers(measure) if measure is not None else ()
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
            prefer_level=request.level,
            domain=request.domain,
            measure=request.measure,
            limit=limit,
        )
    except KnowledgeError:
        return []
