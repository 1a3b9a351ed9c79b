"""Respondent attributes: categories, parsing of submitted codes, the why-text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinwell.instruments.attributes import (
    ATTRIBUTES,
    NOT_STATED,
    AttributeValueError,
    RespondentAttribute,
    UnknownAttributeError,
    check_keys,
    get_attribute,
)


def test_the_four_attributes_in_form_order() -> None:
    assert list(ATTRIBUTES) == ["gender", "race_ethnicity", "age_band", "career_stage"]
    for key, attribute in ATTRIBUTES.items():
        assert attribute.key == key
        assert attribute.question.endswith("?")


def test_race_and_ethnicity_has_the_seven_spd15_minimum_categories_and_more_than_one() -> None:
    labels = [label for _, label in get_attribute("race_ethnicity").options]
    assert labels == [
        "American Indian or Alaska Native",
        "Asian",
        "Black or African American",
        "Hispanic or Latino",
        "Middle Eastern or North African",
        "Native Hawaiian or Pacific Islander",
        "White",
        "More than one of these",
    ]


def test_the_other_categories() -> None:
    def labels(key: str) -> list[str]:
        return [label for _, label in get_attribute(key).options]

    assert labels("gender") == ["Woman", "Man", "Non-binary", "I describe myself another way"]
    assert labels("age_band") == ["Under 30", "30–39", "40–49", "50–59", "60 or older"]
    assert [code for code, _ in get_attribute("career_stage").options] == [
        "in_training",
        "early",
        "mid",
        "late",
    ]


def test_every_attribute_offers_prefer_not_to_say_last_and_stores_it_as_not_stated() -> None:
    for attribute in ATTRIBUTES.values():
        assert attribute.choices[-1] == (NOT_STATED, "Prefer not to say")
        assert attribute.codes[-1] == NOT_STATED
        assert attribute.parse("") == NOT_STATED
        assert attribute.parse("  ") == NOT_STATED
        assert attribute.parse(NOT_STATED) == NOT_STATED
        assert attribute.label_of(NOT_STATED) == "Not stated"


def test_codes_are_stable_identifiers_and_few_enough_for_the_gate() -> None:
    for attribute in ATTRIBUTES.values():
        for code in attribute.codes:
            assert re.fullmatch(r"[a-z0-9_]+", code)
            assert attribute.parse(code) == code
        # privacy.groups enumerates the splits of at most 12 values per attribute
        assert len(attribute.codes) <= 12


def test_an_unknown_code_is_refused_naming_the_attribute() -> None:
    with pytest.raises(AttributeValueError, match=r"Gender: 'female' is not one of the options"):
        get_attribute("gender").parse("female")
    with pytest.raises(AttributeValueError, match="Age"):
        get_attribute("age_band").label_of("70_plus")


@given(st.text(max_size=200))
def test_parsing_any_text_gives_a_code_or_a_clear_error(raw: str) -> None:
    attribute = get_attribute("race_ethnicity")
    if raw.strip() in ("", *attribute.codes):
        assert attribute.parse(raw) in attribute.codes
    else:
        with pytest.raises(AttributeValueError, match=r"^Race and ethnicity: ") as caught:
            attribute.parse(raw)
        assert len(str(caught.value)) < 400  # a long value is cut in the message


def test_the_why_text_gives_the_reason_and_the_wave_group_size() -> None:
    text = get_attribute("gender").explanation(7)
    assert "differ between groups" in text
    assert "National Plan for Health Workforce Well-Being" in text
    assert "groups of at least 7 people" in text
    assert "never for anyone individually" in text


def test_unknown_keys_are_refused_and_known_ones_put_in_form_order() -> None:
    assert check_keys(["career_stage", "gender", "gender"]) == ["gender", "career_stage"]
    assert check_keys([]) == []
    with pytest.raises(UnknownAttributeError, match="unknown respondent attribute 'religion'"):
        check_keys(["gender", "religion"])


def test_an_attribute_cannot_reuse_the_not_stated_code() -> None:
    with pytest.raises(ValueError, match="distinct"):
        RespondentAttribute("x", "X", "X?", ((NOT_STATED, "No"),), "why")
    with pytest.raises(ValueError, match="distinct"):
        RespondentAttribute("x", "X", "X?", (("a", "A"), ("a", "B")), "why")
