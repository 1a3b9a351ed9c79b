"""Build the one privacy-gate request of a wave and turn its released cells into plain data.

One :class:`~clinwell.privacy.TableRequest` per wave holds every number the results pages,
exports and the PDF show: the unit tree (a hierarchical dimension of materialized id paths,
every ancestor a cell, ``*`` = the organization), every dashboard measure, and the free-text
comments (protected with the wave's comment threshold on respondent counts). Publishing all
of it from one request is what makes complementary suppression hold across everything shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from clinwell.privacy import (
    ALL,
    Dimension,
    DisclosurePolicy,
    Measure,
    ReleasedTable,
    TableRequest,
    release,
)
from clinwell.web.results.services.catalog import MeasureInfo
from clinwell.web.results.services.loading import COMMENT_QUESTION, WaveData

UNIT = "unit"
COMMENT_PREFIX = "comments:"


@dataclass
class CellData:
    """One released cell as plain data (``unit_id`` None = the organization)."""

    unit_id: int | None
    suppressed: bool
    n: int | None
    estimates: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    comments: dict[str, list[str] | None] | None = None
    marks: dict[str, dict[str, Any]] = field(default_factory=dict)
    drivers: dict[str, Any] | None = None


def unit_path(tree_path: str) -> str:
    """``/3/17/42/`` -> ``3/17/42`` (the gate's hierarchical value)."""
    return tree_path.strip("/")


def build_request(
    data: WaveData, paths: dict[int, str], measures: Sequence[MeasureInfo]
) -> TableRequest:
    """The wave's request: unit tree x (measures + one comment list per question)."""
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
    return TableRequest(
        dimensions=(Dimension(UNIT, unit_values, hierarchical=True),),
        measures=tuple(gate_measures),
    )


def released_cells(table: ReleasedTable) -> list[CellData]:
    """Plain-data cells of a released table (estimates rounded to 12 decimals: exact enough
    for every later computation on released cells, such as pooling them for a plan's impact)."""
    out: list[CellData] = []
    for cell in table.cells:
        value = cell.value(UNIT)
        unit_id = None if value == ALL else int(value.rsplit("/", 1)[-1])
        if cell.suppressed:
            out.append(CellData(unit_id, True, None))
            continue
        estimates: dict[str, dict[str, Any] | None] = {}
        for name, est in cell.estimates.items():
            if est is None:
                estimates[name] = None
                continue
            estimates[name] = {
                "estimate": _round(est.estimate),
                "lower": _round(est.lower),
                "upper": _round(est.upper),
                "n": est.n,
                "sd": _round(est.sd),
            }
        comments: dict[str, list[str] | None] | None = None
        if cell.comments:
            comments = {
                name.removeprefix(COMMENT_PREFIX): None if texts is None else list(texts)
                for name, texts in cell.comments.items()
            }
        out.append(CellData(unit_id, False, cell.n, estimates, comments))
    return out


def _round(value: float | None) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), 12)


def run_gate(
    data: WaveData,
    paths: dict[int, str],
    measures: Sequence[MeasureInfo],
    policy: DisclosurePolicy,
) -> list[CellData]:
    """Release the wave's cells through :func:`clinwell.privacy.release`."""
    return released_cells(release(build_request(data, paths, measures), policy))
