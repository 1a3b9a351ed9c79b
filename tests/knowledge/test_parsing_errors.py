"""Malformed data files raise KnowledgeDataError naming the file, the entry and the field."""

from __future__ import annotations

import pytest

from clinwell import knowledge as kb
from clinwell.knowledge._data import parse_yaml
from clinwell.knowledge.interventions import parse_interventions
from clinwell.knowledge.levels import parse_levels
from clinwell.knowledge.nam import parse_nam_plan
from clinwell.knowledge.recognition import parse_recognition

GOOD_INTERVENTION = """
interventions:
  - id: x
    name: X
    description: d
    level: organization
    drivers: {primary: [workflow], secondary: []}
    domains: [practice_efficiency]
    measures: [burnout]
    ehr_metrics: []
    effort: low
    cost: low
    nam_actions: [PA1-G1-1D]
    evidence: [west_2016_lancet]
    sources: [{title: t, url: "https://example.org"}]
"""


def _interventions(text: str) -> tuple[kb.Intervention, ...]:
    return parse_interventions(parse_yaml(text, file="interventions.yaml"), kb.evidence_library())


def test_good_entry_parses() -> None:
    (item,) = _interventions(GOOD_INTERVENTION)
    assert item.nam_actions == ("PA1-G1-1D",)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("level: organization", "level: national", "level"),
        ("primary: [workflow]", "primary: [workfow]", "primary"),
        ("nam_actions: [PA1-G1-1D]", "nam_actions: [1D]", "nam_actions"),
        ("evidence: [west_2016_lancet]", "evidence: [no_such_study]", "evidence"),
        ("evidence: [west_2016_lancet]", "evidence: []", "evidence"),
        ("nam_actions: [PA1-G1-1D]", "nam_actions: []", "nam_note"),
        ("effort: low", "effort: tiny", "effort"),
        ('sources: [{title: t, url: "https://example.org"}]', "sources: []", "sources"),
        ('url: "https://example.org"', "url: example.org", "url"),
        ("name: X", "name: ''", "name"),
    ],
)
def test_bad_intervention_names_file_entry_and_field(old: str, new: str, field: str) -> None:
    assert old in GOOD_INTERVENTION
    with pytest.raises(kb.KnowledgeDataError) as err:
        _interventions(GOOD_INTERVENTION.replace(old, new))
    message = str(err.value)
    assert message.startswith("interventions.yaml: ")
    assert "interventions[0] 'x'" in message
    assert f"'{field}'" in message


def test_no_nam_action_is_allowed_with_a_note() -> None:
    text = GOOD_INTERVENTION.replace(
        "nam_actions: [PA1-G1-1D]", "nam_actions: []\n    nam_note: No published NAM action fits."
    )
    (item,) = _interventions(text)
    assert item.nam_actions == ()
    assert item.nam_note == "No published NAM action fits."


def test_duplicate_ids_are_rejected() -> None:
    body = GOOD_INTERVENTION.split("interventions:\n", 1)[1]
    with pytest.raises(kb.KnowledgeDataError, match="duplicate intervention id 'x'"):
        _interventions("interventions:\n" + body + body)


def test_levels_file_needs_the_four_levels() -> None:
    text = """
levels:
  - {id: a, order: 1, name: A, description: d, nasem_level: external_environment,
     sources: [{title: t, seed: s.txt}]}
crosswalk_note: n
"""
    with pytest.raises(kb.KnowledgeDataError, match="expected the 4 levels"):
        parse_levels(parse_yaml(text, file="levels.yaml"))


def test_goal_with_unknown_actor() -> None:
    text = """
plan: {title: t, publisher: p, published: "2022", doi: d, vision: v,
       sources: [{title: t, url: "https://x.org"}]}
actors: [{id: a, name: A, sources: [{title: t, url: "https://x.org"}]}]
priority_areas:
  - number: 1
    title: T
    sources: [{title: t, url: "https://x.org"}]
    goals:
      - number: 1
        text: g
        actors: [b]
        sources: [{title: t, url: "https://x.org"}]
"""
    with pytest.raises(kb.KnowledgeDataError, match=r"goals\[0\].*'actors'.*'b'"):
        parse_nam_plan(parse_yaml(text, file="nam_plan.yaml"))


def test_unconfirmed_without_note_is_rejected() -> None:
    text = (
        "program: {name: n, description: d, launched: 2019, recognition_valid_years: 2,"
        " level_requirements_note: x, sources: [{title: t, url: 'https://x.org'}]}\n"
        "levels: [{id: bronze, order: 1, name: Bronze}]\n"
        "levels_sources: [{title: t, url: 'https://x.org'}]\n"
        "pillars: [{id: p, name: P, description: d, confirmed: false,"
        " sources: [{title: t, url: 'https://x.org'}]}]\n"
        "eligibility: [{id: e, text: t, sources: [{title: t, url: 'https://x.org'}]}]\n"
        "criteria: [{id: c, pillar: p, level: bronze, text: t,"
        " sources: [{title: t, url: 'https://x.org'}]}]\n"
    )
    with pytest.raises(kb.KnowledgeDataError, match=r"pillars\[0\] 'p'.*'note'"):
        parse_recognition(parse_yaml(text, file="recognition.yaml"))


def test_invalid_yaml_and_top_level() -> None:
    with pytest.raises(kb.KnowledgeDataError, match=r"x\.yaml: not valid YAML"):
        parse_yaml("a: [", file="x.yaml")
    with pytest.raises(kb.KnowledgeDataError, match="top level must be a mapping"):
        parse_yaml("- 1", file="x.yaml")
