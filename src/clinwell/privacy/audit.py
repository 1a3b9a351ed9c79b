"""Exact search for a small group that published cells let an attacker isolate.

Published cells give the attacker every linear combination :math:`\\sum_c y_c\\,\\mathbf 1_c`
of their indicator vectors over atom classes (counts, sums and hence means of any such
combination). A *leak* is a set :math:`S` of classes with :math:`0 < n(S) < k` whose indicator
is such a combination. Classes with no member (for the count being protected) are ignored,
since they contribute nothing. The search is a mixed-integer program solved by HiGHS:

.. math::

    \\text{find } y \\in [-B, B]^{|P|},\\ x \\in \\{0,1\\}^{|small|}:\\quad
    \\sum_c y_c\\,\\mathbf 1_c[j] = x_j\\ (j\\ \\text{small}),\\quad
    \\sum_c y_c\\,\\mathbf 1_c[j] = 0\\ (j\\ \\text{large}),\\quad
    1 \\le \\sum_j n_j x_j \\le k-1,

where *small* classes have :math:`0 < n_j < k`. Infeasible means no published combination
(with coefficients up to ``B``) isolates a group smaller than ``k``.

Tables that fit in memory are searched exactly by linear algebra instead: the space ``V``
of combinations that vanish on large classes splits into independent pieces (connected
components of its column matroid); each piece is searched exhaustively when small, by the
MILP above otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.linalg import null_space, qr, solve_triangular
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

COEFFICIENT_BOUND = 1000.0
"""``B``: largest coefficient on one published cell in a searched derivation."""

_TOL = 1e-6
_DERIVABLE_DENSE_LIMIT = 20_000
_RCOND = 1e-10
DENSE_LIMIT = 4_000_000
"""Tables with at most this many (published cell, class) pairs use the exact dense search."""
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


class AuditError(RuntimeError):
    """The solver could not finish the disclosure audit; nothing may be released."""


@dataclass(frozen=True)
class Leak:
    """A derivable small group: its classes, size, and the published cells that derive it."""

    classes: tuple[int, ...]
    size: int
    cells: tuple[int, ...]


@dataclass(frozen=True)
class _Component:
    """One connected component of the search space ``V`` (:func:`_structure`): its columns
    (positions among the small classes), ``V``'s basis on them and the basis of the null
    space of that (a 0/1 vector is in ``V`` iff ``complement @ x = 0``)."""

    columns: IntArray
    gen: FloatArray
    complement: FloatArray


Structures = dict[bytes, list[_Component]]
"""Components already worked out, by published cells × classes and which classes are small:
the search space depends on nothing else (not on the small classes' sizes), so audits of the
same piece with other counts (a measure's answered counts) only search again."""


def find_leak(
    class_membership: sp.csr_matrix,
    class_counts: npt.NDArray[np.float64],
    published: npt.NDArray[np.bool_],
    k: int,
    structures: Structures | None = None,
) -> Leak | None:
    """A group of size in ``[1, k-1]`` derivable from the ``published`` cells, if any.

    ``structures`` (optional, shared between calls) keeps each table's components."""
    positive = np.flatnonzero(class_counts > 0)
    counts = class_counts[positive]
    small = counts < k
    if k <= 1 or not small.any():
        return None
    cells = np.flatnonzero(published)
    matrix = sp.csr_matrix(class_membership[cells][:, positive])
    used = np.diff(matrix.indptr) > 0
    cells, matrix = cells[used], matrix[used]
    if matrix.shape[0] == 0:
        return None
    if matrix.shape[0] * matrix.shape[1] <= DENSE_LIMIT:
        if structures is None:
            components = _structure(matrix.toarray(), small)
        else:
            key = b"|".join(
                (
                    np.array(matrix.shape, dtype=np.int64).tobytes(),
                    matrix.indptr.astype(np.int64).tobytes(),
                    matrix.indices.astype(np.int64).tobytes(),
                    matrix.data.tobytes(),
                    small.tobytes(),
                )
            )
            if key not in structures:
                structures[key] = _structure(matrix.toarray(), small)
            components = structures[key]
        group = _leak_in_components(components, counts, small, k)
    else:
        group = _leak_by_milp(matrix, counts, small, k)
    if group is None:
        return None
    return Leak(
        classes=tuple(int(c) for c in positive[group]),
        size=round(float(counts[group].sum())),
        cells=tuple(
            int(c) for c in cells[_sparse_derivation(matrix.T.tocsr(), group.astype(np.float64))]
        ),
    )


def _leak_by_milp(
    matrix: sp.csr_matrix, counts: FloatArray, small: BoolArray, k: int
) -> BoolArray | None:
    """The MILP of the module docstring, on the whole table."""
    p, m = matrix.shape
    small_idx = np.flatnonzero(small)
    s = small_idx.size
    pick = sp.csr_matrix((-np.ones(s), (small_idx, np.arange(s))), shape=(m, s))
    equality = sp.hstack([matrix.T.tocsr(), pick], format="csr")
    size_row = sp.csr_matrix(np.concatenate([np.zeros(p), counts[small_idx]])[None, :])
    result = milp(
        c=np.zeros(p + s),
        integrality=np.concatenate([np.zeros(p), np.ones(s)]),
        bounds=Bounds(
            np.concatenate([np.full(p, -COEFFICIENT_BOUND), np.zeros(s)]),
            np.concatenate([np.full(p, COEFFICIENT_BOUND), np.ones(s)]),
        ),
        constraints=[
            LinearConstraint(equality, 0.0, 0.0),
            LinearConstraint(size_row, 1.0, float(k - 1)),
        ],
    )
    if result.status not in (0, 2):
        raise AuditError(f"disclosure audit did not finish: {result.message}")
    if result.status == 2 or result.x is None:  # infeasible: no leak
        return None
    group = np.zeros(m, dtype=bool)
    group[small_idx[np.asarray(result.x)[p:] > 0.5]] = True
    return group


def _structure(dense: FloatArray, small: BoolArray) -> list[_Component]:
    """The components of the search space of a table that fits in memory.

    ``V`` = combinations of published cells that vanish on every large class, restricted to
    the small classes. ``V`` is the direct sum of its restrictions to the connected
    components of its column matroid, so a leak (a 0/1 vector of ``V`` with total below
    ``k``) exists iff one exists inside a single component; components are small. ``V``
    depends on the table and on which classes are small, not on their sizes.
    """
    large = ~small
    if large.any():
        combos = null_space(dense[:, large].T, rcond=_RCOND)
        if combos.shape[1] == 0:
            return []
        span = dense[:, small].T @ combos
    else:
        span = dense[:, small].T
    u, sv, _ = np.linalg.svd(span, full_matrices=False)
    if sv.size == 0 or sv[0] < _TOL:  # V = {0} (up to rounding): nothing is derivable
        return []
    rank = int((sv > max(sv[0] * _RCOND * max(span.shape), _TOL)).sum())
    gen = u[:, :rank].T  # rows: orthonormal basis of V, columns: small classes
    out = []
    for component in _components(gen):
        part = np.ascontiguousarray(gen[:, component])
        out.append(_Component(component, part, null_space(part, rcond=_RCOND).T))
    return out


def _leak_in_components(
    components: list[_Component], counts: FloatArray, small: BoolArray, k: int
) -> BoolArray | None:
    """Exact search of each component (:func:`_search`) for a leak with these sizes."""
    small_idx = np.flatnonzero(small)
    for component in components:
        found = _search(
            component.gen, counts[small_idx[component.columns]], k, component.complement
        )
        if found is not None:
            group = np.zeros(small.size, dtype=bool)
            group[small_idx[component.columns[found]]] = True
            return group
    return None


def _components(gen: FloatArray) -> list[IntArray]:
    """Connected components of the column matroid of ``gen`` (zero columns dropped)."""
    rank, n = gen.shape
    _, r, piv = qr(gen, pivoting=True, mode="economic")
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    coef = solve_triangular(r[:, :rank], r[:, rank:])  # fundamental circuits
    for i, j in zip(*np.nonzero(np.abs(coef) > _TOL), strict=True):
        parent[find(int(piv[i]))] = find(int(piv[rank + j]))
    live = np.linalg.norm(gen, axis=0) > _TOL
    groups: dict[int, list[int]] = {}
    for col in np.flatnonzero(live).tolist():
        groups.setdefault(find(col), []).append(col)
    return [np.array(g, dtype=np.int64) for g in groups.values()]


def _search(
    gen: FloatArray, counts: FloatArray, k: int, complement: FloatArray | None = None
) -> IntArray | None:
    """Columns forming a 0/1 vector of ``rowspace(gen)`` with total in ``[1, k-1]``
    (``complement``: the null space basis of ``gen``, as rows, if already known).

    ``x`` is in the row space iff ``N x = 0`` for a basis ``N`` of the null space of ``gen``,
    i.e. iff the chosen columns ``n_j`` of ``N`` sum to zero. A leak has total at most
    ``b = k - 1`` and every class counts at least 1, so it has at most ``b`` columns.
    Exhaustive *meet in the middle*: split the columns in two halves ``L``, ``R``; every leak
    is ``A ∪ B`` with ``A ⊆ L``, ``B ⊆ R``, each of total at most ``b``, and
    ``Σ_A n_j = −Σ_B n_j``. All such ``A`` and ``B`` are enumerated (by total, without
    ordering), matched on a random projection of their sums, and every match is verified
    on the full vector. When either half has more than :data:`SUBSET_LIMIT` subsets of total
    at most ``b``, the component goes to the MILP instead. Both are exact.
    """
    if complement is None:  # x is in the row space iff complement @ x = 0
        complement = null_space(gen, rcond=_RCOND).T
    if complement.shape[0] == 0:
        return np.array([int(np.argmin(counts))], dtype=np.int64)
    budget = float(k - 1)
    m = counts.size
    half = m // 2
    rng = np.random.default_rng(m)
    direction: FloatArray = np.asarray(rng.standard_normal(complement.shape[0]), dtype=np.float64)
    direction /= np.linalg.norm(direction)
    proj = direction @ complement
    left = _subsets(np.arange(half), counts, budget)
    right = _subsets(np.arange(half, m), counts, budget) if left is not None else None
    if left is None or right is None:
        group = _leak_by_milp(sp.csr_matrix(gen), counts, np.ones(m, dtype=bool), k)
        return None if group is None else np.flatnonzero(group).astype(np.int64)
    l_sets, l_total = left
    r_sets, r_total = right
    l_key = _key(l_sets, proj)
    r_key = _key(r_sets, proj)
    order = np.argsort(r_key, kind="stable")
    r_sorted = r_key[order]
    tol = _TOL * float(np.sqrt(complement.shape[0])) + 1e-9  # |w·s| <= ||s|| for unit w
    lo = np.searchsorted(r_sorted, -l_key - tol, side="left")
    hi = np.searchsorted(r_sorted, -l_key + tol, side="right")
    lengths = hi - lo
    pairs = int(lengths.sum())
    if pairs > SUBSET_LIMIT:
        group = _leak_by_milp(sp.csr_matrix(gen), counts, np.ones(m, dtype=bool), k)
        return None if group is None else np.flatnonzero(group).astype(np.int64)
    a_idx = np.repeat(np.arange(l_key.size), lengths)
    offsets = np.arange(pairs) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    b_idx = order[np.repeat(lo, lengths) + offsets]
    total = l_total[a_idx] + r_total[b_idx]
    keep = (total > 0.5) & (total < budget + 0.5)
    a_idx, b_idx, total = a_idx[keep], b_idx[keep], total[keep]
    for i in np.argsort(total, kind="stable").tolist():  # smallest derivable group first
        a, b = int(a_idx[i]), int(b_idx[i])
        cols = np.concatenate([l_sets[a][l_sets[a] >= 0], r_sets[b][r_sets[b] >= 0]])
        if np.abs(complement[:, cols].sum(axis=1)).max() < _TOL:
            return cols.astype(np.int64)
    return None


SUBSET_LIMIT = 400_000
"""Largest number of subsets of one half searched exhaustively by :func:`_search`."""


def _subsets(
    columns: IntArray, counts: FloatArray, budget: float
) -> tuple[IntArray, FloatArray] | None:
    """Every subset of ``columns`` (the empty one included) with total at most ``budget``.

    Rows of the first array hold the column indices, padded with -1. ``None`` when there
    are more than :data:`SUBSET_LIMIT`.
    """
    width = int(budget) if budget >= 1 else 0
    fit = columns[counts[columns] <= budget + 0.5]
    width = min(width, fit.size)
    sets = [np.full((1, width), -1, dtype=np.int64)]
    totals = [np.zeros(1)]
    level_sets = np.zeros((1, 0), dtype=np.int64)
    level_last = np.full(1, -1, dtype=np.int64)  # position in ``fit`` of the last column
    level_total = np.zeros(1)
    count = 1
    for size in range(1, width + 1):
        pos = np.arange(fit.size)
        ok = (pos[None, :] > level_last[:, None]) & (
            level_total[:, None] + counts[fit][None, :] <= budget + 0.5
        )
        row, col = np.nonzero(ok)
        if row.size == 0:
            break
        count += row.size
        if count > SUBSET_LIMIT:
            return None
        level_sets = np.concatenate([level_sets[row], fit[col][:, None]], axis=1)
        level_last = col.astype(np.int64)
        level_total = level_total[row] + counts[fit[col]]
        padded = np.full((row.size, width), -1, dtype=np.int64)
        padded[:, :size] = level_sets
        sets.append(padded)
        totals.append(level_total)
    return np.concatenate(sets), np.concatenate(totals)


def _key(sets: IntArray, proj: FloatArray) -> FloatArray:
    """Projection of the sum of each subset's columns (``-1`` = padding)."""
    if sets.shape[1] == 0:
        return np.zeros(sets.shape[0])
    padded = np.append(proj, 0.0)
    return np.asarray(padded[sets].sum(axis=1), dtype=np.float64)


def _sparse_derivation(transposed: sp.csr_matrix, group: npt.NDArray[np.float64]) -> list[int]:
    """Rows used by the derivation of ``group`` with the smallest sum of |coefficients|."""
    p = transposed.shape[1]
    result = linprog(
        c=np.ones(2 * p),
        A_eq=sp.hstack([transposed, -transposed], format="csr"),
        b_eq=group,
        bounds=(0.0, COEFFICIENT_BOUND),
        method="highs",
    )
    if result.status != 0 or result.x is None:  # numerically marginal: fall back to all rows
        return list(range(p))
    weight = np.abs(result.x[:p] - result.x[p:])
    order = np.argsort(-weight, kind="stable")
    return [int(i) for i in order if weight[i] > _TOL] or [int(order[0])]


def derivable(
    class_membership: sp.csr_matrix,
    group: npt.NDArray[np.float64],
    class_counts: npt.NDArray[np.float64],
    published: npt.NDArray[np.bool_],
) -> bool:
    """Whether the indicator ``group`` (over classes) is a combination of published cells.

    Classes with a zero count are ignored (they may take any coefficient). Small tables are
    tested by linear algebra (is ``group`` in the row space? — coefficients unbounded, so
    this answers "yes" at least as often as the bounded test), larger ones by a sparse
    linear program with coefficients bounded by :data:`COEFFICIENT_BOUND` (faster there).
    """
    positive = np.flatnonzero(class_counts > 0)
    matrix = sp.csr_matrix(class_membership[np.flatnonzero(published)][:, positive])
    if matrix.shape[0] == 0:
        return False
    target = group[positive]
    if matrix.shape[0] * matrix.shape[1] <= _DERIVABLE_DENSE_LIMIT:
        dense = matrix.toarray()
        _, sv, vt = np.linalg.svd(dense, full_matrices=False)
        if sv.size == 0 or sv[0] < _TOL:
            return bool(np.abs(target).max() < _TOL) if target.size else True
        rank = int((sv > max(sv[0] * _RCOND * max(dense.shape), _TOL)).sum())
        basis = vt[:rank]
        residual = target - (basis @ target) @ basis
        return bool(np.abs(residual).max() < _TOL) if target.size else True
    result = linprog(
        c=np.zeros(matrix.shape[0]),
        A_eq=matrix.T.tocsr(),
        b_eq=target,
        bounds=(-COEFFICIENT_BOUND, COEFFICIENT_BOUND),
        method="highs",
    )
    return bool(result.status == 0)
