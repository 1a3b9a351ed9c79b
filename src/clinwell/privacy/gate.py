"""The disclosure-control gate: the only function that turns responses into cell numbers.

:func:`release` takes raw per-response groupings and measures (:class:`TableRequest`),
decides which cells are published (:mod:`clinwell.privacy.suppression`), and only then
computes statistics, for published cells only. A suppressed cell carries no number at all.

Each measure is protected on its own count (respondents who answered it): a cell can be
published (with its ``n``) while one measure in it is withheld. Comments are protected on
respondent counts with the comment threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from clinwell.privacy.lattice import Lattice, build_lattice
from clinwell.privacy.policy import DisclosurePolicy, RequestError
from clinwell.privacy.request import ALL, Measure, MeasureKind, TableRequest
from clinwell.privacy.suppression import AuditMemo, protect
from clinwell.stats.means import t_bounds
from clinwell.stats.proportions import wilson_bounds

RESERVED_NAMES = frozenset({"n", "suppressed"})
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ReleasedEstimate:
    """A published statistic of one measure in one cell.

    ``estimate``/``lower``/``upper`` are ``None`` when nobody in the cell answered (``n == 0``)
    or, for the interval, when it is undefined. ``sd`` is given for means.
    """

    estimate: float | None
    lower: float | None
    upper: float | None
    n: int
    sd: float | None = None


@dataclass(frozen=True)
class ReleasedCell:
    """One cell after the gate. If ``suppressed``, ``n`` is ``None`` and nothing else is set.

    In a published cell, a measure maps to ``None`` in ``estimates``/``comments`` when that
    measure is withheld for this cell (too few answers to it, or complementary suppression).
    """

    key: tuple[tuple[str, str], ...]
    suppressed: bool
    n: int | None = None
    estimates: Mapping[str, ReleasedEstimate | None] = field(default_factory=dict)
    comments: Mapping[str, tuple[str, ...] | None] = field(default_factory=dict)

    def value(self, dimension: str) -> str:
        """The cell's value for ``dimension`` (``"*"`` = all)."""
        return dict(self.key)[dimension]

    def to_record(self) -> dict[str, Any]:
        """JSON-ready dict: grouping values, ``suppressed``, and (if published) ``n`` and
        one entry per measure (``{"estimate", "lower", "upper"}``, or a list of comments)."""
        record: dict[str, Any] = dict(self.key)
        record["suppressed"] = self.suppressed
        if self.suppressed:
            return record
        record["n"] = self.n
        for name, est in self.estimates.items():
            if est is None:
                record[name] = {"estimate": None, "lower": None, "upper": None, "suppressed": True}
            else:
                record[name] = {"estimate": est.estimate, "lower": est.lower, "upper": est.upper}
        for name, texts in self.comments.items():
            record[name] = {"suppressed": True} if texts is None else list(texts)
        return record


@dataclass(frozen=True)
class ReleasedTable:
    """Every requested cell, published or suppressed, with the policy that was applied."""

    dimensions: tuple[str, ...]
    measures: Mapping[str, MeasureKind]
    policy: DisclosurePolicy
    confidence: float
    cells: tuple[ReleasedCell, ...]

    @cached_property
    def _index(self) -> dict[tuple[tuple[str, str], ...], ReleasedCell]:
        return {c.key: c for c in self.cells}

    def cell(self, **values: str) -> ReleasedCell:
        """The cell with these grouping values (omitted dimensions mean ``"*"``).

        Raises ``KeyError`` if the request did not produce that cell.
        """
        unknown = set(values) - set(self.dimensions)
        if unknown:
            raise RequestError(f"unknown dimension {sorted(unknown)[0]!r}")
        return self._index[tuple((d, values.get(d, ALL)) for d in self.dimensions)]

    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per cell (see :meth:`ReleasedCell.to_record`)."""
        return [c.to_record() for c in self.cells]

    def csv_header(self) -> list[str]:
        """Column names of :meth:`csv_rows`."""
        cols = [*self.dimensions, "suppressed", "n"]
        for name, kind in self.measures.items():
            if kind is not MeasureKind.COMMENTS:
                cols += [f"{name}_estimate", f"{name}_lower", f"{name}_upper"]
        return cols

    def csv_rows(self) -> list[list[str]]:
        """Flat rows (numbers only; comments are not exported to CSV). Empty = not shown."""
        rows = []
        for c in self.cells:
            row = [v for _, v in c.key] + [str(c.suppressed).lower()]
            row.append("" if c.n is None else str(c.n))
            for name, kind in self.measures.items():
                if kind is MeasureKind.COMMENTS:
                    continue
                est = c.estimates.get(name)
                vals = (None, None, None) if est is None else (est.estimate, est.lower, est.upper)
                row += ["" if v is None else repr(float(v)) for v in vals]
            rows.append(row)
        return rows


def _answered(measure: Measure) -> npt.NDArray[np.bool_]:
    if measure.kind is MeasureKind.COMMENTS:
        return np.array([t is not None for t in measure.texts], dtype=bool)
    return np.asarray(~np.isnan(measure.numbers))


def cell_estimates(
    atom_of_response: npt.NDArray[np.int64],
    member: sp.csr_matrix,
    measure: Measure,
    published: npt.NDArray[np.bool_],
    confidence: float,
) -> list[ReleasedEstimate | None]:
    """One measure's estimate in every cell (rows of ``member``, a cells × atoms 0/1 matrix),
    ``None`` where not ``published``: the mean (a proportion for 0/1 measures) with its Wilson
    or t interval, from each cell's answered count n, Σ(x − c) and Σ(x − c)² with c the
    measure's overall mean (shifted sums keep the variance exact to rounding)."""
    values = measure.numbers
    ok = ~np.isnan(values)
    shift = float(values[ok].mean()) if ok.any() else 0.0
    if measure.kind is MeasureKind.PROPORTION:
        shift = 0.0
    centred = np.where(ok, values - shift, 0.0)
    atoms = atom_of_response
    size = member.shape[1]
    n = np.asarray(member @ np.bincount(atoms, weights=ok, minlength=size))
    s1 = np.asarray(member @ np.bincount(atoms, weights=centred, minlength=size))
    s2 = np.asarray(member @ np.bincount(atoms, weights=centred * centred, minlength=size))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / n
        var = np.maximum(s2 - s1 * mean, 0.0) / (n - 1.0)
    sd = np.sqrt(var)
    if measure.kind is MeasureKind.PROPORTION:
        lower, upper = wilson_bounds(np.rint(s1), n, confidence)
    else:
        mean = mean + shift
        lower, upper = t_bounds(mean, sd, n, confidence)
    out: list[ReleasedEstimate | None] = [None] * member.shape[0]
    counts = np.rint(n).astype(np.int64).tolist()
    means, lows, ups, sds = mean.tolist(), lower.tolist(), upper.tolist(), sd.tolist()
    with_sd = measure.kind is MeasureKind.MEAN
    for c in np.flatnonzero(published).tolist():
        count = counts[c]
        if count == 0:
            out[c] = ReleasedEstimate(None, None, None, 0)
            continue
        lo, up = lows[c], ups[c]
        out[c] = ReleasedEstimate(
            estimate=means[c],
            lower=None if lo != lo else lo,  # NaN: undefined interval
            upper=None if up != up else up,
            n=count,
            sd=sds[c] if with_sd and count > 1 else None,
        )
    return out


