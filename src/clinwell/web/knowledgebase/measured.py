"""Read the pooled evidence an organization imported (its catalog's "measured in N systems").

It reads :class:`~clinwell.web.knowledgebase.models.MeasuredEffect`, which the consortium
app's evidence import writes (the consortium app sits above the knowledge pages and action
plans; they never import it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from clinwell.consortium import pooled_measures
from clinwell.web.knowledgebase.models import MeasuredEffect
from clinwell.web.orgs.models import Organization


def measured_effects(organization: Organization) -> dict[str, list[MeasuredEffect]]:
    """Intervention id -> the pooled effects imported for it (by measure)."""
    out: dict[str, list[MeasuredEffect]] = {}
    for effect in MeasuredEffect.objects.filter(organization=organization):
        out.setdefault(effect.intervention, []).append(effect)
    return out


def measure_label(key: str) -> str:
    found = pooled_measures().get(key)
    return found.label if found is not None else key


def effect_summary(effect: MeasuredEffect) -> str:
    """One line: "measured in 6 systems: +0.21 (0.10 to 0.32) on Documentation time"."""
    return (
        f"measured in {effect.systems} systems: {effect.estimate:+.2f} "
        f"({effect.lower:+.2f} to {effect.upper:+.2f}) on {measure_label(effect.measure)}"
    )


def measured_benefit(effects: list[MeasuredEffect]) -> float:
    """A ranking key: the largest pooled improvement, in SDs of the interval (z), else 0.

    ``estimate / se`` oriented so that positive means better; 0 when nothing was measured or
    no effect is known to improve. Suggestions rank by it when the user asks to.
    """
    best = 0.0
    for effect in effects:
        measure = pooled_measures().get(effect.measure)
        if measure is None or measure.higher_is_worse is None or effect.se <= 0:
            continue
        z = effect.estimate / effect.se
        best = max(best, -z if measure.higher_is_worse else z)
    return best


T = TypeVar("T")


def rank_by_measured(
    items: Sequence[T],
    intervention_of: Mapping[int, str],
    effects: Mapping[str, list[MeasuredEffect]],
) -> list[T]:
    """``items`` re-ordered by :func:`measured_benefit` of their intervention, best first.

    ``intervention_of`` maps each item's position to its intervention id. The sort is stable:
    interventions with no measured improvement keep their original (driver-fit) order after
    the measured ones.
    """
    order = sorted(
        range(len(items)),
        key=lambda i: -measured_benefit(effects.get(intervention_of[i], [])),
    )
    return [items[i] for i in order]
