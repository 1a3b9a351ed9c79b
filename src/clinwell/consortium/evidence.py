"""What worked across systems: pooling members' measured impacts per intervention.

Members share, for each finished action plan, its difference-in-differences estimate on the
plan's target measure with its standard error (``clinwell.stats.impact``), and the
interventions the plan used. Per (intervention, measure):

1. **One estimate per system.** Plans of one system share its comparison units, so they are
   not independent; a system's plans are averaged with equal weights and given the standard
   error ``√(mean of their variances)``, which bounds the SE of that average under any
   correlation between them (``Var(ȳ) = (1/m²) ΣΣ cov ≤ (1/m²)(Σ s_j)² ≤ mean(s_j²)``).
2. **Random-effects meta-analysis** across systems (:func:`clinwell.consortium.meta.
   random_effects`, DerSimonian–Laird), shared only when at least ``min_systems`` systems
   measured it.

A plan that used several interventions counts for each of them (its effect is the bundle's);
``bundled`` says in how many systems that was so. The result travels to members as a
versioned JSON document (:data:`SCHEMA_NAME`, :func:`evidence_document`,
:func:`parse_evidence`), which a member imports to see "measured in N systems" in its
intervention catalog.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final

from clinwell.consortium._checks import Checker, Problem, shown
from clinwell.consortium.contribution import ImpactRecord
from clinwell.consortium.meta import random_effects
from clinwell.consortium.pooling import DEFAULT_MIN_MEMBERS
from clinwell.consortium.vocabulary import pooled_measures
from clinwell.knowledge import interventions

SCHEMA_NAME: Final = "clinwell.consortium.evidence"
SCHEMA_VERSION: Final = 1
EFFECT_FIELDS: Final = (
    "intervention",
    "measure",
    "systems",
    "plans",
    "bundled",
    "estimate",
    "se",
    "lower",
    "upper",
    "tau2",
    "i2",
    "p_heterogeneity",
    "prediction_lower",
    "prediction_upper",
    "improves",
)


@dataclass(frozen=True, slots=True)
class SystemImpact:
    """One member system's impact record (the input of :func:`pool_impacts`)."""

    member: str
    record: ImpactRecord


@dataclass(frozen=True, slots=True)
class PooledEffect:
    """The pooled effect of one intervention on one measure across ``systems`` systems.

    ``improves`` is True when the whole interval lies on the measure's better side, False when
    it lies on the worse side, None when it crosses zero.
    """

    intervention: str
    measure: str
    systems: int
    plans: int
    bundled: int
    estimate: float
    se: float
    lower: float
    upper: float
    tau2: float
    i2: float
    p_heterogeneity: float
    prediction_lower: float | None
    prediction_upper: float | None
    improves: bool | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _improves(measure: str, lower: float, upper: float) -> bool | None:
    worse_high = pooled_measures()[measure].higher_is_worse
    if worse_high is None or lower <= 0 <= upper:
        return None
    better = upper < 0 if worse_high else lower > 0
    return better


def pool_impacts(
    impacts: Iterable[SystemImpact], min_systems: int = DEFAULT_MIN_MEMBERS
) -> list[PooledEffect]:
    """Pool impacts per (intervention, measure) with ≥ ``min_systems`` systems (docstring)."""
    if min_systems < 2:
        raise ValueError(f"min_systems must be at least 2, got {min_systems}")
    by_key: dict[tuple[str, str], dict[str, list[ImpactRecord]]] = {}
    for item in impacts:
        for intervention in item.record.interventions:
            key = (intervention, item.record.measure)
            by_key.setdefault(key, {}).setdefault(item.member, []).append(item.record)
    out: list[PooledEffect] = []
    for (intervention, measure), systems in sorted(by_key.items()):
        if len(systems) < min_systems:
            continue
        estimates, errors = [], []
        plans = bundled = 0
        for records in systems.values():
            estimates.append(math.fsum(r.estimate for r in records) / len(records))
            errors.append(math.sqrt(math.fsum(r.se**2 for r in records) / len(records)))
            plans += len(records)
            bundled += any(len(r.interventions) > 1 for r in records)
        meta = random_effects(estimates, errors, method="dl")
        out.append(
            PooledEffect(
                intervention,
                measure,
                meta.k,
                plans,
                bundled,
                meta.estimate,
                meta.se,
                meta.lower,
                meta.upper,
                meta.tau2,
                meta.i2,
                meta.p_heterogeneity,
                meta.prediction_lower,
                meta.prediction_upper,
                _improves(measure, meta.lower, meta.upper),
            )
        )
    return out


def evidence_document(
    consortium_id: str, consortium_name: str, created_at: str, effects: Iterable[PooledEffect]
) -> dict[str, Any]:
    """The versioned document a member imports (see :func:`parse_evidence`)."""
    return {
        "schema": SCHEMA_NAME,
        "version": SCHEMA_VERSION,
        "consortium": {"id": consortium_id, "name": consortium_name},
        "created_at": created_at,
        "method": "random effects (DerSimonian–Laird) over one estimate per member system",
        "effects": [e.to_json() for e in effects],
    }


