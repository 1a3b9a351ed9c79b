"""Complementary suppression's choice of complement (``clinwell.privacy.suppression``)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from clinwell.privacy.suppression import _choose, _unexplained


def test_a_complement_of_equal_size_is_the_one_whose_breakdown_is_mostly_shown() -> None:
    """Two departments of 27 can each protect a small sibling: hiding the one whose roles
    are mostly published (21 of 27 stay readable) costs readers less than hiding the one of
    which only 7 are explained. Size still comes first."""
    cell_n = np.array([60.0, 27.0, 27.0, 7.0, 21.0])  # parent, two children, their shown roles
    parent = np.array([0, 1, 2], dtype=np.int64)  # relations: P = 1 + 2 + …, 1 ⊃ 3, 2 ⊃ 4
    children = sp.csr_matrix(
        (np.ones(4), np.array([1, 2, 3, 4]), np.array([0, 2, 3, 4])), shape=(3, 5)
    )
    unexplained = _unexplained(parent, children, cell_n, np.ones(5, dtype=bool))
    assert (unexplained[1], unexplained[2]) == (20.0, 6.0)
    specific = np.zeros(5)
    candidates = np.array([1, 2], dtype=np.int64)
    assert _choose(candidates, cell_n, specific) == 1  # without it: the lower index
    assert _choose(candidates, cell_n, specific, unexplained=unexplained) == 2
    smaller = cell_n.copy()
    smaller[1] = 26.0
    assert _choose(candidates, smaller, specific, unexplained=unexplained) == 1
