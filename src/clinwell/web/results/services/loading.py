"""Read a wave's responses and comments into arrays for the privacy gate (one query each)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clinwell.web.surveys.models import Comment, Response, Wave

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class WaveData:
    """Per-response unit ids and measure values (NaN = missing), plus comments by unit."""

    unit_ids: npt.NDArray[np.int64]
    values: dict[str, FloatArray]
    comments: dict[tuple[int, str], list[str]]

    @property
    def size(self) -> int:
        return int(self.unit_ids.size)


def _number(value: object) -> float:
    if value is None or isinstance(value, str):
        return np.nan
    return float(value)  # type: ignore[arg-type]  # bool, int or float from JSON


def load_wave(wave: Wave, columns: Sequence[str]) -> WaveData:
    """The wave's responses: unit id and the requested score columns of each response."""
    rows = list(Response.objects.filter(wave=wave).values_list("unit_id", "scores"))
    unit_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    values: dict[str, FloatArray] = {}
    for column in columns:
        values[column] = np.fromiter(
            (_number(r[1].get(column)) for r in rows), dtype=np.float64, count=len(rows)
        )
    comments: dict[tuple[int, str], list[str]] = defaultdict(list)
    for unit_id, question, text in Comment.objects.filter(wave=wave).values_list(
        "unit_id", "question", "text"
    ):
        comments[(unit_id, question)].append(text)
    return WaveData(unit_ids, values, dict(comments))
