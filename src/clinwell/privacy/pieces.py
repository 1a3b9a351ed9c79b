"""Split the disclosure audit of a whole table into independent pieces along the unit tree.

Let ``S`` be the span of the published cells' indicator vectors over the classes with a
positive count. Pick one tree-shaped dimension ``h`` (the unit hierarchy; a flat dimension is
a tree of depth one). Write a cell as ``(w, γ)``: its node ``w`` in ``h`` and its values
``γ`` in the other dimensions. A node ``x`` *cuts* the table when, for every published cell
``(w, γ)`` with ``w`` a strict ancestor of ``x`` that has members below ``x``, the cell
``(x, γ)`` is published or has no member.

**Lemma.** Let ``K`` be the cutting nodes. Each node belongs to the *piece* of its nearest
ancestor-or-self in ``K ∪ {root}``; a class belongs to the piece of its node. Then
``S = ⊕_π S_π`` with ``S_π = span{1_c restricted to π : c published}``.

*Proof.* For a published ``c = (w, γ)`` and a cutting ``x``, ``1_c`` restricted to the
subtree of ``x`` is ``1_c`` itself (``w`` at or below ``x``), empty (``w`` off the path), or
the published-or-empty cell ``(x, γ)`` (``w`` above ``x``); so it lies in ``S``. The
restriction of ``1_c`` to a piece with top ``t`` and maximal cutting descendants ``v_i`` is
``1_c|sub(t) − Σ_i 1_c|sub(v_i)``, hence in ``S``. So every generator of ``S`` is a sum of
its piece restrictions, each in ``S``. ∎

**Corollary.** A 0/1 vector ``x ∈ S`` with total in ``[1, k−1]`` (a leak) exists iff one
exists in some ``S_π``: ``x|π ∈ S_π`` is 0/1 with total at most that of ``x``, and nonzero
for some ``π``. A piece without a class of size ``1..k−1`` has no leak, so only pieces that
hold small classes are audited, each with the exact search of :mod:`clinwell.privacy.audit`.
Suppressing more cells only shrinks every ``S_π`` (pieces may merge), so a piece found clean
stays clean while its set of classes is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clinwell.privacy.lattice import Lattice

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


def tree_dimension(lattice: Lattice) -> int | None:
    """The dimension to split on: the first hierarchical one, else the one with most values."""
    if not lattice.dimension_names or lattice.atom_nodes is None:
        return None
    for d, flag in enumerate(lattice.hierarchical):
        if flag:
            return d
    return int(np.argmax([len(labels) for labels in lattice.labels]))


@dataclass(frozen=True, eq=False)
class Pieces:
    """The split of a table: piece top of every class and node, cutting nodes, contexts."""

    class_top: IntArray  # class -> top node of its piece
    node_top: IntArray  # node of dimension h -> top node of its piece
    cutting: BoolArray  # node of dimension h -> whether it cuts
    context: IntArray  # cell -> id of its values outside dimension h


def piece_of_class(lattice: Lattice, h: int, cell_n: FloatArray, published: BoolArray) -> Pieces:
    """The pieces of the table when the ``published`` cells are shown."""
    parent = lattice.node_parent[h]
    n_nodes = parent.size
    nodes = lattice.cell_nodes[:, h]
    context = lattice.cell_nodes.copy()
    context[:, h] = 0
    _, ctx = np.unique(context, axis=0, return_inverse=True)
    ctx = ctx.astype(np.int64).ravel()
    key = ctx * n_nodes + nodes
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]

    def lookup(k: IntArray) -> IntArray:
        pos = np.clip(np.searchsorted(sorted_key, k), 0, max(sorted_key.size - 1, 0))
        hit = sorted_key[pos] == k if sorted_key.size else np.zeros(k.size, dtype=bool)
        return np.where(hit, order[pos], -1)

    positive = cell_n > 0.5
    open_cell = published & positive
    cutting = np.ones(n_nodes, dtype=bool)
    cutting[0] = False  # the root tops its own piece
    # cells (root, γ) of a cut without h: no (x, γ) exists, so nothing below the root cuts
    root_cells = np.flatnonzero(open_cell & (nodes == 0))
    has_child_cell = np.zeros(int(ctx.max()) + 1 if ctx.size else 0, dtype=bool)
    has_child_cell[ctx[nodes != 0]] = True
    if root_cells.size and not has_child_cell[ctx[root_cells]].all():
        cutting[:] = False
    blocked = np.flatnonzero(~published & positive & (nodes != 0))
    up = parent[nodes[blocked]]
    live = np.ones(blocked.size, dtype=bool)
    while live.any():
        idx = np.flatnonzero(live & (up >= 0))
        if idx.size == 0:
            break
        cell = lookup(ctx[blocked[idx]] * n_nodes + up[idx])
        hit = cell >= 0
        hit[hit] = open_cell[cell[hit]]
        cutting[nodes[blocked[idx[hit]]]] = False
        live[idx[hit]] = False
        live[idx[~hit]] = up[idx[~hit]] > 0
        up[idx] = np.where(up[idx] > 0, parent[np.maximum(up[idx], 0)], -1)
    top = np.arange(n_nodes, dtype=np.int64)
    for node in range(1, n_nodes):  # codes are sorted paths: a parent precedes its children
        if not cutting[node]:
            top[node] = top[parent[node]]
    assert lattice.atom_nodes is not None
    class_node = np.zeros(lattice.class_membership.shape[1], dtype=np.int64)
    class_node[lattice.atom_class] = lattice.atom_nodes[:, h]
    return Pieces(top[class_node], top, cutting, ctx)
