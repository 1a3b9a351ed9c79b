"""The private feedback: how each of the respondent's own scores is worded, and support."""

from __future__ import annotations

import pytest

from clinwell.knowledge.resources import resource_directory
from clinwell.web.surveys.services.feedback import (
    WHO5_GUIDANCE,
    distress,
    feedback_rows,
    findings,
    support_sections,
)


def _values(scores: dict[str, dict[str, object]]) -> dict[str, str]:
    return {row.label: row.value for row in feedback_rows(scores)}  # type: ignore[arg-type]


def test_typed_in_numbers_are_shown_with_their_unit_not_as_a_scale() -> None:
    values = _values(
        {
            "admin_burden": {
                "admin_burden.prior_auth_per_week": 12.0,
                "admin_burden.prior_auth_hours": 3.5,
            },
            "org_wellbeing": {"org_wellbeing.weekly_hours": 55.0},
        }
    )
    assert (
        values["Administrative burden: Prior authorizations per week"]
        == "12 prior authorizations per week"
    )
    assert (
        values["Administrative burden: Hours per week on prior authorizations"]
        == "3.5 hours per week"
    )
    assert any(value == "55 hours per week" for value in values.values())
    assert not any("on a scale of 0–" in value for value in values.values())


def test_rating_scales_keep_their_range() -> None:
    values = _values({"who5": {"who5.raw": 8.0, "who5.percent": 32.0}})
    assert any(value == "8.0 on a scale of 0–25" for value in values.values())


def test_a_cut_off_is_a_sentence_never_a_bare_yes_or_no() -> None:
    rows = feedback_rows(
        {
            "single_item_burnout": {
                "single_item_burnout.score": 3.0,
                "single_item_burnout.burnout": True,
            },
            "org_wellbeing": {"org_wellbeing.feels_valued": False},
        }
    )
    assert rows
    for row in rows:
        assert row.value not in ("Yes", "No")
        assert "(custom)" not in row.label
    burnout = next(r for r in rows if r.key == "single_item_burnout.burnout")
    assert burnout.value.startswith("Yes: your answers reach the threshold")
    assert burnout.meaning == "You describe at least one symptom of burnout."
    assert "of U.S. physicians reported at least one symptom of burnout" in burnout.national


def test_findings_put_concerns_first_in_plain_words() -> None:
    found = findings(
        {
            "who5": {"who5.percent": 80.0, "who5.poor_wellbeing": False},
            "intent_to_leave": {"intent_to_leave.score": 4.0, "intent_to_leave.leave": True},
        }
    )
    assert [f.text for f in found] == [
        "You are thinking about leaving your organization within two years.",
        "Your sense of well-being over the last two weeks looks good.",
    ]
    assert found[0].concern
    assert not found[1].concern
    assert "2024" in found[0].national


def test_a_positive_depression_screen_leads_with_support() -> None:
    positive = {"who5": {"who5.percent": 24.0, "who5.depression_screen": True}}
    assert distress(positive) == "depression"
    assert distress({"who5": {"who5.percent": 60.0, "who5.depression_screen": False}}) == ""
    assert distress({"single_item_burnout": {"single_item_burnout.score": 5.0}}) == "burnout"
    assert distress({"single_item_burnout": {"single_item_burnout.score": 4.0}}) == ""
    assert "not a diagnosis" in WHO5_GUIDANCE


@pytest.mark.parametrize("state", [s.code for s in resource_directory().states])
def test_every_state_and_dc_has_support_said_honestly(state: str) -> None:
    support = support_sections(state)
    names = [r.name for r in support.now]
    assert "988 Suicide & Crisis Lifeline" in names
    assert "Physician Support Line" in names
    assert support.state, state
    program = support.state[0]
    # a monitoring program is never listed without saying what it is
    assert "alternative to discipline by the licensing board" in program.explained
    for item in (*support.now, *support.state):
        assert item.sources, item.name
        assert item.checked, item.name
        for text in (item.what, item.caveat):
            assert "NOT CONFIRMED" not in text
        assert not any(".txt" in title for title, _ in item.sources)
    if not support.state_program_known:
        assert "We could not confirm" in program.what


def test_minnesota_lists_its_own_program_and_peer_support() -> None:
    support = support_sections("MN")
    names = [r.name for r in support.state]
    assert names[0] == "Health Professionals Services Program (HPSP)"
    assert "Physicians Serving Physicians (PSP)" in names
    assert support.state_program_known
