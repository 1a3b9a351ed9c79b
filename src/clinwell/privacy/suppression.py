"""Primary and complementary (secondary) suppression, iterated to a fixed point.

1. *Primary*: a cell with :math:`0 < n < k` is suppressed. A cell with :math:`n = 0` may be
   shown: it reveals nothing about anyone's answers.
2. *Remainder rule* (fast, structural): for every additivity relation
   :math:`\\text{parent} = \\sum \\text{children} + \\text{remainder}` along one dimension (unit
   tree or a demographic margin), if the parent is published then the part of it that is not
   covered by published children (suppressed children plus responses attached directly to
   the parent unit) must be 0 or at least :math:`k`; otherwise the published child with the
   smallest positive :math:`n` is suppressed too (or the parent, if there is none).
3. *Exact audit* (:mod:`clinwell.privacy.audit`): search every linear combination of published
   cells for a group of size :math:`1..k-1`; if one is found, suppress the smallest published
   cell used by that derivation and go back to step 2.

Every step only adds suppressions, so the loop ends; it ends when the audit proves that no
combination of published cells isolates a group smaller than :math:`k`. Cells with the same
population (:func:`_aliases`) are always hidden together.

4. *Publishing back*: hidden cells that the published cells determine anyway are published
   (:func:`_publish_derivable`; the attacker's span is unchanged), then each remaining
   complementary suppression is undone if the exact audit of the trial table stays clean
   (:func:`_prune`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from clinwell.privacy.audit import DENSE_LIMIT, Leak, Structures, derivable, find_leak
from clinwell.privacy.lattice import Lattice
from clinwell.privacy.pieces import Pieces, piece_of_class, tree_dimension
from clinwell.privacy.threads import single_threaded_blas

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_MAX_TRIES = 25
AUTO_WHOLE_LIMIT = 50_000
"""``audit="auto"`` audits tables with at most this many (cell, class) pairs as a whole."""


def _aliases(class_membership: sp.csr_matrix, class_counts: FloatArray) -> IntArray:
    """Group id of every cell; cells with the same non-empty population share one.

    Two cells over exactly the same classes with a positive count (a department with a
    single clinic and that clinic, say) show the same number: publishing one publishes the
    other. They are therefore hidden together (:func:`_tie`), so that hiding one of them
    actually hides the value. Cells with no member get a group of their own.
    """
    positive = sp.csr_matrix(class_membership[:, class_counts > 0.5])
    positive.sort_indices()
    seen: dict[bytes, int] = {}
    group = np.empty(positive.shape[0], dtype=np.int64)
    for cell in range(positive.shape[0]):
        members = positive.indices[positive.indptr[cell] : positive.indptr[cell + 1]]
        key = members.tobytes() if members.size else f"empty{cell}".encode()
        group[cell] = seen.setdefault(key, len(seen))
    return group


def _tie(suppressed: BoolArray, alias: IntArray) -> bool:
    """Hide every alias of a hidden cell (in place); whether anything changed."""
    hidden = np.bincount(alias, weights=suppressed.astype(np.float64)) > 0.5
    tied = hidden[alias]
    changed = bool((tied & ~suppressed).any())
    suppressed |= tied
    return changed


def _choose(
    candidates: npt.NDArray[np.int64],
    cell_n: FloatArray,
    specific: FloatArray,
    last: FloatArray | None = None,
    unexplained: FloatArray | None = None,
) -> int:
    """The candidate with the smallest ``n``; on ties, the one whose published breakdown
    leaves the fewest respondents unexplained (hiding it costs readers the least: the rest
    of its numbers stay on the page), then the most specific, then the lowest index;
    candidates flagged in ``last`` only if every candidate is."""
    penalty = np.zeros(candidates.size) if last is None else last[candidates]
    lost = np.zeros(candidates.size) if unexplained is None else unexplained[candidates]
    order = np.lexsort((candidates, -specific[candidates], lost, cell_n[candidates], penalty))
    return int(candidates[order[0]])


def _unexplained(
    parent: npt.NDArray[np.int64], children: sp.csr_matrix, cell_n: FloatArray, shown: BoolArray
) -> FloatArray:
    """Per cell, its ``n`` less the largest published breakdown of it (the published
    children of one of its relations: its roles, or its sub-units)."""
    explained = np.zeros(cell_n.size)
    np.maximum.at(explained, parent, np.asarray(children @ (cell_n * shown)))
    out: FloatArray = cell_n - explained
    return out


def _known(
    parent: npt.NDArray[np.int64],
    children: sp.csr_matrix,
    remainder: FloatArray,
    cell_n: FloatArray,
    suppressed: BoolArray,
    k: int,
) -> tuple[BoolArray, BoolArray, set[int]]:
    """Cells (and relation remainders) an attacker can compute by peeling relations.

    Starts from published and empty cells, then repeatedly: if a relation's parent is known
    and exactly one of its parts (children, remainder) is not, that part becomes known; if
    every part is known, the parent becomes known. Also returns the relations through which
    a part of size ``1..k-1`` was derived.
    """
    known = ~suppressed | (cell_n < 0.5)
    rest_known = remainder < 0.5
    small_derived: set[int] = set()
    while True:
        unknown_kids = np.asarray(children @ (~known).astype(np.float64)).round()
        unknown = unknown_kids + ~rest_known
        single = np.flatnonzero(known[parent] & (unknown == 1))
        whole = np.flatnonzero(~known[parent] & (unknown == 0))
        if single.size == 0 and whole.size == 0:
            return known, rest_known, small_derived
        known[parent[whole]] = True
        for r in single.tolist():
            kids = children.indices[children.indptr[r] : children.indptr[r + 1]]
            if not rest_known[r]:
                rest_known[r] = True
                size = float(remainder[r])
            else:
                size = float(cell_n[kids][~known[kids]].sum())
                known[kids] = True
            if 0.5 < size < k - 0.5:
                small_derived.add(r)


def _remainder_rule(
    lattice: Lattice, cell_n: FloatArray, k: int, suppressed: BoolArray, alias: IntArray
) -> None:
    children = lattice.relation_children
    parent = lattice.relation_parent
    if parent.size == 0:
        return
    remainder = np.maximum(cell_n[parent] - children @ cell_n, 0.0)
    specific = lattice.specificity().astype(np.float64)
    while True:
        known, rest_known, small_derived = _known(
            parent, children, remainder, cell_n, suppressed, k
        )
        hidden = children @ (cell_n * ~known) + remainder * ~rest_known
        bad = np.flatnonzero(known[parent] & (hidden > 0.5) & (hidden < k - 0.5))
        # cells that are the sum of known parts of one of their own relations: hiding such
        # a cell alone would not hide its value, so it is the last choice of breaker
        closed = np.asarray(children @ (~known).astype(np.float64)).round() + ~rest_known == 0
        rederivable = np.zeros(cell_n.size, dtype=np.float64)
        rederivable[parent[closed]] = 1.0
        changed = False
        unexplained = _unexplained(parent, children, cell_n, ~suppressed)
        for r in sorted(set(bad.tolist()) | small_derived):
            kids = children.indices[children.indptr[r] : children.indptr[r + 1]]
            open_kids = kids[~suppressed[kids] & (cell_n[kids] > 0.5)].astype(np.int64)
            if open_kids.size:
                target = _choose(open_kids, cell_n, specific, rederivable, unexplained)
            elif not suppressed[parent[r]]:
                target = int(parent[r])
            else:
                continue  # parent known only by derivation: left to the exact audit
            changed = changed or not suppressed[target]
            suppressed[target] = True
        changed = _tie(suppressed, alias) or changed
        if not changed:
            return


def _subproblems(lattice: Lattice) -> list[tuple[IntArray, IntArray]]:
    """(cells, classes) of every unit subtree, deepest first, for the local audits.

    Cells whose unit is ``u`` or below only ever contain classes below ``u``, so a leak
    found among them is a leak of the whole table; subtrees are small and fast to search.
    """
    hier = [d for d, labels in enumerate(lattice.labels) if any("/" in x for x in labels)]
    if not hier:
        return []
    h = hier[0]
    labels = lattice.labels[h]
    cell_unit = [labels[i] for i in lattice.cell_nodes[:, h].tolist()]
    csc = lattice.class_membership.tocsc()
    out = []
    internal = {x.rsplit("/", 1)[0] for x in labels if "/" in x}
    for unit in sorted(internal, key=lambda x: (-x.count("/"), x)):
        cells = np.array(
            [i for i, x in enumerate(cell_unit) if x == unit or x.startswith(unit + "/")],
            dtype=np.int64,
        )
        mask = np.zeros(csc.shape[1], dtype=bool)
        for c in cells.tolist():
            mask[
                lattice.class_membership.indices[
                    lattice.class_membership.indptr[c] : lattice.class_membership.indptr[c + 1]
                ]
            ] = True
        out.append((cells, np.flatnonzero(mask).astype(np.int64)))
    return out


def _local_leak(
    lattice: Lattice,
    parts: list[tuple[IntArray, IntArray]],
    clean: set[int],
    class_counts: FloatArray,
    suppressed: BoolArray,
    k: int,
) -> Leak | None:
    for i, (cells, classes) in enumerate(parts):
        if i in clean:
            continue
        sub = sp.csr_matrix(lattice.class_membership[cells][:, classes])
        leak = find_leak(sub, class_counts[classes], ~suppressed[cells], k)
        if leak is None:
            clean.add(i)  # suppressing more cells never creates a leak: stays clean
            continue
        return Leak(
            classes=tuple(int(classes[c]) for c in leak.classes),
            size=leak.size,
            cells=tuple(int(cells[c]) for c in leak.cells),
        )
    return None


class AuditMemo:
    """What the exact audits of one table found, shared by its :func:`protect` calls.

    *Clean pieces.* The audit of a piece is a function of its classes, their counts seen
    through ``k`` (:func:`_seen`: a count of ``k`` or more only matters as "large") and the
    published cells that touch it; and hiding more cells never creates a leak (the span only
    shrinks). So a piece with the same classes and seen counts, whose published cells are
    among those of a piece found clean, is clean without a search. A measure's answered
    counts differ from the respondents' only where someone skipped it, so most of its pieces
    are found here.

    *Structures* (:data:`clinwell.privacy.audit.Structures`): a piece audited again with
    other sizes of its small classes (a skip in a small class) reuses its search space and
    only searches it again. *Aliases* (:func:`_aliases`) by which classes have members.
    """

    def __init__(self) -> None:
        self._clean: dict[tuple[bytes, bytes], list[IntArray]] = {}
        self.structures: Structures = {}
        self.aliases: dict[bytes, IntArray] = {}
        self._lattice: Lattice | None = None

    def bind(self, lattice: Lattice) -> None:
        """Tie the memo to the table it describes (class and cell numbers are that table's);
        using it for another table is an error."""
        if self._lattice is None:
            self._lattice = lattice
        elif self._lattice is not lattice:
            raise ValueError("an AuditMemo describes one table; this is another one")

    def known(self, classes: IntArray, seen: bytes, cells: IntArray) -> bool:
        for shown in self._clean.get((classes.tobytes(), seen), []):
            if np.isin(cells, shown, assume_unique=True).all():
                return True
        return False

    def add(self, classes: IntArray, seen: bytes, cells: IntArray) -> None:
        self._clean.setdefault((classes.tobytes(), seen), []).append(cells)


def _seen(counts: FloatArray, k: int) -> bytes:
    """Counts as the audit with threshold ``k`` sees them: 0, the exact size of a small
    class, or ``k`` (large); with ``k`` itself."""
    return np.append(np.minimum(counts, float(k)), float(k)).tobytes()


def protect(
    lattice: Lattice,
    atom_counts: npt.ArrayLike,
    k: int,
    already_suppressed: BoolArray | None = None,
    audit: str = "auto",
    memo: AuditMemo | None = None,
) -> BoolArray:
    """Cells to suppress so that no group of ``1..k-1`` counted members can be derived.

    ``atom_counts`` gives, for each atom, how many members it has for the quantity being
    protected (respondents, or respondents who answered a measure). ``audit="pieces"``
    audits the independent pieces of :mod:`clinwell.privacy.pieces`; ``audit="whole"``
    audits subtrees and then the whole table at once (slow); ``"auto"`` (default) uses
    ``"whole"`` for tables of at most :data:`AUTO_WHOLE_LIMIT` (cell, class) pairs, where it
    is fast and its suppression choices are the ones callers already rely on, and
    ``"pieces"`` above. Both audits are exact. BLAS runs single-threaded meanwhile
    (:mod:`clinwell.privacy.threads`). Calls on the same lattice may share ``memo``
    (pieces audit only): a piece found clean is not searched again.
    """
    with single_threaded_blas():
        return _protect(lattice, atom_counts, k, already_suppressed, audit, memo or AuditMemo())


def _protect(
    lattice: Lattice,
    atom_counts: npt.ArrayLike,
    k: int,
    already_suppressed: BoolArray | None,
    audit: str,
    memo: AuditMemo,
) -> BoolArray:
    memo.bind(lattice)
    counts = np.asarray(atom_counts, dtype=np.float64)
    cell_n = np.asarray(lattice.membership @ counts, dtype=np.float64)
    suppressed = np.zeros(lattice.n_cells, dtype=bool)
    if already_suppressed is not None:
        suppressed |= already_suppressed
    suppressed |= (cell_n > 0.5) & (cell_n < k - 0.5)
    n_classes = lattice.class_membership.shape[1]
    class_counts = np.asarray(
        np.bincount(lattice.atom_class, weights=counts, minlength=n_classes), dtype=np.float64
    )
    specific = lattice.specificity().astype(np.float64)
    positive = (class_counts > 0.5).tobytes()  # aliases depend on which classes have members
    if positive not in memo.aliases:
        memo.aliases[positive] = _aliases(lattice.class_membership, class_counts)
    alias = memo.aliases[positive]
    fixed = suppressed.copy()  # primary and already suppressed: never published again
    _tie(suppressed, alias)
    h = tree_dimension(lattice)
    if audit == "auto":
        size = lattice.n_cells * lattice.class_membership.shape[1]
        audit = "whole" if size <= AUTO_WHOLE_LIMIT else "pieces"
    if audit not in ("pieces", "whole"):
        raise ValueError(f"audit must be 'auto', 'pieces' or 'whole', got {audit!r}")
    if audit == "pieces" and h is not None:
        _protect_by_pieces(lattice, h, class_counts, cell_n, specific, suppressed, k, alias, memo)
        _publish_derivable(lattice, h, class_counts, suppressed, fixed, cell_n, k)
        _prune(lattice, h, class_counts, cell_n, suppressed, fixed, k, alias, memo)
        return suppressed
    parts = _subproblems(lattice)
    clean: set[int] = set()
    while True:
        _remainder_rule(lattice, cell_n, k, suppressed, alias)
        leak = _local_leak(lattice, parts, clean, class_counts, suppressed, k)
        if leak is None:
            leak = find_leak(lattice.class_membership, class_counts, ~suppressed, k)
        if leak is None:
            _publish_derivable(lattice, None, class_counts, suppressed, fixed, cell_n, k)
            _prune(lattice, None, class_counts, cell_n, suppressed, fixed, k, alias, None)
            return suppressed
        suppressed[
            _breaker(
                lattice.class_membership, leak, class_counts, cell_n, specific, suppressed, alias
            )
        ] = True
        _tie(suppressed, alias)


def _publish_derivable(
    lattice: Lattice,
    h: int | None,
    class_counts: FloatArray,
    suppressed: BoolArray,
    fixed: BoolArray,
    cell_n: FloatArray,
    k: int,
) -> None:
    """Publish (in place) every hidden cell that the published cells already determine.

    A hidden cell ``c`` whose indicator lies in the span ``S`` of the published cells (over
    classes with a positive count) tells the attacker nothing new: publishing it leaves
    ``S`` unchanged, so no new combination, and no leak, appears; publishing all such cells
    at once keeps ``S`` too. Such cells arise when a parent was hidden for a child whose
    value the other cells then gave away anyway. With pieces, ``c ∈ S`` iff ``c|π ∈ S_π``
    for every piece ``π`` (``S = ⊕ S_π``, docs/privacy.md), so each piece is checked on
    its own. Primary and caller-suppressed cells (``fixed``) are never published.
    """
    candidates = np.flatnonzero(suppressed & ~fixed & (cell_n > k - 0.5))
    if candidates.size == 0:
        return
    positive = np.flatnonzero(class_counts > 0.5)
    membership = sp.csr_matrix(lattice.class_membership[:, positive])
    if h is None:
        groups = [np.arange(positive.size, dtype=np.int64)]
    else:
        top = piece_of_class(lattice, h, cell_n, ~suppressed).class_top[positive]
        touched = np.unique(top[sp.csr_matrix(membership[candidates]).indices])
        order = np.argsort(top, kind="stable")
        bounds = np.searchsorted(top[order], touched)
        ends = np.searchsorted(top[order], touched, side="right")
        groups = [order[a:b] for a, b in zip(bounds.tolist(), ends.tolist(), strict=True)]
    derivable = np.ones(candidates.size, dtype=bool)
    csc = membership.tocsc()
    for classes in groups:
        sub = sp.csr_matrix(csc[:, classes].tocsr())
        rows = np.diff(sub.indptr) > 0
        here = rows[candidates] & derivable
        if not here.any():
            continue
        shown = np.flatnonzero(rows & ~suppressed)
        if shown.size * classes.size > DENSE_LIMIT:
            derivable[here] = False
            continue
        basis = _row_basis(sub[shown].toarray())
        target = sub[candidates[here]].toarray()
        residual = target - (target @ basis.T) @ basis
        ok = np.abs(residual).max(axis=1) < _DERIVABLE_TOL
        derivable[np.flatnonzero(here)[~ok]] = False
    suppressed[candidates[derivable]] = False


_DERIVABLE_TOL = 1e-8


def _row_basis(dense: FloatArray) -> FloatArray:
    """Orthonormal rows spanning the rows of ``dense``."""
    if dense.shape[0] == 0:
        return np.zeros((0, dense.shape[1]))
    _, sv, vt = np.linalg.svd(dense, full_matrices=False)
    if sv.size == 0 or sv[0] < 1e-12:
        return np.zeros((0, dense.shape[1]))
    rank = int((sv > sv[0] * 1e-10 * max(dense.shape)).sum())
    return np.asarray(vt[:rank], dtype=np.float64)


PRUNE_LIMIT = 500_000
""":func:`_prune` runs when (complementary suppressions) × (cells) is at most this."""


def _prune(
    lattice: Lattice,
    h: int | None,
    class_counts: FloatArray,
    cell_n: FloatArray,
    suppressed: BoolArray,
    fixed: BoolArray,
    k: int,
    alias: IntArray,
    memo: AuditMemo | None,
) -> None:
    """Publish again (in place) complementary suppressions that turn out to be unneeded.

    The greedy loop hides cells one leak at a time, so a cell hidden early can become
    unnecessary once later cells are hidden. Each complementary suppression, largest ``n``
    first, is undone on trial (with its aliases) and kept undone only if the exact audit
    finds no leak in the trial table; the result is therefore exactly as safe as the fixed
    point it started from. Without pieces the whole table is audited. With pieces, the
    table before the trial is clean, and a trial piece with the same classes and the same
    published cells as before has the same span (nothing else enters it); so only the trial
    pieces that gained or lost a class, or that hold a class of the re-published cells, are
    audited. Primary and caller-suppressed cells (and their aliases) never return. Skipped
    when the work (candidates × cells) exceeds :data:`PRUNE_LIMIT`.
    """
    candidates = np.flatnonzero(suppressed & ~fixed & (cell_n > 0.5))
    if candidates.size == 0 or candidates.size * lattice.n_cells > PRUNE_LIMIT:
        return
    candidates = candidates[np.lexsort((candidates, -cell_n[candidates]))]
    blocked = np.bincount(alias, weights=fixed.astype(np.float64)) > 0.5
    csc = lattice.class_membership.tocsc()
    small = (class_counts > 0.5) & (class_counts < k - 0.5)
    base = None if h is None else piece_of_class(lattice, h, cell_n, ~suppressed).class_top
    for cell in candidates.tolist():
        if not suppressed[cell] or blocked[alias[cell]]:
            continue
        trial = suppressed & (alias != alias[cell])
        if _peeling_leaks(lattice, cell_n, trial, k):
            continue  # a parent minus its known parts isolates a small group: a real leak
        if h is None or base is None:
            if find_leak(lattice.class_membership, class_counts, ~trial, k) is None:
                suppressed[:] = trial
            continue
        top = piece_of_class(lattice, h, cell_n, ~trial).class_top
        moved = top != base
        touched = lattice.class_membership.indices[
            lattice.class_membership.indptr[cell] : lattice.class_membership.indptr[cell + 1]
        ]
        affected = np.unique(np.concatenate([top[moved], base[moved], top[touched]]))
        if _pieces_clean(csc, class_counts, small, trial, k, top, affected, memo):
            suppressed[:] = trial
            base = top


def _peeling_leaks(lattice: Lattice, cell_n: FloatArray, suppressed: BoolArray, k: int) -> bool:
    """Whether peeling relations (step 2) isolates a group of ``1..k-1`` when these cells
    are hidden. Every such group is a leak, so a trial that fails here needs no audit."""
    parent = lattice.relation_parent
    if parent.size == 0:
        return False
    children = lattice.relation_children
    remainder = np.maximum(cell_n[parent] - children @ cell_n, 0.0)
    known, rest_known, small_derived = _known(parent, children, remainder, cell_n, suppressed, k)
    hidden = children @ (cell_n * ~known) + remainder * ~rest_known
    return bool(small_derived) or bool((known[parent] & (hidden > 0.5) & (hidden < k - 0.5)).any())


def _pieces_clean(
    csc: sp.csc_matrix,
    class_counts: FloatArray,
    small: BoolArray,
    suppressed: BoolArray,
    k: int,
    top: IntArray,
    tops: IntArray,
    memo: AuditMemo | None,
) -> bool:
    """Whether none of the pieces ``tops`` (piece top of each class: ``top``) has a leak."""
    for t in tops.tolist():
        classes = np.flatnonzero(top == t)
        if not small[classes].any():
            continue
        sub = csc[:, classes].tocsr()
        cells = np.flatnonzero((np.diff(sub.indptr) > 0) & ~suppressed)
        seen = _seen(class_counts[classes], k)
        if memo is not None and memo.known(classes, seen, cells):
            continue
        matrix = sp.csr_matrix(sub[cells])
        structures = None if memo is None else memo.structures
        if find_leak(matrix, class_counts[classes], np.ones(cells.size, dtype=bool), k, structures):
            return False
        if memo is not None:
            memo.add(classes, seen, cells)
    return True


def _protect_by_pieces(
    lattice: Lattice,
    h: int,
    class_counts: FloatArray,
    cell_n: FloatArray,
    specific: FloatArray,
    suppressed: BoolArray,
    k: int,
    alias: IntArray,
    memo: AuditMemo,
) -> BoolArray:
    """Audit only pieces holding a small class; hide one breaker per leaky piece per round."""
    small = (class_counts > 0.5) & (class_counts < k - 0.5)
    if k <= 1 or not small.any():
        return suppressed
    clean: dict[int, int] = {}  # piece top -> number of classes when found clean
    csc = lattice.class_membership.tocsc()
    while True:
        _remainder_rule(lattice, cell_n, k, suppressed, alias)
        pieces = piece_of_class(lattice, h, cell_n, ~suppressed)
        top = pieces.class_top
        tops, piece_size = np.unique(top, return_counts=True)
        size_of = dict(zip(tops.tolist(), piece_size.tolist(), strict=True))
        order = np.argsort(top, kind="stable")
        bounds = np.searchsorted(top[order], tops)
        ends = np.append(bounds[1:], top.size)
        risky = np.unique(top[small])
        changed = False
        for t in risky.tolist():
            if clean.get(t) == size_of[t]:
                continue
            i = int(np.searchsorted(tops, t))
            classes = order[bounds[i] : ends[i]]
            sub = csc[:, classes].tocsr()
            cells = np.flatnonzero((np.diff(sub.indptr) > 0) & ~suppressed)
            seen = _seen(class_counts[classes], k)
            if memo.known(classes, seen, cells):
                clean[t] = size_of[t]
                continue
            matrix = sp.csr_matrix(sub[cells])
            leak = find_leak(
                matrix, class_counts[classes], np.ones(cells.size, dtype=bool), k, memo.structures
            )
            if leak is None:
                clean[t] = size_of[t]
                memo.add(classes, seen, cells)
                continue
            local = np.zeros(cells.size, dtype=bool)
            cell = int(
                cells[
                    _breaker(
                        matrix,
                        leak,
                        class_counts[classes],
                        cell_n[cells],
                        specific[cells],
                        local,
                        alias[cells],
                    )
                ]
            )
            edge = _edge_breaker(lattice, h, pieces, t, cells[list(leak.cells)], cell_n, suppressed)
            if edge is not None and cell_n[edge] <= cell_n[cell]:
                cell = edge
            suppressed[cell] = True
            _tie(suppressed, alias)
            changed = True
        if not changed:
            return suppressed


def _edge_breaker(
    lattice: Lattice,
    h: int,
    pieces: Pieces,
    t: int,
    used: IntArray,
    cell_n: FloatArray,
    suppressed: BoolArray,
) -> int | None:
    """The smallest published cell ``(v, γ)`` on the lower edge of piece ``t``.

    A derivation inside a piece uses restricted cells ``c|π = c − Σ (v_i, γ)`` over the
    cutting units ``v_i`` just below the piece. Hiding such an edge cell (often smaller than
    ``c``) merges the pieces, which may stop the derivation at a lower cost than hiding ``c``.
    """
    nodes = lattice.cell_nodes[:, h]
    parent = lattice.node_parent[h]
    edge_node = pieces.cutting & (pieces.node_top[np.maximum(parent, 0)] == t)
    candidates = np.flatnonzero(
        edge_node[nodes]
        & np.isin(pieces.context, pieces.context[used])
        & ~suppressed
        & (cell_n > 0.5)
    )
    if candidates.size == 0:
        return None
    specific = lattice.specificity().astype(np.float64)
    return _choose(candidates.astype(np.int64), cell_n, specific)


def _breaker(
    class_membership: sp.csr_matrix,
    leak: Leak,
    class_counts: FloatArray,
    cell_n: FloatArray,
    specific: FloatArray,
    suppressed: BoolArray,
    alias: IntArray,
) -> int:
    """The smallest cell of the leak's derivation whose suppression stops that derivation.

    Hiding a cell hides its aliases (same population) too, as :func:`protect` does.
    """
    used = np.array(leak.cells, dtype=np.int64)
    order = used[np.lexsort((used, -specific[used], cell_n[used]))]
    group = np.zeros(class_counts.size)
    group[list(leak.classes)] = 1.0
    for cell in order[:_MAX_TRIES].tolist():
        trial = suppressed.copy()
        trial[cell] = True
        _tie(trial, alias)
        if not derivable(class_membership, group, class_counts, ~trial):
            return int(cell)
    return int(order[0])
