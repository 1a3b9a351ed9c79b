"""Results by group: the unit tree × role through the exact gate, respondent attributes by
a witness rule that keeps the joint release as safe, in linear time.

Guarantee (docs/privacy.md, "Results by group"): the same as :func:`clinwell.privacy.release`
for the whole joint release — no linear combination of published cells (unit totals, unit ×
role cells, unit × attribute cells, role × attribute cells) isolates a group of 1 to
``k − 1`` members, for respondent counts and for each measure on its own answered counts.

How. The unit tree and its role breakdowns (table *T*) go through the exact gate. Attribute
cells (gender, tenure band, ...) are then added by a rule proved to keep the joint span free
of leaks whenever *T*'s is:

Let a *group* be one (unit, role) pair of a response (the response's own unit, the finest
node of *T*). For a published attribute cell structure, every vector of the joint span is
``x = L + H`` with ``L`` in *T*'s span (a function of the group) and ``H`` a sum, over the
attribute cells on a group's unit path, of a function of that group's attribute values.
Groups with the same published attribute cells on their path (the same *key*) share the
same ``H``. Suppose ``x`` is a leak: 0/1 with total at most ``k − 1``. Then at most ``k − 1``
groups hold a member with ``x = 1`` (*dirty* groups); on every other group ``x`` is 0 on all
its members, so ``H`` takes one value on all the attribute combinations present in it. If a
clean group holds two members with the same values of every other attribute but different
values ``v``, ``v'`` of attribute ``b`` (a *witness* of ``v``–``v'``), then ``h_b(v) = h_b(v')``
for its key. The rule publishes an attribute's cells only where, in every key region, each
way of splitting the values present into two sides is crossed by witnesses in at least ``k``
groups: whatever ``k − 1`` groups are dirty, a clean witness remains across every split, so
``H`` is constant on each key region. Each key region is, by construction, a signed sum of
published *T* cells (the unit totals of one-way anchors, the unit × role cells of two-way
anchors and of the one-way anchors below them), so ``x`` lies in *T*'s span — where the exact
gate guarantees no leak. Contradiction: no leak exists. A published attribute cell of
``0 < n < k`` members cannot pass the rule (at most ``n`` groups hold its value), so primary
suppression is implied.

Everything here is counting: groups × bit masks of values × the splits of at most a dozen
values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import numpy.typing as npt

from clinwell.privacy.gate import (
    ReleasedCell,
    ReleasedEstimate,
    ReleasedTable,
    release,
)
from clinwell.privacy.policy import DisclosurePolicy, RequestError
from clinwell.privacy.request import ALL, Dimension, Measure, MeasureKind, TableRequest
from clinwell.stats.means import t_bounds
from clinwell.stats.proportions import wilson_bounds

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
MAX_VALUES = 12
"""An attribute with more values is refused (the splits of its values are enumerated)."""


@dataclass(frozen=True, eq=False)
class GroupRequest:
    """The unit tree × role (``role`` cut at every unit), plus ``attributes``.

    Each attribute is published one-way at units of depth at most ``attribute_depth`` (the
    organization is depth 0; None = every unit) and crossed with role at units of depth at
    most ``two_way_depth`` (-1 = never), wherever the witness rule allows. Comments are
    released on the unit × role table only.
    """

    unit: Dimension
    role: Dimension
    attributes: tuple[Dimension, ...] = ()
    measures: tuple[Measure, ...] = ()
    attribute_depth: int | None = None
    two_way_depth: int = 0
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if not self.unit.hierarchical:
            raise RequestError("the unit dimension of a group request must be hierarchical")
        names = [self.unit.name, self.role.name, *[a.name for a in self.attributes]]
        if len(set(names)) != len(names):
            raise RequestError("dimension names must differ")
        n = len(self.unit.values)
        for d in (self.role, *self.attributes):
            if len(d.values) != n:
                raise RequestError(f"dimension {d.name!r} has {len(d.values)} values, not {n}")
        for m in self.measures:
            if m.size != n:
                raise RequestError(f"measure {m.name!r} has {m.size} values, not {n}")
        for a in self.attributes:
            if len(set(a.values)) > MAX_VALUES:
                raise RequestError(f"attribute {a.name!r} has more than {MAX_VALUES} values")


@dataclass
class _Units:
    """Unit nodes (``"*"`` first, then every path prefix) and each response's path."""

    labels: list[str]
    depth: IntArray
    parent: IntArray
    leaf_of_response: IntArray
    ancestors: list[list[int]]  # leaf node -> node ids from itself up to "*"


