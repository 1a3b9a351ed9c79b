"""The attacker must find the leaks that primary suppression alone leaves open."""

from __future__ import annotations

from tests.privacy.attack import attack


def test_finds_parent_minus_visible_child() -> None:
    rows = [{"unit": "A/x"}] * 2 + [{"unit": "A/y"}] * 10
    leaks = attack(rows, [{"unit": "A"}, {"unit": "A/y"}], {"unit"}, 5)
    assert frozenset({0, 1}) in leaks


def test_finds_difference_across_cuts() -> None:
    # unit A has 2 nurses; publishing A, A x md and every role margin reveals them
    rows = (
        [{"unit": "A", "role": "rn"}] * 2
        + [{"unit": "A", "role": "md"}] * 8
        + [{"unit": "B", "role": "rn"}] * 7
        + [{"unit": "B", "role": "md"}] * 9
    )
    published = [
        {"unit": "*", "role": "rn"},
        {"unit": "B", "role": "*"},
        {"unit": "B", "role": "md"},
    ]
    assert frozenset({0, 1}) in attack(rows, published, set(), 5)


def test_safe_two_by_two_pattern_is_not_flagged() -> None:
    rows = (
        [{"u": "A", "r": "x"}] * 2
        + [{"u": "A", "r": "y"}] * 3
        + [{"u": "B", "r": "x"}] * 3
        + [{"u": "B", "r": "y"}] * 2
    )
    margins = [{"u": "A", "r": "*"}, {"u": "B", "r": "*"}, {"u": "*", "r": "x"}]
    assert attack(rows, margins, set(), 5) == []
