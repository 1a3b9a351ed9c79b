"""Results by group: the unit tree × role through the exact gate, respondent attributes by
a witness rule that keeps the joint release as safe, in about linear time.

Guarantee (docs/privacy.md, "Results by group"): the same as :func:`clinwell.privacy.release`
for the whole joint release — no linear combination of published cells (unit totals, unit ×
role cells, unit × attribute cells, role × attribute cells) isolates a group of 1 to
``k − 1`` members, for respondent counts and for each measure on its own answered counts.

How. The unit tree and its role breakdowns (table *T*) go through the exact gate. Attribute
cells (gender, tenure band, ...) are then added by a rule proved to keep the joint span free
of leaks whenever *T*'s is. Each attribute is decided on its own; an attribute cell at a unit
(one-way) or at a unit and role (two-way) may show only some of its values — the others'
cells are withheld together (their sum is derivable, so it must hold 0 or at least k).

Let a *group* be one (unit, role) pair of a response (the response's own unit, the finest
node of *T*). Every vector of the joint span is ``x = L + Σ_b H_b`` with ``L`` in *T*'s span
(a function of the group) and ``H_b(g, v)`` the sum, over the published cells of attribute
``b`` on group ``g``'s path, of a coefficient of the value ``v`` (0 for a value the cell does
not show). Groups with the same lowest one-way and two-way anchors (the same *key*) share
``H_b``. A *witness pair* is two members of one group with the same values of every other
attribute and different values ``v``, ``w`` of ``b``: where ``x`` is equal on both,
``H_b(g, v) = H_b(g, w)``. Suppose ``x`` is a leak: 0/1 with at most ``k − 1`` ones.

* Within a key region, if ``H_b`` is not constant on the values present, take the split of
  the region's value classes by the level sets of ``H_b`` (a class: a value some cell on the
  path shows, or all the values no cell shows, which ``H_b`` cannot tell apart). Every
  witness pair across the split must have ``x`` unequal, and breaking all of them in one
  *bucket* (members of a group with the same other values) takes ``min(members on one side,
  members on the other)`` ones of ``x``. Groups with the same *pair signature* for values
  ``v``, ``w`` (the cells on their path that show ``v`` or ``w``) share ``H_b(v) − H_b(w)``,
  so every ``(v, w)`` witness pair in all of them must be broken too.
* The rule publishes a cell only if, in every key region and for every split, the region's
  own buckets plus the pooled ``(v, w)`` buckets of the best pair across the split cost at
  least ``k`` ones. So ``H_b`` is constant on every key region.
* Each key region is, by construction, a signed sum of published *T* cells (a one-way anchor
  shows its unit total, a two-way anchor its unit × role cell, and a one-way anchor below a
  two-way anchor the unit × role cell of that role), so ``x`` lies in *T*'s span — where
  the exact gate guarantees no leak. Contradiction: no leak exists. A published cell of
  ``0 < n < k`` members would itself be a leak, so primary suppression is implied.

The cells are chosen greedily, largest units first, each showing as many values as pass
(:class:`_Rule`); a final check of every region against the final pools (:func:`_failing`)
withdraws any cell a later one undermined. A measure starts from the respondents' cells and
keeps those that pass on its own answered counts (:func:`_verified`). Everything here is
counting: groups × buckets × the splits of at most a dozen values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from clinwell.privacy.gate import (
    ReleasedCell,
    ReleasedTable,
    cell_estimates,
    release,
)
from clinwell.privacy.policy import DisclosurePolicy, RequestError
from clinwell.privacy.request import ALL, Dimension, Measure, MeasureKind, TableRequest

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

    @cached_property
    def paths(self) -> IntArray:
        """Per leaf node, its path from "*" down (row = node id, -1 past the leaf)."""
        out = np.full((len(self.labels), int(self.depth.max()) + 1), -1, dtype=np.int64)
        for leaf, chain in enumerate(self.ancestors):
            out[leaf, : len(chain)] = chain[::-1]
        return out


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


@cache
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
    """What breaking witness pairs costs an attacker, per group (its *buckets* are its
    members with the same values of every other attribute).

    ``cost[g, column[side]]``: the sum over the buckets of group ``g`` of min(members with a
    value in ``side``, members with a value outside it) — breaking every witness pair of a
    bucket across that split needs that many members in the leak. ``side`` is a set of value
    bits holding value 0, so that a split and its mirror image share a column.
    ``pair_cost[g, pair[(v, w)]]``: the same for the pairs of values ``v`` and ``w`` alone.
    """

    cost: npt.NDArray[np.int32]
    column: dict[int, int]
    full: int
    pair_cost: npt.NDArray[np.int32]
    pair: dict[tuple[int, int], int]

    def side_column(self, side: int) -> int:
        """The column of the split with ``side`` on one side."""
        return self.column[side if side & 1 else self.full ^ side]


@dataclass(frozen=True)
class _Buckets:
    """Each response's bucket (its group and its values of every other attribute) and each
    bucket's group: the same for every count of one attribute."""

    of_response: IntArray
    group: IntArray


