"""The piece decomposition: a leak exists in the whole table iff one exists in a piece."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinwell.privacy import DisclosurePolicy, release
from clinwell.privacy.audit import find_leak
from clinwell.privacy.lattice import build_lattice
from clinwell.privacy.pieces import piece_of_class, tree_dimension
from clinwell.privacy.suppression import AuditMemo, protect
from tests.privacy.attack import attack
from tests.privacy.test_attack import CUTS, Row, _published, _request, organizations


def _leak_in_some_piece(request: object, hidden: np.ndarray, k: int) -> bool:
    lattice = build_lattice(request)  # type: ignore[arg-type]
    counts = np.bincount(lattice.atom_class, weights=lattice.atom_sizes.astype(float))
    cell_n = np.asarray(lattice.membership @ lattice.atom_sizes.astype(float))
    h = tree_dimension(lattice)
    assert h is not None
    top = piece_of_class(lattice, h, cell_n, ~hidden).class_top
    csc = lattice.class_membership.tocsc()
    for t in np.unique(top).tolist():
        classes = np.flatnonzero(top == t)
        sub = sp.csr_matrix(csc[:, classes].tocsr()[~hidden])
        if find_leak(sub, counts[classes], np.ones(sub.shape[0], dtype=bool), k) is not None:
            return True
    return False


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organizations(), CUTS, st.sampled_from([3, 5]), st.randoms(use_true_random=False))
def test_pieces_find_a_leak_exactly_when_the_whole_table_has_one(
    org: tuple[list[Row], list[float], list[str | None]], cuts: object, k: int, rnd: object
) -> None:
    rows, answers, comments = org
    request = _request(rows, answers, comments, cuts)
    lattice = build_lattice(request)
    cell_n = np.asarray(lattice.membership @ lattice.atom_sizes.astype(float))
    # a random suppression pattern on top of primary suppression
    hidden = np.array([rnd.random() < 0.3 for _ in range(lattice.n_cells)])  # type: ignore[attr-defined]
    hidden |= (cell_n > 0) & (cell_n < k)
    counts = np.bincount(lattice.atom_class, weights=lattice.atom_sizes.astype(float))
    whole = find_leak(lattice.class_membership, counts, ~hidden, k) is not None
    assert _leak_in_some_piece(request, hidden, k) == whole


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organizations(), CUTS, st.sampled_from([3, 5]))
def test_both_audits_release_safe_tables(
    org: tuple[list[Row], list[float], list[str | None]], cuts: object, k: int
) -> None:
    rows, answers, comments = org
    request = _request(rows, answers, comments, cuts)
    policy = DisclosurePolicy(min_n_scores=k, min_n_comments=k + 2)
    for audit in ("pieces", "whole"):
        table = release(request, policy, audit=audit)
        assert attack(rows, _published(table), {"unit"}, k) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organizations(), CUTS, st.sampled_from([3, 5]), st.randoms(use_true_random=False))
def test_pieces_found_clean_for_one_count_decide_the_same_for_the_next(
    org: tuple[list[Row], list[float], list[str | None]], cuts: object, k: int, rnd: object
) -> None:
    """Sharing the pieces found clean between the respondents' count and measures' answered
    counts (as the gate does) hides exactly what separate audits hide."""
    rows, answers, comments = org
    lattice = build_lattice(_request(rows, answers, comments, cuts))
    sizes = lattice.atom_sizes.astype(np.int64)
    # measures skipped by a few: each atom loses up to two answers, at random
    counts = [sizes] + [
        np.maximum(sizes - np.array([rnd.choice([0, 0, 0, 1, 2]) for _ in sizes]), 0)  # type: ignore[attr-defined]
        for _ in range(3)
    ]
    shared = AuditMemo()
    first = protect(lattice, sizes, k, audit="pieces", memo=shared)
    for count in counts:
        alone = protect(lattice, count, k, first, audit="pieces")
        with_shared = protect(lattice, count, k, first, audit="pieces", memo=shared)
        assert np.array_equal(alone, with_shared)


def test_an_audit_memo_describes_one_table_only() -> None:
    rows = [{"unit": "A/B", "role": "x", "tenure": "t"}] * 6
    rows += [{"unit": "A/C", "role": "y", "tenure": "t"}] * 7
    first = build_lattice(_request(rows, [1.0] * len(rows), [None] * len(rows), (("unit",),)))
    second = build_lattice(_request(rows, [1.0] * len(rows), [None] * len(rows), (("unit",),)))
    memo = AuditMemo()
    protect(first, first.atom_sizes, 5, memo=memo)
    protect(first, first.atom_sizes, 5, memo=memo)
    with pytest.raises(ValueError, match="one table"):
        protect(second, second.atom_sizes, 5, memo=memo)
