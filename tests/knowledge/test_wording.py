"""Maintainers' notes said in a reader's words."""

from __future__ import annotations

import pytest

from clinwell.knowledge.wording import for_readers


@pytest.mark.parametrize(
    ("note", "shown"),
    [
        ("The effect on burnout is NOT CONFIRMED.", "The effect on burnout could not be verified."),
        ("earlier years NOT CONFIRMED.", "earlier years not verified."),
        (
            "Actors were not retrieved (NOT CONFIRMED).",
            "Actors could not be obtained (we could not verify this).",
        ),
        ("Method not recorded in our notes", "Method not recorded in our sources"),
        ("MMA page (seed)", "MMA page"),
        ("see seed:000_252bd735dba06775.txt", "see a source document"),
        (
            "from 001_ec9d2ee71b8fe2a0.txt and programs.md",
            "from a source document and our cited sources",
        ),
        ("Nothing to change here.", "Nothing to change here."),
    ],
)
def test_notes_are_reworded(note: str, shown: str) -> None:
    assert for_readers(note) == shown