def _buckets(groups: IntArray, others: IntArray) -> _Buckets:
    span = int(others.max()) + 1 if others.size else 1
    keys, of_response = np.unique(groups * span + others, return_inverse=True)
    return _Buckets(of_response.astype(np.int64).ravel(), (keys // span).astype(np.int64))


def _witness_costs(
    buckets: _Buckets,
    codes: IntArray,
    n_values: int,
    members: BoolArray,
    n_groups: int,
) -> _Witnesses:
    """The cost tables of :class:`_Witnesses` for one attribute and one count."""
    full = (1 << n_values) - 1
    sides = list(range(1, full, 2))  # value 0 on the side, not every value
    column = {side: i for i, side in enumerate(sides)}
    pairs = list(combinations(range(n_values), 2))
    cost = np.zeros((n_groups, len(sides)), dtype=np.int32)
    pair_cost = np.zeros((n_groups, len(pairs)), dtype=np.int32)
    witnesses = _Witnesses(cost, column, full, pair_cost, {p: i for i, p in enumerate(pairs)})
    keep = np.flatnonzero(members)
    if keep.size == 0 or not sides:
        return witnesses
    n_buckets = buckets.group.size
    counts = np.bincount(
        buckets.of_response[keep] * n_values + codes[keep], minlength=n_buckets * n_values
    ).reshape(n_buckets, n_values)
    several = np.count_nonzero(counts, axis=1) >= 2  # only these hold witness pairs
    counts, owner = counts[several].astype(np.int32), buckets.group[several]
    if owner.size == 0:
        return witnesses
    in_side = np.array([[side >> v & 1 for side in sides] for v in range(n_values)], dtype=np.int32)
    total = counts.sum(axis=1, dtype=np.int32)[:, None]
    for start in range(0, owner.size, 4096):  # bounded memory with a dozen values
        part = counts[start : start + 4096] @ in_side
        np.add.at(
            cost,
            owner[start : start + 4096],
            np.minimum(part, total[start : start + 4096] - part),
        )
    for i, (v, w) in enumerate(pairs):
        np.add.at(pair_cost[:, i], owner, np.minimum(counts[:, v], counts[:, w]))
    return witnesses


@dataclass
class _Decision:
    """Where one attribute's cells are published, for one count (respondents or a measure):
    per unit node (one-way) and per (unit node, role code) (two-way), the bit mask of the
    values whose cells are shown; the other values' cells are withheld."""

    one_way: dict[int, int] = field(default_factory=dict)
    two_way: dict[tuple[int, int], int] = field(default_factory=dict)
    # (unit node, role code or -1 for one-way) -> when the cell was published
    order: dict[tuple[int, int], int] = field(default_factory=dict)


def _candidates(counts: IntArray, k: int) -> list[int]:
    """Value masks to try at one anchor, most shown first: every value with at least k
    members, then without the smallest of them, and so on; a mask whose withheld rest holds
    1 to k − 1 members is skipped (the rest would be derivable)."""
    order = [int(v) for v in np.argsort(-counts, kind="stable") if counts[v] >= k]
    total = int(counts.sum())
    out = []
    while order:
        mask = sum(1 << v for v in order)
        rest = total - sum(int(counts[v]) for v in order)
        if not 0 < rest < k:
            out.append(mask)
        order.pop()
    return out


Key = tuple[int, int, int]
"""A key region: (lowest one-way anchor, lowest two-way anchor, its role), -1 for none."""


class _Rule:
    """The witness rule's state for one attribute and one count: the published cells, each
    group's lowest anchors and key region, and for every pair of values each group's *pair
    signature* (the cells on its path that show either value) with the witness costs pooled
    per signature.

    Groups with the same pair signature have the same difference H(v) − H(w) whatever the
    coefficients (a cell showing neither value adds 0 to both), so a leak that makes a key
    region's H differ between v and w must break every (v, w) witness pair in all of them.
    A signature is encoded exactly by the deepest one-way cell and the deepest two-way cell
    showing either value (the cells above them on a path are the same for every group that
    shares them): ``(one-way node + 1) · M + (two-way node + 1) · roles + its role``.
    """

    def __init__(
        self,
        units: _Units,
        group_leaf: IntArray,
        group_role: IntArray,
        witnesses: _Witnesses,
        group_counts: IntArray,
        k: int,
    ) -> None:
        self.units, self.leaf, self.role, self.witnesses, self.k = (
            units,
            group_leaf,
            group_role,
            witnesses,
            k,
        )
        n_values = group_counts.shape[1]
        self.n_roles = int(group_role.max()) + 1 if group_role.size else 1
        self.span = (len(units.labels) + 1) * self.n_roles  # M above
        self.present = (group_counts > 0).astype(np.int64) @ (np.int64(1) << np.arange(n_values))
        self.live = np.flatnonzero(self.present != 0)
        self.pairs = sorted(witnesses.pair, key=witnesses.pair.__getitem__)
        self.decision = _Decision()
        n_groups = group_leaf.size
        self.anchor1 = np.full(n_groups, -1, dtype=np.int64)
        self.anchor2 = np.full(n_groups, -1, dtype=np.int64)
        self.regions: dict[Key, set[int]] = {(-1, -1, -1): set(self.live.tolist())}
        self.signature = np.zeros((len(self.pairs), n_groups), dtype=np.int64)
        self.pool: dict[tuple[int, int], int] = {
            (p, 0): int(witnesses.pair_cost[self.live, p].sum()) for p in range(len(self.pairs))
        }
        # pools a passing key region counted on, with the size it needs (and the reverse)
        self.counted_on: dict[tuple[int, int], dict[Key, int]] = {}
        self.counted_by: dict[Key, list[tuple[int, int]]] = {}

    def cell_id(self, node: int, role: int = -1) -> int:
        """One integer per cell: the unit node (one-way), or past them (two-way)."""
        return node if role < 0 else len(self.units.labels) + node * self.n_roles + role

    def key_of(self, g: int) -> Key:
        a2 = int(self.anchor2[g])
        return int(self.anchor1[g]), a2, int(self.role[g]) if a2 >= 0 else -1

    def shown_on_path(self, key: Key) -> int:
        """The values some published cell on the key's path shows on its own."""
        a1, a2, role = key
        mask, node = 0, a1
        while node >= 0:
            mask |= self.decision.one_way.get(node, 0)
            node = int(self.units.parent[node])
        node = a2
        while node >= 0:
            mask |= self.decision.two_way.get((node, role), 0)
            node = int(self.units.parent[node])
        return mask

    def needs(self, key: Key) -> list[tuple[tuple[int, int], int]] | None:
        """Whether every split of the region's value classes costs a leak at least k members:
        its own buckets across the split, plus, for the best pair of values across it, the
        buckets of every other group with the same pair signature.

        The classes: each value present that a cell on the region's path shows on its own,
        and the rest of the values present together (no published cell tells them apart).
        None if it fails; else the pools it counted on, each with the size it needs."""
        members = self.regions.get(key)
        if not members:
            return []
        region = np.fromiter(members, dtype=np.int64, count=len(members))
        first = int(region[0])

        def pool_of(p: int) -> tuple[tuple[int, int], int]:
            pool = (p, int(self.signature[p, first]))
            return pool, self.pool.get(pool, 0)

        return self._test(region, self.shown_on_path(key), pool_of)

    def _test(
        self, region: IntArray, shown: int, pool_of: Callable[[int], tuple[tuple[int, int], int]]
    ) -> list[tuple[tuple[int, int], int]] | None:
        """:meth:`needs` for the groups ``region``, the values ``shown`` on their path and
        ``pool_of(pair)``: the pool of their pair signature and its size."""
        needed: list[tuple[tuple[int, int], int]] = []
        values = int(np.bitwise_or.reduce(self.present[region]))
        singles = values & shown
        classes = [1 << v for v in range(singles.bit_length()) if singles >> v & 1]
        if values & ~shown:
            classes.append(values & ~shown)
        if len(classes) < 2:
            return needed
        w = self.witnesses
        sides = [
            sum(classes[c] for c in range(len(classes)) if chosen >> c & 1)
            for chosen in _splits((1 << len(classes)) - 1)
        ]
        own = w.cost[region][:, [w.side_column(side) for side in sides]].sum(axis=0).tolist()
        inside: list[int] | None = None
        for side, spent in zip(sides, own, strict=True):
            if spent >= self.k:
                continue
            if inside is None:
                inside = w.pair_cost[region].sum(axis=0).tolist()
            bonus = 0
            best = (-1, 0)
            for p, (v, x) in enumerate(self.pairs):
                if not (values >> v & 1 and values >> x & 1):
                    continue
                if (side >> v & 1) == (side >> x & 1):
                    continue  # not across the split
                pool, size = pool_of(p)
                if size - inside[p] > bonus:
                    bonus, best = size - inside[p], pool
            if spent + bonus < self.k:
                return None
            needed.append((best, self.k - spent + inside[best[0]]))
        return needed

    def _new_code(self, old: IntArray, node: int, role: int) -> IntArray:
        """Pair signature codes once a cell at ``node`` (two-way for ``role`` >= 0) shows
        either value of the pair."""
        if role < 0:
            out: IntArray = (node + 1) * self.span + old % self.span
            return out
        out = old // self.span * self.span + (node + 1) * self.n_roles + role
        return out

    def _new_regions_pass(
        self, moved: IntArray, covered: IntArray, node: int, role: int, mask: int
    ) -> bool:
        """The key regions the cell would create pass, computed without publishing it (most
        candidates fail here, and publishing moves every covered group's signatures)."""
        if role < 0:
            other = self.anchor2[moved]
            group_keys = other * (self.n_roles + 1) + np.where(other >= 0, self.role[moved] + 1, 0)
        else:
            group_keys = self.anchor1[moved]
        by_key: dict[int, list[int]] = {}
        for g, group_key in zip(moved.tolist(), group_keys.tolist(), strict=True):
            by_key.setdefault(group_key, []).append(g)
        shows = {p for p, (v, w) in enumerate(self.pairs) if (mask >> v | mask >> w) & 1}
        new_codes: dict[int, IntArray] = {}
        published: dict[Any, int] = self.decision.one_way if role < 0 else self.decision.two_way
        cell: Any = node if role < 0 else (node, role)
        published[cell] = mask
        try:
            for groups in by_key.values():
                region = np.array(groups, dtype=np.int64)
                first = groups[0]
                if role < 0:
                    a2 = int(self.anchor2[first])
                    key = (node, a2, int(self.role[first]) if a2 >= 0 else -1)
                else:
                    key = (int(self.anchor1[first]), node, role)

                def pool_of(p: int, first: int = first) -> tuple[tuple[int, int], int]:
                    if p not in shows:
                        pool = (p, int(self.signature[p, first]))
                        return pool, self.pool.get(pool, 0)
                    if p not in new_codes:
                        new_codes[p] = self._new_code(self.signature[p, covered], node, role)
                    code = int(self._new_code(self.signature[p, [first]], node, role)[0])
                    size = int(self.witnesses.pair_cost[covered[new_codes[p] == code], p].sum())
                    return (p, code), size

                if self._test(region, self.shown_on_path(key), pool_of) is None:
                    return False
            return True
        finally:
            del published[cell]

    def publish(self, node: int, role: int, covered: IntArray, mask: int) -> list[Any]:
        """Show ``mask`` at the cell and move the covered groups' signatures; the undo log."""
        undo: list[Any] = []
        for p, (v, w) in enumerate(self.pairs):
            if not (mask >> v | mask >> w) & 1:
                continue
            old = self.signature[p, covered]
            if role < 0:
                new = (node + 1) * self.span + old % self.span
            else:
                new = old // self.span * self.span + (node + 1) * self.n_roles + role
            cost = self.witnesses.pair_cost[covered, p]
            self._move(p, old, new, cost)
            self.signature[p, covered] = new
            undo.append((p, covered, old, new, cost))
        return undo

    def _move(self, p: int, old: IntArray, new: IntArray, cost: npt.NDArray[np.int32]) -> None:
        pool = self.pool
        if old.size < 256:  # a clinic's groups: a plain loop beats numpy's overhead
            for a, b, c in zip(old.tolist(), new.tolist(), cost.tolist(), strict=True):
                pool[(p, a)] -= c
                pool[(p, b)] = pool.get((p, b), 0) + c
            return
        for codes, sign in ((old, -1), (new, 1)):
            ids, inverse = np.unique(codes, return_inverse=True)
            sums = np.bincount(inverse.ravel(), weights=cost, minlength=ids.size)
            for code, amount in zip(ids.tolist(), sums.tolist(), strict=True):
                pool[(p, code)] = pool.get((p, code), 0) + sign * round(amount)

    def unpublish(self, undo: list[Any]) -> None:
        for p, covered, old, new, cost in reversed(undo):
            self._move(p, new, old, cost)
            self.signature[p, covered] = old

    def _rekey(self, moved: IntArray, anchors: IntArray, values: IntArray) -> None:
        """Set ``anchors[moved] = values`` and move the groups between key regions."""
        for g in moved.tolist():
            self.regions[self.key_of(g)].discard(g)
        anchors[moved] = values
        for g in moved.tolist():
            self.regions.setdefault(self.key_of(g), set()).add(g)

    def attempt(self, moved: IntArray, covered: IntArray, node: int, role: int, mask: int) -> bool:
        """Publish the cell (one-way if ``role`` < 0) if every key region it changes passes
        and no pool another region counted on shrinks below its need; else undo it."""
        if not self._new_regions_pass(moved, covered, node, role, mask):
            return False
        anchors = self.anchor1 if role < 0 else self.anchor2
        published: dict[Any, int] = self.decision.one_way if role < 0 else self.decision.two_way
        cell: Any = node if role < 0 else (node, role)
        before_keys = {self.key_of(int(g)) for g in moved.tolist()}
        before = anchors[moved].copy()
        self._rekey(moved, anchors, np.full(moved.size, node, dtype=np.int64))
        published[cell] = mask
        undo = self.publish(node, role, covered, mask)
        after_keys = {self.key_of(int(g)) for g in moved.tolist()}
        touched = {key for key in before_keys | after_keys if not (key[0] < 0 and key[1] < 0)}
        found: dict[Key, list[tuple[tuple[int, int], int]]] = {}
        # the new regions first: they are the likeliest to fail
        for key in sorted(touched, key=lambda key: key not in after_keys):
            needed = self.needs(key)
            if needed is None:
                break
            found[key] = needed
        else:
            if self._pools_hold(undo, touched):
                self.decision.order[(node, role)] = len(self.decision.order)
                for key, needed in found.items():
                    self._record(key, needed)
                return True
        self._rekey(moved, anchors, before)
        del published[cell]
        self.unpublish(undo)
        return False

    def _pools_hold(self, undo: list[Any], touched: set[Key]) -> bool:
        """No pool that shrank is now smaller than another key region counted on."""
        for p, _, old, _, _ in undo:
            for code in set(old.tolist()):
                for key, amount in self.counted_on.get((p, code), {}).items():
                    if key not in touched and self.pool[(p, code)] < amount:
                        return False
        return True

    def _record(self, key: Key, needed: list[tuple[tuple[int, int], int]]) -> None:
        for pool in self.counted_by.pop(key, []):
            self.counted_on.get(pool, {}).pop(key, None)
        for pool, amount in needed:
            by_key = self.counted_on.setdefault(pool, {})
            by_key[key] = max(by_key.get(key, 0), amount)
        self.counted_by[key] = [pool for pool, _ in needed]

    def settle(self) -> None:
        """:func:`_settle` on the cells published so far."""
        _settle(
            self.units, self.leaf, self.role, self.present, self.witnesses, self.decision, self.k
        )


def _settle(
    units: _Units,
    group_leaf: IntArray,
    group_role: IntArray,
    present: IntArray,
    witnesses: _Witnesses,
    decision: _Decision,
    k: int,
    smaller: Callable[[tuple[int, int], int], int] | None = None,
) -> None:
    """Check every key region with :func:`_failing` (a later cell can take groups out of a
    pool an earlier region counted on); for each region that fails, the latest cell on its
    path shows fewer values (``smaller(cell, mask)``, 0 = none; once per cell, as each
    check of every region costs a pass over all groups) or is withdrawn; check again until
    none fails."""
    stepped: set[tuple[int, int]] = set()
    while failing := _failing(units, group_leaf, group_role, present, witnesses, decision, k):
        for a1, a2, role in failing:
            cells = [(a1, -1)] if a1 >= 0 else []
            if a2 >= 0:
                cells.append((a2, role))
            cell = max(cells, key=lambda cell: decision.order.get(cell, -1))
            published: dict[Any, int] = decision.one_way if cell[1] < 0 else decision.two_way
            where: Any = cell[0] if cell[1] < 0 else cell
            if where not in published:
                continue  # already changed for another failing region this round
            mask = published.pop(where)
            fewer = 0 if smaller is None or cell in stepped else smaller(cell, mask)
            if fewer:
                published[where] = fewer
                stepped.add(cell)


def _verified(
    units: _Units,
    group_leaf: IntArray,
    group_role: IntArray,
    witnesses: _Witnesses,
    group_counts: IntArray,
    t_total: BoolArray,
    t_role: dict[tuple[int, int], bool],
    k: int,
    start: _Decision,
    groups_under: Mapping[int, IntArray],
) -> _Decision:
    """Another count's cells (a measure's answered counts), from the respondents' cells: each
    kept where its T cell is published for this count, showing the values with at least k
    members here, then :func:`_settle`. Far cheaper than a greedy run per measure, and as
    safe: the final check is the same."""
    decision = _Decision(order=dict(start.order))
    n_nodes, n_values = len(units.labels), group_counts.shape[1]
    n_roles = int(group_role.max()) + 1 if group_role.size else 1
    path = units.paths[group_leaf]  # groups × depth, -1 past the leaf
    # per node (and node × role): members holding each value; roles with an answer below
    node_counts = np.zeros((n_nodes, n_values), dtype=np.int64)
    node_role_counts = np.zeros((n_nodes * n_roles, n_values), dtype=np.int64)
    roles_below = np.zeros(n_nodes, dtype=np.int64)  # bit r: someone of role r answered
    answered = group_counts.sum(axis=1) > 0
    for level in range(path.shape[1]):
        at = np.flatnonzero(path[:, level] >= 0)
        nodes = path[at, level]
        node_counts += _row_sums(nodes, group_counts[at], n_nodes)
        node_role_counts += _row_sums(
            nodes * n_roles + group_role[at], group_counts[at], n_nodes * n_roles
        )
        mine = at[answered[at]]
        np.bitwise_or.at(roles_below, path[mine, level], np.int64(1) << group_role[mine])

    def shown(mask: int, counts: IntArray) -> int:
        """The largest candidate here (:func:`_candidates`) among the respondents' values."""
        return next((c for c in _candidates(counts, k) if c & ~mask == 0), 0)

    for (node, r), mask in start.two_way.items():
        if not t_role.get((node, r), False) or node not in groups_under:
            continue
        if (kept := shown(mask, node_role_counts[node * n_roles + r])) != 0:
            decision.two_way[(node, r)] = kept
    # a one-way anchor below a two-way anchor shows the unit × role cell of that role
    two_way_roles = np.zeros(n_nodes, dtype=np.int64)
    for a, r in decision.two_way:
        two_way_roles[a] |= 1 << r
    for node, mask in start.one_way.items():
        if not t_total[node] or node not in groups_under:
            continue
        above, ancestor = 0, int(units.parent[node])
        while ancestor >= 0:
            above |= int(two_way_roles[ancestor])
            ancestor = int(units.parent[ancestor])
        needed = above & int(roles_below[node])
        if any(needed >> r & 1 and not t_role.get((node, r), False) for r in range(n_roles)):
            continue
        if (kept := shown(mask, node_counts[node])) != 0:
            decision.one_way[node] = kept
    present = (group_counts > 0).astype(np.int64) @ (
        np.int64(1) << np.arange(group_counts.shape[1])
    )

    def smaller(cell: tuple[int, int], mask: int) -> int:
        """The next candidate showing fewer of the respondents' values."""
        node, r = cell
        below = (
            groups_under[node] if r < 0 else groups_under[node][group_role[groups_under[node]] == r]
        )
        counts = group_counts[below].sum(axis=0)
        options = [c for c in _candidates(counts, k) if c & ~start_mask(cell) == 0]
        return next((c for c in options if c & mask == c and c != mask), 0)

    def start_mask(cell: tuple[int, int]) -> int:
        node, r = cell
        return start.one_way.get(node, 0) if r < 0 else start.two_way.get((node, r), 0)

    _settle(units, group_leaf, group_role, present, witnesses, decision, k, smaller)
    return decision


def _row_sums(rows: IntArray, values: IntArray, n_rows: int) -> IntArray:
    """``out[i] = Σ values[j]`` over ``j`` with ``rows[j] == i`` (``n_rows`` × columns)."""
    n_columns = values.shape[1]
    flat = (rows[:, None] * n_columns + np.arange(n_columns)).ravel()
    sums = np.bincount(flat, weights=values.ravel(), minlength=n_rows * n_columns)
    return np.rint(sums).astype(np.int64).reshape(n_rows, n_columns)


_DENSE_POOLS = 4_000_000
"""Pair signatures are counted in one array of this many slots at most (32 MB); a tree wide
enough to need more numbers the signatures that occur instead."""


def _failing(
    units: _Units,
    group_leaf: IntArray,
    group_role: IntArray,
    present: IntArray,
    witnesses: _Witnesses,
    decision: _Decision,
    k: int,
) -> list[Key]:
    """The key regions of ``decision`` that fail the witness rule, computed from the
    published cells alone and all at once (the same test as :meth:`_Rule.needs`).

    A group's pair signature is encoded exactly by its deepest one-way cell showing either
    value and its deepest two-way cell showing either: the cells above those on its path are
    the same for every group that shares them."""
    live = np.flatnonzero(present != 0)
    if live.size == 0:
        return []
    n_nodes = len(units.labels)
    n_roles = int(group_role.max()) + 1
    depth = int(units.depth.max())
    path = units.paths[group_leaf[live]]
    role = group_role[live]
    one_mask = np.zeros(n_nodes + 1, dtype=np.int64)  # index -1: no node
    for node, mask in decision.one_way.items():
        one_mask[node] = mask
    two_mask = np.zeros((n_nodes + 1, n_roles), dtype=np.int64)
    for (node, r), mask in decision.two_way.items():
        two_mask[node, r] = mask
    shown1 = one_mask[path]  # groups × depth
    shown2 = two_mask[path, role[:, None]]
    levels = np.arange(depth + 1)

    def deepest(masks: IntArray) -> IntArray:
        """Per group, the node of its deepest cell whose mask is not 0 (-1: none)."""
        at = np.where(masks != 0, levels, -1).max(axis=1)
        out: IntArray = np.where(at >= 0, path[np.arange(live.size), np.maximum(at, 0)], -1)
        return out

    anchor1, anchor2 = deepest(shown1), deepest(shown2)
    key_role = np.where(anchor2 >= 0, role, -1)
    # one integer per (anchor1, anchor2, role) key; regions are its distinct values
    code = ((anchor1 + 1) * (n_nodes + 1) + (anchor2 + 1)) * (n_roles + 1) + (key_role + 1)
    region_code, region_of = np.unique(code, return_inverse=True)
    region_of = region_of.ravel()
    region_keys = np.stack(
        [
            region_code // ((n_nodes + 1) * (n_roles + 1)) - 1,
            region_code // (n_roles + 1) % (n_nodes + 1) - 1,
            region_code % (n_roles + 1) - 1,
        ],
        axis=1,
    )
    n_regions = region_keys.shape[0]
    # per-region sums and unions over the groups sorted by region (reduceat: no ufunc.at)
    by_region = np.argsort(region_of, kind="stable")
    starts = np.searchsorted(region_of[by_region], np.arange(n_regions))
    sorted_groups = live[by_region]
    values = np.bitwise_or.reduceat(present[sorted_groups], starts)
    on_path = np.bitwise_or.reduce(shown1 | shown2, axis=1)
    shown_of = np.bitwise_or.reduceat(on_path[by_region], starts)
    own = np.add.reduceat(witnesses.cost[sorted_groups], starts, axis=0, dtype=np.int64)
    inside = np.add.reduceat(witnesses.pair_cost[sorted_groups], starts, axis=0, dtype=np.int64)
    first = by_region[starts]  # one group of each region
    # each region's pool size per pair, less its own groups' share (all pairs at once)
    bonus_of = np.zeros((n_regions, len(witnesses.pair)), dtype=np.int64)
    if witnesses.pair:
        columns = np.array(list(witnesses.pair.values()), dtype=np.int64)
        first_value = np.array([v for v, _ in witnesses.pair], dtype=np.int64)
        second_value = np.array([w for _, w in witnesses.pair], dtype=np.int64)
        value_bits = np.arange(int(max(second_value.max(), first_value.max())) + 1)
        path_by_level = path.T  # depth × groups
        groups = np.arange(live.size)

        def deepest_either(masks: IntArray) -> IntArray:
            """Per pair (v, w) and group, the node of its deepest cell showing v or w: the
            deeper of the deepest cell showing v and the deepest showing w."""
            level_of = np.full((value_bits.size, live.size), -1, dtype=np.int64)
            for level in range(masks.shape[1]):
                shows = (masks[:, level] >> value_bits[:, None]) & 1  # values × groups
                level_of = np.where(shows != 0, level, level_of)
            node_of = np.where(level_of >= 0, path_by_level[np.maximum(level_of, 0), groups], -1)
            first_deeper = level_of[first_value] >= level_of[second_value]
            out: IntArray = np.where(first_deeper, node_of[first_value], node_of[second_value])
            return out

        s1, s2 = deepest_either(shown1), deepest_either(shown2)  # pairs × groups
        # a dense code per (pair, signature): two-way cells sit on few nodes, so the nodes
        # they can be on are numbered apart (rank 0: none)
        two_way_nodes = np.flatnonzero(two_mask.any(axis=1))
        rank = np.zeros(n_nodes + 1, dtype=np.int64)
        rank[two_way_nodes] = np.arange(1, two_way_nodes.size + 1)
        width = (n_nodes + 1) * (two_way_nodes.size + 1) * n_roles
        sig = ((s1 + 1) * (two_way_nodes.size + 1) + rank[s2]) * n_roles + np.where(
            s2 >= 0, role, 0
        )
        sig += np.arange(columns.size, dtype=np.int64)[:, None] * width
        if columns.size * width > _DENSE_POOLS:  # a wide tree: number the signatures
            _, sig = np.unique(sig, return_inverse=True)
            sig = sig.reshape(columns.size, live.size)
        weight = witnesses.pair_cost[live][:, columns].T.astype(np.float64)
        pools = np.bincount(sig.ravel(), weights=weight.ravel()).astype(np.int64)
        bonus_of[:, columns] = pools[sig[:, first]].T - inside[:, columns]
    real = (region_keys[:, 0] >= 0) | (region_keys[:, 1] >= 0)
    combos: dict[tuple[int, int], list[int]] = {}
    for r, combo in enumerate(zip(values.tolist(), shown_of.tolist(), strict=True)):
        if real[r]:
            combos.setdefault(combo, []).append(r)
    bad = np.zeros(n_regions, dtype=bool)
    for (present_values, shown), rows in combos.items():
        singles = present_values & shown
        classes = [1 << v for v in range(singles.bit_length()) if singles >> v & 1]
        if present_values & ~shown:
            classes.append(present_values & ~shown)
        if len(classes) < 2:
            continue
        at = np.array(rows, dtype=np.int64)
        for chosen in _splits((1 << len(classes)) - 1):
            side = sum(classes[c] for c in range(len(classes)) if chosen >> c & 1)
            spent = own[at, witnesses.side_column(side)]
            across = [
                p
                for (v, w), p in witnesses.pair.items()
                if present_values >> v & 1
                and present_values >> w & 1
                and (side >> v & 1) != (side >> w & 1)
            ]
            bonus = np.maximum(bonus_of[at][:, across].max(axis=1), 0) if across else 0
            bad[at[spent + bonus < k]] = True
    failing: list[Key] = [
        (int(region_keys[r, 0]), int(region_keys[r, 1]), int(region_keys[r, 2]))
        for r in np.flatnonzero(bad).tolist()
    ]
    return failing


def _decide(
    units: _Units,
    group_leaf: IntArray,
    group_role: IntArray,
    witnesses: _Witnesses,
    group_counts: IntArray,
    t_total: BoolArray,
    t_role: dict[tuple[int, int], bool],
    k: int,
    attribute_depth: int | None,
    two_way_depth: int,
) -> _Decision:
    """Greedy, largest units first: at each unit its one-way attribute cells, then (at the top
    levels) its role × attribute cells, largest roles first, each with as many values shown
    as pass (:func:`_candidates`); then :meth:`_Rule.settle`. A candidate is kept only if
    every key region it changes passes, and every key region stays a signed sum of published
    T cells: a one-way anchor shows its unit total, a two-way anchor its unit × role cell, and
    a one-way anchor below a two-way anchor the unit × role cell of that role."""
    rule = _Rule(units, group_leaf, group_role, witnesses, group_counts, k)
    under_lists: dict[int, list[int]] = {}
    for g in rule.live.tolist():
        for node in units.ancestors[int(group_leaf[g])]:
            under_lists.setdefault(node, []).append(g)
    under = {u: np.array(gs, dtype=np.int64) for u, gs in under_lists.items()}
    anchor1, anchor2 = rule.anchor1, rule.anchor2
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
            if all(t_role.get((u, r), False) for r in roles_below):
                for mask in _candidates(group_counts[groups].sum(axis=0), k):
                    if rule.attempt(groups, groups, u, -1, mask):
                        break
        if units.depth[u] > two_way_depth:
            continue
        roles_here = [int(r) for r in group_role[groups].tolist()]
        # the largest roles first: they are the likeliest to pass and leave the rest intact
        by_size = sorted(set(roles_here), key=lambda r: (-roles_here.count(r), r))
        for role in by_size:
            if not t_role.get((u, role), False):
                continue
            in_role = groups[group_role[groups] == role]
            # the lowest two-way anchor wins: groups already under a deeper one stay there
            moved = in_role[
                (anchor2[in_role] < 0)
                | (units.depth[np.maximum(anchor2[in_role], 0)] < units.depth[u])
            ]
            # a one-way anchor below u shows its unit × role cell for the moved groups
            lower = anchor1[moved]
            deeper = lower[(lower >= 0) & (units.depth[np.maximum(lower, 0)] > units.depth[u])]
            if any(not t_role.get((int(a), role), False) for a in set(deeper.tolist())):
                continue
            if not moved.size:
                continue
            for mask in _candidates(group_counts[in_role].sum(axis=0), k):
                if rule.attempt(moved, in_role, u, role, mask):
                    break
    rule.settle()
    return rule.decision


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

    # every published T cell once: its node, role code (-1: all) and measures withheld
    t_published: list[tuple[int, int, set[str]]] = []
    for cell in table.cells:
        if cell.suppressed:
            continue
        node = node_of.get(cell.value(unit_name))
        if node is None:
            continue
        r = cell.value(role_name)
        withheld = {name for name, value in cell.estimates.items() if value is None}
        t_published.append((node, -1 if r == ALL else role_code[r], withheld))

    def t_cells(measure: str | None) -> tuple[BoolArray, dict[tuple[int, int], bool]]:
        total = np.zeros(len(units.labels), dtype=bool)
        by_role: dict[tuple[int, int], bool] = {}
        for node, r, withheld in t_published:
            if measure is not None and measure in withheld:
                continue
            if r < 0:
                total[node] = True
            else:
                by_role[(node, r)] = True
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
    buckets: dict[int, _Buckets] = {}
    under_lists: dict[int, list[int]] = {}
    for g, leaf in enumerate(group_leaf.tolist()):
        for node in units.ancestors[leaf]:
            under_lists.setdefault(node, []).append(g)
    groups_under = {node: np.array(gs, dtype=np.int64) for node, gs in under_lists.items()}
    for measure, members in counts:  # respondents first: each measure starts from them
        t_total, t_role = t_cells(measure)
        for b, (values, codes) in enumerate(attribute_codes):
            key = (members.tobytes() + t_total.tobytes() + repr(sorted(t_role)).encode(), b)
            if key not in cache:
                if b not in buckets:
                    buckets[b] = _buckets(group_of, _signature(attribute_codes, b, len(codes)))
                witnesses = _witness_costs(buckets[b], codes, len(values), members, group_leaf.size)
                group_counts = _group_counts(group_of, codes, len(values), members, group_leaf.size)
                if measure is None:
                    cache[key] = _decide(
                        units,
                        group_leaf,
                        group_role,
                        witnesses,
                        group_counts,
                        t_total,
                        t_role,
                        k,
                        request.attribute_depth,
                        request.two_way_depth,
                    )
                else:
                    cache[key] = _verified(
                        units,
                        group_leaf,
                        group_role,
                        witnesses,
                        group_counts,
                        t_total,
                        t_role,
                        k,
                        decisions[(None, b)],
                        groups_under,
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


def _group_counts(
    group_of: IntArray, codes: IntArray, n_values: int, members: BoolArray, n_groups: int
) -> IntArray:
    """Members of each group holding each value (groups × values)."""
    keep = np.flatnonzero(members)
    flat = np.bincount(group_of[keep] * n_values + codes[keep], minlength=n_groups * n_values)
    return flat.reshape(n_groups, n_values).astype(np.int64)


def _assemble(
    request: GroupRequest,
    table: ReleasedTable,
    units: _Units,
    roles: list[str],
    response_role: IntArray,
    attribute_codes: list[tuple[list[str], IntArray]],
    decisions: Mapping[tuple[str | None, int], _Decision],
) -> ReleasedTable:
    """T's cells with "*" for every attribute, then each attribute's cells: per unit (to
    ``attribute_depth``) everyone and, to ``two_way_depth``, each role present, one cell per
    value. A shown cell of a value nobody in it holds is published with n = 0 (its indicator
    is the zero vector: it adds nothing to what can be derived)."""
    names = [a.name for a in request.attributes]
    dims = (request.unit.name, request.role.name, *names)
    cells: list[ReleasedCell] = [
        ReleasedCell((*cell.key, *((name, ALL) for name in names)), *_rest(cell))
        for cell in table.cells
    ]
    numeric = [m for m in request.measures if m.kind is not MeasureKind.COMMENTS]
    n_roles = len(roles)
    for b, (values, codes) in enumerate(attribute_codes):
        n_values = len(values)
        atoms, atom_of_response = np.unique(
            (units.leaf_of_response * n_roles + response_role) * n_values + codes,
            return_inverse=True,
        )
        atom_of_response = atom_of_response.astype(np.int64).ravel()
        atom_value = atoms % n_values
        atom_role = atoms // n_values % n_roles
        atoms_under: dict[int, list[int]] = {}
        for atom, leaf in enumerate((atoms // (n_values * n_roles)).tolist()):
            for node in units.ancestors[leaf]:
                atoms_under.setdefault(node, []).append(atom)
        keys: list[tuple[tuple[str, str], ...]] = []
        shown: dict[str | None, list[bool]] = {None: [], **{m.name: [] for m in numeric}}
        indptr, indices = [0], []
        for node, label in enumerate(units.labels):
            depth = int(units.depth[node])
            if node not in atoms_under or (
                request.attribute_depth is not None and depth > request.attribute_depth
            ):
                continue
            inside = np.array(atoms_under[node], dtype=np.int64)
            groups: list[tuple[str, IntArray, Any]] = [(ALL, inside, node)]
            if depth <= request.two_way_depth:
                for r, role in enumerate(roles):
                    in_role = inside[atom_role[inside] == r]
                    if in_role.size:
                        groups.append((role, in_role, (node, r)))
            for role, members, where in groups:
                table_of = "one_way" if role == ALL else "two_way"
                masks = {m: getattr(decisions[(m, b)], table_of).get(where, 0) for m in shown}
                held = int(np.bitwise_or.reduce(np.left_shift(1, atom_value[members])))
                for v, value in enumerate(values):
                    in_cell = members[atom_value[members] == v]
                    keys.append(_key(request, dims, label, role, names[b], value))
                    for m, mask in masks.items():
                        shown[m].append(bool(mask >> v & 1 or (mask and not held >> v & 1)))
                    indices.extend(in_cell.tolist())
                    indptr.append(len(indices))
        member = sp.csr_matrix(
            (np.ones(len(indices)), np.array(indices, dtype=np.int64), np.array(indptr)),
            shape=(len(keys), atoms.size),
        )
        sizes = np.asarray(
            member @ np.bincount(atom_of_response, minlength=atoms.size).astype(np.float64)
        )
        published = np.array(shown[None], dtype=bool)
        estimates = {
            m.name: cell_estimates(
                atom_of_response,
                member,
                m,
                published & np.array(shown[m.name], dtype=bool),
                request.confidence,
            )
            for m in numeric
        }
        for c, key in enumerate(keys):
            if not published[c]:
                cells.append(ReleasedCell(key, True))
                continue
            cells.append(
                ReleasedCell(
                    key,
                    False,
                    round(float(sizes[c])),
                    {name: by_cell[c] for name, by_cell in estimates.items()},
                    {},
                )
            )
    return ReleasedTable(
        dimensions=dims,
        measures=dict(table.measures),
        policy=table.policy,
        confidence=table.confidence,
        cells=tuple(cells),
    )


def _rest(cell: ReleasedCell) -> tuple[Any, ...]:
    return cell.suppressed, cell.n, cell.estimates, cell.comments


def _key(
    request: GroupRequest, dims: tuple[str, ...], unit: str, role: str, attribute: str, value: str
) -> tuple[tuple[str, str], ...]:
    fixed = {request.unit.name: unit, request.role.name: role, attribute: value}
    return tuple((d, fixed.get(d, ALL)) for d in dims)
