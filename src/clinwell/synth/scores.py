"""Synthetic scored responses with a planted driver, for the demo, tests and benchmarks.

Burnout follows a logistic model in which *time for documentation* is the planted driver
(odds ratio ``exp(PLANTED_EFFECT)`` per scale point lower); the other driver items have small
effects. The key-driver analysis should rank the planted driver first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

MODULES = ("single_item_burnout", "intent_to_leave", "org_wellbeing", "admin_burden")
PLANTED_DRIVER = "org_wellbeing.documentation_time"
PLANTED_EFFECT = 1.4
CULTURE = ("leadership", "teamwork", "trust", "feeling_valued")
EFFICIENCY = (
    "team_structure",
    "team_stability",
    "workflow",
    "documentation_time",
    "ehr_after_hours",
    "work_control",
)
SELF_CARE = ("work_life_balance", "sleep", "growth")
BURDEN = (
    "prior_auth_per_week",
    "prior_auth_hours",
    "inbox_per_day",
    "after_hours_ehr",
    "quality_measures",
)


def _likert(rng: np.random.Generator, centre: np.ndarray, n: int) -> np.ndarray:
    return np.clip(np.rint(centre + rng.normal(0, 0.9, n)), 1, 5)


def synthetic_scores(
    rng: np.random.Generator, n: int, *, shift: float = 0.0, missing: float = 0.02
) -> list[dict[str, Any]]:
    """``n`` flat score dicts (``<instrument>.<scale>`` -> value), as stored on Response.

    ``shift`` moves the unit's organizational climate (positive = better).
    """
    out: dict[str, np.ndarray] = {}
    climate = rng.normal(3.2 + shift, 0.5, n)
    for item in (*CULTURE, *EFFICIENCY, *SELF_CARE, "traumatic_stress", "reduce_hours"):
        out[f"org_wellbeing.{item}"] = _likert(
            rng, climate if item not in ("traumatic_stress", "reduce_hours") else 6 - climate, n
        )
    doc = out[PLANTED_DRIVER]
    logit = -0.3 + PLANTED_EFFECT * (3.0 - doc) - 0.25 * (out["org_wellbeing.teamwork"] - 3.0)
    burned = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    level = np.where(burned, rng.integers(3, 6, n), rng.integers(1, 3, n)).astype(float)
    out["single_item_burnout.score"] = level
    out["single_item_burnout.burnout"] = burned.astype(float)
    leave_score = np.clip(np.rint(2.2 + 1.1 * burned + rng.normal(0, 1, n)), 1, 5)
    out["intent_to_leave.score"] = leave_score
    out["intent_to_leave.leave"] = (leave_score >= 3).astype(float)
    out["org_wellbeing.job_satisfaction"] = _likert(rng, 4.2 - 1.2 * burned, n)
    out["org_wellbeing.satisfied"] = (out["org_wellbeing.job_satisfaction"] >= 4).astype(float)
    out["org_wellbeing.job_stress"] = _likert(rng, 2.6 + 1.3 * burned, n)
    out["org_wellbeing.high_stress"] = (out["org_wellbeing.job_stress"] >= 4).astype(float)
    out["org_wellbeing.feels_valued"] = (out["org_wellbeing.feeling_valued"] >= 4).astype(float)
    out["org_wellbeing.weekly_hours"] = np.rint(rng.normal(52 + 5 * burned, 7, n))
    out["org_wellbeing.organizational_culture"] = np.mean(
        [out[f"org_wellbeing.{i}"] for i in CULTURE], axis=0
    )
    out["org_wellbeing.practice_efficiency"] = np.mean(
        [out[f"org_wellbeing.{i}"] for i in EFFICIENCY], axis=0
    )
    out["org_wellbeing.self_care"] = np.mean(
        [
            *(out[f"org_wellbeing.{i}"] for i in SELF_CARE),
            6 - out["org_wellbeing.traumatic_stress"],
        ],
        axis=0,
    )
    for item, (mean, sd) in zip(BURDEN, ((12, 6), (3, 2), (60, 25), (6, 3), (8, 4)), strict=True):
        out[f"admin_burden.{item}"] = np.maximum(np.rint(rng.normal(mean, sd, n)), 0)
    rows: list[dict[str, Any]] = []
    keys = list(out)
    flags = {
        k
        for k in keys
        if k.endswith((".burnout", ".leave", ".satisfied", ".high_stress", ".feels_valued"))
    }
    drop = rng.random((n, len(keys))) < missing
    for i in range(n):
        row: dict[str, Any] = {}
        for j, key in enumerate(keys):
            if (
                drop[i, j]
                and key not in flags
                and not key.endswith(("culture", "efficiency", "self_care"))
            ):
                row[key] = None
            elif key in flags:
                row[key] = bool(out[key][i])
            else:
                row[key] = round(float(out[key][i]), 6)
        rows.append(row)
    return rows
