"""Read a wave's responses and comments into arrays for the privacy gate (one query each).

The scores are read as raw JSON text and parsed with orjson, skipping the ORM's per-row
JSONField conversion: at 100,000 responses that conversion and a per-value Python loop took
3.1 s of the cold computation, the raw path ≈ 1 s (``benchmarks/bench_results.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
import numpy.typing as npt
import orjson
from django.db import connection

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


def _parsed(value: object) -> dict[str, object]:
    # SQLite hands back the JSON text; PostgreSQL's driver may hand back text or a dict.
    if isinstance(value, dict):
        return value
    parsed = orjson.loads(value)  # type: ignore[arg-type]  # str or bytes from the driver
    return parsed if isinstance(parsed, dict) else {}


def _matrix(scores: list[dict[str, object]], columns: Sequence[str]) -> FloatArray:
    """Rows x columns of the score dicts; NaN where a value is missing or not a number."""
    if not columns:
        return np.empty((len(scores), 0))
    # itemgetter of one key returns the value itself, of several a tuple.
    pick = itemgetter(*columns, columns[0]) if len(columns) == 1 else itemgetter(*columns)
    rows: list[tuple[object, ...]] = []
    for s in scores:
        try:
            rows.append(pick(s)[: len(columns)])
        except KeyError:  # a measure this response did not get (e.g. an optional module)
            rows.append(tuple(s.get(c) for c in columns))
    try:
        # None becomes NaN and booleans 0/1; only a stray string needs the slow path.
        matrix = np.array(rows, dtype=np.float64)
    except (TypeError, ValueError):
        matrix = np.array([[_number(v) for v in row] for row in rows], dtype=np.float64)
    return matrix.reshape(len(scores), len(columns))


def load_wave(wave: Wave, columns: Sequence[str]) -> WaveData:
    """The wave's responses: unit id and the requested score columns of each response."""
    table = connection.ops.quote_name(Response._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT unit_id, scores FROM {table} WHERE wave_id = %s", [wave.pk])  # noqa: S608 - table name from the model
        rows = cursor.fetchall()
    unit_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    scores = [_parsed(r[1]) for r in rows]
    matrix = _matrix(scores, columns)
    values = {column: np.ascontiguousarray(matrix[:, j]) for j, column in enumerate(columns)}
    comments: dict[tuple[int, str], list[str]] = defaultdict(list)
    for unit_id, question, text in Comment.objects.filter(wave=wave).values_list(
        "unit_id", "question", "text"
    ):
        comments[(unit_id, question)].append(text)
    return WaveData(unit_ids, values, dict(comments))