def _units(values: Sequence[str]) -> _Units:
    leaves = sorted(set(values))
    nodes = {ALL: 0}
    labels = [ALL]
    for leaf in leaves:
        parts = leaf.split("/")
        for i in range(1, len(parts) + 1):
            prefix = "/".join(parts[:i])
            if prefix not in nodes:
                nodes[prefix] = len(labels)
                labels.append(prefix)
    depth = np.array([0 if x == ALL else x.count("/") + 1 for x in labels], dtype=np.int64)
    parent = np.array(
        [-1 if x == ALL else nodes[x.rsplit("/", 1)[0]] if "/" in x else 0 for x in labels],
        dtype=np.int64,
    )
    leaf_code = {leaf: nodes[leaf] for leaf in leaves}
    ancestors: list[list[int]] = [[] for _ in labels]
    for leaf in leaves:
        chain, node = [], nodes[leaf]
        while node >= 0:
            chain.append(node)
            node = int(parent[node])
        ancestors[nodes[leaf]] = chain
    return _Units(
        labels,
        depth,
        parent,
        np.array([leaf_code[v] for v in values], dtype=np.int64),
        ancestors,
    )


@dataclass
class _Groups:
    """(leaf unit, role) groups, and for each attribute the witness masks of each group."""

    leaf: IntArray  # group -> leaf node
    role: IntArray  # group -> role code
    of_response: IntArray


def _splits(mask: int) -> list[int]:
    """Every way to split the set bits of ``mask`` in two (each split once, by one side)."""
    bits = [b for b in range(mask.bit_length()) if mask >> b & 1]
    if len(bits) < 2:
        return []
    first, rest = bits[0], bits[1:]
    out = []
    for size in range(len(rest)):
        for chosen in combinations(rest, size):
            side = 1 << first
            for b in chosen:
                side |= 1 << b
            out.append(side)
    return out


@dataclass(frozen=True)
class _Witnesses:
    """Witness masks as flat arrays: ``group[i]`` holds a witness with value mask ``mask[i]``."""

    group: IntArray
    mask: IntArray


def _witness_masks(
    groups: IntArray, codes: IntArray, others: IntArray, members: BoolArray
) -> _Witnesses:
    """Per group, the value masks (two or more values) of members with the same values of
    the other attributes: the witnesses that group holds for this attribute."""
    keep = np.flatnonzero(members)
    if keep.size == 0:
        return _Witnesses(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    key = np.stack([groups[keep], others[keep]], axis=1)
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    masks = np.zeros(uniq.shape[0], dtype=np.int64)
    np.bitwise_or.at(masks, inverse.ravel(), np.left_shift(1, codes[keep]).astype(np.int64))
    several = (masks & (masks - 1)) != 0  # two or more values
    pairs = np.unique(np.stack([uniq[several, 0], masks[several]], axis=1), axis=0)
    return _Witnesses(pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64))


def _region_passes(region: IntArray, witnesses: _Witnesses, present: IntArray, k: int) -> bool:
    """Every split of the values present in ``region`` is crossed by witnesses of >= k groups."""
    if region.size == 0:
        return True
    values = int(np.bitwise_or.reduce(present[region]))
    splits = _splits(values)
    if not splits:
        return True
    if region.size < k:
        return False
    inside = np.zeros(present.size, dtype=bool)
    inside[region] = True
    chosen = inside[witnesses.group]
    groups, masks = witnesses.group[chosen], witnesses.mask[chosen]
    if masks.size == 0:
        return False
    for side in splits:
        other = values & ~side
        crossing = groups[((masks & side) != 0) & ((masks & other) != 0)]
        if np.unique(crossing).size < k:
            return False
    return True


@dataclass
class _Decision:
    """Where one attribute's cells are published, for one count (respondents or a measure)."""

    one_way: set[int] = field(default_factory=set)  # unit nodes
    two_way: set[tuple[int, int]] = field(default_factory=set)  # (unit node, role code)


