"""Rank catalog interventions for the drivers found in a result, and for a level.

Scoring (pure and deterministic)
--------------------------------
Let the requested keys be driver keys or EHR-metric keys ``k`` with weights ``w_k >= 0`` (1 each
when a plain list is given; a mapping such as driver importances from the key-driver analysis
gives its own weights). For intervention ``i`` define the match

    m(i, k) = 1.0  if k is a primary driver of i, or an EHR metric that i targets
              0.5  if k is a secondary driver of i
              0    otherwise

and the driver fit ``F(i) = sum_k w_k m(i, k) / sum_k w_k``, which lies in [0, 1]. With ``S(i)``
the strength of the intervention's strongest *confirmed* evidence (controlled trials and
meta-analyses 1.0, uncontrolled before-after and cohort studies 0.5, cross-sectional 0.35, case
reports 0.25, descriptions and policies 0.15, none 0; see ``DESIGN_STRENGTH``), and, when a
preferred level ``p`` is given (``prefer_level``), the level match

    L(i) = 1  if i's level is p (or no level is preferred)
           0  otherwise

the score is

    score(i) = F(i) * (1 - 0.25 * (1 - L(i))) * (0.8 + 0.2 * S(i))

so driver fit decides the ranking, an intervention at another level than the preferred one
loses 25% of its score (``LEVEL_SHARE``), and evidence moves a score by at most 20%. With a
single driver, a primary target at another level (at least 1.0 * 0.75 * 0.8 = 0.6) therefore
still outranks a secondary target at the preferred level (at most 0.5), while between two equal
driver fits the one at the preferred level wins whatever their evidence (0.8 > 0.75).
Interventions with ``F(i) = 0`` are left out. ``level``, ``domain`` and ``measure`` are hard
filters (``level`` keeps only that level; ``prefer_level`` only ranks). When no keys are given,
every intervention passing the filters has ``F = 1`` and the ranking is by level, then evidence.
Ties are broken by lower effort band, lower cost band, then id.

These weights are clinwell's editorial choice, documented so that users can judge them; they are
not a published method.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from clinwell.knowledge._data import KnowledgeError, unknown
from clinwell.knowledge.interventions import BANDS, Intervention, interventions
from clinwell.knowledge.levels import burnout_levels
from clinwell.knowledge.vocabulary import vocabulary

PRIMARY_MATCH: Final = 1.0
SECONDARY_MATCH: Final = 0.5
EVIDENCE_SHARE: Final = 0.2
#: Share of the score lost by an intervention that is not at the preferred level.
LEVEL_SHARE: Final = 0.25
_ROLE_VALUE: Final = {
    "primary": PRIMARY_MATCH,
    "ehr_metric": PRIMARY_MATCH,
    "secondary": SECONDARY_MATCH,
}


@dataclass(frozen=True, slots=True)
class DriverMatch:
    """How one requested key matched: ``role`` is "primary", "secondary" or "ehr_metric"."""

    key: str
    role: str
    weight: float
    contribution: float


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A ranked intervention with its score, the parts of the score and readable reasons.

    ``fit`` is the driver fit ``F``; ``level_match`` is ``L`` (1.0 when no level is preferred).
    """

    intervention: Intervention
    score: float
    fit: float
    evidence_strength: float
    matches: tuple[DriverMatch, ...]
    reasons: tuple[str, ...]
    level_match: float = 1.0

    @property
    def level(self) -> str:
        """The intervention's level id (one of the four levels)."""
        return self.intervention.level


def _weights(drivers: Sequence[str] | Mapping[str, float]) -> dict[str, float]:
    vocab = vocabulary()
    allowed = vocab.driver_ids | vocab.ehr_metric_ids
    if isinstance(drivers, str):
        drivers = [drivers]
    if isinstance(drivers, Mapping):
        pairs = [(str(k), float(v)) for k, v in drivers.items()]
    else:
        pairs = [(str(k), 1.0) for k in drivers]
    weights: dict[str, float] = {}
    for key, weight in pairs:
        if key not in allowed:
            raise unknown("driver or EHR metric", key, sorted(allowed))
        if not math.isfinite(weight) or weight < 0:
            raise KnowledgeError(
                f"driver {key!r}: weight must be a finite number >= 0, got {weight}"
            )
        weights.setdefault(key, weight)
    if weights and sum(weights.values()) == 0:
        raise KnowledgeError("driver weights are all zero")
    return weights


def _match(item: Intervention, key: str) -> tuple[str, float] | None:
    if key in item.primary_drivers:
        return "primary", PRIMARY_MATCH
    if key in item.ehr_metrics:
        return "ehr_metric", PRIMARY_MATCH
    if key in item.secondary_drivers:
        return "secondary", SECONDARY_MATCH
    return None


