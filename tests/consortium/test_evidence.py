"""Pooled evidence per intervention: one estimate per system, random effects, the file."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import combine_effects

from clinwell.consortium import (
    EvidenceError,
    ImpactRecord,
    SystemImpact,
    evidence_document,
    parse_evidence,
    pool_impacts,
)

MEASURE = "org_wellbeing.documentation_time"  # higher is better


def _impact(member: str, estimate: float, se: float, *interventions: str) -> SystemImpact:
    return SystemImpact(
        member,
        ImpactRecord(
            f"{member}-{estimate}",
            interventions or ("team_documentation",),
            MEASURE,
            estimate,
            se,
            40,
            42,
            300,
            310,
            "organization",
        ),
    )


def test_pooling_per_intervention_with_one_estimate_per_system() -> None:
    impacts = [
        _impact("a", 0.30, 0.10),
        _impact("a", 0.10, 0.20),  # a second plan of system a
        _impact("b", 0.25, 0.12, "team_documentation", "medical_scribes"),
        _impact("c", 0.40, 0.15),
        _impact("d", 0.05, 0.10),
        _impact("e", 0.20, 0.08),
    ]
    effects = {e.intervention: e for e in pool_impacts(impacts, min_systems=5)}
    assert set(effects) == {"team_documentation"}  # scribes: 1 system only, not shared
    pooled = effects["team_documentation"]
    assert (pooled.systems, pooled.plans, pooled.bundled) == (5, 6, 1)
    # system a: mean of its plans, SE √(mean of variances)
    y = [0.2, 0.25, 0.40, 0.05, 0.20]
    s = [math.sqrt((0.01 + 0.04) / 2), 0.12, 0.15, 0.10, 0.08]
    ref = combine_effects(np.array(y), np.array(s) ** 2, method_re="chi2")
    assert pooled.estimate == pytest.approx(ref.mean_effect_re)
    assert pooled.se == pytest.approx(ref.sd_eff_w_re)
    assert pooled.improves is True  # the interval is above 0 on a higher-is-better score


def test_the_evidence_file_round_trips_and_bad_files_are_refused() -> None:
    impacts = [_impact(m, 0.2 + i / 20, 0.1) for i, m in enumerate("abcde")]
    effects = pool_impacts(impacts, min_systems=5)
    document = evidence_document("mn", "Minnesota Collaborative", "2026-06-01", effects)
    parsed = parse_evidence(json.dumps(document))
    assert parsed.effects == tuple(effects)
    assert parsed.consortium_name == "Minnesota Collaborative"
    document["effects"][0]["i2"] = 1.5
    document["effects"][0]["intervention"] = "yoga"
    with pytest.raises(EvidenceError) as caught:
        parse_evidence(json.dumps(document), "evidence.json")
    assert [p.field for p in caught.value.problems] == [
        "effects[0].intervention",
        "effects[0].i2",
    ]
    document["version"] = 7
    with pytest.raises(
        EvidenceError, match=r"evidence\.json: version: this clinwell reads version 1, got 7"
    ):
        parse_evidence(json.dumps(document), "evidence.json")
