"""The cells a request publishes, as sets of *atoms*, and the additivity relations between them.

An atom is one combination of finest group values (a unit path as given, a role, a tenure
band, ...) that occurs in the data. Every cell is a union of atoms, so an attacker who knows
published cells can learn exactly the linear combinations of their atom indicator vectors.
Atoms that belong to exactly the same requested cells are merged into a *class*: no
published linear combination can ever separate them, so the audit works on classes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from clinwell.privacy.request import ALL, TableRequest

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class _Vocabulary:
    labels: tuple[str, ...]  # node code -> label; code 0 is ALL
    parent: IntArray  # node code -> parent node code (-1 for ALL)
    ancestors: IntArray  # leaf code -> node codes from ALL (column 0) down to the leaf; -1 pad
    leaf_of_response: IntArray


def _vocabulary(values: tuple[str, ...], hierarchical: bool) -> _Vocabulary:
    leaves, inverse = np.unique(np.asarray(values, dtype=object), return_inverse=True)
    paths = [str(v).split("/") if hierarchical else [str(v)] for v in leaves]
    nodes = sorted({"/".join(p[: i + 1]) for p in paths for i in range(len(p))})
    labels = (ALL, *nodes)
    code = {label: i for i, label in enumerate(labels)}
    parent = np.full(len(labels), -1, dtype=np.int64)
    for label in nodes:
        parent[code[label]] = code[label.rsplit("/", 1)[0]] if "/" in label else 0
    depth = max((len(p) for p in paths), default=0)
    ancestors = np.full((len(paths), depth + 1), -1, dtype=np.int64)
    ancestors[:, 0] = 0
    for i, p in enumerate(paths):
        for level in range(len(p)):
            ancestors[i, level + 1] = code["/".join(p[: level + 1])]
    return _Vocabulary(labels, parent, ancestors, inverse.astype(np.int64).ravel())


@dataclass(frozen=True, eq=False)
class Lattice:
    """Cells (rows) over atoms (columns) and the parent = sum(children) relations."""

    dimension_names: tuple[str, ...]
    labels: tuple[tuple[str, ...], ...]
    cell_nodes: IntArray  # (cells, dimensions) node codes; 0 = ALL
    membership: sp.csr_matrix  # (cells, atoms), 1 where the atom is in the cell
    atom_of_response: IntArray
    atom_sizes: IntArray
    atom_class: IntArray  # atom -> class (atoms with identical cell membership)
    class_membership: sp.csr_matrix  # (cells, classes)
    relation_parent: IntArray  # relation -> parent cell
    relation_children: sp.csr_matrix  # (relations, cells), 1 for each child cell
    node_parent: tuple[IntArray, ...] = ()  # per dimension: node code -> parent code (-1: ALL)
    atom_nodes: IntArray | None = None  # (atoms, dimensions) finest node code of each atom
    hierarchical: tuple[bool, ...] = ()

    @property
    def n_cells(self) -> int:
        """Number of requested cells."""
        return int(self.cell_nodes.shape[0])

    def key(self, cell: int) -> tuple[tuple[str, str], ...]:
        """``((dimension, value or "*"), ...)`` of a cell."""
        return tuple(
            (name, self.labels[d][int(self.cell_nodes[cell, d])])
            for d, name in enumerate(self.dimension_names)
        )

    def specificity(self) -> IntArray:
        """Number of dimensions that are not ``*`` in each cell."""
        return np.asarray((self.cell_nodes != 0).sum(axis=1), dtype=np.int64)


def build_lattice(request: TableRequest) -> Lattice:
    """Enumerate the cells of ``request`` (every cut, every level, ``*`` margins)."""
    dims = request.dimensions
    vocab = [_vocabulary(tuple(d.values), d.hierarchical) for d in dims]
    n = request.size
    leaf = (
        np.stack([v.leaf_of_response for v in vocab], axis=1)
        if dims
        else np.zeros((n, 0), dtype=np.int64)
    )
    if n == 0:
        atoms = np.zeros((0, len(dims)), dtype=np.int64)
        atom_of_response = np.zeros(0, dtype=np.int64)
        sizes = np.zeros(0, dtype=np.int64)
    else:
        atoms, inverse, sizes = np.unique(leaf, axis=0, return_inverse=True, return_counts=True)
        atom_of_response = inverse.astype(np.int64).ravel()
    names = [d.name for d in dims]
    forced = {i for i, d in enumerate(dims) if not d.publish_total}
    cuts = (
        [set(range(len(dims)))]
        if request.cuts is None
        else [{names.index(c) for c in cut} for cut in request.cuts]
    )
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    atom_index = np.arange(atoms.shape[0], dtype=np.int64)
    for cut in cuts:
        active = cut | forced
        levels = [
            range(0 if dims[d].publish_total else 1, vocab[d].ancestors.shape[1])
            if d in active
            else range(1)
            for d in range(len(dims))
        ]
        for combo in itertools.product(*levels):
            nodes = (
                np.stack(
                    [vocab[d].ancestors[atoms[:, d], lv] for d, lv in enumerate(combo)], axis=1
                )
                if dims
                else np.zeros((atoms.shape[0], 0), dtype=np.int64)
            )
            ok = (nodes >= 0).all(axis=1)
            rows.append(nodes[ok])
            cols.append(atom_index[ok])
    all_nodes = np.concatenate(rows) if rows else np.zeros((0, len(dims)), dtype=np.int64)
    all_atoms = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    if all_nodes.shape[0] == 0:  # no response: publish the grand total only
        cell_nodes = np.zeros((1, len(dims)), dtype=np.int64)
        cell_of = np.zeros(0, dtype=np.int64)
    else:
        cell_nodes, cell_of = np.unique(all_nodes, axis=0, return_inverse=True)
        cell_of = cell_of.astype(np.int64).ravel()
    membership = sp.csr_matrix(
        (np.ones(all_atoms.size), (cell_of, all_atoms)), shape=(cell_nodes.shape[0], atoms.shape[0])
    )
    membership.data[:] = 1.0  # duplicates from overlapping cuts were summed
    atom_class, class_membership = _classes(membership)
    parent, children = _relations(cell_nodes, [v.parent for v in vocab])
    return Lattice(
        dimension_names=tuple(names),
        labels=tuple(v.labels for v in vocab),
        cell_nodes=cell_nodes.astype(np.int64),
        membership=membership,
        atom_of_response=atom_of_response,
        atom_sizes=sizes.astype(np.int64),
        atom_class=atom_class,
        class_membership=class_membership,
        relation_parent=parent,
        relation_children=children,
        node_parent=tuple(v.parent for v in vocab),
        atom_nodes=np.stack(
            [vocab[d].ancestors[atoms[:, d]].max(axis=1) for d in range(len(dims))], axis=1
        )
        if dims
        else np.zeros((atoms.shape[0], 0), dtype=np.int64),
        hierarchical=tuple(d.hierarchical for d in dims),
    )


def _classes(membership: sp.csr_matrix) -> tuple[IntArray, sp.csr_matrix]:
    csc = membership.tocsc()
    csc.sort_indices()
    signature: dict[bytes, int] = {}
    atom_class = np.empty(csc.shape[1], dtype=np.int64)
    for atom in range(csc.shape[1]):
        key = csc.indices[csc.indptr[atom] : csc.indptr[atom + 1]].tobytes()
        atom_class[atom] = signature.setdefault(key, len(signature))
    to_class = sp.csr_matrix(
        (np.ones(atom_class.size), (np.arange(atom_class.size), atom_class)),
        shape=(atom_class.size, len(signature)),
    )
    class_membership = sp.csr_matrix(membership @ to_class)
    class_membership.data[:] = 1.0
    return atom_class, class_membership


def _relations(cell_nodes: IntArray, parents: list[IntArray]) -> tuple[IntArray, sp.csr_matrix]:
    index = {tuple(row): i for i, row in enumerate(cell_nodes.tolist())}
    pairs: dict[tuple[int, int], list[int]] = {}
    for child, row in enumerate(cell_nodes.tolist()):
        for d, node in enumerate(row):
            if node == 0:
                continue
            up = list(row)
            up[d] = int(parents[d][node])
            parent = index.get(tuple(up))
            if parent is not None:
                pairs.setdefault((parent, d), []).append(child)
    keys = list(pairs)
    parent_arr = np.array([p for p, _ in keys], dtype=np.int64)
    r = np.repeat(np.arange(len(keys)), [len(pairs[k]) for k in keys])
    c = np.array([ch for k in keys for ch in pairs[k]], dtype=np.int64)
    children = sp.csr_matrix((np.ones(c.size), (r, c)), shape=(len(keys), cell_nodes.shape[0]))
    return parent_arr, children
