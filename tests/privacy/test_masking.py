"""Masking what identifies people in comments: e-mail addresses, phone numbers, names."""

from __future__ import annotations

import pytest

from clinwell.privacy.masking import (
    EMAIL_MASK,
    NAME_MASK,
    PHONE_MASK,
    NameMasker,
    mask_identifiers,
)

ROSTER = ["Priya Patel", "Anne-Marie O'Neill", "Tom Hope"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to j.doe+wb@hospital.example.org today", f"Write to {EMAIL_MASK} today"),
        ("Call (612) 555-0199 or 612.555.0199 x12", f"Call {PHONE_MASK} or {PHONE_MASK}"),
        ("Pager 555-0199, fax +44 20 7946 0958", f"Pager {PHONE_MASK}, fax {PHONE_MASK}"),
        ("Text 6125550199", f"Text {PHONE_MASK}"),
        ("Dr. Smith and Nurse Jackie never listen", f"{NAME_MASK} and {NAME_MASK} never listen"),
    ],
)
def test_contacts_and_titled_names_are_masked(text: str, expected: str) -> None:
    assert mask_identifiers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We saw 24 patients in 10 hours in 2025.",
        "Staffing dropped 30% (from 12 to 8).",
        "Our unit is one of the best.",
        "Charting takes 2-3 hours after clinic.",
    ],
)
def test_numbers_and_words_that_are_not_identifiers_stay(text: str) -> None:
    assert NameMasker(ROSTER)(text) == text


def test_roster_names_are_masked_as_written() -> None:
    mask = NameMasker(ROSTER)
    assert mask("PRIYA said priya patel knows") == f"{NAME_MASK} said {NAME_MASK} knows"
    assert mask("Ask Anne-Marie or Marie") == f"Ask {NAME_MASK} or {NAME_MASK}"
    # a surname that is also a word is masked only written as a name
    assert (
        mask("Hope is thin here; we hope for better")
        == f"{NAME_MASK} is thin here; we hope for better"
    )
    assert mask("O'Neill was kind") == f"{NAME_MASK} was kind"


def test_a_mask_is_never_masked_again() -> None:
    assert NameMasker(["Name Removed"])("Dr. Who") == NAME_MASK