def _decide(
    units: _Units,
    group_leaf: IntArray,
    group_role: IntArray,
    witnesses: _Witnesses,
    present: IntArray,
    t_total: BoolArray,
    t_role: dict[tuple[int, int], bool],
    k: int,
    attribute_depth: int | None,
    two_way_depth: int,
) -> _Decision:
    """Greedy, largest units first: at each unit its one-way attribute cells, then (at the top
    levels) its role × attribute cells, largest roles first. A candidate is kept only if
    every key region it changes still passes, and every key region stays a signed sum of
    published T cells: a one-way anchor shows its unit total, a two-way anchor its unit ×
    role cell, and a one-way anchor below a two-way anchor the unit × role cell of that
    role."""
    n_groups = group_leaf.size
    live = np.flatnonzero(present != 0)
    under_lists: dict[int, list[int]] = {}
    for g in live.tolist():
        for node in units.ancestors[int(group_leaf[g])]:
            under_lists.setdefault(node, []).append(g)
    under = {u: np.array(gs, dtype=np.int64) for u, gs in under_lists.items()}
    anchor1 = np.full(n_groups, -1, dtype=np.int64)
    anchor2 = np.full(n_groups, -1, dtype=np.int64)
    decision = _Decision()

    def key_of(g: int) -> tuple[int, int, int]:
        a2 = int(anchor2[g])
        return int(anchor1[g]), a2, int(group_role[g]) if a2 >= 0 else -1

    def region_of(key: tuple[int, int, int]) -> IntArray:
        a1, a2, role = key
        match = (anchor1[live] == a1) & (anchor2[live] == a2)
        if role >= 0:
            match &= group_role[live] == role
        found: IntArray = live[match]
        return found

    def attempt(moved: IntArray, anchors: npt.NDArray[np.int64], node: int) -> bool:
        """Set ``anchors[moved] = node`` if every changed key region passes; else undo."""
        before_keys = {key_of(int(g)) for g in moved.tolist()}
        before = anchors[moved].copy()
        anchors[moved] = node
        after_keys = {key_of(int(g)) for g in moved.tolist()}
        touched = {key for key in before_keys | after_keys if not (key[0] < 0 and key[1] < 0)}
        if all(_region_passes(region_of(key), witnesses, present, k) for key in touched):
            return True
        anchors[moved] = before
        return False

    top_down = sorted(under, key=lambda u: (units.depth[u], u))
    for u in top_down:
        # The unit's one-way cells first: a cut by one attribute is what most readers ask
        # for, and role × attribute cells tried first could leave a remainder of small
        # roles whose region no longer passes.
        groups = under[u]
        one_way_allowed = bool(t_total[u]) and (
            attribute_depth is None or units.depth[u] <= attribute_depth
        )
        if one_way_allowed:
            roles_below = {int(group_role[g]) for g in groups.tolist() if anchor2[g] >= 0}
            if all(t_role.get((u, r), False) for r in roles_below) and attempt(groups, anchor1, u):
                decision.one_way.add(u)
        if units.depth[u] > two_way_depth:
            continue
        roles_here = [int(r) for r in group_role[groups].tolist()]
        # the largest roles first: they are the likeliest to pass and leave the rest intact
        by_size = sorted(set(roles_here), key=lambda r: (-roles_here.count(r), r))
        for role in by_size:
            if not t_role.get((u, role), False):
                continue
            moved = groups[group_role[groups] == role]
            # the lowest two-way anchor wins: groups already under a deeper one stay there
            moved = moved[
                (anchor2[moved] < 0) | (units.depth[np.maximum(anchor2[moved], 0)] < units.depth[u])
            ]
            # a one-way anchor below u shows its unit × role cell for the moved groups
            lower = anchor1[moved]
            deeper = lower[(lower >= 0) & (units.depth[np.maximum(lower, 0)] > units.depth[u])]
            if any(not t_role.get((int(a), role), False) for a in set(deeper.tolist())):
                continue
            if moved.size and attempt(moved, anchor2, u):
                decision.two_way.add((u, role))
    return decision


