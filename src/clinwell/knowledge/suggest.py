"""Rank catalog interventions for the drivers found in a result.

Scoring (pure and deterministic)
--------------------------------
Let the requested keys be driver keys or EHR-metric keys ``k`` with weights ``w_k >= 0`` (1 each
when a plain list is given; a mapping such as driver importances from the key-driver analysis
gives its own weights). For intervention ``i`` define the match

    m(i, k) = 1.0  if k is a primary driver of i, or an EHR metric that i targets
              0.5  if k is a secondary driver of i
              0    otherwise

and the fit ``F(i) = sum_k w_k m(i, k) / sum_k w_k``, which lies in [0, 1]. With ``S(i)`` the
strength of the intervention's strongest *confirmed* evidence (controlled trials and
meta-analyses 1.0, uncontrolled before-after and cohort studies 0.5, cross-sectional 0.35, case
reports 0.25, descriptions and policies 0.15, none 0; see ``DESIGN_STRENGTH``), the score is

    score(i) = F(i) * (0.8 + 0.2 * S(i))

so fit decides the ranking and evidence moves a score by at most 20%. Interventions with
``F(i) = 0`` are left out. ``level``, ``domain`` and ``measure`` are hard filters. When no keys
are given, every intervention passing the filters has ``F = 1`` and the ranking is by evidence.
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
    """A ranked intervention with its score, the parts of the score and readable reasons."""

    intervention: Intervention
    score: float
    fit: float
    evidence_strength: float
    matches: tuple[DriverMatch, ...]
    reasons: tuple[str, ...]


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


def _reasons(item: Intervention, matches: list[DriverMatch], strength: float) -> tuple[str, ...]:
    vocab = vocabulary()
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
    out.append(
        f"level: {burnout_levels().get(item.level).name}; effort {item.effort}, cost {item.cost}"
    )
    return tuple(out)


def _validate_filter(what: str, value: str | None, allowed: frozenset[str]) -> None:
    if value is not None and value not in allowed:
        raise unknown(what, value, sorted(allowed))


def suggest_interventions(
    drivers: Sequence[str] | Mapping[str, float],
    *,
    level: str | None = None,
    domain: str | None = None,
    measure: str | None = None,
    limit: int = 10,
    catalog: Sequence[Intervention] | None = None,
) -> list[Suggestion]:
    """Rank interventions by how well they fit ``drivers`` (see the module docstring for the score).

    Parameters
    ----------
    drivers
        Driver or EHR-metric keys (``vocabulary()``), as a list (equal weights) or a mapping of key
        to a non-negative weight such as a driver importance.
    level, domain, measure
        Optional hard filters: one of the four level ids, a domain id, a measure id.
    limit
        Maximum number of suggestions (>= 1).
    catalog
        Interventions to rank; defaults to the shipped catalog.

    Returns
    -------
    list[Suggestion]
        Best first; each has ``score`` in [0, 1], its ``fit`` and ``evidence_strength`` parts and
        human-readable ``reasons``.

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
        score = fit * (1 - EVIDENCE_SHARE + EVIDENCE_SHARE * strength)
        suggestion = Suggestion(
            item, score, fit, strength, tuple(matches), _reasons(item, matches, strength)
        )
        order = (-score, BANDS.index(item.effort), BANDS.index(item.cost), item.id)
        ranked.append((order, suggestion))
    ranked.sort(key=lambda pair: pair[0])
    return [s for _, s in ranked[:limit]]
