"""Property tests: generate organizations, publish every cell, attack the release."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinwell.privacy import (
    Dimension,
    DisclosurePolicy,
    Measure,
    ReleasedTable,
    TableRequest,
    release,
)
from tests.privacy.attack import attack, cell_members

Row = dict[str, str]


@st.composite
def organizations(draw: st.DrawFn) -> tuple[list[Row], list[float], list[str | None]]:
    """A random unit tree (responses at leaves and at inner units), roles and tenure."""
    units: list[str] = []
    for top in range(draw(st.integers(1, 2))):
        units.append(f"U{top}")
        for child in range(draw(st.integers(0, 3))):
            units.append(f"U{top}/C{child}")
            for grand in range(draw(st.integers(0, 1))):
                units.append(f"U{top}/C{child}/G{grand}")
    roles = ["md", "rn", "pa"][: draw(st.integers(1, 3))]
    tenures = ["new", "old"][: draw(st.integers(1, 2))]
    rows: list[Row] = []
    for unit in units:
        for role in roles:
            for tenure in tenures:
                count = draw(st.sampled_from([0, 0, 1, 1, 2, 3, 4, 5, 6, 8]))
                rows += [{"unit": unit, "role": role, "tenure": tenure}] * count
    if not rows:
        rows = [{"unit": units[0], "role": roles[0], "tenure": tenures[0]}]
    n = len(rows)
    answers = draw(st.lists(st.sampled_from([0.0, 1.0, np.nan]), min_size=n, max_size=n))
    comments = draw(st.lists(st.sampled_from(["ok", None]), min_size=n, max_size=n))
    return rows, answers, comments


def _request(
    rows: list[Row], answers: list[float], comments: list[str | None], cuts: object
) -> TableRequest:
    return TableRequest(
        dimensions=(
            Dimension("unit", [r["unit"] for r in rows], hierarchical=True),
            Dimension("role", [r["role"] for r in rows]),
            Dimension("tenure", [r["tenure"] for r in rows]),
        ),
        measures=(Measure.proportion("burnout", answers), Measure.comments("comment", comments)),
        cuts=cuts,  # type: ignore[arg-type]
    )


def _published(table: ReleasedTable, measure: str | None = None) -> list[Mapping[str, str]]:
    out: list[Mapping[str, str]] = []
    for cell in table.cells:
        if cell.suppressed:
            continue
        if measure == "burnout" and cell.estimates["burnout"] is None:
            continue
        if measure == "comment" and cell.comments["comment"] is None:
            continue
        out.append(dict(cell.key))
    return out


CUTS = st.sampled_from([None, (("unit", "role"), ("unit", "tenure")), (("unit", "role"),)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organizations(), CUTS, st.sampled_from([3, 5]), st.sampled_from(["auto", "pieces"]))
def test_no_small_group_can_be_derived(
    org: tuple[list[Row], list[float], list[str | None]], cuts: object, k: int, audit: str
) -> None:
    rows, answers, comments = org
    policy = DisclosurePolicy(min_n_scores=k, min_n_comments=k + 2)
    table = release(_request(rows, answers, comments, cuts), policy, audit=audit)
    # respondents: every published cell's n
    assert attack(rows, _published(table), {"unit"}, k) == []
    # the measure: only respondents who answered it count, and only cells showing it
    answered = [r for r, a in zip(rows, answers, strict=True) if not np.isnan(a)]
    if answered:
        assert attack(answered, _published(table, "burnout"), {"unit"}, k) == []
    # comments: respondents, with the comment threshold
    assert attack(rows, _published(table, "comment"), {"unit"}, k + 2) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organizations(), st.sampled_from([3, 5]))
def test_suppressed_cells_carry_no_numbers_and_published_cells_are_large(
    org: tuple[list[Row], list[float], list[str | None]], k: int
) -> None:
    rows, answers, comments = org
    table = release(_request(rows, answers, comments, None), DisclosurePolicy(k, k))
    for cell in table.cells:
        if cell.suppressed:
            assert cell.n is None
            assert cell.estimates == {}
            assert cell.comments == {}
            assert set(cell.to_record()) == {"unit", "role", "tenure", "suppressed"}
        else:
            assert cell.n is not None
            assert cell.n == 0 or cell.n >= k


@st.composite
def two_waves(draw: st.DrawFn) -> list[Row]:
    rows: list[Row] = []
    for wave in ("2024", "2025"):
        for unit in ("A", "A/x", "A/y", "B"):
            count = draw(st.sampled_from([0, 1, 2, 3, 6, 9]))
            rows += [{"wave": wave, "unit": unit}] * count
    return rows or [{"wave": "2024", "unit": "A"}]


@settings(max_examples=40, deadline=None)
@given(two_waves())
def test_pooled_and_per_wave_cells_are_protected_together(rows: list[Row]) -> None:
    request = TableRequest(
        dimensions=(
            Dimension("wave", [r["wave"] for r in rows]),
            Dimension("unit", [r["unit"] for r in rows], hierarchical=True),
        )
    )
    table = release(request, DisclosurePolicy(5, 10))
    assert attack(rows, _published(table), {"unit"}, 5) == []


@st.composite
def chains(draw: st.DrawFn) -> list[Row]:
    """Unit trees where many units have a single child (same population as their parent)."""
    rows: list[Row] = []
    for site in range(draw(st.integers(2, 3))):
        for dept in range(draw(st.integers(1, 3))):
            clinics = draw(st.integers(1, 2))
            for clinic in range(clinics):
                unit = f"S{site}/D{dept}/C{clinic}"
                count = draw(st.sampled_from([0, 1, 2, 3, 4, 6, 9, 20]))
                roles = draw(st.sampled_from([["md"], ["md", "rn"]]))
                for i in range(count):
                    rows.append({"unit": unit, "role": roles[i % len(roles)], "tenure": "x"})
    return rows or [{"unit": "S0/D0/C0", "role": "md", "tenure": "x"}]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chains(), st.sampled_from([None, (("unit",),), (("unit", "role"),)]), st.sampled_from([3, 5])
)
def test_single_child_units_are_protected(rows: list[Row], cuts: object, k: int) -> None:
    answers = [1.0] * len(rows)
    comments: list[str | None] = ["ok"] * len(rows)
    policy = DisclosurePolicy(min_n_scores=k, min_n_comments=k)
    for audit in ("whole", "pieces"):
        table = release(_request(rows, answers, comments, cuts), policy, audit=audit)
        assert attack(rows, _published(table), {"unit"}, k) == []
        # a cell with the same members as a published cell is never hidden on its own
        members: dict[frozenset[int], set[bool]] = {}
        for cell in table.cells:
            key = dict(cell.key)
            group = cell_members(key, rows, {"unit"})
            if group:
                members.setdefault(group, set()).add(cell.suppressed)
        assert all(len(states) == 1 for states in members.values())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organizations(), CUTS, st.sampled_from([3, 5]), st.sampled_from(["whole", "pieces"]))
def test_no_hidden_cell_could_have_been_shown(
    org: tuple[list[Row], list[float], list[str | None]], cuts: object, k: int, audit: str
) -> None:
    rows, answers, comments = org
    table = release(_request(rows, answers, comments, cuts), DisclosurePolicy(k, k), audit=audit)
    shown = _published(table)
    hierarchical = {"unit"}
    shown_members = {cell_members(key, rows, hierarchical) for key in shown}
    for cell in table.cells:
        members = cell_members(dict(cell.key), rows, hierarchical)
        if not cell.suppressed or len(members) < k:
            continue
        # showing this hidden cell (and every cell with the same members) must leak
        same = [
            dict(c.key)
            for c in table.cells
            if c.suppressed and cell_members(dict(c.key), rows, hierarchical) == members
        ]
        assert members not in shown_members
        assert attack(rows, shown + same, hierarchical, k) != []