def _reasons(
    item: Intervention, matches: list[DriverMatch], strength: float, prefer_level: str | None
) -> tuple[str, ...]:
    vocab = vocabulary()
    levels = burnout_levels()
    out = [
        f"targets {vocab.term(m.key).label} ({m.role.replace('_', ' ')}; adds {m.contribution:.2f})"
        for m in matches
    ]
    best = item.best_evidence
    if best is not None and strength > 0:
        year = f", {best.year}" if best.year else ""
        out.append(f"evidence: {best.design.replace('_', ' ')}{year} (strength {strength:.2f})")
    else:
        out.append("no confirmed evidence in the catalog (score reduced)")
    level = levels.get(item.level).name
    if prefer_level is None:
        fits = ""
    elif item.level == prefer_level:
        fits = " (the chosen level)"
    else:
        chosen = levels.get(prefer_level).name
        fits = f" (not the chosen level, {chosen}: score x{1 - LEVEL_SHARE:.2f})"
    out.append(f"level: {level}{fits}; effort {item.effort}, cost {item.cost}")
    return tuple(out)


def _validate_filter(what: str, value: str | None, allowed: frozenset[str]) -> None:
    if value is not None and value not in allowed:
        raise unknown(what, value, sorted(allowed))


def suggest_interventions(
    drivers: Sequence[str] | Mapping[str, float],
    *,
    level: str | None = None,
    prefer_level: str | None = None,
    domain: str | None = None,
    measure: str | None = None,
    limit: int = 10,
    catalog: Sequence[Intervention] | None = None,
) -> list[Suggestion]:
    """Rank interventions by how well they fit ``drivers`` and a level (see the module docstring).

    Parameters
    ----------
    drivers
        Driver or EHR-metric keys (``vocabulary()``), as a list (equal weights) or a mapping of key
        to a non-negative weight such as a driver importance.
    level, domain, measure
        Optional hard filters: one of the four level ids, a domain id, a measure id.
    prefer_level
        Optional level id to rank by: interventions at another level keep their place in the
        list but lose ``LEVEL_SHARE`` of their score.
    limit
        Maximum number of suggestions (>= 1).
    catalog
        Interventions to rank; defaults to the shipped catalog.

    Returns
    -------
    list[Suggestion]
        Best first; each has ``score`` in [0, 1], its ``fit``, ``level_match`` and
        ``evidence_strength`` parts and human-readable ``reasons``.

    Raises
    ------
    UnknownKeyError
        For an unknown driver, level, domain or measure key.
    KnowledgeError
        For a negative or non-finite weight, ``limit < 1``, or no drivers and no filter.
    """
    vocab = vocabulary()
    weights = _weights(drivers)
    _validate_filter("level", level, frozenset(burnout_levels().ids))
    _validate_filter("level", prefer_level, frozenset(burnout_levels().ids))
    _validate_filter("domain", domain, vocab.domain_ids)
    _validate_filter("measure", measure, vocab.measure_ids)
    if limit < 1:
        raise KnowledgeError(f"limit must be at least 1, got {limit}")
    if not weights and level is None and domain is None and measure is None:
        raise KnowledgeError("give at least one driver, or a level, domain or measure")
    total = sum(weights.values())
    ranked: list[tuple[tuple[float, int, int, str], Suggestion]] = []
    for item in interventions() if catalog is None else catalog:
        if (level is not None and item.level != level) or (
            domain is not None and domain not in item.domains
        ):
            continue
        if measure is not None and measure not in item.measures:
            continue
        matches: list[DriverMatch] = []
        for key, weight in weights.items():
            found = _match(item, key)
            if found is not None and weight > 0:
                role, value = found
                matches.append(DriverMatch(key, role, weight, weight * value / total))
        # fsum of exact products (m is 1 or 0.5) is order-independent, so equal fits tie exactly
        fit = math.fsum(m.weight * _ROLE_VALUE[m.role] for m in matches) / total if weights else 1.0
        if fit <= 0:
            continue
        strength = item.evidence_strength
        level_match = 1.0 if prefer_level is None or item.level == prefer_level else 0.0
        score = (
            fit
            * (1 - LEVEL_SHARE * (1 - level_match))
            * (1 - EVIDENCE_SHARE + EVIDENCE_SHARE * strength)
        )
        suggestion = Suggestion(
            item,
            score,
            fit,
            strength,
            tuple(matches),
            _reasons(item, matches, strength, prefer_level),
            level_match,
        )
        order = (-score, BANDS.index(item.effort), BANDS.index(item.cost), item.id)
        ranked.append((order, suggestion))
    ranked.sort(key=lambda pair: pair[0])
    return [s for _, s in ranked[:limit]]