def _comments(
    lattice: Lattice, measure: Measure, published: npt.NDArray[np.bool_]
) -> list[tuple[str, ...] | None]:
    by_atom: dict[int, list[str]] = {}
    for atom, text in zip(lattice.atom_of_response.tolist(), measure.texts, strict=True):
        if text is not None:
            by_atom.setdefault(atom, []).append(text)
    member = lattice.membership
    out: list[tuple[str, ...] | None] = []
    for c in range(lattice.n_cells):
        if not published[c]:
            out.append(None)
            continue
        atoms = member.indices[member.indptr[c] : member.indptr[c + 1]]
        out.append(tuple(sorted(t for a in atoms.tolist() for t in by_atom.get(a, []))))
    return out


def release(
    request: TableRequest, policy: DisclosurePolicy, *, audit: str = "auto"
) -> ReleasedTable:
    """Apply disclosure control to ``request`` and compute statistics of published cells.

    ``audit`` chooses how the exact disclosure audit is organized: ``"pieces"`` audits the
    independent pieces of the unit tree (:mod:`clinwell.privacy.pieces`); ``"whole"``
    audits the whole table at once (the previous method, much slower on large tables);
    ``"auto"`` (default) uses ``"whole"`` for small tables and ``"pieces"`` for large ones
    (:data:`clinwell.privacy.suppression.AUTO_WHOLE_LIMIT`). All give the same guarantee.

    Guarantee (see docs/privacy.md): no linear combination of the published counts, sums or
    comment lists isolates a group of 1 to ``k - 1`` responses, where ``k`` is
    ``policy.min_n_scores`` for numbers and ``policy.min_n_comments`` for comments.
    """
    reserved = RESERVED_NAMES & {d.name for d in request.dimensions} | (
        RESERVED_NAMES & {m.name for m in request.measures}
    )
    if reserved:
        raise RequestError(f"{sorted(reserved)[0]!r} is a reserved name")
    lattice = build_lattice(request)
    atoms = lattice.atom_of_response
    size = lattice.atom_sizes.size
    memo = AuditMemo()  # a measure's pieces are mostly the respondents' (no skip)
    cell_suppressed = protect(
        lattice, lattice.atom_sizes, policy.min_n_scores, audit=audit, memo=memo
    )
    cache: dict[tuple[bytes, int], npt.NDArray[np.bool_]] = {}
    numeric: dict[str, list[ReleasedEstimate | None]] = {}
    texts: dict[str, list[tuple[str, ...] | None]] = {}
    for measure in request.measures:
        if measure.kind is MeasureKind.COMMENTS:
            counts, k = lattice.atom_sizes, policy.min_n_comments
        else:
            counts = np.bincount(atoms, weights=_answered(measure), minlength=size).astype(np.int64)
            k = policy.min_n_scores
        key = (counts.tobytes(), k)
        if key not in cache:
            cache[key] = protect(lattice, counts, k, cell_suppressed, audit=audit, memo=memo)
        published = ~cache[key]
        if measure.kind is MeasureKind.COMMENTS:
            texts[measure.name] = _comments(lattice, measure, published)
        else:
            numeric[measure.name] = cell_estimates(
                lattice.atom_of_response,
                lattice.membership,
                measure,
                published,
                request.confidence,
            )
    total = np.asarray(lattice.membership @ lattice.atom_sizes.astype(np.float64))
    cells = []
    for c in range(lattice.n_cells):
        if cell_suppressed[c]:
            cells.append(ReleasedCell(lattice.key(c), True))
            continue
        cells.append(
            ReleasedCell(
                key=lattice.key(c),
                suppressed=False,
                n=round(float(total[c])),
                estimates={name: values[c] for name, values in numeric.items()},
                comments={name: values[c] for name, values in texts.items()},
            )
        )
    return ReleasedTable(
        dimensions=lattice.dimension_names,
        measures={m.name: m.kind for m in request.measures},
        policy=policy,
        confidence=request.confidence,
        cells=tuple(cells),
    )
