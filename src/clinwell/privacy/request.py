"""What a caller asks the gate to publish: per-response groupings and measures.

A :class:`TableRequest` never contains aggregates. It holds, for every response, its group
values (one per :class:`Dimension`) and its raw measure values (:class:`Measure`); the gate
alone turns them into cell statistics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
import numpy.typing as npt

from clinwell.privacy.policy import RequestError

ALL = "*"
"""The grouping value meaning "all values of this dimension"."""


class MeasureKind(Enum):
    """How a measure is summarized in a released cell."""

    PROPORTION = "proportion"  # true/false -> share true, Wilson interval
    MEAN = "mean"  # numeric -> mean, t interval
    COMMENTS = "comments"  # free text -> list of comments (comment threshold)


def _normalize_path(raw: str, dimension: str, row: int) -> str:
    parts = [p.strip() for p in raw.strip().strip("/").split("/")]
    if not raw.strip() or any(not p for p in parts):
        raise RequestError(f"dimension {dimension!r}, row {row}: invalid unit path {raw!r}")
    if ALL in parts:
        raise RequestError(f"dimension {dimension!r}, row {row}: {ALL!r} is reserved")
    return "/".join(parts)


@dataclass(frozen=True)
class Dimension:
    """A grouping variable with one value per response.

    ``hierarchical`` values are ``/``-separated unit paths; every ancestor becomes a cell.
    ``publish_total=False`` means no cell pools over this dimension (e.g. ``wave`` when
    only per-wave results are shown); it is then part of every cut.
    """

    name: str
    values: Sequence[str] = field(repr=False)
    hierarchical: bool = False
    publish_total: bool = True

    def __post_init__(self) -> None:
        if not self.name:
            raise RequestError("a dimension needs a name")
        clean: list[str] = []
        seen: dict[str, str] = {}  # raw value -> normalized (responses share few values)
        for row, value in enumerate(self.values):
            if isinstance(value, str) and value in seen:
                clean.append(seen[value])
                continue
            if not isinstance(value, str) or not value.strip():
                raise RequestError(f"dimension {self.name!r}, row {row}: missing value {value!r}")
            if self.hierarchical:
                seen[value] = _normalize_path(value, self.name, row)
            elif value.strip() == ALL:
                raise RequestError(f"dimension {self.name!r}, row {row}: {ALL!r} is reserved")
            else:
                seen[value] = value.strip()
            clean.append(seen[value])
        object.__setattr__(self, "values", tuple(clean))


@dataclass(frozen=True, eq=False)
class Measure:
    """Raw per-response values of one measure (NaN / ``None`` = missing).

    Build with :meth:`proportion`, :meth:`mean` or :meth:`comments`.
    """

    name: str
    kind: MeasureKind
    numbers: npt.NDArray[np.float64] = field(repr=False)
    texts: tuple[str | None, ...] = field(default=(), repr=False)

    @property
    def size(self) -> int:
        """Number of responses."""
        return len(self.texts) if self.kind is MeasureKind.COMMENTS else int(self.numbers.size)

    @classmethod
    def proportion(cls, name: str, values: npt.ArrayLike) -> Measure:
        """A true/false measure (1/0, NaN missing) summarized as a proportion."""
        arr = np.asarray(values, dtype=np.float64).ravel()
        bad = np.flatnonzero(~np.isnan(arr) & (arr != 0.0) & (arr != 1.0))
        if bad.size:
            raise RequestError(f"measure {name!r}, row {bad[0]}: {arr[bad[0]]!r} is not true/false")
        return cls(name, MeasureKind.PROPORTION, arr)

    @classmethod
    def mean(cls, name: str, values: npt.ArrayLike) -> Measure:
        """A numeric measure (NaN missing) summarized as a mean."""
        arr = np.asarray(values, dtype=np.float64).ravel()
        bad = np.flatnonzero(np.isinf(arr))
        if bad.size:
            raise RequestError(f"measure {name!r}, row {bad[0]}: value is infinite")
        return cls(name, MeasureKind.MEAN, arr)

    @classmethod
    def comments(cls, name: str, texts: Sequence[str | None]) -> Measure:
        """Free-text answers (``None`` or blank = no comment), released as sorted lists."""
        clean = tuple(t.strip() if isinstance(t, str) and t.strip() else None for t in texts)
        present = np.array([t is not None for t in clean], dtype=np.float64)
        return cls(name, MeasureKind.COMMENTS, present, clean)


@dataclass(frozen=True, eq=False)
class TableRequest:
    """Everything the caller wants published for one population of responses.

    ``cuts`` lists which dimensions vary together (e.g. ``(("unit", "role"),
    ("unit", "tenure"))``); each cut publishes every combination of its dimensions' values,
    with ``*`` margins. ``None`` means one cut with all dimensions (the full cross-table).
    """

    dimensions: tuple[Dimension, ...]
    measures: tuple[Measure, ...] = ()
    cuts: tuple[tuple[str, ...], ...] | None = None
    confidence: float = 0.95

    def __post_init__(self) -> None:
        names = [d.name for d in self.dimensions] + [m.name for m in self.measures]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise RequestError(f"name {dupes[0]!r} is used twice")
        if not self.dimensions and not self.measures:
            raise RequestError("a request needs at least one dimension or measure")
        sizes = {len(d.values) for d in self.dimensions} | {m.size for m in self.measures}
        if len(sizes) != 1:
            raise RequestError(f"dimensions and measures have different lengths {sorted(sizes)}")
        known = {d.name for d in self.dimensions}
        for cut in self.cuts or ():
            unknown = [c for c in cut if c not in known]
            if unknown:
                raise RequestError(f"cuts: unknown dimension {unknown[0]!r}")
        if not 0.0 < self.confidence < 1.0:
            raise RequestError(f"confidence must be between 0 and 1, got {self.confidence!r}")

    @property
    def size(self) -> int:
        """Number of responses."""
        if self.dimensions:
            return len(self.dimensions[0].values)
        return self.measures[0].size
