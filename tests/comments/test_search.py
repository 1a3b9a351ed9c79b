from __future__ import annotations

from clinwell.comments import matches, search

TEXTS = [
    "Short-staffed again on nights; the staffing grid is ancient.",
    "The café closes at 3 pm.",
    "I finish my notes at home every night.",
    "My manager [NAME] never answers.",
]


def test_every_term_must_occur_at_a_word_start() -> None:
    assert search(TEXTS, "staff") == [0]
    assert search(TEXTS, "taff") == []
    assert search(TEXTS, "night") == [0, 2]
    assert search(TEXTS, "night notes") == [2]


def test_case_accents_and_punctuation_are_ignored() -> None:
    assert search(TEXTS, "CAFE") == [1]
    assert search(TEXTS, "short staffed") == [0]
    assert search(TEXTS, '"short staffed again"') == [0]
    assert search(TEXTS, '"staffed on"') == []


def test_empty_or_unbalanced_queries_do_not_fail() -> None:
    assert search(TEXTS, "  ") == [0, 1, 2, 3]
    assert search(TEXTS, '"never answers') == [3]


def test_search_sees_only_the_masked_text() -> None:
    # The page searches what it shows: a masked name cannot be found by searching for it.
    assert search(TEXTS, "Alice") == []
    assert search(TEXTS, "name") == [3]


def test_matches_give_spans_for_highlighting() -> None:
    text = TEXTS[1]
    spans = matches(text, "café closes")
    assert [text[a:b] for a, b in spans] == ["café", "closes"]
    assert matches(text, "café parking") == []
