from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinwell.comments import group_near_duplicates
from clinwell.comments.duplicates import normalized_words


def test_the_same_sentence_seven_times_is_one_group_with_a_count() -> None:
    texts = ["We need more nurses on nights."] * 5 + [
        "we need more nurses on nights!!",
        "We need more nurses on nights",
        "The inbox is out of control.",
    ]
    groups = group_near_duplicates(texts)
    assert [g.count for g in groups] == [7, 1]
    assert groups[0].indices == tuple(range(7))
    assert groups[0].representative == 0
    assert groups[1].indices == (7,)


def test_nearly_the_same_sentence_joins_and_a_different_one_does_not() -> None:
    texts = [
        "Our unit is short staffed every single night.",
        "Our unit is short staffed every night.",
        "Our unit is well staffed every single night.",
        "Café feedback: the café closes too early.",
        "Cafe feedback - the cafe closes too early",
    ]
    groups = {g.indices for g in group_near_duplicates(texts)}
    assert groups == {(0, 1), (2,), (3, 4)}


def test_representative_is_the_most_common_wording() -> None:
    texts = ["Please pay us all more.", "Pay us all more", "Pay us all more!", "pay us ALL more"]
    (group,) = group_near_duplicates(texts)
    assert group.representative == 1


def test_threshold_outside_zero_one_is_refused() -> None:
    with pytest.raises(ValueError, match="threshold"):
        group_near_duplicates(["a"], threshold=0.0)


def _brute_force(texts: list[str], threshold: float) -> set[tuple[int, ...]]:
    sets = [set(normalized_words(t)) for t in texts]
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(texts)), 2):
        union = sets[i] | sets[j]
        same = not union or len(sets[i] & sets[j]) / len(union) >= threshold
        if same:
            parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(find(i), []).append(i)
    return {tuple(g) for g in groups.values()}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from("abcdefgh"), min_size=0, max_size=7).map(" ".join),
        max_size=25,
    ),
    st.sampled_from([0.5, 0.6, 0.75, 0.8, 1.0]),
)
def test_prefix_filtering_finds_the_same_groups_as_comparing_every_pair(
    texts: list[str], threshold: float
) -> None:
    found = {g.indices for g in group_near_duplicates(texts, threshold=threshold)}
    assert found == _brute_force(texts, threshold)
