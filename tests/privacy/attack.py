"""An attacker, written independently of the gate, used by the privacy tests.

Given the raw responses and the cells a release published (as grouping keys), it tries to
isolate a group of 1..k-1 responses: first every subtraction between two published cells
(one containing the other), then every sum/difference of published cells, by solving the
linear system exactly (null space of the published cell-by-atom matrix) for every candidate
small group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.linalg import null_space


def _matches(cell_value: str, value: str, hierarchical: bool) -> bool:
    if cell_value == "*":
        return True
    if hierarchical:
        return value == cell_value or value.startswith(cell_value + "/")
    return value == cell_value


def cell_members(
    key: Mapping[str, str], rows: Sequence[Mapping[str, str]], hierarchical: set[str]
) -> frozenset[int]:
    """Indexes of the responses in the cell ``key``."""
    return frozenset(
        i
        for i, row in enumerate(rows)
        if all(_matches(v, row[d], d in hierarchical) for d, v in key.items())
    )


def attack(
    rows: Sequence[Mapping[str, str]],
    published: Sequence[Mapping[str, str]],
    hierarchical: set[str],
    k: int,
) -> list[frozenset[int]]:
    """Groups of 1..k-1 responses derivable from the published cells (empty if safe)."""
    cells = [cell_members(key, rows, hierarchical) for key in published]
    leaks: list[frozenset[int]] = []
    # 1. every subtraction of one published cell from another that contains it
    for a in cells:
        for b in cells:
            if b < a and 0 < len(a - b) < k:
                leaks.append(a - b)
    # 2. every linear combination: atoms = responses with identical grouping values
    dims = sorted({d for key in published for d in key} | set(rows[0]) if rows else set())
    atom_of: dict[tuple[str, ...], list[int]] = {}
    for i, row in enumerate(rows):
        atom_of.setdefault(tuple(row[d] for d in dims), []).append(i)
    atoms = list(atom_of.values())
    if not atoms or not cells:
        return leaks
    matrix = np.array([[1.0 if a[0] in c else 0.0 for a in atoms] for c in cells])
    null = null_space(matrix)  # atoms x d; 1_S is derivable iff null.T @ 1_S == 0
    sizes = [len(a) for a in atoms]
    small = [j for j, s in enumerate(sizes) if s < k]

    def search(start: int, chosen: list[int], total: int, acc: np.ndarray) -> None:
        if chosen and (acc.size == 0 or np.abs(acc).max() < 1e-9):
            leaks.append(frozenset(i for j in chosen for i in atoms[j]))
        for pos in range(start, len(small)):
            j = small[pos]
            if total + sizes[j] < k:
                search(pos + 1, [*chosen, j], total + sizes[j], acc + null[j])

    search(0, [], 0, np.zeros(null.shape[1]))
    return leaks
