"""Build the one privacy-gate request of a wave and turn its released cells into plain data.

One :class:`~clinwell.privacy.groups.GroupRequest` per wave holds every number the results
pages, exports, the API and the PDF show: the unit tree (a hierarchical dimension of
materialized id paths, every ancestor a cell, ``*`` = the organization) crossed with role,
the respondent attributes (tenure band and those the wave asked) one-way at every unit and
crossed with role at the organization and site levels, every dashboard measure, and the
free-text comments (on the unit cells, protected with the wave's comment threshold).
Publishing all of it from one release is what makes complementary suppression hold across
everything shown (:mod:`clinwell.privacy.groups`, docs/privacy.md "Results by group").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from clinwell.instruments.attributes import NOT_STATED
from clinwell.privacy import (
    ALL,
    Dimension,
    DisclosurePolicy,
    Measure,
    ReleasedEstimate,
    ReleasedTable,
)
from clinwell.privacy.groups import GroupRequest, release_groups
from clinwell.web.results.services.catalog import MeasureInfo
from clinwell.web.results.services.loading import COMMENT_QUESTION, WaveData

IntArray = npt.NDArray[np.int64]

UNIT = "unit"
ROLE = "role"
TENURE = "tenure"
COMMENT_PREFIX = "comments:"
TWO_WAY_DEPTH = 1
"""Role × attribute cells are published at the organization (depth 0) and its top units
(depth 1, a system's sites): the levels the pages show them."""


@dataclass
class CellData:
    """One released cell as plain data (``unit_id`` None = the organization; ``group`` as
    in :class:`~clinwell.web.results.models.PublishedCell`)."""

    unit_id: int | None
    suppressed: bool
    n: int | None
    estimates: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    comments: dict[str, list[str] | None] | None = None
    marks: dict[str, dict[str, Any]] = field(default_factory=dict)
    drivers: dict[str, Any] | None = None
    group: str = ""
    protects_other: bool = False


def unit_path(tree_path: str) -> str:
    """``/3/17/42/`` -> ``3/17/42`` (the gate's hierarchical value)."""
    return tree_path.strip("/")


def coarsened(values: Sequence[str], k: int) -> list[str]:
    """An attribute's values with every value fewer than ``k`` respondents of the wave gave
    merged into :data:`NOT_STATED` ("not stated or another answer").

    Such a value can never be published at any unit, and under the witness rule one value
    that cannot be published keeps the whole attribute from being published at a unit
    (docs/privacy.md, "Results by group"): merging it costs nothing that could be shown.
    """
    counts = Counter(values)
    rare = {value for value, n in counts.items() if n < k and value != NOT_STATED}
    return [NOT_STATED if value in rare else value for value in values]


def build_request(
    data: WaveData, paths: dict[int, str], measures: Sequence[MeasureInfo], k: int = 1
) -> GroupRequest:
    """The wave's request: unit tree × role, attributes (values fewer than ``k`` respondents
    gave merged, :func:`coarsened`), measures and the comments."""
    unit_values = [paths[int(u)] for u in data.unit_ids.tolist()]
    gate_measures: list[Measure] = []
    for m in measures:
        values = data.values[m.column]
        if m.is_proportion:
            gate_measures.append(Measure.proportion(m.column, values))
        else:
            gate_measures.append(Measure.mean(m.column, values))
    if any(data.comments):
        texts = [text or None for text in data.comments]
        gate_measures.append(Measure.comments(COMMENT_PREFIX + COMMENT_QUESTION, texts))
    attributes = [Dimension(TENURE, coarsened(data.tenure_bands, k))]
    attributes += [Dimension(key, coarsened(values, k)) for key, values in data.attributes.items()]
    return GroupRequest(
        unit=Dimension(UNIT, unit_values, hierarchical=True),
        role=Dimension(ROLE, data.roles),
        attributes=tuple(attributes),
        measures=tuple(gate_measures),
        two_way_depth=TWO_WAY_DEPTH,
    )


def released_cells(table: ReleasedTable) -> list[CellData]:
    """Plain-data cells of a released table (estimates rounded to 12 decimals: exact enough
    for every later computation on released cells, such as pooling them for a plan's impact)."""
    out: list[CellData] = []
    groups: dict[tuple[tuple[str, str], ...], str] = {}  # the same few groups in every unit
    for cell in table.cells:
        value = cell.value(UNIT)
        unit_id = None if value == ALL else int(value.rsplit("/", 1)[-1])
        others = tuple(kv for kv in cell.key if kv[0] != UNIT)
        group = groups.get(others)
        if group is None:
            group = groups[others] = group_of(others)
        if cell.suppressed:
            out.append(CellData(unit_id, True, None, group=group))
            continue
        estimates: dict[str, dict[str, Any] | None] = {}
        for name, est in cell.estimates.items():
            if est is None:
                estimates[name] = None
                continue
            estimates[name] = _estimate_data(est)
        comments: dict[str, list[str] | None] | None = None
        if cell.comments and not group:  # comments are shown for units, never by group
            comments = {
                name.removeprefix(COMMENT_PREFIX): None if texts is None else list(texts)
                for name, texts in cell.comments.items()
            }
        out.append(CellData(unit_id, False, cell.n, estimates, comments, group=group))
    return out


def group_of(key: tuple[tuple[str, str], ...]) -> str:
    """The cell's group key (``role=physician&gender=woman``; ``""`` = everyone)."""
    return "&".join(f"{name}={value}" for name, value in key if name != UNIT and value != ALL)


def mark_protecting(
    cells: list[CellData], table: ReleasedTable, request: GroupRequest, k: int
) -> None:
    """Set ``protects_other`` on each hidden cell of at least ``k`` respondents.

    The gate hid such a cell only to protect a smaller group nearby (complementary
    suppression); the page says so. What this reveals — that the hidden group has at least
    ``k`` members — is listed in docs/privacy.md, "Deliberate exceptions". Counted with one
    group-by per cut (unit depth × grouping dimensions), not per cell.
    """
    hidden = [(i, c) for i, c in enumerate(table.cells) if c.suppressed]
    if not hidden:
        return
    # every grouping dimension as integer codes, each response's unit at each depth too
    codes = {d.name: _codes(d.values) for d in (request.role, *request.attributes)}
    unit_lookup, unit_inverse = _codes(request.unit.values)
    unit_parts = [u.split("/") for u in unit_lookup]
    by_depth: dict[int, tuple[dict[str, int], IntArray]] = {}
    by_cut: dict[tuple[int, tuple[str, ...]], list[tuple[int, tuple[str, ...]]]] = {}
    for index, cell in hidden:
        unit = cell.value(UNIT)
        depth = 0 if unit == ALL else unit.count("/") + 1
        fixed = tuple(name for name, value in cell.key if name != UNIT and value != ALL)
        values = tuple(value for name, value in cell.key if name != UNIT and value != ALL)
        by_cut.setdefault((depth, fixed), []).append((index, (unit, *values)))
    for (depth, fixed), wanted in by_cut.items():
        if depth not in by_depth:
            # each unit's ancestor at this depth ("" when the unit is shallower)
            lookup, of_unit = _codes(
                [
                    ALL if depth == 0 else "/".join(p[:depth]) if len(p) >= depth else ""
                    for p in unit_parts
                ]
            )
            by_depth[depth] = (lookup, of_unit[unit_inverse])
        lookups = [by_depth[depth], *(codes[name] for name in fixed)]
        combined = np.zeros(unit_inverse.size, dtype=np.int64)
        for lookup, inverse in lookups:
            combined = combined * (len(lookup) + 1) + inverse
        found, sizes = np.unique(combined, return_counts=True)
        size_of = dict(zip(found.tolist(), sizes.tolist(), strict=True))
        for index, key in wanted:
            code = 0
            for (lookup, _), value in zip(lookups, key, strict=True):
                if value not in lookup:
                    break
                code = code * (len(lookup) + 1) + lookup[value]
            else:
                if size_of.get(code, 0) >= k:
                    cells[index].protects_other = True


def _codes(values: Sequence[str]) -> tuple[dict[str, int], IntArray]:
    """A code per distinct value (in order of appearance) and each value's code."""
    lookup: dict[str, int] = {}
    inverse = np.fromiter(
        (lookup.setdefault(v, len(lookup)) for v in values), dtype=np.int64, count=len(values)
    )
    return lookup, inverse


def _estimate_data(est: ReleasedEstimate) -> dict[str, Any]:
    e, lo, up, sd = est.estimate, est.lower, est.upper, est.sd
    return {
        "estimate": None if e is None or not math.isfinite(e) else round(e, 12),
        "lower": None if lo is None or not math.isfinite(lo) else round(lo, 12),
        "upper": None if up is None or not math.isfinite(up) else round(up, 12),
        "n": est.n,
        "sd": None if sd is None or not math.isfinite(sd) else round(sd, 12),
    }


def run_gate(
    data: WaveData,
    paths: dict[int, str],
    measures: Sequence[MeasureInfo],
    policy: DisclosurePolicy,
) -> list[CellData]:
    """Release the wave's cells through :func:`clinwell.privacy.groups.release_groups`."""
    request = build_request(data, paths, measures, policy.min_n_scores)
    table = release_groups(request, policy)
    cells = released_cells(table)
    mark_protecting(cells, table, request, policy.min_n_scores)
    return cells
