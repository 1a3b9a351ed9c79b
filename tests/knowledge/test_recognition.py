"""Joy in Medicine checklist and the readiness rule."""

from __future__ import annotations

import pytest

from clinwell import knowledge as kb


def _ids(level: str | None = None) -> set[str]:
    program = kb.recognition_program()
    order = {lv.id: lv.order for lv in program.levels}
    elig = {c.id for c in program.eligibility}
    if level is None:
        return elig
    return elig | {c.id for c in program.criteria if c.level and order[c.level] <= order[level]}


def test_six_pillars_and_three_levels() -> None:
    program = kb.recognition_program()
    assert [p.name for p in program.pillars] == [
        "Assessment",
        "Commitment",
        "Efficiency of Practice Environment",
        "Teamwork",
        "Leadership",
        "Support",
    ]
    assert [lv.id for lv in program.levels] == ["bronze", "silver", "gold"]
    assert program.recognition_valid_years == 2


def test_readiness_levels() -> None:
    assert kb.assess_readiness(set()).level is None
    assert kb.assess_readiness(_ids("bronze")).level == "bronze"
    assert kb.assess_readiness(_ids("silver")).level == "silver"
    gold = kb.assess_readiness(_ids("gold"))
    assert gold.level == "gold"
    assert gold.next_level is None
    assert gold.missing_for_next == ()
    assert gold.checked == gold.total
    assert not gold.confirmed
    assert "NOT CONFIRMED" in gold.note


def test_not_eligible_means_no_level() -> None:
    program = kb.recognition_program()
    everything_but_charter = {c.id for c in program.criteria}
    r = kb.assess_readiness(everything_but_charter)
    assert r.level is None
    assert not r.eligible
    assert set(r.missing_for_next) == {c.id for c in program.eligibility}


def test_missing_items_for_next_level() -> None:
    bronze = _ids("bronze")
    r = kb.assess_readiness(bronze - {"commitment.committee"})
    assert r.level is None
    assert r.next_level == "bronze"
    assert r.missing_for_next == ("commitment.committee",)
    silver = kb.assess_readiness(bronze)
    assert silver.next_level == "silver"
    assert "assessment.drivers" in silver.missing_for_next


def test_pillar_progress() -> None:
    r = kb.assess_readiness({"assessment.validated_survey", "assessment.drivers"})
    progress = {p.pillar: (p.checked, p.total) for p in r.pillars}
    assert progress["assessment"] == (2, 3)
    assert progress["support"][0] == 0


def test_unknown_criterion_raises() -> None:
    with pytest.raises(kb.UnknownKeyError, match=r"assessment\.gone"):
        kb.assess_readiness({"assessment.gone"})
