"""Results by group, attacked: random organizations with role and two more attributes (three
cuts), one-way attribute cells at every unit and role × attribute cells at the top, across
waves; the independent attacker (tests/privacy/attack.py) finds no group of 1..k−1."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinwell.privacy import Dimension, DisclosurePolicy, Measure, ReleasedTable, RequestError
from clinwell.privacy.groups import GroupRequest, release_groups
from tests.privacy.attack import attack

Row = dict[str, str]
GENDERS = ["w", "m", "x"]
TENURES = ["new", "mid", "old"]


@st.composite
def organizations(draw: st.DrawFn) -> tuple[list[Row], list[float]]:
    units = []
    for top in range(draw(st.integers(1, 2))):
        units.append(f"U{top}")
        for child in range(draw(st.integers(0, 3))):
            units.append(f"U{top}/C{child}")
    roles = ["md", "rn", "pa"][: draw(st.integers(1, 3))]
    rows: list[Row] = []
    for unit in units:
        for role in roles:
            for gender in GENDERS[: draw(st.integers(1, 3))]:
                for tenure in TENURES[: draw(st.integers(1, 3))]:
                    count = draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3, 4, 6]))
                    rows += [
                        {"unit": unit, "role": role, "gender": gender, "tenure": tenure}
                    ] * count
    if not rows:
        rows = [{"unit": units[0], "role": roles[0], "gender": "w", "tenure": "new"}]
    answers = draw(
        st.lists(st.sampled_from([0.0, 1.0, np.nan]), min_size=len(rows), max_size=len(rows))
    )
    return rows, answers


def _release(rows: list[Row], answers: list[float], k: int, depth: int) -> ReleasedTable:
    return release_groups(
        GroupRequest(
            unit=Dimension("unit", [r["unit"] for r in rows], hierarchical=True),
            role=Dimension("role", [r["role"] for r in rows]),
            attributes=(
                Dimension("gender", [r["gender"] for r in rows]),
                Dimension("tenure", [r["tenure"] for r in rows]),
            ),
            measures=(Measure.proportion("burnout", answers),),
            two_way_depth=depth,
        ),
        DisclosurePolicy(k, max(k, 10)),
    )


def _published(table: ReleasedTable, measure: str | None = None) -> list[Mapping[str, str]]:
    return [
        dict(c.key)
        for c in table.cells
        if not c.suppressed and (measure is None or c.estimates.get(measure) is not None)
    ]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(org=organizations(), k=st.sampled_from([3, 5]), depth=st.sampled_from([0, 1]))
def test_no_small_group_is_derivable_with_three_cuts(
    org: tuple[list[Row], list[float]], k: int, depth: int
) -> None:
    rows, answers = org
    table = _release(rows, answers, k, depth)
    assert attack(rows, _published(table), {"unit"}, k) == []
    answered = [r for r, a in zip(rows, answers, strict=True) if not np.isnan(a)]
    if answered:
        assert attack(answered, _published(table, "burnout"), {"unit"}, k) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=organizations(), second=organizations(), k=st.sampled_from([3, 5]))
def test_two_waves_attacked_together(
    first: tuple[list[Row], list[float]], second: tuple[list[Row], list[float]], k: int
) -> None:
    """Each wave's release is its own population: cells of different waves share no member,
    so combining them isolates nothing either release alone does not."""
    rows = [{**r, "wave": "1"} for r in first[0]] + [{**r, "wave": "2"} for r in second[0]]
    published = [
        {**key, "wave": wave}
        for wave, (data, answers) in (("1", first), ("2", second))
        for key in _published(_release(data, answers, k, 1))
    ]
    assert attack(rows, published, {"unit"}, k) == []


def test_the_attacker_finds_what_attribute_cells_alone_would_give_away() -> None:
    """Sanity: publishing every attribute cell of 3 or more members leaks (a unit of 6 with
    a lone man); the witness rule withholds those cells."""
    rows = [{"unit": "U", "role": "md", "gender": "w", "tenure": "new"}] * 5 + [
        {"unit": "U", "role": "md", "gender": "m", "tenure": "new"}
    ]
    naive = [
        {"unit": "U", "role": "*", "gender": "*", "tenure": "*"},
        {"unit": "U", "role": "*", "gender": "w", "tenure": "*"},
    ]
    assert attack(rows, naive, {"unit"}, 5) != []
    table = _release(rows, [1.0] * 6, 5, 0)
    assert not [k for k in _published(table) if k["gender"] != "*"]
    assert attack(rows, _published(table), {"unit"}, 5) == []


def test_an_attribute_with_too_many_values_is_refused() -> None:
    values = [str(i) for i in range(20)]
    with pytest.raises(RequestError, match="more than 12 values"):
        GroupRequest(
            unit=Dimension("unit", ["U"] * 20, hierarchical=True),
            role=Dimension("role", ["md"] * 20),
            attributes=(Dimension("age", values),),
        )


def test_rare_values_shown_above_do_not_hide_a_unit_below() -> None:
    """The organization shows "non-binary" and "not stated" (five each); each unit holds
    only three of each. A unit's woman/man cells are still published: a leak that told its
    non-binary from its not-stated members would have to break the same pairs in the other
    unit too (both show neither value), and the attacker finds nothing."""
    rows: list[Row] = []
    for unit, rare in (("U0", 3), ("U1", 3)):
        for gender, count in (("w", 20), ("m", 20), ("x", rare), ("n", rare)):
            rows += [{"unit": unit, "role": "md", "gender": gender, "tenure": "new"}] * count
    table = _release(rows, [1.0] * len(rows), 5, 0)
    published = _published(table)
    shown = {(c["unit"], c["gender"]) for c in published if c["role"] == "*"}
    assert {("*", "x"), ("*", "n"), ("U0", "w"), ("U0", "m"), ("U1", "w"), ("U1", "m")} <= shown
    assert ("U0", "x") not in shown  # three of them: withheld with "not stated"
    assert attack(rows, published, {"unit"}, 5) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org=organizations(), k=st.sampled_from([3, 5]))
def test_a_wide_tree_numbers_its_pair_signatures_to_the_same_cells(
    org: tuple[list[Row], list[float]], k: int
) -> None:
    """Pair signatures counted in one dense array or numbered one by one (the way a tree too
    wide for the array counts them) give the same release."""
    from clinwell.privacy import groups

    rows, answers = org
    dense = _published(_release(rows, answers, k, 1), "burnout")
    limit = groups._DENSE_POOLS
    groups._DENSE_POOLS = 0
    try:
        numbered = _published(_release(rows, answers, k, 1), "burnout")
    finally:
        groups._DENSE_POOLS = limit
    assert numbered == dense
