"""Ranking of interventions: a hand-computed example, the shipped catalog, and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinwell import knowledge as kb
from clinwell.knowledge._data import Source

SRC = (Source(title="test", url="https://example.org"),)


def _ev(design: str, confirmed: bool = True) -> kb.Evidence:
    return kb.Evidence(
        id=f"ev_{design}",
        citation="c",
        design=design,
        year=2020,
        effect="e",
        source=SRC[0],
        confirmed=confirmed,
        note=None if confirmed else "n",
    )


def _item(
    id_: str,
    primary: tuple[str, ...] = (),
    secondary: tuple[str, ...] = (),
    evidence: tuple[kb.Evidence, ...] = (),
    effort: str = "medium",
    level: str = "organization",
    ehr: tuple[str, ...] = (),
) -> kb.Intervention:
    return kb.Intervention(
        id=id_,
        name=id_,
        description="d",
        level=level,
        primary_drivers=primary,
        secondary_drivers=secondary,
        domains=("practice_efficiency",),
        measures=("burnout",),
        ehr_metrics=ehr,
        effort=effort,
        cost="low",
        nam_actions=(),
        nam_priority_areas=(1,),
        evidence=evidence,
        sources=SRC,
    )


CATALOG = (
    _item("c_weak", secondary=("leadership",), evidence=(_ev("pre_post"),)),
    _item("b_mixed", primary=("leadership",), secondary=("inbox_burden",)),
    _item("a_inbox", primary=("inbox_burden",), evidence=(_ev("rct"),)),
    _item("d_unrelated", primary=("sleep",), evidence=(_ev("rct"),)),
    _item("e_unconfirmed", primary=("inbox_burden",), evidence=(_ev("rct", confirmed=False),)),
)


def test_hand_computed_ranking() -> None:
    # weights: inbox_burden 2, leadership 1 (total 3)
    # a: fit 2/3, strength 1 -> 2/3 * 1.0 = 0.6667
    # e: fit 2/3, unconfirmed evidence counts 0 -> 2/3 * 0.8 = 0.5333 (effort tie -> id after b)
    # b: fit (1*1 + 2*0.5)/3 = 2/3, strength 0 -> 0.5333
    # c: fit 0.5/3, strength 0.5 -> 1/6 * 0.9 = 0.15 ; d: fit 0 -> left out
    found = kb.suggest_interventions({"inbox_burden": 2.0, "leadership": 1.0}, catalog=CATALOG)
    assert [s.intervention.id for s in found] == ["a_inbox", "b_mixed", "e_unconfirmed", "c_weak"]
    scores = [s.score for s in found]
    assert scores == pytest.approx([2 / 3, 1.6 / 3, 1.6 / 3, 0.15])
    assert found[0].fit == pytest.approx(2 / 3)
    assert found[0].evidence_strength == 1.0
    b = found[1]
    assert [(m.key, m.role) for m in b.matches] == [
        ("inbox_burden", "secondary"),
        ("leadership", "primary"),
    ]
    assert any("Leadership" in r for r in b.reasons)
    assert any("no confirmed evidence" in r for r in b.reasons)


def test_ties_are_broken_by_effort_then_id() -> None:
    catalog = (
        _item("z_low", primary=("workflow",), effort="low"),
        _item("a_high", primary=("workflow",), effort="high"),
        _item("m_low", primary=("workflow",), effort="low"),
    )
    found = kb.suggest_interventions(["workflow"], catalog=catalog)
    assert [s.intervention.id for s in found] == ["m_low", "z_low", "a_high"]


def test_filters_and_limit() -> None:
    catalog = (
        _item("org", primary=("workflow",)),
        _item("ind", primary=("workflow",), level="individual"),
    )
    found = kb.suggest_interventions(["workflow"], level="individual", catalog=catalog)
    assert [s.intervention.id for s in found] == ["ind"]
    assert len(kb.suggest_interventions(["workflow"], limit=1, catalog=catalog)) == 1
    assert kb.suggest_interventions(["workflow"], measure="weekly_hours", catalog=catalog) == []


def test_a_preferred_level_ranks_without_filtering() -> None:
    catalog = (
        _item("a_org_rct", primary=("workflow",), evidence=(_ev("rct"),)),
        _item("b_ind", primary=("workflow",), level="individual"),
        _item("c_ind_half", secondary=("workflow",), level="individual"),
        _item("d_lead", primary=("workflow",), level="leadership", evidence=(_ev("rct"),)),
    )
    # fit x level factor x evidence factor (LEVEL_SHARE 0.25, EVIDENCE_SHARE 0.2):
    # b: 1 * 1 * 0.8 = 0.8 ; a: 1 * 0.75 * 1.0 = 0.75 ; d: 0.75 ; c: 0.5 * 1 * 0.8 = 0.4
    found = kb.suggest_interventions(["workflow"], prefer_level="individual", catalog=catalog)
    assert [s.intervention.id for s in found] == ["b_ind", "a_org_rct", "d_lead", "c_ind_half"]
    assert [s.score for s in found] == pytest.approx([0.8, 0.75, 0.75, 0.4])
    assert [s.level_match for s in found] == [1.0, 0.0, 0.0, 1.0]
    assert found[0].level == "individual"
    assert any("chosen level" in r for r in found[0].reasons)
    assert any("not the chosen level" in r for r in found[1].reasons)
    # without a preference the evidence decides between equal fits
    plain = kb.suggest_interventions(["workflow"], catalog=catalog)
    assert [s.intervention.id for s in plain][:2] == ["a_org_rct", "d_lead"]
    assert all(s.level_match == 1.0 for s in plain)
    with pytest.raises(kb.UnknownKeyError, match="level"):
        kb.suggest_interventions(["workflow"], prefer_level="national", catalog=catalog)


def test_shipped_catalog_with_a_preferred_level_keeps_primary_targets_first() -> None:
    for level in kb.burnout_levels().ids:
        for term in kb.vocabulary().drivers:
            found = kb.suggest_interventions([term.id], prefer_level=level, limit=50)
            primary = [s for s in found if term.id in s.intervention.primary_drivers]
            if primary:
                assert term.id in found[0].intervention.primary_drivers, (level, term.id)
            at_level = [s for s in primary if s.intervention.level == level]
            if at_level:  # among the primary targets, the chosen level comes first
                assert found[0].intervention.level == level, (level, term.id)


def test_ehr_metric_keys_count_as_primary() -> None:
    catalog = (_item("ehr", secondary=("workflow",), ehr=("ib_time8",)),)
    (s,) = kb.suggest_interventions(["ib_time8"], catalog=catalog)
    assert s.fit == 1.0
    assert s.matches[0].role == "ehr_metric"


def test_no_drivers_ranks_filtered_items_by_evidence() -> None:
    found = kb.suggest_interventions([], domain="practice_efficiency", catalog=CATALOG)
    assert all(s.fit == 1.0 for s in found)
    assert found[0].evidence_strength == 1.0
    with pytest.raises(kb.KnowledgeError, match="at least one driver"):
        kb.suggest_interventions([], catalog=CATALOG)


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (["no_such_driver"], "no_such_driver"),
        ({"workflow": -1.0}, "finite number"),
        ({"workflow": math.nan}, "finite number"),
        ({"workflow": 0.0}, "all zero"),
    ],
)
def test_bad_drivers_raise(bad: object, match: str) -> None:
    with pytest.raises(kb.KnowledgeError, match=match):
        kb.suggest_interventions(bad, catalog=CATALOG)  # type: ignore[arg-type]


def test_bad_filters_raise() -> None:
    with pytest.raises(kb.UnknownKeyError, match="level"):
        kb.suggest_interventions(["workflow"], level="national")
    with pytest.raises(kb.KnowledgeError, match="limit"):
        kb.suggest_interventions(["workflow"], limit=0)


def test_a_plain_string_is_one_driver() -> None:
    assert kb.suggest_interventions("prior_authorization")[0].intervention.id == (
        kb.suggest_interventions(["prior_authorization"])[0].intervention.id
    )


def test_shipped_catalog_ranks_a_primary_target_first_for_every_driver() -> None:
    for term in kb.vocabulary().drivers:
        found = kb.suggest_interventions([term.id])
        assert found, term.id
        has_primary = any(term.id in i.primary_drivers for i in kb.interventions())
        if has_primary:
            assert term.id in found[0].intervention.primary_drivers, term.id


def test_shipped_catalog_examples() -> None:
    top = kb.suggest_interventions(["prior_authorization"], level="external_regulatory")[0]
    assert top.intervention.id == "prior_authorization_reform"
    top = kb.suggest_interventions(["stigma"], level="external_regulatory")[0]
    assert top.intervention.id == "licensure_question_reform"
    top = kb.suggest_interventions({"leadership": 1.0, "feeling_valued": 0.5}, level="leadership")[
        0
    ]
    assert top.intervention.id == "leader_development"


DRIVER_KEYS = sorted(kb.vocabulary().driver_ids | kb.vocabulary().ehr_metric_ids)


@settings(max_examples=60, deadline=None)
@given(
    weights=st.dictionaries(
        st.sampled_from(DRIVER_KEYS),
        st.floats(min_value=0.01, max_value=100, allow_nan=False),
        min_size=1,
        max_size=6,
    ),
    limit=st.integers(min_value=1, max_value=50),
)
def test_ranking_properties(weights: dict[str, float], limit: int) -> None:
    found = kb.suggest_interventions(weights, limit=limit)
    assert found == kb.suggest_interventions(dict(weights), limit=limit)  # deterministic
    assert len(found) <= limit
    scores = [s.score for s in found]
    assert scores == sorted(scores, reverse=True)
    for s in found:
        assert 0 < s.fit <= 1 + 1e-12
        assert 0 < s.score <= s.fit + 1e-12
        assert s.score == pytest.approx(s.fit * (0.8 + 0.2 * s.evidence_strength))
        assert {m.key for m in s.matches} <= set(weights)
        assert sum(m.contribution for m in s.matches) == pytest.approx(s.fit)
    # scaling all weights leaves the ranking unchanged
    scaled = kb.suggest_interventions({k: 3 * v for k, v in weights.items()}, limit=limit)
    assert [s.intervention.id for s in scaled] == [s.intervention.id for s in found]
