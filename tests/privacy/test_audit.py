"""The exact leak search agrees with brute force, on every search path."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinwell.privacy import audit
from clinwell.privacy.audit import find_leak


def _brute_force(matrix: np.ndarray, counts: np.ndarray, k: int) -> bool:
    """Whether some set of classes with total 1..k-1 is a combination of the rows."""
    positive = np.flatnonzero(counts > 0)
    rows = matrix[:, positive]
    rank = np.linalg.matrix_rank(rows) if rows.size else 0
    small = [i for i, j in enumerate(positive) if counts[j] < k]
    for size in range(1, k):
        for subset in itertools.combinations(small, size):
            if counts[positive[list(subset)]].sum() >= k:
                continue
            target = np.zeros(positive.size)
            target[list(subset)] = 1.0
            if np.linalg.matrix_rank(np.vstack([rows, target])) == rank:
                return True
    return False


@st.composite
def tables(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int]:
    n_classes = draw(st.integers(2, 30))
    n_cells = draw(st.integers(1, 14))
    density = draw(st.sampled_from([0.15, 0.3, 0.5]))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    matrix = (rng.random((n_cells, n_classes)) < density).astype(float)
    counts = rng.choice([0, 1, 1, 2, 3, 4, 6, 9], n_classes).astype(float)
    return matrix, counts, draw(st.sampled_from([3, 5]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_search_finds_a_leak_exactly_when_brute_force_does(
    table: tuple[np.ndarray, np.ndarray, int],
) -> None:
    matrix, counts, k = table
    leak = find_leak(sp.csr_matrix(matrix), counts, np.ones(matrix.shape[0], dtype=bool), k)
    assert (leak is not None) == _brute_force(matrix, counts, k)
    if leak is not None:
        assert 1 <= leak.size <= k - 1
        assert leak.size == round(counts[list(leak.classes)].sum())


@pytest.mark.parametrize("limit", [1, 3])
def test_milp_fallback_agrees_with_brute_force(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "SUBSET_LIMIT", limit)
    rng = np.random.default_rng(limit)
    for _ in range(25):
        matrix = (rng.random((8, 14)) < 0.35).astype(float)
        counts = rng.choice([1, 2, 3, 6], 14).astype(float)
        leak = find_leak(sp.csr_matrix(matrix), counts, np.ones(8, dtype=bool), 5)
        assert (leak is not None) == _brute_force(matrix, counts, 5)


def test_a_leak_of_four_classes_split_across_both_halves_is_found() -> None:
    # rows: one cell holding classes 0, 5, 10, 15 (one response each) plus large classes
    # that other cells let the attacker remove; the group {0, 5, 10, 15} has 4 members
    n = 20
    counts = np.full(n, 9.0)
    counts[[0, 5, 10, 15]] = 1.0
    counts[[1, 2, 3, 4, 6, 7, 8, 9]] = 2.0
    matrix = np.zeros((3, n))
    matrix[0, [0, 5, 10, 15, 19]] = 1.0
    matrix[1, [19]] = 1.0
    matrix[2, [1, 2, 3, 4, 6, 7, 8, 9]] = 1.0
    leak = find_leak(sp.csr_matrix(matrix), counts, np.ones(3, dtype=bool), 5)
    assert leak is not None
    assert set(leak.classes) == {0, 5, 10, 15}
    assert leak.size == 4


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.integers(0, 2**31))
def test_a_table_audited_again_with_other_small_sizes_reuses_its_structure(
    table: tuple[np.ndarray, np.ndarray, int], seed: int
) -> None:
    """The components kept from one audit answer, for other sizes of the same small classes
    (a measure's answered counts) or other small classes, exactly as brute force does."""
    matrix, counts, k = table
    structures: audit.Structures = {}
    published = np.ones(matrix.shape[0], dtype=bool)
    find_leak(sp.csr_matrix(matrix), counts, published, k, structures)
    rng = np.random.default_rng(seed)
    small = (counts > 0) & (counts < k)
    resized = counts.copy()
    resized[small] = rng.integers(1, k, int(small.sum()))  # still small, other sizes
    grown = counts.copy()  # and with some small classes grown large: a new structure
    grown[small & (rng.random(counts.size) < 0.5)] = float(k)
    for sizes in (resized, grown):
        leak = find_leak(sp.csr_matrix(matrix), sizes, published, k, structures)
        assert (leak is not None) == _brute_force(matrix, sizes, k)
        if leak is not None:
            assert leak.size == round(sizes[list(leak.classes)].sum())