class EvidenceError(ValueError):
    """A pooled-evidence document that cannot be imported; names every bad field."""

    def __init__(self, problems: list[Problem], source: str) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{source}: " + "; ".join(str(p) for p in problems[:20]))


@dataclass(frozen=True)
class EvidenceFile:
    consortium_id: str
    consortium_name: str
    created_at: str
    effects: tuple[PooledEffect, ...]


def _effect(c: Checker, where: str, data: Any) -> PooledEffect | None:
    if not isinstance(data, Mapping):
        c.add(where, "must be an object")
        return None
    before = len(c.problems)
    c.unknown_fields(f"{where}.", data, frozenset(EFFECT_FIELDS))
    if data.get("intervention") not in {i.id for i in interventions()}:
        c.add(f"{where}.intervention", f"unknown intervention {shown(data.get('intervention'))}")
    if data.get("measure") not in pooled_measures():
        c.add(f"{where}.measure", f"unknown measure {shown(data.get('measure'))}")
    systems = c.integer(f"{where}.systems", data.get("systems"), minimum=2)
    plans = c.integer(f"{where}.plans", data.get("plans"), minimum=systems or 2)
    bundled = c.integer(f"{where}.bundled", data.get("bundled"), minimum=0)
    numbers = {
        name: c.number(f"{where}.{name}", data.get(name))
        for name in ("estimate", "lower", "upper", "p_heterogeneity")
    }
    se = c.number(f"{where}.se", data.get("se"), low=0.0)
    tau2 = c.number(f"{where}.tau2", data.get("tau2"), low=0.0)
    i2 = c.number(f"{where}.i2", data.get("i2"), low=0.0, high=1.0)
    prediction = [
        c.number(f"{where}.{name}", data.get(name), required=False)
        for name in ("prediction_lower", "prediction_upper")
    ]
    improves = data.get("improves")
    if improves not in (True, False, None):
        c.add(f"{where}.improves", "must be true, false or null")
    est, low, up = numbers["estimate"], numbers["lower"], numbers["upper"]
    if est is not None and low is not None and up is not None and not low <= est <= up:
        c.add(f"{where}.estimate", "must lie within [lower, upper]")
    if len(c.problems) > before:
        return None
    return PooledEffect(
        str(data["intervention"]),
        str(data["measure"]),
        int(systems or 0),
        int(plans or 0),
        int(bundled or 0),
        float(est or 0),
        float(se or 0),
        float(low or 0),
        float(up or 0),
        float(tau2 or 0),
        float(i2 or 0),
        float(numbers["p_heterogeneity"] or 0),
        prediction[0],
        prediction[1],
        improves,
    )


def parse_evidence(
    document: bytes | str | Mapping[str, Any], source: str = "evidence"
) -> EvidenceFile:
    """Validate a pooled-evidence document, or raise :class:`EvidenceError`."""
    data: Any = document
    if isinstance(document, bytes | str):
        try:
            data = json.loads(document)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise EvidenceError([Problem("", f"not a JSON document ({exc})")], source) from None
    if not isinstance(data, Mapping):
        raise EvidenceError([Problem("", "must be a JSON object")], source)
    if data.get("schema") != SCHEMA_NAME:
        raise EvidenceError(
            [Problem("schema", f"must be {SCHEMA_NAME!r}, got {shown(data.get('schema'))}")],
            source,
        )
    if data.get("version") != SCHEMA_VERSION:
        raise EvidenceError(
            [
                Problem(
                    "version",
                    f"this clinwell reads version {SCHEMA_VERSION}, got "
                    f"{shown(data.get('version'))}",
                )
            ],
            source,
        )
    c = Checker()
    consortium = data.get("consortium")
    cid = name = ""
    if not isinstance(consortium, Mapping):
        c.add("consortium", "must be an object with id and name")
    else:
        cid = c.text("consortium.id", consortium.get("id"), max_length=60)
        name = c.text("consortium.name", consortium.get("name"))
    raw = data.get("effects")
    effects: list[PooledEffect] = []
    if not isinstance(raw, list):
        c.add("effects", "must be a list")
    else:
        seen: set[tuple[str, str]] = set()
        for index, item in enumerate(raw):
            effect = _effect(c, f"effects[{index}]", item)
            if effect is None:
                continue
            key = (effect.intervention, effect.measure)
            if key in seen:
                c.add(f"effects[{index}]", f"{key[0]} / {key[1]} is listed twice")
            seen.add(key)
            effects.append(effect)
    if c.problems:
        raise EvidenceError(c.problems, source)
    return EvidenceFile(cid, name, str(data.get("created_at") or ""), tuple(effects))