def release_groups(request: GroupRequest, policy: DisclosurePolicy) -> ReleasedTable:
    """Release the unit tree × role exactly, and the attribute cells the witness rule allows.

    Cells are keyed by (unit, role, each attribute) with ``"*"`` for "all". A requested
    attribute cell the rule does not allow is returned suppressed.
    """
    k = policy.min_n_scores
    table = release(
        TableRequest(
            dimensions=(request.unit, request.role),
            measures=request.measures,
            cuts=((request.unit.name,), (request.unit.name, request.role.name)),
            confidence=request.confidence,
        ),
        policy,
    )
    if not request.attributes:
        return table
    units = _units(request.unit.values)
    roles = sorted(set(request.role.values))
    role_code = {r: i for i, r in enumerate(roles)}
    response_role = np.array([role_code[r] for r in request.role.values], dtype=np.int64)
    pair = units.leaf_of_response * len(roles) + response_role
    uniq, group_of = np.unique(pair, return_inverse=True)
    group_of = group_of.astype(np.int64).ravel()
    group_leaf = (uniq // len(roles)).astype(np.int64)
    group_role = (uniq % len(roles)).astype(np.int64)
    node_of = {label: i for i, label in enumerate(units.labels)}
    unit_name, role_name = request.unit.name, request.role.name

    def t_cells(measure: str | None) -> tuple[BoolArray, dict[tuple[int, int], bool]]:
        total = np.zeros(len(units.labels), dtype=bool)
        by_role: dict[tuple[int, int], bool] = {}
        for cell in table.cells:
            if cell.suppressed:
                continue
            if measure is not None and cell.estimates.get(measure) is None:
                continue
            node = node_of.get(cell.value(unit_name))
            if node is None:
                continue
            r = cell.value(role_name)
            if r == ALL:
                total[node] = True
            else:
                by_role[(node, role_code[r])] = True
        return total, by_role

    attribute_codes = []
    for attribute in request.attributes:
        values = sorted(set(attribute.values))
        lookup = {v: i for i, v in enumerate(values)}
        attribute_codes.append(
            (values, np.array([lookup[v] for v in attribute.values], dtype=np.int64))
        )
    counts: list[tuple[str | None, BoolArray]] = [
        (None, np.ones(len(request.unit.values), dtype=bool))
    ]
    for m in request.measures:
        if m.kind is not MeasureKind.COMMENTS:
            counts.append((m.name, np.asarray(~np.isnan(m.numbers))))
    decisions: dict[tuple[str | None, int], _Decision] = {}
    cache: dict[tuple[bytes, int], _Decision] = {}
    for measure, members in counts:
        t_total, t_role = t_cells(measure)
        for b, (_, codes) in enumerate(attribute_codes):
            others = _signature(attribute_codes, b, len(codes))
            key = (members.tobytes() + t_total.tobytes() + repr(sorted(t_role)).encode(), b)
            if key not in cache:
                witnesses = _witness_masks(group_of, codes, others, members)
                present = _present(group_of, codes, members, group_leaf.size)
                cache[key] = _decide(
                    units,
                    group_leaf,
                    group_role,
                    witnesses,
                    present,
                    t_total,
                    t_role,
                    k,
                    request.attribute_depth,
                    request.two_way_depth,
                )
            decisions[(measure, b)] = cache[key]
    return _assemble(request, table, units, roles, response_role, attribute_codes, decisions)


def _signature(codes: list[tuple[list[str], IntArray]], skip: int, n: int) -> IntArray:
    """One integer per response for its values of every attribute but ``skip``."""
    out = np.zeros(n, dtype=np.int64)
    for b, (values, code) in enumerate(codes):
        if b != skip:
            out = out * (len(values) + 1) + code
    return out


def _present(group_of: IntArray, codes: IntArray, members: BoolArray, n_groups: int) -> IntArray:
    """Per group, the mask of values its members hold."""
    masks = np.zeros(n_groups, dtype=np.int64)
    keep = np.flatnonzero(members)
    np.bitwise_or.at(masks, group_of[keep], np.left_shift(1, codes[keep]).astype(np.int64))
    return masks


def _estimate(measure: Measure, mask: BoolArray, confidence: float) -> ReleasedEstimate:
    values = measure.numbers[mask]
    values = values[~np.isnan(values)]
    n = int(values.size)
    if n == 0:
        return ReleasedEstimate(None, None, None, 0)
    mean = float(values.mean())
    if measure.kind is MeasureKind.PROPORTION:
        lower, upper = wilson_bounds(
            np.array([float(values.sum())]), np.array([float(n)]), confidence
        )
        return ReleasedEstimate(mean, float(lower[0]), float(upper[0]), n)
    sd = float(values.std(ddof=1)) if n > 1 else float("nan")
    lower, upper = t_bounds(np.array([mean]), np.array([sd]), np.array([float(n)]), confidence)
    lo, up = float(lower[0]), float(upper[0])
    return ReleasedEstimate(
        mean,
        None if np.isnan(lo) else lo,
        None if np.isnan(up) else up,
        n,
        sd if n > 1 else None,
    )


def _assemble(
    request: GroupRequest,
    table: ReleasedTable,
    units: _Units,
    roles: list[str],
    response_role: IntArray,
    attribute_codes: list[tuple[list[str], IntArray]],
    decisions: Mapping[tuple[str | None, int], _Decision],
) -> ReleasedTable:
    names = [a.name for a in request.attributes]
    dims = (request.unit.name, request.role.name, *names)
    cells: list[ReleasedCell] = []
    for cell in table.cells:  # T's cells, with "*" for every attribute
        key = (*cell.key, *((name, ALL) for name in names))
        cells.append(ReleasedCell(key, cell.suppressed, cell.n, cell.estimates, cell.comments))
    leaf = units.leaf_of_response
    under = _under(units)
    numeric = [m.name for m in request.measures if m.kind is not MeasureKind.COMMENTS]
    for b, (values, codes) in enumerate(attribute_codes):
        shown = decisions[(None, b)]
        for node, label in enumerate(units.labels):
            in_node = under[node][leaf]
            depth = int(units.depth[node])
            if not in_node.any() or (
                request.attribute_depth is not None and depth > request.attribute_depth
            ):
                continue
            groups: list[tuple[str, int, BoolArray, bool, dict[str, bool]]] = [
                (
                    ALL,
                    -1,
                    in_node,
                    node in shown.one_way,
                    {m: node in decisions[(m, b)].one_way for m in numeric},
                )
            ]
            if depth <= request.two_way_depth:
                for r, role in enumerate(roles):
                    groups.append(
                        (
                            role,
                            r,
                            in_node & (response_role == r),
                            (node, r) in shown.two_way,
                            {m: (node, r) in decisions[(m, b)].two_way for m in numeric},
                        )
                    )
            for role, _, mask, published, per_measure in groups:
                if not mask.any():
                    continue
                for v, value in enumerate(values):
                    key = _key(request, dims, label, role, names[b], value)
                    cells.append(_cell(request, key, mask & (codes == v), published, per_measure))
    return ReleasedTable(
        dimensions=dims,
        measures=dict(table.measures),
        policy=table.policy,
        confidence=table.confidence,
        cells=tuple(cells),
    )


def _key(
    request: GroupRequest, dims: tuple[str, ...], unit: str, role: str, attribute: str, value: str
) -> tuple[tuple[str, str], ...]:
    fixed = {request.unit.name: unit, request.role.name: role, attribute: value}
    return tuple((d, fixed.get(d, ALL)) for d in dims)


def _under(units: _Units) -> list[BoolArray]:
    """Per node, which leaf nodes lie under it (indexed by node code)."""
    n = len(units.labels)
    out = [np.zeros(n, dtype=bool) for _ in range(n)]
    for leaf, chain in enumerate(units.ancestors):
        for node in chain:
            out[node][leaf] = True
    return out


def _cell(
    request: GroupRequest,
    key: tuple[tuple[str, str], ...],
    mask: BoolArray,
    published: bool,
    measure_published: Mapping[str, bool],
) -> ReleasedCell:
    if not published:
        return ReleasedCell(key, True)
    estimates: dict[str, ReleasedEstimate | None] = {}
    for m in request.measures:
        if m.kind is MeasureKind.COMMENTS:
            continue
        shown = measure_published.get(m.name, False)
        estimates[m.name] = _estimate(m, mask, request.confidence) if shown else None
    return ReleasedCell(key, False, int(mask.sum()), estimates, {})
